package provider

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// syncResultFixture is tenant i's result as a consented, fully read tenant
// (i%3 == 0), an unreachable one (every optional part null or empty) or one
// with a part unavailable and two environments.
func syncResultFixture(i int) syncTenant {
	id := fmt.Sprintf("be000000-0000-4000-8000-%012d", i)
	r := syncTenant{TenantID: types.StringValue(id), Standing: types.StringValue("ok"), Status: types.StringValue("ok"),
		Error: types.StringValue(""), Cause: types.StringValue(""), Fix: types.StringValue(""), ConsentState: types.StringValue("granted"),
		ConsentURL:         types.StringValue("https://login.microsoftonline.com/" + id + "/adminconsent?client_id=6da176ab-e3da-4acb-8ae7-bf8891bd2c9e"),
		MissingPermissions: []string{}, OrganizationName: types.StringValue(fmt.Sprintf("Customer %04d", i)),
		DefaultDomain: types.StringValue(fmt.Sprintf("customer%04d.onmicrosoft.com", i)), Domains: []string{fmt.Sprintf("customer%04d.onmicrosoft.com", i)},
		Users: types.Int64Value(25), Groups: types.Int64Value(5), Devices: types.Int64Value(10), Licenses: types.Int64Value(2),
		BCAuthorized: types.BoolValue(true), BCConsented: types.BoolValue(true),
		BCEnvironments: []bcEnvView{{Name: types.StringValue("Production"), Type: types.StringValue("Production"), CountryCode: types.StringValue("US"),
			Version: types.StringValue("26.0"), Status: types.StringValue("Active")}}}
	r.CountryCode, r.CreatedDateTime = types.StringValue("US"), types.StringValue("2024-01-01T00:00:00Z")
	r.LicenseSkus = map[string]syncSku{"ENTERPRISEPACK": {Enabled: types.Int64Value(25), Consumed: types.Int64Value(20)}}
	r.SecureScore = &syncSecureScore{Current: types.Float64Value(40.5), Max: types.Float64Value(80)}
	r.ManagedDevices = types.Int64Value(10)
	r.Mailboxes = &syncMailboxes{Total: types.Int64Value(25), Active: types.Int64Value(20), ReportDate: types.StringValue("2026-12-01")}
	r.Unavailable = map[string]syncUnavailable{}
	switch i % 3 {
	case 1:
		r.Standing, r.Status, r.Error = types.StringValue("unreachable"), types.StringValue("error"), types.StringValue("AADSTS700016")
		r.OrganizationName, r.DefaultDomain, r.Domains = types.StringNull(), types.StringNull(), []string{}
		r.Users, r.Groups, r.Devices, r.Licenses = types.Int64Null(), types.Int64Null(), types.Int64Null(), types.Int64Null()
		r.BCAuthorized, r.BCConsented, r.BCEnvironments = types.BoolNull(), types.BoolNull(), []bcEnvView{}
		r.CountryCode, r.CreatedDateTime, r.ManagedDevices = types.StringNull(), types.StringNull(), types.Int64Null()
		r.LicenseSkus, r.SecureScore, r.Mailboxes, r.Unavailable = nil, nil, nil, nil
	case 2:
		r.MissingPermissions = []string{"User.Read.All", "Organization.Read.All"}
		r.Unavailable = map[string]syncUnavailable{"secure_score": {Reason: types.StringValue("forbidden"), Permission: types.StringValue("SecurityEvents.Read.All"), Detail: types.StringNull()}}
		r.SecureScore = nil
		r.BCEnvironments = append(r.BCEnvironments, bcEnvView{Name: types.StringValue("Sandbox"), Type: types.StringValue("Sandbox"),
			CountryCode: types.StringNull(), Version: types.StringValue("26.1"), Status: types.StringValue("Active")})
	}
	return r
}

func syncSchemaState(ctx context.Context, t *testing.T) tfsdk.State {
	t.Helper()
	var resp datasource.SchemaResponse
	(&syncDataSource{}).Schema(ctx, datasource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return tfsdk.State{Schema: resp.Schema, Raw: tftypes.NewValue(resp.Schema.Type().TerraformType(ctx), nil)}
}

// TestSetSyncResultsMatchesFramework: the sync's own conversion of its
// results gives exactly the value the framework's conversion gives.
func TestSetSyncResultsMatchesFramework(t *testing.T) {
	ctx := context.Background()
	results := map[string]syncTenant{}
	for i := range 6 {
		results["Customer "+strconv.Itoa(i)] = syncResultFixture(i)
	}
	want, diags := types.MapValueFrom(ctx, syncTenantType, results)
	if diags.HasError() {
		t.Fatal(diags)
	}
	wantTV, err := want.ToTerraformValue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st := syncSchemaState(ctx, t)
	// A state whose other attributes are null is enough: only results is compared.
	ot := st.Raw.Type().(tftypes.Object)
	attrs := map[string]tftypes.Value{}
	for name, typ := range ot.AttributeTypes {
		attrs[name] = tftypes.NewValue(typ, nil)
	}
	st.Raw = tftypes.NewValue(ot, attrs)
	if d := setSyncResults(ctx, &st, results); d.HasError() {
		t.Fatal(d)
	}
	if len(results) != 0 {
		t.Errorf("setSyncResults left %d results in the map", len(results))
	}
	var got map[string]tftypes.Value
	if err := st.Raw.As(&got); err != nil {
		t.Fatal(err)
	}
	if !got["results"].Equal(wantTV) {
		diffs, _ := got["results"].Diff(wantTV)
		t.Fatalf("results differ from the framework's conversion: %v", diffs)
	}
}

// TestSyncResultMemory measures the live heap of N tenants' results, before
// and after their conversion into the state (ONBOARD_SYNC_MEMORY_TENANTS=N;
// skipped without it). The framework's own conversion is measured too, for
// comparison.
func TestSyncResultMemory(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv("ONBOARD_SYNC_MEMORY_TENANTS"))
	if err != nil {
		t.Skip("set ONBOARD_SYNC_MEMORY_TENANTS to measure")
	}
	ctx := context.Background()
	live := func(stage string) {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		t.Logf("%-40s live heap %6.1f MiB", stage, float64(ms.HeapAlloc)/(1<<20))
	}
	build := func() map[string]syncTenant {
		results := make(map[string]syncTenant, n)
		for i := range n {
			results[fmt.Sprintf("Customer %05d", i)] = syncResultFixture(i)
		}
		return results
	}
	live("start")
	results := build()
	live("results (Go structs)")
	m, diags := types.MapValueFrom(ctx, syncTenantType, results)
	if diags.HasError() {
		t.Fatal(diags)
	}
	tv, err := m.ToTerraformValue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	live("framework: Go structs + types.Map + tftypes")
	runtime.KeepAlive(results)
	runtime.KeepAlive(m)
	runtime.KeepAlive(tv)
	live("dropped")

	results = build()
	st := syncSchemaState(ctx, t)
	ot := st.Raw.Type().(tftypes.Object)
	attrs := map[string]tftypes.Value{}
	for name, typ := range ot.AttributeTypes {
		attrs[name] = tftypes.NewValue(typ, nil)
	}
	st.Raw = tftypes.NewValue(ot, attrs)
	live("results (Go structs) again")
	if d := setSyncResults(ctx, &st, results); d.HasError() {
		t.Fatal(d)
	}
	live("setSyncResults: tftypes in the state")
	runtime.KeepAlive(st)
}
