package emulator

import (
	"net/http"
	"testing"
	"time"
)

// DELETE /applications/{id} is a soft delete: the app waits 30 days of the
// emulator's clock in directory/deletedItems, and a restore brings back the
// same object ID and client ID.
func TestGraphSoftDeleteAndRestore(t *testing.T) {
	s := newTestServer(t)
	tok := automationToken(t, s)
	id, appID := newApp(t, s, map[string]any{"displayName": "payroll", "uniqueName": "payroll"})

	if r := call(t, s, "DELETE", "/v1.0/applications/"+id, tok, nil); r.Status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "GET", "/v1.0/applications/"+id, tok, nil); r.Status != http.StatusNotFound {
		t.Fatalf("deleted app still readable: %d", r.Status)
	}
	r := call(t, s, "GET", "/v1.0/directory/deletedItems/microsoft.graph.application", tok, nil)
	items, _ := r.Body["value"].([]any)
	if r.Status != http.StatusOK || len(items) != 1 || field(items[0], "id") != id || field(items[0], "appId") != appID || field(items[0], "deletedDateTime") == nil {
		t.Fatalf("list deleted: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "GET", "/v1.0/directory/deletedItems/"+id, tok, nil); r.Status != http.StatusOK || r.Body["uniqueName"] != "payroll" ||
		r.Body["@odata.type"] != "#microsoft.graph.application" {
		t.Fatalf("get deleted: %d %s", r.Status, r.Raw)
	}
	// While it is deleted its unique name is free, so the restore is refused
	// when another app took it meanwhile.
	otherID, _ := newApp(t, s, map[string]any{"displayName": "payroll 2", "uniqueName": "payroll"})
	if r := call(t, s, "POST", "/v1.0/directory/deletedItems/"+id+"/restore", tok, nil); r.Status != http.StatusBadRequest ||
		field(r.Body, "error.code") != "Request_BadRequest" {
		t.Fatalf("restore over a taken unique name: %d %s", r.Status, r.Raw)
	}
	call(t, s, "DELETE", "/v1.0/applications/"+otherID, tok, nil)
	call(t, s, "DELETE", "/v1.0/directory/deletedItems/"+otherID, tok, nil)

	r = call(t, s, "POST", "/v1.0/directory/deletedItems/"+id+"/restore", tok, nil)
	if r.Status != http.StatusOK || r.Body["id"] != id || r.Body["appId"] != appID {
		t.Fatalf("restore: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "GET", "/v1.0/applications(appId='"+appID+"')", tok, nil); r.Status != http.StatusOK || r.Body["id"] != id {
		t.Fatalf("restored app: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "POST", "/v1.0/directory/deletedItems/"+id+"/restore", tok, nil); r.Status != http.StatusNotFound ||
		field(r.Body, "error.code") != "Request_ResourceNotFound" {
		t.Fatalf("restore of a live app: %d %s", r.Status, r.Raw)
	}
}

func TestGraphDeletedItemsExpireAndPurge(t *testing.T) {
	s := newTestServer(t)
	tok := automationToken(t, s)
	kept, _ := newApp(t, s, map[string]any{"displayName": "kept"})
	purged, _ := newApp(t, s, map[string]any{"displayName": "purged"})
	for _, id := range []string{kept, purged} {
		call(t, s, "DELETE", "/v1.0/applications/"+id, tok, nil)
	}
	if r := call(t, s, "DELETE", "/v1.0/directory/deletedItems/"+purged, tok, nil); r.Status != http.StatusNoContent {
		t.Fatalf("purge: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "POST", "/v1.0/directory/deletedItems/"+purged+"/restore", tok, nil); r.Status != http.StatusNotFound {
		t.Fatalf("restore after purge: %d %s", r.Status, r.Raw)
	}
	s.Advance(30*24*time.Hour - time.Minute)
	if got := s.DeletedApps(DefaultHomeTenantID); len(got) != 1 || got[0] != kept {
		t.Fatalf("day 29: deleted items = %v", got)
	}
	s.Advance(time.Minute)
	tok = automationToken(t, s)
	if r := call(t, s, "GET", "/v1.0/directory/deletedItems/"+kept, tok, nil); r.Status != http.StatusNotFound {
		t.Fatalf("day 30: still in deleted items: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "POST", "/v1.0/directory/deletedItems/"+kept+"/restore", tok, nil); r.Status != http.StatusNotFound {
		t.Fatalf("day 30: restored: %d %s", r.Status, r.Raw)
	}
}

func TestGraphUniqueNameAndIdentifierURIs(t *testing.T) {
	s := newTestServer(t)
	tok := automationToken(t, s)
	newApp(t, s, map[string]any{"displayName": "a", "uniqueName": "shared"})
	if r := call(t, s, "POST", "/v1.0/applications", tok, map[string]any{"displayName": "b", "uniqueName": "SHARED"}); r.Status != http.StatusBadRequest {
		t.Fatalf("second app with the unique name: %d %s", r.Status, r.Raw)
	}
	id, appID := newApp(t, s, map[string]any{"displayName": "c"})
	for _, c := range []struct {
		uri  string
		want int
	}{
		{"api://" + appID, http.StatusNoContent},
		{"api://" + DefaultHomeTenantID + "/" + appID, http.StatusNoContent},
		{"https://" + DefaultHomeTenantDomain + "/payroll", http.StatusNoContent},
		{"https://api." + DefaultHomeTenantDomain, http.StatusNoContent},
		{"https://contoso.com/payroll", http.StatusBadRequest},
		{"https://evil" + DefaultHomeTenantDomain, http.StatusBadRequest},
		{"http://" + DefaultHomeTenantDomain, http.StatusBadRequest},
		{"urn:contoso:onboarding", http.StatusNoContent},
		{"urn:contoso", http.StatusBadRequest},
	} {
		r := call(t, s, "PATCH", "/v1.0/applications/"+id, tok, map[string]any{"identifierUris": []string{c.uri}})
		if r.Status != c.want {
			t.Errorf("%s: %d %s", c.uri, r.Status, r.Raw)
		}
		if c.want == http.StatusBadRequest && field(r.Body, "error.code") != "HostNameNotOnVerifiedDomain" {
			t.Errorf("%s: %s", c.uri, r.Raw)
		}
	}
	if r := call(t, s, "POST", "/v1.0/applications", tok, map[string]any{"displayName": "d", "identifierUris": []string{"https://fabrikam.com"}}); r.Status != http.StatusBadRequest ||
		field(r.Body, "error.message") != "Values of identifierUris property must use a verified domain of the organization or its subdomain: 'https://fabrikam.com'" {
		t.Fatalf("create with an unverified domain: %d %s", r.Status, r.Raw)
	}
	// Public clients (mobile and desktop) may use their own scheme; nobody
	// may use plain http beyond localhost.
	for _, c := range []struct {
		kind, uri string
		want      int
	}{
		{"publicClient", "msal" + appID + "://auth", http.StatusNoContent},
		{"publicClient", "myapp://callback", http.StatusNoContent},
		{"publicClient", "urn:ietf:wg:oauth:2.0:oob", http.StatusNoContent},
		{"publicClient", "http://localhost", http.StatusNoContent},
		{"publicClient", "http://example.com/cb", http.StatusBadRequest},
		{"publicClient", "not a uri", http.StatusBadRequest},
		{"web", "myapp://callback", http.StatusBadRequest},
	} {
		r := call(t, s, "PATCH", "/v1.0/applications/"+id, tok, map[string]any{c.kind: map[string]any{"redirectUris": []string{c.uri}}})
		if r.Status != c.want {
			t.Errorf("%s %s: %d %s", c.kind, c.uri, r.Status, r.Raw)
		}
	}
}

// A fault after the handler: addPassword writes the secret, and the client
// gets a 503 instead of the secret's text (an answer lost on the way back).
func TestFaultAfterHandlerKeepsTheWrite(t *testing.T) {
	s := newTestServer(t)
	tok := automationToken(t, s)
	id, _ := newApp(t, s, map[string]any{"displayName": "lost answer"})
	if err := s.InjectFault(Fault{Service: "graph", Method: "POST", Path: "/addPassword$", Status: http.StatusServiceUnavailable, Count: 1, AfterHandler: true}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.ClearFaults)
	r := call(t, s, "POST", "/v1.0/applications/"+id+"/addPassword", tok, map[string]any{"passwordCredential": map[string]any{"displayName": "ci"}})
	if r.Status != http.StatusServiceUnavailable || r.Body["secretText"] != nil {
		t.Fatalf("addPassword: %d %s", r.Status, r.Raw)
	}
	apps := s.AppsNamed(DefaultHomeTenantID, "lost answer")
	if len(apps) != 1 || len(apps[0].Secrets) != 1 || apps[0].Secrets[0].DisplayName != "ci" {
		t.Fatalf("the write did not happen: %+v", apps)
	}
	// Count 1: the next one is answered normally.
	if r := call(t, s, "POST", "/v1.0/applications/"+id+"/addPassword", tok, map[string]any{}); r.Status != http.StatusOK {
		t.Fatalf("second addPassword: %d %s", r.Status, r.Raw)
	}
}

// Deleting an app deletes its home service principal into deleted items
// too; restoring the app does not restore it (directory-deleteditems-restore:
// "You must call this API to explicitly restore the deleted service
// principal"), a restore of its own does, with its object ID and the app
// role assignments it held, unless another service principal took its app
// ID meanwhile.
func TestGraphDeletedServicePrincipalRestoredOnItsOwn(t *testing.T) {
	s := newTestServer(t)
	tok := automationToken(t, s)
	id, appID := newApp(t, s, map[string]any{"displayName": "connector"})
	r := call(t, s, "POST", "/v1.0/servicePrincipals", tok, map[string]any{"appId": appID})
	spID, _ := r.Body["id"].(string)
	if r.Status != http.StatusCreated || spID == "" {
		t.Fatalf("create service principal: %d %s", r.Status, r.Raw)
	}
	graphSP := call(t, s, "GET", "/v1.0/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')", tok, nil)
	graphSPID, _ := graphSP.Body["id"].(string)
	const userReadAll = "df021288-bdef-4463-88db-98f22de89214"
	if r := call(t, s, "POST", "/v1.0/servicePrincipals/"+graphSPID+"/appRoleAssignedTo", tok,
		map[string]any{"principalId": spID, "resourceId": graphSPID, "appRoleId": userReadAll}); r.Status != http.StatusCreated {
		t.Fatalf("assign: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "DELETE", "/v1.0/applications/"+id, tok, nil); r.Status != http.StatusNoContent {
		t.Fatalf("delete app: %d %s", r.Status, r.Raw)
	}
	r = call(t, s, "GET", "/v1.0/directory/deletedItems/microsoft.graph.servicePrincipal?$filter=appId eq '"+appID+"'", tok, nil)
	items, _ := r.Body["value"].([]any)
	if r.Status != http.StatusOK || len(items) != 1 || field(items[0], "id") != spID || field(items[0], "deletedDateTime") == nil ||
		field(items[0], "@odata.type") != "#microsoft.graph.servicePrincipal" {
		t.Fatalf("deleted service principals: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "POST", "/v1.0/directory/deletedItems/"+id+"/restore", tok, nil); r.Status != http.StatusOK {
		t.Fatalf("restore app: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "GET", "/v1.0/servicePrincipals(appId='"+appID+"')", tok, nil); r.Status != http.StatusNotFound {
		t.Fatalf("the app's restore brought its service principal back: %d %s", r.Status, r.Raw)
	}
	// A new service principal holds the app ID: the old one cannot come
	// back until it is gone.
	fresh := call(t, s, "POST", "/v1.0/servicePrincipals", tok, map[string]any{"appId": appID})
	if r := call(t, s, "POST", "/v1.0/directory/deletedItems/"+spID+"/restore", tok, nil); r.Status != http.StatusConflict ||
		field(r.Body, "error.code") != "Request_MultipleObjectsWithSameKeyValue" {
		t.Fatalf("restore over a new service principal: %d %s", r.Status, r.Raw)
	}
	freshID, _ := fresh.Body["id"].(string)
	call(t, s, "DELETE", "/v1.0/servicePrincipals/"+freshID, tok, nil)
	r = call(t, s, "POST", "/v1.0/directory/deletedItems/"+spID+"/restore", tok, nil)
	if r.Status != http.StatusOK || r.Body["id"] != spID || r.Body["appId"] != appID || r.Body["@odata.type"] != "#microsoft.graph.servicePrincipal" {
		t.Fatalf("restore service principal: %d %s", r.Status, r.Raw)
	}
	if g := s.Grants(DefaultHomeTenantID, appID); g.ServicePrincipals != 1 || len(g.AppRoles) != 1 || g.AppRoles[0] != "00000003-0000-0000-c000-000000000000/User.Read.All" {
		t.Fatalf("after the restore the home tenant holds %+v", g)
	}
	if r := call(t, s, "GET", "/v1.0/directory/deletedItems/"+spID, tok, nil); r.Status != http.StatusNotFound {
		t.Fatalf("restored service principal still in deleted items: %d", r.Status)
	}
}
