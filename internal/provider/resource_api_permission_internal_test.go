package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Before the provider has credentials only the snapshot can be asked, and it
// is not the authority: a name it lacks warns (with the closest names and
// the snapshot's date) instead of failing, and a display name waits for plan.
func TestAPIPermissionValidateWithoutCredentialsOnlyWarns(t *testing.T) {
	ctx := context.Background()
	r := &apiPermissionResource{}
	var sresp resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sresp)
	typ := sresp.Schema.Type().TerraformType(ctx)
	config := func(api string, app ...string) tfsdk.Config {
		var names []tftypes.Value
		for _, n := range app {
			names = append(names, tftypes.NewValue(tftypes.String, n))
		}
		attrs := map[string]tftypes.Value{}
		for name, at := range typ.(tftypes.Object).AttributeTypes {
			attrs[name] = tftypes.NewValue(at, nil)
		}
		attrs["application_id"] = tftypes.NewValue(tftypes.String, "00000000-0000-4000-8000-000000000000")
		attrs["api"] = tftypes.NewValue(tftypes.String, api)
		attrs["application_permissions"] = tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, names)
		return tfsdk.Config{Schema: sresp.Schema, Raw: tftypes.NewValue(typ, attrs)}
	}
	for _, c := range []struct {
		api   string
		names []string
		warn  string
	}{
		{"Microsoft Graph", []string{"Sites.Read.All", "Mail.Send", "Files.Read.All"}, ""},
		{"Microsoft Graph", []string{"Sites.Read.Al"}, `did you mean "Sites.Read.All"? (Checked against the provider's snapshot of Microsoft Graph's permissions of 2026-08-20`},
		{"Office 365 Exchange Online", []string{"anything"}, ""},
		{"00000002-0000-0ff1-ce00-000000000000", []string{"anything"}, ""},
	} {
		var resp resource.ValidateConfigResponse
		r.ValidateConfig(ctx, resource.ValidateConfigRequest{Config: config(c.api, c.names...)}, &resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("%s %v: errors %v", c.api, c.names, resp.Diagnostics)
		}
		switch w := resp.Diagnostics.Warnings(); {
		case c.warn == "" && len(w) != 0:
			t.Errorf("%s %v: warnings %v", c.api, c.names, w)
		case c.warn != "" && (len(w) != 1 || !strings.Contains(w[0].Detail(), c.warn)):
			t.Errorf("%s %v: warnings %v, want one with %q", c.api, c.names, w, c.warn)
		}
	}
}
