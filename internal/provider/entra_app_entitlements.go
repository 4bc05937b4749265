package provider

import (
	"context"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// What app roles (entra_app_roles.go) and delegated scopes
// (entra_app_api.go) share: an ID the configuration chooses, a value unique
// across both, and an enabled flag Graph wants off before one is removed or
// renamed.

// entitlementText is how an app role's or a scope's block describes its
// shared attributes.
type entitlementText struct {
	ID, Value, Enabled string
	// Example is a value Entra accepts, shown when a value is refused.
	Example string
}

// entitlementAttributes returns the block's id, value and enabled
// attributes plus extra, the kind's own.
func entitlementAttributes(text entitlementText, extra map[string]schema.Attribute) map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{Required: true, Validators: []validator.String{guidValidator()}, MarkdownDescription: text.ID},
		"value": schema.StringAttribute{Required: true, Validators: []validator.String{entitlementValueValidator(text.Example)},
			MarkdownDescription: text.Value},
		"enabled": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true), MarkdownDescription: text.Enabled},
	}
	for k, v := range extra {
		attrs[k] = v
	}
	return attrs
}

// modelsFromSet reads a set block's elements into their models.
func modelsFromSet[M any](ctx context.Context, set types.Set, diags *diag.Diagnostics) []M {
	var models []M
	diags.Append(set.ElementsAs(ctx, &models, false)...)
	return models
}

// setOfModels is a set block's value holding models.
func setOfModels[M any](ctx context.Context, attrTypes map[string]attr.Type, models []M, diags *diag.Diagnostics) types.Set {
	v, d := types.SetValueFrom(ctx, types.ObjectType{AttrTypes: attrTypes}, models)
	diags.Append(d...)
	return v
}

// entitlementsToDisable is the state's entitlements with those the plan
// removes or renames (by ID, case-insensitively, and value) turned off, or
// nil when none is: Graph refuses to delete or change the value of an
// enabled app role or scope, so updates disable it first.
func entitlementsToDisable[E any](current, planned []E, key func(E) (id, value string), enabled func(*E) *bool) []E {
	var out []E
	disabling := false
	for _, c := range current {
		id, value := key(c)
		keep := slices.ContainsFunc(planned, func(p E) bool {
			pid, pvalue := key(p)
			return strings.EqualFold(pid, id) && pvalue == value
		})
		if on := enabled(&c); *on && !keep {
			*on, disabling = false, true
		}
		out = append(out, c)
	}
	if !disabling {
		return nil
	}
	return out
}
