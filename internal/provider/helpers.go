package provider

import (
	"context"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
)

func stringSet(ctx context.Context, v []string, diags *diag.Diagnostics) types.Set {
	if v == nil {
		v = []string{}
	}
	s, d := types.SetValueFrom(ctx, types.StringType, v)
	diags.Append(d...)
	return s
}

func setStrings(ctx context.Context, s types.Set, diags *diag.Diagnostics) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	var out []string
	diags.Append(s.ElementsAs(ctx, &out, false)...)
	sort.Strings(out)
	return out
}

func nullableString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func notConfigured(diags *diag.Diagnostics) {
	diags.AddError("Provider not configured", "The onboard provider has no credentials yet; check the provider block and its environment variables.")
}

// normalizeTenant reads a tenant reference from configuration, often a CSV
// cell: a tenant ID (GUID, possibly upper case or in braces) or a verified
// domain (possibly with a trailing dot). Surrounding spaces and a byte
// order mark go, letters become lowercase. isID says which it is; ok is
// false when it is neither.
func normalizeTenant(ref string) (norm string, isID, ok bool) {
	s := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(ref), "\ufeff")))
	if inner, found := strings.CutPrefix(s, "{"); found {
		if inner, found = strings.CutSuffix(inner, "}"); found && onboarding.IsGUID(inner) {
			s = inner
		}
	}
	if onboarding.IsGUID(s) {
		return s, true, true
	}
	s = strings.TrimSuffix(s, ".")
	if !isDomain(s) {
		return s, false, false
	}
	return s, false, true
}

// isDomain: two or more labels of letters, digits and inner hyphens (the
// form of Entra's verified domains, internationalized ones in punycode).
func isDomain(s string) bool {
	if len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, c := range l {
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
				return false
			}
		}
	}
	return true
}

// setAll sets top-level state attributes (import, move).
func setAll(ctx context.Context, target *tfsdk.State, attrs map[string]any) diag.Diagnostics {
	var diags diag.Diagnostics
	for name, v := range attrs {
		diags.Append(target.SetAttribute(ctx, path.Root(name), v)...)
	}
	return diags
}
