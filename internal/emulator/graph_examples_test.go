package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// TestDocumentedGraphExamples replays the request/response examples of
// Microsoft's Graph v1.0 reference pages (and the error cases the pages and
// the errors concept page document) and checks status and fields.
func TestDocumentedGraphExamples(t *testing.T) {
	s := newTestServer(t)
	tok := automationToken(t, s)
	var appObj, appID, keyID, clientSP, graphSP, grantID string

	type step struct {
		name    string
		method  string
		path    func() string
		body    func() any
		headers []string
		status  int
		fields  map[string]any // dotted path -> expected value ("*" = present)
		after   func(r response)
	}
	p := func(s string) func() string { return func() string { return s } }
	b := func(v any) func() any { return func() any { return v } }
	steps := []step{
		{name: "application-post-applications: create", method: "POST", path: p("/v1.0/applications"), body: b(map[string]any{"displayName": "Display name"}), status: 201,
			fields: map[string]any{"displayName": "Display name", "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#applications/$entity", "signInAudience": "AzureADandPersonalMicrosoftAccount", "appId": "*", "publisherDomain": DefaultHomeTenantDomain},
			after:  func(r response) { appObj, appID = r.Body["id"].(string), r.Body["appId"].(string) }},
		{name: "create without displayName", method: "POST", path: p("/v1.0/applications"), body: b(map[string]any{"signInAudience": "AzureADMyOrg"}), status: 400,
			fields: map[string]any{"error.code": "Request_BadRequest", "error.innerError.request-id": "*", "error.innerError.date": "*"}},
		{name: "application-upsert: create if missing", method: "PATCH", path: p("/v1.0/applications(uniqueName='app-65278')"), body: b(map[string]any{"displayName": "Display name"}), headers: []string{"Prefer", "create-if-missing"}, status: 201,
			fields: map[string]any{"uniqueName": "app-65278", "displayName": "Display name"}},
		{name: "application-upsert: update existing", method: "PATCH", path: p("/v1.0/applications(uniqueName='app-65278')"), body: b(map[string]any{"displayName": "Display name 2"}), headers: []string{"Prefer", "create-if-missing"}, status: 204},
		{name: "upsert without Prefer on a missing key", method: "PATCH", path: p("/v1.0/applications(uniqueName='nope')"), body: b(map[string]any{"displayName": "x"}), status: 404,
			fields: map[string]any{"error.code": "Request_ResourceNotFound"}},
		{name: "application-addpassword", method: "POST", path: func() string { return "/v1.0/applications/" + appObj + "/addPassword" }, body: b(map[string]any{"passwordCredential": map[string]any{"displayName": "Password friendly name"}}), status: 200,
			fields: map[string]any{"displayName": "Password friendly name", "secretText": "*", "hint": "*", "keyId": "*", "customKeyIdentifier": nil},
			after: func(r response) {
				keyID = r.Body["keyId"].(string)
				start, _ := time.Parse(time.RFC3339, r.Body["startDateTime"].(string))
				end, _ := time.Parse(time.RFC3339, r.Body["endDateTime"].(string))
				if d := end.Sub(start); d < 729*24*time.Hour || d > 732*24*time.Hour {
					t.Errorf("default secret lifetime = %v, want two years", d)
				}
			}},
		{name: "get by appId alternate key", method: "GET", path: func() string { return "/v1.0/applications(appId='" + appID + "')" }, status: 200,
			fields: map[string]any{"id": "*", "passwordCredentials.0.secretText": nil, "passwordCredentials.0.displayName": "Password friendly name"}},
		{name: "application-removepassword", method: "POST", path: func() string { return "/v1.0/applications/" + appObj + "/removePassword" }, body: func() any { return map[string]any{"keyId": keyID} }, status: 204},
		{name: "list with $filter appId eq", method: "GET", path: func() string { return "/v1.0/applications?$filter=appId eq '" + appID + "'&$select=id,appId" }, status: 200,
			fields: map[string]any{"value.0.appId": "*", "value.1": nil, "value.0.displayName": nil}},
		{name: "unsupported filter", method: "GET", path: p("/v1.0/applications?$filter=notes eq 'x'"), status: 400, fields: map[string]any{"error.code": "Request_UnsupportedQuery"}},
		{name: "update with an unknown property", method: "PATCH", path: func() string { return "/v1.0/applications/" + appObj }, body: b(map[string]any{"colour": "blue"}), status: 400, fields: map[string]any{"error.code": "Request_BadRequest"}},
		{name: "application-update", method: "PATCH", path: func() string { return "/v1.0/applications/" + appObj }, body: b(map[string]any{"signInAudience": "AzureADMultipleOrgs", "isFallbackPublicClient": true}), status: 204},
		{name: "serviceprincipal-post-serviceprincipals", method: "POST", path: p("/v1.0/servicePrincipals"), body: func() any { return map[string]any{"appId": appID} }, status: 201,
			fields: map[string]any{"appId": "*", "servicePrincipalType": "Application", "appOwnerOrganizationId": DefaultHomeTenantID},
			after:  func(r response) { clientSP = r.Body["id"].(string) }},
		{name: "service principal for an unknown appId", method: "POST", path: p("/v1.0/servicePrincipals"), body: b(map[string]any{"appId": "99999999-9999-4999-8999-999999999999"}), status: 400,
			fields: map[string]any{"error.message": "The appId '99999999-9999-4999-8999-999999999999' of the service principal does not reference a valid application object."}},
		{name: "Microsoft Graph SP by appId", method: "GET", path: p("/v1.0/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')"), status: 200,
			fields: map[string]any{"displayName": "Microsoft Graph"}, after: func(r response) { graphSP = r.Body["id"].(string) }},
		{name: "serviceprincipal-post-approleassignedto", method: "POST", path: func() string { return "/v1.0/servicePrincipals/" + graphSP + "/appRoleAssignedTo" },
			body: func() any {
				return map[string]any{"principalId": clientSP, "resourceId": graphSP, "appRoleId": "df021288-bdef-4463-88db-98f22de89214"}
			}, status: 201, fields: map[string]any{"principalType": "ServicePrincipal", "resourceDisplayName": "Microsoft Graph", "appRoleId": "df021288-bdef-4463-88db-98f22de89214"}},
		{name: "duplicate app role assignment", method: "POST", path: func() string { return "/v1.0/servicePrincipals/" + graphSP + "/appRoleAssignedTo" },
			body: func() any {
				return map[string]any{"principalId": clientSP, "resourceId": graphSP, "appRoleId": "df021288-bdef-4463-88db-98f22de89214"}
			}, status: 400, fields: map[string]any{"error.message": "Permission being assigned already exists on the object."}},
		{name: "unknown appRoleId", method: "POST", path: func() string { return "/v1.0/servicePrincipals/" + graphSP + "/appRoleAssignedTo" },
			body: func() any {
				return map[string]any{"principalId": clientSP, "resourceId": graphSP, "appRoleId": "00000000-0000-4000-8000-000000000001"}
			}, status: 400, fields: map[string]any{"error.code": "Request_BadRequest"}},
		{name: "serviceprincipal-list-approleassignments", method: "GET", path: func() string { return "/v1.0/servicePrincipals/" + clientSP + "/appRoleAssignments" }, status: 200,
			fields: map[string]any{"value.0.resourceId": "*", "value.1": nil}},
		{name: "oauth2permissiongrant-post", method: "POST", path: p("/v1.0/oauth2PermissionGrants"), body: func() any {
			return map[string]any{"clientId": clientSP, "consentType": "AllPrincipals", "principalId": nil, "resourceId": graphSP, "scope": "User.Read Group.Read.All"}
		}, status: 201, fields: map[string]any{"scope": "User.Read Group.Read.All", "consentType": "AllPrincipals", "principalId": nil},
			after: func(r response) { grantID = r.Body["id"].(string) }},
		{name: "oauth2permissiongrant-update", method: "PATCH", path: func() string { return "/v1.0/oauth2PermissionGrants/" + grantID }, body: b(map[string]any{"scope": "User.Read"}), status: 204},
		{name: "oauth2permissiongrant-list with $filter", method: "GET", path: func() string {
			return "/v1.0/oauth2PermissionGrants?$filter=clientId eq '" + clientSP + "' and consentType eq 'AllPrincipals'"
		}, status: 200, fields: map[string]any{"value.0.scope": "User.Read", "value.1": nil}},
		{name: "organization-get", method: "GET", path: p("/v1.0/organization"), status: 200,
			fields: map[string]any{"value.0.id": DefaultHomeTenantID, "value.0.verifiedDomains.0.name": DefaultHomeTenantDomain, "value.0.verifiedDomains.0.isDefault": true}},
		{name: "tenantrelationship-findtenantinformationbydomainname", method: "GET", path: p("/v1.0/tenantRelationships/findTenantInformationByDomainName(domainName='fabrikam.com')"), status: 200,
			fields: map[string]any{"tenantId": FabrikamTenantID, "defaultDomainName": "fabrikam.onmicrosoft.com", "displayName": "Fabrikam", "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.tenantInformation"}},
		{name: "tenantrelationship-findtenantinformationbytenantid", method: "GET", path: p("/v1.0/tenantRelationships/findTenantInformationByTenantId(tenantId='" + NorthwindTenantID + "')"), status: 200,
			fields: map[string]any{"tenantId": NorthwindTenantID, "displayName": "Northwind Traders"}},
		{name: "find an unknown tenant", method: "GET", path: p("/v1.0/tenantRelationships/findTenantInformationByDomainName(domainName='nosuch.example')"), status: 404, fields: map[string]any{"error.code": "Request_ResourceNotFound"}},
		{name: "$count without ConsistencyLevel", method: "GET", path: p("/v1.0/users/$count"), status: 403},
		{name: "batch: dependsOn a failure answers 424", method: "POST", path: p("/v1.0/$batch"), body: b(map[string]any{"requests": []map[string]any{
			{"id": "1", "method": "GET", "url": "/applications/00000000-0000-4000-8000-000000000000"},
			{"id": "2", "dependsOn": []string{"1"}, "method": "GET", "url": "/organization"},
			{"id": "3", "method": "GET", "url": "/organization"},
		}}), status: 200, fields: map[string]any{"responses.0.status": 404.0, "responses.1.status": 424.0, "responses.2.status": 200.0, "responses.2.body.value.0.id": DefaultHomeTenantID}},
		{name: "batch over 20 requests", method: "POST", path: p("/v1.0/$batch"), body: func() any {
			var reqs []map[string]any
			for i := 0; i < 21; i++ {
				reqs = append(reqs, map[string]any{"id": fmt.Sprint(i), "method": "GET", "url": "/organization"})
			}
			return map[string]any{"requests": reqs}
		}, status: 400},
		{name: "application-delete", method: "DELETE", path: func() string { return "/v1.0/applications/" + appObj }, status: 204},
		{name: "get a deleted application", method: "GET", path: func() string { return "/v1.0/applications/" + appObj }, status: 404,
			fields: map[string]any{"error.message": "Resource '" + "%s" + "' does not exist or one of its queried reference-property objects are not present."}},
	}
	for _, st := range steps {
		var body any
		if st.body != nil {
			body = st.body()
		}
		r := call(t, s, st.method, st.path(), tok, body, st.headers...)
		if r.Status != st.status {
			t.Errorf("%s: status %d, want %d: %s", st.name, r.Status, st.status, r.Raw)
			continue
		}
		for k, want := range st.fields {
			got := field(r.Body, k)
			if ws, ok := want.(string); ok && strings.Contains(ws, "%s") {
				want = fmt.Sprintf(ws, appObj)
			}
			switch {
			case want == "*" && got == nil:
				t.Errorf("%s: %s missing in %s", st.name, k, r.Raw)
			case want != "*" && fmt.Sprint(got) != fmt.Sprint(want):
				t.Errorf("%s: %s = %v, want %v", st.name, k, got, want)
			}
		}
		if st.after != nil {
			st.after(r)
		}
	}
	if len(steps) < 25 {
		t.Fatalf("only %d documented examples", len(steps))
	}
}

func TestGraphCountNeedsEventualConsistency(t *testing.T) {
	s := newTestServer(t)
	id, appID, _ := multiTenantApp(t, s)
	_ = id
	if err := s.Consent(FabrikamTenantID, appID, "admin@fabrikam.onmicrosoft.com"); err != nil {
		t.Fatal(err)
	}
	_ = appID
	tok := appToken(t, s, DefaultHomeTenantID, DefaultAutomationClientID, DefaultAutomationClientSecret, store.GraphResource)
	// The automation identity lacks User.Read.All: 403 whatever the header.
	if r := call(t, s, "GET", "/v1.0/users/$count", tok, nil, "ConsistencyLevel", "eventual"); r.Status != http.StatusForbidden {
		t.Fatalf("without User.Read.All: %d", r.Status)
	}
}

func TestThrottlingAnswersRetryAfter(t *testing.T) {
	s := newTestServer(t)
	tok := automationToken(t, s)
	if err := s.InjectFault(Fault{Service: "graph", Path: "^/v1.0/organization$", Status: 429, RetryAfter: 7, Count: 2}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		r := call(t, s, "GET", "/v1.0/organization", tok, nil)
		if r.Status != 429 || r.Header.Get("Retry-After") != "7" || field(r.Body, "error.code") != "TooManyRequests" {
			t.Fatalf("attempt %d: %d %v %s", i, r.Status, r.Header, r.Raw)
		}
	}
	if r := call(t, s, "GET", "/v1.0/organization", tok, nil); r.Status != 200 {
		t.Fatalf("after the burst: %d", r.Status)
	}
	if c := s.Counters(); c.ByPath["GET /v1.0/organization"] != 3 || c.Tokens != 1 {
		t.Fatalf("counters = %+v", c)
	}
}

func TestReplicationDelayAfterCreate(t *testing.T) {
	s := newTestServer(t)
	s.SetReplicationDelay(10 * time.Second)
	tok := automationToken(t, s)
	r := call(t, s, "POST", "/v1.0/applications", tok, map[string]any{"displayName": "fresh"})
	id := r.Body["id"].(string)
	if r := call(t, s, "GET", "/v1.0/applications/"+id, tok, nil); r.Status != 404 {
		t.Fatalf("right after create: %d, want 404 like a lagging replica", r.Status)
	}
	s.Advance(11 * time.Second)
	if r := call(t, s, "GET", "/v1.0/applications/"+id, tok, nil); r.Status != 200 {
		t.Fatalf("after replication: %d", r.Status)
	}
}
