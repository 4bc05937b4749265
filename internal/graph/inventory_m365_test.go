package graph

import (
	"context"
	"testing"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/auth"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
	"github.com/onboard-tf/terraform-provider-onboard/internal/permissiondata"
)

// fabrikamClient is a client in Fabrikam for a multi-tenant app that
// requires (and was granted there) the given Graph application permissions.
func fabrikamClient(t *testing.T, perms ...string) (*emulator.Server, *Client) {
	t.Helper()
	return fabrikamClientWith(t, nil, perms...)
}

// fabrikamClientWith is fabrikamClient with its options changed by tweak
// (when not nil) before the client is built.
func fabrikamClientWith(t *testing.T, tweak func(*Options), perms ...string) (*emulator.Server, *Client) {
	t.Helper()
	srv, _ := newClient(t)
	id, appID, err := srv.RegisterApp(emulator.DefaultHomeTenantID, "inventory-test", "Inventory")
	if err != nil {
		t.Fatal(err)
	}
	var access []map[string]any
	for _, p := range perms {
		for _, perm := range permissiondata.Graph.Permissions {
			if perm.Value == p && perm.Kind == permissiondata.Application {
				access = append(access, map[string]any{"id": perm.ID, "type": "Role"})
			}
		}
	}
	if err := srv.EditApp(emulator.DefaultHomeTenantID, id, map[string]any{"signInAudience": "AzureADMultipleOrgs",
		"requiredResourceAccess": []map[string]any{{"resourceAppId": "00000003-0000-0000-c000-000000000000", "resourceAccess": access}}}); err != nil {
		t.Fatal(err)
	}
	_, secret, err := srv.AddSecret(emulator.DefaultHomeTenantID, id, "test", srv.Now().Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Consent(emulator.FabrikamTenantID, appID, "admin@fabrikam.onmicrosoft.com"); err != nil {
		t.Fatal(err)
	}
	cloud, _ := auth.CloudByName("public")
	cloud.LoginEndpoint = srv.URL()
	a, err := auth.New(auth.Config{Cloud: cloud, TenantID: emulator.FabrikamTenantID, ClientID: appID, ClientSecret: secret, HTTPClient: srv.HTTPClient()})
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{Endpoint: srv.URL(), Resource: cloud.GraphResource, TenantID: emulator.FabrikamTenantID, Tokens: a,
		HTTPClient: srv.HTTPClient(), RetryBaseDelay: 5 * time.Millisecond}
	if tweak != nil {
		tweak(&opts)
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func TestM365Inventory(t *testing.T) {
	srv, c := fabrikamClient(t, "SecurityEvents.Read.All", "DeviceManagementManagedDevices.Read.All", "Reports.Read.All", "Organization.Read.All")
	ctx := context.Background()

	// Secure Score and Intune are requests of the directory's $batch.
	d, err := c.ReadDirectory(ctx)
	if score := d.SecureScore; err != nil || score == nil || score.Current != 30.5 || score.Max != 245 || score.CreatedDateTime.IsZero() || d.Errors[PartSecureScores] != nil {
		t.Fatalf("secure score: %+v %v", d, err)
	}
	if d.ManagedDevices != 400 || d.Errors[PartManagedDevices] != nil {
		t.Fatalf("managed devices: %+v", d)
	}
	// The report is a 302 to a CSV download, which the client follows.
	mb, found, err := c.MailboxUsageCounts(ctx, "D7")
	if err != nil || !found || mb.Total != 1200 || mb.Active != 960 || mb.ReportDate != srv.Now().UTC().Add(-48*time.Hour).Format("2006-01-02") {
		t.Fatalf("mailboxes: %+v %v %v", mb, found, err)
	}
	if skus := d.SubscribedSkus; err != nil || len(skus) != 3 || skus[0].EnabledUnits != 1200 || skus[0].ConsumedUnits != 400 || d.Errors[PartSubscribedSkus] != nil {
		t.Fatalf("skus: %+v %v", d, err)
	}
	if org := d.Organization; org.CountryLetterCode != "US" || org.CreatedDateTime.IsZero() || d.Errors[PartOrganization] != nil {
		t.Fatalf("organization: %+v", d)
	}
}

func TestM365InventoryForbidden(t *testing.T) {
	_, c := fabrikamClient(t, "Organization.Read.All", "DeviceManagementManagedDevices.Read.All")
	ctx := context.Background()
	d, err := c.ReadDirectory(ctx)
	if err != nil || !IsForbidden(d.Errors[PartSecureScores]) || d.SecureScore != nil {
		t.Fatalf("secure score without SecurityEvents.Read.All: %+v %v", d, err)
	}
	if d.ManagedDevices != 400 || d.Errors[PartManagedDevices] != nil {
		t.Fatalf("managed devices with DeviceManagementManagedDevices.Read.All: %+v", d)
	}
	if _, _, err := c.MailboxUsageCounts(ctx, "D7"); !IsForbidden(err) {
		t.Fatalf("mailboxes without Reports.Read.All: %v", err)
	}
}

func TestParseMailboxCounts(t *testing.T) {
	for name, tc := range map[string]struct {
		csv   string
		want  MailboxCounts
		found bool
		fails bool
	}{
		"latest day wins, columns by name": {csv: "\ufeffReport Refresh Date,Total,Active,Report Date,Report Period\n2026-01-10,10,4,2026-01-09,7\n2026-01-10,12,5,2026-01-10,7\n",
			want: MailboxCounts{Total: 12, Active: 5, ReportDate: "2026-01-10", RefreshDate: "2026-01-10"}, found: true},
		"header only":    {csv: "Report Refresh Date,Total,Active,Report Date,Report Period\n"},
		"missing column": {csv: "Report Refresh Date,Total,Report Date\n2026-01-10,1,2026-01-10\n", fails: true},
		"not a number":   {csv: "Report Refresh Date,Total,Active,Report Date,Report Period\n2026-01-10,x,1,2026-01-10,7\n", fails: true},
	} {
		got, found, err := parseMailboxCounts([]byte(tc.csv))
		if (err != nil) != tc.fails || found != tc.found || got != tc.want {
			t.Errorf("%s: %+v %v %v", name, got, found, err)
		}
	}
}
