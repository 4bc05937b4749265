package provider_test

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// Tests that drive the provider over the plugin protocol: for what the
// Terraform CLI here cannot show (warnings, identity before 1.12).

// A redirect_uri the app does not have is warned about on refresh (the
// administrator would otherwise meet AADSTS50011 after signing in).
// Terraform's test harness does not show warnings, so this drives the
// provider over the protocol.
func TestCustomerTenantWarnsOfUnregisteredRedirectURI(t *testing.T) {
	srv := acctest.Emulator(t)
	ctx := context.Background()
	objectID, clientID, err := srv.RegisterApp(emulator.DefaultHomeTenantID, "", acctest.Name(t, "redirect"))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.EditApp(emulator.DefaultHomeTenantID, objectID, map[string]any{"web": map[string]any{"redirectUris": []string{"https://app.example.com/callback"}}}); err != nil {
		t.Fatal(err)
	}
	p, provSchema := configuredProvider(ctx, t)
	typ := provSchema.ResourceSchemas["onboard_customer_tenant"].ValueType()
	read := func(redirect string) []*tfprotov6.Diagnostic {
		state := objectWith(t, typ, map[string]tftypes.Value{
			"id": tftypes.NewValue(tftypes.String, emulator.DefaultHomeTenantID+"/"+clientID), "tenant": tftypes.NewValue(tftypes.String, emulator.DefaultHomeTenantID),
			"tenant_id": tftypes.NewValue(tftypes.String, emulator.DefaultHomeTenantID), "client_id": tftypes.NewValue(tftypes.String, clientID),
			"redirect_uri": tftypes.NewValue(tftypes.String, redirect)})
		resp, err := p.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "onboard_customer_tenant", CurrentState: &state})
		if err != nil || hasError(resp.Diagnostics) {
			t.Fatalf("read: %v %+v", err, resp)
		}
		return resp.Diagnostics
	}
	if diags := read("https://app.example.com/callback"); len(diags) != 0 {
		t.Fatalf("registered redirect URI: diagnostics %+v", diags[0])
	}
	diags := read("https://app.example.com/other")
	if len(diags) != 1 || diags[0].Severity != tfprotov6.DiagnosticSeverityWarning || diags[0].Summary != "Redirect URI not registered on the app" {
		t.Fatalf("unregistered redirect URI: diagnostics %v", diags)
	}
}

// objectWith is an object of type typ with the values in set, the rest null.
func objectWith(t *testing.T, typ tftypes.Type, set map[string]tftypes.Value) tfprotov6.DynamicValue {
	t.Helper()
	obj, ok := typ.(tftypes.Object)
	if !ok {
		t.Fatalf("schema type %T is not an object", typ)
	}
	vals := map[string]tftypes.Value{}
	for k, at := range obj.AttributeTypes {
		vals[k] = tftypes.NewValue(at, nil)
		if v, ok := set[k]; ok {
			vals[k] = v
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, vals))
	if err != nil {
		t.Fatal(err)
	}
	return dv
}

// configuredProvider serves the provider over the protocol, configured from
// the environment (acctest.Emulator set it) as an empty provider block is.
func configuredProvider(ctx context.Context, t *testing.T) (tfprotov6.ProviderServer, *tfprotov6.GetProviderSchemaResponse) {
	t.Helper()
	p, err := acctest.ProtoV6ProviderFactories["onboard"]()
	if err != nil {
		t.Fatal(err)
	}
	provSchema, err := p.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := objectWith(t, provSchema.Provider.ValueType(), nil)
	if resp, err := p.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &cfg}); err != nil || hasError(resp.Diagnostics) {
		t.Fatalf("configure: %v %+v", err, resp)
	}
	return p, provSchema
}

func attr(t *testing.T, dv *tfprotov6.DynamicValue, typ tftypes.Type, name string) string {
	t.Helper()
	v, err := dv.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]tftypes.Value
	if err := v.As(&m); err != nil {
		t.Fatal(err)
	}
	var s string
	if err := m[name].As(&s); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return s
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}
