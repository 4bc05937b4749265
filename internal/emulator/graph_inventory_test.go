package emulator

import (
	"context"
	"net/http"
	"strings"
	"testing"

	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// fabrikamUserReader is a token in Fabrikam for an app consented there with
// User.Read.All (multiTenantApp requires it).
func fabrikamUserReader(t *testing.T, s *Server) string {
	t.Helper()
	_, appID, secret := multiTenantApp(t, s)
	if err := s.Consent(FabrikamTenantID, appID, "admin@fabrikam.onmicrosoft.com"); err != nil {
		t.Fatal(err)
	}
	return appToken(t, s, FabrikamTenantID, appID, secret, store.GraphResource)
}

func TestGraphInventoryCountsAndLists(t *testing.T) {
	s := newTestServer(t)
	tok := fabrikamUserReader(t, s)

	// /users/$count: text/plain, only as an advanced query.
	r := call(t, s, "GET", "/v1.0/users/$count", tok, nil, "ConsistencyLevel", "eventual")
	if r.Status != 200 || r.Raw != "1200" || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("users/$count: %d %q %s", r.Status, r.Raw, r.Header.Get("Content-Type"))
	}
	if r := call(t, s, "GET", "/v1.0/users/$count", tok, nil); r.Status != 400 || field(r.Body, "error.code") != "Request_BadRequest" {
		t.Fatalf("users/$count without ConsistencyLevel: %d %s", r.Status, r.Raw)
	}

	// ?$count=true&$top=1: one user, the total, and an absolute nextLink.
	r = call(t, s, "GET", "/v1.0/users?$count=true&$top=1", tok, nil, "ConsistencyLevel", "eventual")
	if r.Status != 200 || field(r.Body, "@odata.count") != float64(1200) || len(r.Body["value"].([]any)) != 1 {
		t.Fatalf("users?$count=true&$top=1: %d %s", r.Status, r.Raw)
	}
	next, _ := r.Body["@odata.nextLink"].(string)
	if !strings.HasPrefix(next, s.URL()+"/v1.0/users?") {
		t.Fatalf("nextLink %q does not point at the emulator", next)
	}
	r2 := call(t, s, "GET", strings.TrimPrefix(next, s.URL()), tok, nil, "ConsistencyLevel", "eventual")
	if r2.Status != 200 || field(r2.Body, "value.0.id") == field(r.Body, "value.0.id") {
		t.Fatalf("second page: %d %s", r2.Status, r2.Raw)
	}
	if id, _ := field(r2.Body, "value.0.id").(string); len(id) != 36 {
		t.Fatalf("user id %q is not a GUID", id)
	}
	if r := call(t, s, "GET", "/v1.0/users?$count=true", tok, nil); r.Status != 400 {
		t.Fatalf("$count=true without ConsistencyLevel: %d", r.Status)
	}
	if r := call(t, s, "GET", "/v1.0/users?$filter=accountEnabled eq true", tok, nil); r.Status != 400 {
		t.Fatalf("unsupported $filter must not be ignored: %d", r.Status)
	}

	// The app holds no Group.Read.All: 403, not a count.
	if r := call(t, s, "GET", "/v1.0/groups/$count", tok, nil, "ConsistencyLevel", "eventual"); r.Status != 403 || field(r.Body, "error.code") != "Authorization_RequestDenied" {
		t.Fatalf("groups/$count without Group.Read.All: %d %s", r.Status, r.Raw)
	}
}

func TestGraphInventoryWithSDKRequestBuilders(t *testing.T) {
	s := newTestServer(t)
	adapter := sdkAdapter(t, s, fabrikamUserReader(t, s))
	ctx := context.Background()

	h := abs.NewRequestHeaders()
	h.Add("ConsistencyLevel", "eventual")
	yes, one := true, int32(1)
	list := users.NewUsersRequestBuilderInternal(map[string]string{"baseurl": adapter.GetBaseUrl()}, adapter)
	page, err := list.Get(ctx, &users.UsersRequestBuilderGetRequestConfiguration{
		Headers: h, QueryParameters: &users.UsersRequestBuilderGetQueryParameters{Count: &yes, Top: &one}})
	if err != nil {
		t.Fatalf("users list: %v", describe(err))
	}
	if page.GetOdataCount() == nil || *page.GetOdataCount() != 1200 || len(page.GetValue()) != 1 || page.GetOdataNextLink() == nil {
		t.Fatalf("users page: count=%v len=%d", page.GetOdataCount(), len(page.GetValue()))
	}

}

func TestGraphSubscribedSkusHaveRealSkuIDs(t *testing.T) {
	s := newTestServer(t)
	// Organization.Read.All is what subscribedSkus needs; the automation
	// identity holds it in the home tenant.
	r := call(t, s, "GET", "/v1.0/subscribedSkus", automationToken(t, s), nil)
	if r.Status != http.StatusOK {
		t.Fatalf("subscribedSkus: %d %s", r.Status, r.Raw)
	}
	for _, v := range r.Body["value"].([]any) {
		sku := v.(map[string]any)
		skuID, _ := sku["skuId"].(string)
		if len(skuID) != 36 || sku["id"] != DefaultHomeTenantID+"_"+skuID {
			t.Fatalf("sku %v: skuId must be a GUID and id {tenantId}_{skuId}", sku)
		}
	}
}

func TestGraphApplicationsCountIsAnAdvancedQuery(t *testing.T) {
	s := newTestServer(t)
	tok := automationToken(t, s)
	if r := call(t, s, "GET", "/v1.0/applications?$count=true", tok, nil); r.Status != 400 {
		t.Fatalf("$count=true without ConsistencyLevel: %d %s", r.Status, r.Raw)
	}
	r := call(t, s, "GET", "/v1.0/servicePrincipals?$count=true&$top=1", tok, nil, "ConsistencyLevel", "eventual")
	if n, _ := r.Body["@odata.count"].(float64); r.Status != 200 || n < 2 {
		t.Fatalf("servicePrincipals $count: %d %s", r.Status, r.Raw)
	}
}
