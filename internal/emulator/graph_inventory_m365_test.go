package emulator

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// inventoryApp registers a multi-tenant app requiring the given Graph
// application permissions, consents it in a tenant as its admin and
// returns a token there.
func inventoryApp(t *testing.T, s *Server, tenant, admin string, perms ...string) string {
	t.Helper()
	var access []map[string]any
	for _, p := range perms {
		for _, r := range store.GraphApp.AppRoles {
			if r.Value == p {
				access = append(access, map[string]any{"id": r.ID, "type": "Role"})
			}
		}
	}
	id, appID := newApp(t, s, map[string]any{"displayName": "Inventory", "signInAudience": "AzureADMultipleOrgs",
		"requiredResourceAccess": []map[string]any{{"resourceAppId": store.GraphAppID, "resourceAccess": access}}})
	newServicePrincipal(t, s, appID)
	secret := call(t, s, "POST", "/v1.0/applications/"+id+"/addPassword", automationToken(t, s), map[string]any{}).Body["secretText"].(string)
	if err := s.Consent(tenant, appID, admin); err != nil {
		t.Fatal(err)
	}
	return appToken(t, s, tenant, appID, secret, store.GraphResource)
}

func TestGraphM365InventoryAsDocumented(t *testing.T) {
	s := newTestServer(t)
	tok := inventoryApp(t, s, FabrikamTenantID, "admin@fabrikam.onmicrosoft.com", "SecurityEvents.Read.All", "DeviceManagementManagedDevices.Read.All", "Reports.Read.All")

	// Secure Score: newest first, $top=1 is today's.
	r := call(t, s, "GET", "/v1.0/security/secureScores?$top=1", tok, nil)
	if r.Status != 200 || len(r.Body["value"].([]any)) != 1 || field(r.Body, "value.0.currentScore") != 30.5 || field(r.Body, "value.0.maxScore") != float64(245) ||
		!strings.HasPrefix(field(r.Body, "value.0.id").(string), FabrikamTenantID+"_") {
		t.Fatalf("secureScores?$top=1: %d %s", r.Status, r.Raw)
	}

	// Intune: @odata.count with a one-device page.
	r = call(t, s, "GET", "/v1.0/deviceManagement/managedDevices?$top=1&$select=id", tok, nil)
	if r.Status != 200 || field(r.Body, "@odata.count") != float64(400) || len(r.Body["value"].([]any)) != 1 || r.Body["@odata.nextLink"] == nil {
		t.Fatalf("managedDevices?$top=1: %d %s", r.Status, r.Raw)
	}
	if _, ok := field(r.Body, "value.0").(map[string]any)["deviceName"]; ok {
		t.Fatalf("$select=id returned more than id: %s", r.Raw)
	}

	// Mailbox counts: 302 to a preauthenticated CSV.
	r = call(t, s, "GET", "/v1.0/reports/getMailboxUsageMailboxCounts(period='D7')", tok, nil)
	loc := r.Header.Get("Location")
	if r.Status != http.StatusFound || !strings.HasPrefix(loc, s.URL()+"/data/download/") {
		t.Fatalf("getMailboxUsageMailboxCounts: %d %q %s", r.Status, loc, r.Raw)
	}
	r = call(t, s, "GET", strings.TrimPrefix(loc, s.URL()), "", nil)
	lines := strings.Split(strings.TrimSpace(r.Raw), "\n")
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/octet-stream" || len(lines) != 8 ||
		lines[0] != "\ufeffReport Refresh Date,Total,Active,Report Date,Report Period" || !strings.Contains(lines[1], ",1200,960,") || !strings.HasSuffix(lines[1], ",7") {
		t.Fatalf("download: %d %s %q", r.Status, r.Header.Get("Content-Type"), r.Raw)
	}
	if r := call(t, s, "GET", "/v1.0/reports/getMailboxUsageMailboxCounts(period='D8')", tok, nil); r.Status != 400 {
		t.Fatalf("period D8: %d %s", r.Status, r.Raw)
	}
	// The link lasts minutes.
	s.Advance(6 * time.Minute)
	if r := call(t, s, "GET", strings.TrimPrefix(loc, s.URL()), "", nil); r.Status != 404 {
		t.Fatalf("expired link: %d", r.Status)
	}

	// Without Intune, deviceManagement is not applicable to the tenant; a
	// score never computed lists none; seeded SKUs are as given.
	const adatum = "1f0c6a2e-7b3d-4c59-9e8a-0a1b2c3d4e77"
	if err := s.SeedTenant(TenantSeed{ID: adatum, DisplayName: "Adatum", Domains: []string{"adatum.onmicrosoft.com"},
		Users:     []UserSeed{{UPN: "admin@adatum.onmicrosoft.com", Roles: []string{"Global Administrator"}}},
		Inventory: Inventory{NoIntune: true, Skus: []SkuSeed{{SkuPartNumber: "SPE_E3", Enabled: 25, Consumed: 14}}}}); err != nil {
		t.Fatal(err)
	}
	tok = inventoryApp(t, s, adatum, "admin@adatum.onmicrosoft.com", "DeviceManagementManagedDevices.Read.All", "Organization.Read.All", "SecurityEvents.Read.All")
	if r := call(t, s, "GET", "/v1.0/deviceManagement/managedDevices?$top=1", tok, nil); r.Status != 400 || field(r.Body, "error.message") != "Request not applicable to target tenant." {
		t.Fatalf("managedDevices without Intune: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "GET", "/v1.0/security/secureScores?$top=1", tok, nil); r.Status != 200 || len(r.Body["value"].([]any)) != 0 {
		t.Fatalf("secureScores never computed: %d %s", r.Status, r.Raw)
	}
	r = call(t, s, "GET", "/v1.0/subscribedSkus", tok, nil)
	if r.Status != 200 || len(r.Body["value"].([]any)) != 1 || field(r.Body, "value.0.skuId") != "05e9a617-0261-4cee-bb44-138d3ef5d965" ||
		field(r.Body, "value.0.prepaidUnits.enabled") != float64(25) || field(r.Body, "value.0.consumedUnits") != float64(14) {
		t.Fatalf("seeded skus: %d %s", r.Status, r.Raw)
	}
}

func TestGraphM365InventoryNeedsItsPermission(t *testing.T) {
	s := newTestServer(t)
	tok := inventoryApp(t, s, FabrikamTenantID, "admin@fabrikam.onmicrosoft.com", "Organization.Read.All")
	for _, path := range []string{"/v1.0/security/secureScores?$top=1", "/v1.0/deviceManagement/managedDevices?$top=1",
		"/v1.0/reports/getMailboxUsageMailboxCounts(period='D7')"} {
		if r := call(t, s, "GET", path, tok, nil); r.Status != 403 || field(r.Body, "error.code") != "Authorization_RequestDenied" {
			t.Errorf("%s without its permission: %d %s", path, r.Status, r.Raw)
		}
	}
}
