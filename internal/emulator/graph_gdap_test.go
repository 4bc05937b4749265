package emulator

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// partnerToken is the partner admin's delegated Graph token in the home
// (partner) tenant, as the Azure CLI's refresh token yields it.
func partnerToken(t *testing.T, s *Server) string {
	t.Helper()
	const azureCLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
	rt, err := s.IssueRefreshToken(DefaultPartnerAdminUPN, azureCLI)
	if err != nil {
		t.Fatal(err)
	}
	r := call(t, s, "POST", "/"+DefaultHomeTenantID+"/oauth2/v2.0/token", "", url.Values{"grant_type": {"refresh_token"}, "client_id": {azureCLI},
		"refresh_token": {rt}, "scope": {store.GraphResource + "/.default offline_access"}})
	if r.Status != http.StatusOK {
		t.Fatalf("partner token: %d %s", r.Status, r.Raw)
	}
	return r.Body["access_token"].(string)
}

func TestGraphGDAPRelationshipsAndCustomers(t *testing.T) {
	s := newTestServer(t)
	tok := partnerToken(t, s)

	r := call(t, s, "GET", "/v1.0/tenantRelationships/delegatedAdminRelationships?$filter=customer/tenantId eq '"+FabrikamTenantID+"'", tok, nil)
	if r.Status != http.StatusOK || len(r.Body["value"].([]any)) != 1 || field(r.Body, "value.0.customer.tenantId") != FabrikamTenantID || field(r.Body, "value.0.status") != "active" {
		t.Fatalf("relationships by customer: %d %s", r.Status, r.Raw)
	}
	r = call(t, s, "GET", "/v1.0/tenantRelationships/delegatedAdminRelationships?$filter=status eq 'expired'", tok, nil)
	if r.Status != http.StatusOK || len(r.Body["value"].([]any)) != 1 || field(r.Body, "value.0.customer.tenantId") != TailspinTenantID {
		t.Fatalf("expired relationships: %d %s", r.Status, r.Raw)
	}
	r = call(t, s, "GET", "/v1.0/tenantRelationships/delegatedAdminCustomers", tok, nil)
	if r.Status != http.StatusOK || len(r.Body["value"].([]any)) < 2 {
		t.Fatalf("customers: %d %s", r.Status, r.Raw)
	}
	// Application permissions are "Not supported" for GDAP lists.
	if r := call(t, s, "GET", "/v1.0/tenantRelationships/delegatedAdminCustomers", automationToken(t, s), nil); r.Status != http.StatusForbidden {
		t.Fatalf("app-only token: %d %s", r.Status, r.Raw)
	}
}

func TestGraphGDAPPageIsAtMost300(t *testing.T) {
	s := newTestServer(t)
	tok := partnerToken(t, s)
	if r := call(t, s, "GET", "/v1.0/tenantRelationships/delegatedAdminCustomers?$top=301", tok, nil); r.Status != http.StatusBadRequest {
		t.Fatalf("$top=301: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "GET", "/v1.0/tenantRelationships/delegatedAdminRelationships?$top=1", tok, nil); r.Status != http.StatusOK || r.Body["@odata.nextLink"] == nil {
		t.Fatalf("$top=1: %d %s", r.Status, r.Raw)
	}
}
