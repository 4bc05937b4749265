package emulator

import (
	"net/http"
	"testing"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// ownedByToken is an app-only token in the home tenant for a fresh app that
// holds only Application.ReadWrite.OwnedBy.
func ownedByToken(t *testing.T, s *Server) string {
	t.Helper()
	id, appID := newApp(t, s, map[string]any{"displayName": "least privilege", "signInAudience": "AzureADMyOrg",
		"requiredResourceAccess": []map[string]any{{"resourceAppId": store.GraphAppID, "resourceAccess": []map[string]any{
			{"id": "18a4783c-866b-4cc7-a460-3d5e5662c884", "type": "Role"}}}}})
	newServicePrincipal(t, s, appID)
	secret := call(t, s, "POST", "/v1.0/applications/"+id+"/addPassword", automationToken(t, s), map[string]any{}).Body["secretText"].(string)
	if err := s.Consent(DefaultHomeTenantID, appID, "admin@"+DefaultHomeTenantDomain); err != nil {
		t.Fatal(err)
	}
	tok := appToken(t, s, DefaultHomeTenantID, appID, secret, store.GraphResource)
	if roles, _ := claims(t, tok)["roles"].([]any); len(roles) != 1 || roles[0] != "Application.ReadWrite.OwnedBy" {
		t.Fatalf("roles = %v", roles)
	}
	return tok
}

func TestGraphOwnedByReachesOnlyOwnedApps(t *testing.T) {
	s := newTestServer(t)
	owned := ownedByToken(t, s)

	// Someone else's app (the automation identity made it): readable, not writable.
	otherID, _ := newApp(t, s, map[string]any{"displayName": "not mine"})
	if r := call(t, s, "GET", "/v1.0/applications/"+otherID, owned, nil); r.Status != http.StatusOK {
		t.Fatalf("read: %d", r.Status)
	}
	for _, c := range []struct{ method, path string }{
		{"PATCH", "/v1.0/applications/" + otherID},
		{"POST", "/v1.0/applications/" + otherID + "/addPassword"},
		{"DELETE", "/v1.0/applications/" + otherID},
	} {
		if r := call(t, s, c.method, c.path, owned, map[string]any{}); r.Status != http.StatusForbidden || field(r.Body, "error.code") != "Authorization_RequestDenied" {
			t.Fatalf("%s %s on an app it does not own: %d %s", c.method, c.path, r.Status, r.Raw)
		}
	}

	// What it creates it owns, and may manage.
	r := call(t, s, "POST", "/v1.0/applications", owned, map[string]any{"displayName": "mine"})
	if r.Status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.Status, r.Raw)
	}
	mine, mineAppID := r.Body["id"].(string), r.Body["appId"].(string)
	if r := call(t, s, "PATCH", "/v1.0/applications/"+mine, owned, map[string]any{"notes": "x"}); r.Status != http.StatusNoContent {
		t.Fatalf("patch own app: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "POST", "/v1.0/applications/"+mine+"/addPassword", owned, map[string]any{}); r.Status != http.StatusOK {
		t.Fatalf("addPassword on own app: %d %s", r.Status, r.Raw)
	}
	// The uniqueName upsert creates an owned app too.
	if r := call(t, s, "PATCH", "/v1.0/applications(uniqueName='owned-upsert')", owned, map[string]any{"displayName": "u"}, "Prefer", "create-if-missing"); r.Status != http.StatusCreated {
		t.Fatalf("upsert create: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "PATCH", "/v1.0/applications(uniqueName='owned-upsert')", owned, map[string]any{"displayName": "u2"}, "Prefer", "create-if-missing"); r.Status != http.StatusNoContent {
		t.Fatalf("upsert update: %d %s", r.Status, r.Raw)
	}

	// Its SP: allowed for an owned local app, with Graph's OwnedBy message
	// while the app is still replicating or for an app it does not own.
	if r := call(t, s, "POST", "/v1.0/servicePrincipals", owned, map[string]any{"appId": mineAppID}); r.Status != http.StatusCreated {
		t.Fatalf("SP for own app: %d %s", r.Status, r.Raw)
	}
	_, otherAppID := newApp(t, s, map[string]any{"displayName": "still not mine"})
	r = call(t, s, "POST", "/v1.0/servicePrincipals", owned, map[string]any{"appId": otherAppID})
	if r.Status != http.StatusForbidden || field(r.Body, "error.message") != "When using this permission, the backing application of the service principal being created must in the local tenant" {
		t.Fatalf("SP for someone else's app: %d %s", r.Status, r.Raw)
	}
	s.SetReplicationDelay(30 * time.Second)
	r = call(t, s, "POST", "/v1.0/applications", owned, map[string]any{"displayName": "lagging"})
	if r := call(t, s, "POST", "/v1.0/servicePrincipals", owned, map[string]any{"appId": r.Body["appId"]}); r.Status != http.StatusForbidden {
		t.Fatalf("SP right after create under OwnedBy: %d, want 403 as azuread retries on", r.Status)
	}

	graphSP := call(t, s, "GET", "/v1.0/servicePrincipals(appId='"+store.GraphAppID+"')", owned, nil).Body["id"].(string)
	if r := call(t, s, "DELETE", "/v1.0/servicePrincipals/"+graphSP, owned, nil); r.Status != http.StatusForbidden {
		t.Fatalf("delete the Microsoft Graph SP under OwnedBy: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "DELETE", "/v1.0/servicePrincipals(appId='"+mineAppID+"')", owned, nil); r.Status != http.StatusNoContent {
		t.Fatalf("delete own SP: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "DELETE", "/v1.0/applications/"+mine, owned, nil); r.Status != http.StatusNoContent {
		t.Fatalf("delete own app: %d %s", r.Status, r.Raw)
	}
}

func TestGraphEnabledAppRoleMustBeDisabledFirst(t *testing.T) {
	s := newTestServer(t)
	tok := automationToken(t, s)
	role := map[string]any{"id": "6a9b1f47-0d3c-4e8a-9f2b-1c2d3e4f5a6b", "value": "Sync.Run", "displayName": "Run sync", "description": "d",
		"allowedMemberTypes": []string{"Application"}, "isEnabled": true}
	id, _ := newApp(t, s, map[string]any{"displayName": "roles", "appRoles": []any{role}})
	r := call(t, s, "PATCH", "/v1.0/applications/"+id, tok, map[string]any{"appRoles": []any{}})
	if r.Status != http.StatusBadRequest || field(r.Body, "error.code") != "CannotDeleteOrUpdateEnabledEntitlement" {
		t.Fatalf("dropping an enabled role: %d %s", r.Status, r.Raw)
	}
	role["isEnabled"] = false
	if r := call(t, s, "PATCH", "/v1.0/applications/"+id, tok, map[string]any{"appRoles": []any{role}}); r.Status != http.StatusNoContent {
		t.Fatalf("disable: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "PATCH", "/v1.0/applications/"+id, tok, map[string]any{"appRoles": []any{}}); r.Status != http.StatusNoContent {
		t.Fatalf("drop after disable: %d %s", r.Status, r.Raw)
	}
	// $select returns only what was selected (no implicit id).
	r = call(t, s, "GET", "/v1.0/applications/"+id+"?$select=displayName", tok, nil)
	if _, hasID := r.Body["id"]; r.Status != 200 || hasID || r.Body["displayName"] != "roles" {
		t.Fatalf("$select=displayName: %s", r.Raw)
	}
}

func TestGraphApplicationOwners(t *testing.T) {
	s := newTestServer(t)
	owned := ownedByToken(t, s)
	callerSP := claims(t, owned)["oid"].(string)
	admin := automationToken(t, s)

	r := call(t, s, "POST", "/v1.0/applications", owned, map[string]any{"displayName": "mine"})
	mine := r.Body["id"].(string)
	r = call(t, s, "GET", "/v1.0/applications/"+mine+"/owners", owned, nil)
	if r.Status != http.StatusOK || field(r.Body, "value.0.id") != callerSP || field(r.Body, "value.0.@odata.type") != "#microsoft.graph.servicePrincipal" {
		t.Fatalf("owners of an app created under OwnedBy: %d %s", r.Status, r.Raw)
	}

	// Made an owner of someone else's app, the OwnedBy caller may manage it.
	other, _ := newApp(t, s, map[string]any{"displayName": "handed over"})
	ref := map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + callerSP}
	if r := call(t, s, "POST", "/v1.0/applications/"+other+"/owners/$ref", admin, ref); r.Status != http.StatusNoContent {
		t.Fatalf("add owner: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "POST", "/v1.0/applications/"+other+"/owners/$ref", admin, ref); r.Status != http.StatusBadRequest {
		t.Fatalf("duplicate owner: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "PATCH", "/v1.0/applications/"+other, owned, map[string]any{"notes": "now mine"}); r.Status != http.StatusNoContent {
		t.Fatalf("patch after becoming owner: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "DELETE", "/v1.0/applications/"+other+"/owners/"+callerSP+"/$ref", admin, nil); r.Status != http.StatusNoContent {
		t.Fatalf("remove owner: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "PATCH", "/v1.0/applications/"+other, owned, map[string]any{"notes": "gone"}); r.Status != http.StatusForbidden {
		t.Fatalf("patch after removal: %d %s", r.Status, r.Raw)
	}
	ref["@odata.id"] = "https://graph.microsoft.com/v1.0/directoryObjects/00000000-0000-0000-0000-0000000000aa"
	if r := call(t, s, "POST", "/v1.0/applications/"+other+"/owners/$ref", admin, ref); r.Status != http.StatusNotFound {
		t.Fatalf("unknown owner object: %d %s", r.Status, r.Raw)
	}
}

// A service principal's app roles are its application's: a role added to
// the app is at once on the service principal, where clients resolve and
// are granted it (Entra derives the one from the other).
func TestGraphServicePrincipalFollowsAppRoles(t *testing.T) {
	s := newTestServer(t)
	tok := automationToken(t, s)
	role := func(id, value string) map[string]any {
		return map[string]any{"id": id, "value": value, "displayName": value, "description": value,
			"allowedMemberTypes": []string{"Application"}, "isEnabled": true}
	}
	id, appID := newApp(t, s, map[string]any{"displayName": "api", "appRoles": []any{role("6a9b1f47-0d3c-4e8a-9f2b-1c2d3e4f5a61", "Read.All")}})
	newServicePrincipal(t, s, appID)
	r := call(t, s, "PATCH", "/v1.0/applications/"+id, tok, map[string]any{"appRoles": []any{
		role("6a9b1f47-0d3c-4e8a-9f2b-1c2d3e4f5a61", "Read.All"), role("6a9b1f47-0d3c-4e8a-9f2b-1c2d3e4f5a62", "Write.All")}})
	if r.Status != http.StatusNoContent {
		t.Fatalf("add a role: %d %s", r.Status, r.Raw)
	}
	r = call(t, s, "GET", "/v1.0/servicePrincipals(appId='"+appID+"')?$select=appRoles", tok, nil)
	roles, _ := r.Body["appRoles"].([]any)
	if r.Status != 200 || len(roles) != 2 || field(map[string]any{"r": roles[1]}, "r.value") != "Write.All" {
		t.Fatalf("service principal's roles after the app gained one: %s", r.Raw)
	}
}
