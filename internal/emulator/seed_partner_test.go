package emulator

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// A customer seeded with partnerRelationships is reachable by the partner
// admin through GDAP, and the partner tenant keeps its automation identity
// (re-seeding it would not).
func TestSeedCustomerWithPartnerRelationships(t *testing.T) {
	s := newTestServer(t)
	const adatum = "0a1b2c3d-1111-4222-8333-444455556666"
	seed := TenantSeed{ID: adatum, DisplayName: "Adatum", Domains: []string{"adatum.onmicrosoft.com"},
		Users:                []UserSeed{{UPN: "admin@adatum.onmicrosoft.com", Roles: []string{"Global Administrator"}}},
		PartnerRelationships: []PartnerGDAPSeed{{PartnerTenantID: DefaultHomeTenantDomain, Roles: []string{"Global Administrator"}, Members: []string{DefaultPartnerAdminUPN}}}}
	if r := call(t, s, "POST", "/_emulator/tenants", "", seed); r.Status != http.StatusNoContent {
		t.Fatalf("seed: %d %s", r.Status, r.Raw)
	}
	// Seeding again replaces the relationship instead of adding a second.
	seed.PartnerRelationships[0].Roles = []string{"Cloud Application Administrator"}
	if err := s.SeedTenant(seed); err != nil {
		t.Fatal(err)
	}

	const azureCLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
	rt, err := s.IssueRefreshToken(DefaultPartnerAdminUPN, azureCLI)
	if err != nil {
		t.Fatal(err)
	}
	r := call(t, s, "POST", "/adatum.onmicrosoft.com/oauth2/v2.0/token", "", url.Values{"grant_type": {"refresh_token"}, "client_id": {azureCLI},
		"refresh_token": {rt}, "scope": {store.GraphResource + "/.default"}})
	if r.Status != http.StatusOK {
		t.Fatalf("partner token in Adatum: %d %s", r.Status, r.Raw)
	}
	c := claims(t, r.Body["access_token"].(string))
	if wids, _ := c["wids"].([]any); c["tid"] != adatum || !slices.Equal(wids, []any{store.RoleCloudAppAdmin}) {
		t.Fatalf("claims = %v", c)
	}
	rels := call(t, s, "GET", "/v1.0/tenantRelationships/delegatedAdminRelationships?$filter=customer/tenantId eq '"+adatum+"'", partnerToken(t, s), nil)
	if rels.Status != http.StatusOK || len(rels.Body["value"].([]any)) != 1 || field(rels.Body, "value.0.customer.displayName") != "Adatum" {
		t.Fatalf("relationships to Adatum: %d %s", rels.Status, rels.Raw)
	}
	// The automation identity still signs in.
	automationToken(t, s)

	// A member who is not a partner user fails the seed and changes nothing.
	bad := seed
	bad.ID, bad.Domains = "0a1b2c3d-1111-4222-8333-777788889999", []string{"litware.onmicrosoft.com"}
	bad.PartnerRelationships = []PartnerGDAPSeed{{PartnerTenantID: DefaultHomeTenantID, Roles: []string{"Global Administrator"}, Members: []string{"nobody@" + DefaultHomeTenantDomain}}}
	if r := call(t, s, "POST", "/_emulator/tenants", "", bad); r.Status != http.StatusBadRequest || !strings.Contains(r.Raw, "nobody@") {
		t.Fatalf("bad member: %d %s", r.Status, r.Raw)
	}
	bad.PartnerRelationships[0].PartnerTenantID = "unknown.onmicrosoft.com"
	if err := s.SeedTenant(bad); err == nil || !strings.Contains(err.Error(), "seed the partner first") {
		t.Fatalf("unknown partner: %v", err)
	}
	for _, ts := range s.Tenants() {
		if ts.ID == bad.ID {
			t.Fatalf("a failed seed left tenant %s", ts.ID)
		}
	}
}

func TestControlListsTenantsAndAddsRelationships(t *testing.T) {
	s := newTestServer(t)
	seed := customerSeed("0a1b2c3d-1111-4222-8333-aaaabbbbcccc", "Adatum", "adatum", 10)
	if err := s.SeedTenant(seed); err != nil {
		t.Fatal(err)
	}
	g := GDAPSeed{CustomerTenantID: seed.ID, CustomerName: "Adatum", Roles: []string{"Global Reader"}, Members: []string{DefaultPartnerAdminUPN}}
	if r := call(t, s, "POST", "/_emulator/tenants/"+DefaultHomeTenantDomain+"/relationships", "", g); r.Status != http.StatusNoContent {
		t.Fatalf("add relationship: %d %s", r.Status, r.Raw)
	}
	r := call(t, s, "GET", "/_emulator/tenants", "", nil)
	var list []any
	_ = json.Unmarshal([]byte(r.Raw), &list)
	var home, adatum map[string]any
	for _, x := range list {
		m := x.(map[string]any)
		switch m["id"] {
		case DefaultHomeTenantID:
			home = m
		case seed.ID:
			adatum = m
		}
	}
	if len(list) != 5 || home == nil || adatum == nil {
		t.Fatalf("tenants: %d %s", r.Status, r.Raw)
	}
	if field(home, "applications.0") != DefaultAutomationClientID || field(home, "relationships.3.customerName") != "Adatum" ||
		field(home, "relationships.3.roles.0") != "Global Reader" || field(home, "relationships.3.members.0") != DefaultPartnerAdminUPN {
		t.Fatalf("home tenant: %v", home)
	}
	// A relationship past its end date is listed as Graph lists it: expired.
	s.Advance(701 * 24 * time.Hour)
	for _, ts := range s.Tenants() {
		if ts.ID == DefaultHomeTenantID && ts.Relationships[1].Status != "expired" {
			t.Fatalf("Northwind's relationship after its end date: %+v", ts.Relationships[1])
		}
	}
	if field(adatum, "domains.1") != "adatum.com" || field(adatum, "users.0.roles.0") != "Global Administrator" || field(adatum, "consentAdmin") != "admin@adatum.onmicrosoft.com" {
		t.Fatalf("Adatum: %v", adatum)
	}
}
