package emulator

import (
	"net/http"
	"testing"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// The path names one end of an assignment; the body must agree with it, and
// an assignment is deleted only through the SP it belongs to.
func TestGraphAppRoleAssignmentFollowsItsPath(t *testing.T) {
	s := newTestServer(t)
	tok := automationToken(t, s)
	_, appID := newApp(t, s, map[string]any{"displayName": "client"})
	client := newServicePrincipal(t, s, appID)
	graphSP := call(t, s, "GET", "/v1.0/servicePrincipals(appId='"+store.GraphAppID+"')", tok, nil).Body["id"].(string)
	userReadAll := "df021288-bdef-4463-88db-98f22de89214"
	body := map[string]any{"principalId": client, "resourceId": graphSP, "appRoleId": userReadAll}

	// resourceId must be the SP in the path of appRoleAssignedTo.
	if r := call(t, s, "POST", "/v1.0/servicePrincipals/"+client+"/appRoleAssignedTo", tok, body); r.Status != http.StatusBadRequest {
		t.Fatalf("assignedTo on the client SP: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "POST", "/v1.0/servicePrincipals/00000000-0000-0000-0000-000000000001/appRoleAssignedTo", tok, body); r.Status != http.StatusNotFound {
		t.Fatalf("unknown SP in path: %d %s", r.Status, r.Raw)
	}
	// …and principalId the SP in the path of appRoleAssignments.
	r := call(t, s, "POST", "/v1.0/servicePrincipals/"+client+"/appRoleAssignments", tok, body)
	if r.Status != http.StatusCreated || r.Body["@odata.context"] != "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals('"+client+"')/appRoleAssignments/$entity" {
		t.Fatalf("appRoleAssignments create: %d %s", r.Status, r.Raw)
	}
	id := r.Body["id"].(string)

	// Not deletable through an SP it does not belong to.
	_, otherAppID := newApp(t, s, map[string]any{"displayName": "other"})
	other := newServicePrincipal(t, s, otherAppID)
	if r := call(t, s, "DELETE", "/v1.0/servicePrincipals/"+other+"/appRoleAssignedTo/"+id, tok, nil); r.Status != http.StatusNotFound {
		t.Fatalf("delete through an unrelated SP: %d", r.Status)
	}
	if r := call(t, s, "DELETE", "/v1.0/servicePrincipals/"+graphSP+"/appRoleAssignedTo/"+id, tok, nil); r.Status != http.StatusNoContent {
		t.Fatalf("delete through the resource SP: %d %s", r.Status, r.Raw)
	}
}

func TestGraphPermissionGrantScopeUpdateIsValidated(t *testing.T) {
	s := newTestServer(t)
	tok := automationToken(t, s)
	_, appID := newApp(t, s, map[string]any{"displayName": "delegated client"})
	client := newServicePrincipal(t, s, appID)
	graphSP := call(t, s, "GET", "/v1.0/servicePrincipals(appId='"+store.GraphAppID+"')", tok, nil).Body["id"].(string)
	r := call(t, s, "POST", "/v1.0/oauth2PermissionGrants", tok, map[string]any{"clientId": client, "consentType": "AllPrincipals", "resourceId": graphSP, "scope": "User.Read"})
	if r.Status != http.StatusCreated {
		t.Fatalf("create grant: %d %s", r.Status, r.Raw)
	}
	id := r.Body["id"].(string)
	if r := call(t, s, "PATCH", "/v1.0/oauth2PermissionGrants/"+id, tok, map[string]any{"scope": "User.Read Not.A.Scope"}); r.Status != http.StatusBadRequest {
		t.Fatalf("unknown scope accepted: %d", r.Status)
	}
	if r := call(t, s, "PATCH", "/v1.0/oauth2PermissionGrants/"+id, tok, map[string]any{"scope": "User.Read openid"}); r.Status != http.StatusNoContent {
		t.Fatalf("valid scope update: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "GET", "/v1.0/oauth2PermissionGrants/"+id, tok, nil); r.Body["scope"] != "User.Read openid" {
		t.Fatalf("scope after update: %s", r.Raw)
	}
}
