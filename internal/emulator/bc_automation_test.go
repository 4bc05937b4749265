package emulator

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/businesscentral"
)

const bcTestAuto = "/v2.0/" + bcTestCustomer + "/Production/api/microsoft/automation/v2.0"

// seedProduction gives the customer a US production environment.
func seedProduction(t *testing.T, f *bcFixture) {
	t.Helper()
	mustNil(t, f.s.SeedBCEnvironment(bcTestCustomer, BCEnvironmentSpec{Name: "Production", CountryCode: "US"}))
}

func companyID(t *testing.T, f *bcFixture, token string) string {
	t.Helper()
	m := f.do(t, http.MethodGet, bcTestAuto+"/companies", token, "").want(t, http.StatusOK).json(t)
	return m["value"].([]any)[0].(map[string]any)["id"].(string)
}

func TestBCAutomationNeedsEntraAppCard(t *testing.T) {
	f := newBCFixture(t)
	seedProduction(t, f)

	// No "Microsoft Entra Applications" record yet: BC rejects the app.
	f.do(t, http.MethodGet, bcTestAuto+"/companies", "vendor", "").odataErr(t, http.StatusUnauthorized, "Authentication_InvalidCredentials")

	// A disabled card creates no user yet (table 9012: the user comes with
	// the first Enabled) and still keeps the app out.
	st, err := f.s.CreateBCEntraApp(bcTestCustomer, "Production", BCEntraAppSpec{ClientID: bcTestVendorApp, Description: "Contoso Connector"})
	mustNil(t, err)
	if st.State != "Disabled" || st.UserSecurityID != "" {
		t.Fatalf("new card = %+v", st)
	}
	f.do(t, http.MethodGet, bcTestAuto+"/companies", "vendor", "").odataErr(t, http.StatusUnauthorized, "Authentication_InvalidCredentials")

	// Enabled: the app gets in, if its token has Automation.ReadWrite.All.
	st, err = f.s.SetBCEntraAppState(bcTestCustomer, "Production", bcTestVendorApp, "Enabled")
	mustNil(t, err)
	if st.UserName != "CONTOSO CONNECTOR" || st.UserState != "Enabled" {
		t.Fatalf("enabled card = %+v", st)
	}
	m := f.do(t, http.MethodGet, bcTestAuto+"/companies", "vendor", "").want(t, http.StatusOK).json(t)
	if m["@odata.context"] != f.srv.URL+bcTestAuto+"/$metadata#companies" {
		t.Errorf("@odata.context = %v", m["@odata.context"])
	}
	c := m["value"].([]any)[0].(map[string]any)
	if c["name"] != "CRONUS USA, Inc." || c["displayName"] != "CRONUS USA, Inc." || !businesscentral.IsGUID(c["id"].(string)) {
		t.Errorf("company = %v", c)
	}
	f.do(t, http.MethodGet, bcTestAuto+"/companies", "vendor-noroles", "").odataErr(t, http.StatusUnauthorized, "Authentication_InvalidCredentials")

	// The card has no permission sets yet: companies are readable, users
	// are not (D365 AUTOMATION grants the automation pages).
	users := bcTestAuto + "/companies(" + c["id"].(string) + ")/users"
	msg := f.do(t, http.MethodGet, users, "vendor", "").odataErr(t, http.StatusBadRequest, "Internal_ServerError")
	if !strings.Contains(msg, "APIV2 - Aut. Users") {
		t.Errorf("message = %q", msg)
	}
	// A delegated admin can read them, and assign D365 AUTOMATION.
	m = f.do(t, http.MethodGet, users, "d365admin", "").want(t, http.StatusOK).json(t)
	var uid string
	for _, u := range m["value"].([]any) {
		if u.(map[string]any)["userName"] == "CONTOSO CONNECTOR" {
			uid = u.(map[string]any)["userSecurityId"].(string)
		}
	}
	f.do(t, http.MethodPost, users+"("+uid+")/userPermissions", "d365admin", `{"roleId":"D365 AUTOMATION","company":""}`).want(t, http.StatusCreated)
	f.do(t, http.MethodGet, users, "vendor", "").want(t, http.StatusOK)

	// Disabled again: out again.
	_, err = f.s.SetBCEntraAppState(bcTestCustomer, "Production", bcTestVendorApp, "Disabled")
	mustNil(t, err)
	f.do(t, http.MethodGet, bcTestAuto+"/companies", "vendor", "").odataErr(t, http.StatusUnauthorized, "Authentication_InvalidCredentials")

	// Unknown environment, wrong tenant in the path, no token.
	f.do(t, http.MethodGet, "/v2.0/"+bcTestCustomer+"/Nope/api/microsoft/automation/v2.0/companies", "d365admin", "").odataErr(t, http.StatusNotFound, "BadRequest_NotFound")
	f.do(t, http.MethodGet, "/v2.0/"+bcTestCustomer2+"/Production/api/microsoft/automation/v2.0/companies", "d365admin", "").odataErr(t, http.StatusUnauthorized, "Authentication_InvalidCredentials")
	f.do(t, http.MethodGet, bcTestAuto+"/companies", "", "").odataErr(t, http.StatusUnauthorized, "Authentication_InvalidCredentials")
	// The tenant may be given by domain, or left out (the docs' form).
	f.do(t, http.MethodGet, "/v2.0/fabrikam.onmicrosoft.com/Production/api/microsoft/automation/v2.0/companies", "d365admin", "").want(t, http.StatusOK)
	f.do(t, http.MethodGet, "/v2.0/Production/api/microsoft/automation/v2.0/companies", "d365admin", "").want(t, http.StatusOK)
}

func TestBCAutomationAppUserAndPermissions(t *testing.T) {
	f := newBCFixture(t)
	seedProduction(t, f)
	_, err := f.s.CreateBCEntraApp(bcTestCustomer, "Production", BCEntraAppSpec{
		ClientID: bcTestVendorApp, Description: "Contoso Connector", State: "Enabled",
		PermissionSets: []BCPermission{{RoleID: "D365 AUTOMATION"}},
	})
	mustNil(t, err)
	cid := companyID(t, f, "vendor")
	users := bcTestAuto + "/companies(" + cid + ")/users"

	// The app's user, as the automation API shows it: no field carries the
	// client ID; userName is the card's description (Code[50], upper case).
	m := f.do(t, http.MethodGet, users, "vendor", "").want(t, http.StatusOK).json(t)
	if m["@odata.context"] != f.srv.URL+bcTestAuto+"/$metadata#companies("+cid+")/users" {
		t.Errorf("@odata.context = %v", m["@odata.context"])
	}
	var app map[string]any
	for _, u := range m["value"].([]any) {
		if u.(map[string]any)["userName"] == "CONTOSO CONNECTOR" {
			app = u.(map[string]any)
		}
	}
	if app == nil {
		t.Fatalf("app user missing: %s", m)
	}
	keys := []string{}
	for k := range app {
		keys = append(keys, k)
	}
	for _, k := range []string{"@odata.etag", "userSecurityId", "userName", "displayName", "state", "expiryDate", "contactEmail"} {
		if _, ok := app[k]; !ok {
			t.Errorf("user lacks %s (has %v)", k, keys)
		}
	}
	if len(app) != 7 || app["displayName"] != "Contoso Connector" || app["state"] != "Enabled" {
		t.Errorf("app user = %v", app)
	}
	uid := app["userSecurityId"].(string)
	perms := users + "(" + uid + ")/userPermissions"

	r := f.do(t, http.MethodGet, perms, "vendor", "").want(t, http.StatusOK).json(t)
	list := r["value"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["roleId"] != "D365 AUTOMATION" {
		t.Fatalf("initial permissions = %v", list)
	}

	// POST -> 201 with the documented fields.
	p := f.do(t, http.MethodPost, perms, "vendor", `{"roleId":"local","company":"CRONUS USA, Inc."}`).want(t, http.StatusCreated).json(t)
	for k, want := range map[string]any{"userSecurityId": uid, "roleId": "LOCAL", "company": "CRONUS USA, Inc.",
		"scope": "System", "appId": "437dbf0e-84ff-417a-965d-ed2bb9650972", // Base Application
		"extensionName": "Base Application"} {
		if p[k] != want {
			t.Errorf("created %s = %v, want %v", k, p[k], want)
		}
	}
	pid, etag := p["id"].(string), p["@odata.etag"].(string)
	if !businesscentral.IsGUID(pid) || !strings.HasPrefix(etag, `W/"`) {
		t.Fatalf("id %q etag %q", pid, etag)
	}
	f.do(t, http.MethodGet, perms+"("+pid+")", "vendor", "").want(t, http.StatusOK)

	// Refusals with BC's codes.
	f.do(t, http.MethodPost, perms, "vendor", `{"roleId":"LOCAL","company":"CRONUS USA, Inc."}`).odataErr(t, http.StatusConflict, "Internal_EntityWithSameKeyExists")
	msg := f.do(t, http.MethodPost, perms, "vendor", `{"roleId":"NO SUCH SET"}`).odataErr(t, http.StatusNotFound, "Internal_DataNotFoundFilter")
	if !strings.Contains(msg, "Aggregate Permission Set") {
		t.Errorf("message = %q", msg)
	}
	f.do(t, http.MethodPost, perms, "vendor", `{"roleId":"SUPER"}`).odataErr(t, http.StatusBadRequest, "Application_DialogException")
	f.do(t, http.MethodPost, perms, "vendor", `{"roleId":"LOGIN","company":"No Such Company"}`).odataErr(t, http.StatusBadRequest, "Internal_InvalidTableRelation")

	// DELETE needs If-Match; a stale ETag conflicts; the right one deletes.
	f.do(t, http.MethodDelete, perms+"("+pid+")", "vendor", "").odataErr(t, http.StatusBadRequest, "BadRequest_InvalidToken")
	f.do(t, http.MethodDelete, perms+"("+pid+")", "vendor", "", "If-Match", `W/"stale"`).odataErr(t, http.StatusConflict, "Request_EntityChanged")
	f.do(t, http.MethodDelete, perms+"("+pid+")", "vendor", "", "If-Match", etag).want(t, http.StatusNoContent)
	f.do(t, http.MethodDelete, perms+"("+pid+")", "vendor", "", "If-Match", "*").odataErr(t, http.StatusNotFound, "Internal_RecordNotFound")

	st, err := f.s.BCEntraApp(bcTestCustomer, "Production", bcTestVendorApp)
	mustNil(t, err)
	if !reflect.DeepEqual(st.PermissionSets, []BCPermission{{RoleID: "D365 AUTOMATION"}}) {
		t.Fatalf("permissions after delete = %v", st.PermissionSets)
	}

	// Permission sets of the environment.
	ps := f.do(t, http.MethodGet, bcTestAuto+"/companies("+cid+")/permissionSets", "vendor", "").want(t, http.StatusOK).json(t)
	found := false
	for _, v := range ps["value"].([]any) {
		if v.(map[string]any)["id"] == "D365 AUTOMATION" {
			found = v.(map[string]any)["scope"] == "System"
		}
	}
	if !found {
		t.Errorf("permissionSets lacks D365 AUTOMATION: %v", ps)
	}

	// Unknown user and company, unknown entity set.
	f.do(t, http.MethodGet, users+"("+bcTestOtherApp+")", "vendor", "").odataErr(t, http.StatusNotFound, "Internal_RecordNotFound")
	f.do(t, http.MethodGet, bcTestAuto+"/companies("+bcTestOtherApp+")/users", "vendor", "").odataErr(t, http.StatusNotFound, "BadRequest_NotFound")
	f.do(t, http.MethodGet, bcTestAuto+"/companies("+cid+")/aadApplications", "vendor", "").odataErr(t, http.StatusNotFound, "BadRequest_NotFound")
	f.do(t, http.MethodPost, bcTestAuto+"/companies("+cid+")/users", "vendor", `{}`).odataErr(t, http.StatusMethodNotAllowed, "BadRequest_MethodNotAllowed")

	// Disabling the card shows as the user's state to a delegated admin.
	_, err = f.s.SetBCEntraAppState(bcTestCustomer, "Production", bcTestVendorApp, "Disabled")
	mustNil(t, err)
	u := f.do(t, http.MethodGet, users+"("+uid+")", "d365admin", "").want(t, http.StatusOK).json(t)
	if u["state"] != "Disabled" || u["@odata.etag"] == app["@odata.etag"] {
		t.Fatalf("disabled app user = %v", u)
	}

	// Deleting the card deletes its user.
	mustNil(t, f.s.DeleteBCEntraApp(bcTestCustomer, "Production", bcTestVendorApp))
	f.do(t, http.MethodGet, users+"("+uid+")", "d365admin", "").odataErr(t, http.StatusNotFound, "Internal_RecordNotFound")
}

func TestBCAutomationThrottle(t *testing.T) {
	f := newBCFixture(t)
	seedProduction(t, f)
	mustNil(t, f.s.ThrottleBC(bcTestCustomer, 1, 3))
	r := f.do(t, http.MethodGet, bcTestAuto+"/companies", "d365admin", "")
	r.odataErr(t, http.StatusTooManyRequests, "Application_TooManyRequests")
	if r.header.Get("Retry-After") != "3" {
		t.Fatalf("Retry-After = %q", r.header.Get("Retry-After"))
	}
	f.do(t, http.MethodGet, bcTestAuto+"/companies", "d365admin", "").want(t, http.StatusOK)
}

func TestBCControlHTTP(t *testing.T) {
	f := newBCFixture(t)
	base := "/_emulator/bc/tenants/" + bcTestCustomer
	f.do(t, http.MethodPut, base+"/environments/Sandbox", "", `{"type":"Sandbox","countryCode":"GB","version":"26.3"}`).want(t, http.StatusNoContent)
	f.do(t, http.MethodPut, base+"/authorizedApps/"+bcTestVendorApp, "", "").want(t, http.StatusNoContent)
	ids := f.do(t, http.MethodGet, base+"/authorizedApps", "", "").want(t, http.StatusOK)
	if strings.TrimSpace(string(ids.body)) != `["`+bcTestVendorApp+`"]` {
		t.Fatalf("authorizedApps = %s", ids.body)
	}
	env := f.do(t, http.MethodGet, "/admin/v2.24/applications/BusinessCentral/environments/Sandbox", "vendor", "").want(t, http.StatusOK).json(t)
	if env["type"] != "Sandbox" || env["countryCode"] != "GB" {
		t.Fatalf("seeded env = %v", env)
	}

	app := base + "/environments/Sandbox/entraApps/" + bcTestVendorApp
	st := f.do(t, http.MethodPut, app, "", `{"description":"Contoso Connector","state":"Enabled","permissionSets":[{"roleId":"D365 AUTOMATION"},{"roleId":"LOCAL","company":"CRONUS UK Ltd."}]}`).want(t, http.StatusOK).json(t)
	if st["state"] != "Enabled" || st["userName"] != "CONTOSO CONNECTOR" || len(st["permissionSets"].([]any)) != 2 {
		t.Fatalf("created card = %v", st)
	}
	f.do(t, http.MethodPut, app, "", `{"description":"again"}`).want(t, http.StatusBadRequest)
	st = f.do(t, http.MethodPatch, app, "", `{"state":"Disabled"}`).want(t, http.StatusOK).json(t)
	if st["state"] != "Disabled" || st["userState"] != "Disabled" {
		t.Fatalf("patched card = %v", st)
	}
	f.do(t, http.MethodGet, app, "", "").want(t, http.StatusOK)
	f.do(t, http.MethodDelete, app, "", "").want(t, http.StatusNoContent)
	f.do(t, http.MethodGet, app, "", "").want(t, http.StatusNotFound)
	f.do(t, http.MethodPost, base+"/throttle", "", `{"count":1,"retryAfterSeconds":2}`).want(t, http.StatusNoContent)
	f.do(t, http.MethodDelete, base+"/authorizedApps/"+bcTestVendorApp, "", "").want(t, http.StatusNoContent)
	f.do(t, http.MethodDelete, base+"/environments/Sandbox", "", "").want(t, http.StatusNoContent)
	f.do(t, http.MethodPut, "/_emulator/bc/tenants/no-such-tenant/environments/X", "", `{}`).want(t, http.StatusNotFound)
}

func TestBCEntraAppCardRules(t *testing.T) {
	f := newBCFixture(t)
	seedProduction(t, f)
	// Permission sets need the user, which needs State Enabled.
	_, err := f.s.CreateBCEntraApp(bcTestCustomer, "Production", BCEntraAppSpec{ClientID: bcTestVendorApp, Description: "X",
		PermissionSets: []BCPermission{{RoleID: "D365 AUTOMATION"}}})
	if err == nil {
		t.Fatal("permission sets on a never-enabled card were accepted")
	}
	// Enabling needs a description.
	_, err = f.s.CreateBCEntraApp(bcTestCustomer, "Production", BCEntraAppSpec{ClientID: bcTestVendorApp, State: "Enabled"})
	if err == nil || !strings.Contains(err.Error(), "Description") {
		t.Fatalf("enable without description: %v", err)
	}
	// SUPER cannot be given to an app.
	_, err = f.s.CreateBCEntraApp(bcTestCustomer, "Production", BCEntraAppSpec{ClientID: bcTestVendorApp, Description: "X", State: "Enabled",
		PermissionSets: []BCPermission{{RoleID: "SUPER"}}})
	if err == nil || !strings.Contains(err.Error(), "SUPER") {
		t.Fatalf("SUPER: %v", err)
	}
}

func TestBCAutomationPatchUser(t *testing.T) {
	f := newBCFixture(t)
	seedProduction(t, f)
	st, err := f.s.CreateBCEntraApp(bcTestCustomer, "Production", BCEntraAppSpec{ClientID: bcTestVendorApp,
		Description: "Contoso Connector", State: "Enabled", PermissionSets: []BCPermission{{RoleID: "D365 AUTOMATION"}}})
	mustNil(t, err)
	user := bcTestAuto + "/companies(" + companyID(t, f, "vendor") + ")/users(" + st.UserSecurityID + ")"
	etag := f.do(t, http.MethodGet, user, "d365admin", "").want(t, http.StatusOK).json(t)["@odata.etag"].(string)

	f.do(t, http.MethodPatch, user, "d365admin", `{"state":"Disabled"}`).odataErr(t, http.StatusBadRequest, "BadRequest_InvalidToken")
	f.do(t, http.MethodPatch, user, "d365admin", `{"userName":"X"}`, "If-Match", "*").odataErr(t, http.StatusBadRequest, "BadRequest_InvalidOperation")
	u := f.do(t, http.MethodPatch, user, "d365admin", `{"state":"Disabled","expiryDate":"2035-01-01T21:03:53.443Z"}`, "If-Match", etag).want(t, http.StatusOK).json(t)
	if u["state"] != "Disabled" || u["expiryDate"] != "2035-01-01T21:03:53.443Z" || u["@odata.etag"] == etag {
		t.Fatalf("patched = %v", u)
	}
	f.do(t, http.MethodPatch, user, "d365admin", `{"state":"Enabled"}`, "If-Match", etag).odataErr(t, http.StatusConflict, "Request_EntityChanged")
	// A disabled user keeps the app out although its card says Enabled.
	f.do(t, http.MethodGet, bcTestAuto+"/companies", "vendor", "").odataErr(t, http.StatusUnauthorized, "Authentication_InvalidCredentials")
	st, err = f.s.BCEntraApp(bcTestCustomer, "Production", bcTestVendorApp)
	mustNil(t, err)
	if st.State != "Enabled" || st.UserState != "Disabled" {
		t.Fatalf("card %+v", st)
	}
}

func TestBCAutomationFilter(t *testing.T) {
	f := newBCFixture(t)
	seedProduction(t, f)
	_, err := f.s.CreateBCEntraApp(bcTestCustomer, "Production", BCEntraAppSpec{ClientID: bcTestVendorApp,
		Description: "O'Brien Connector", State: "Enabled", PermissionSets: []BCPermission{{RoleID: "D365 AUTOMATION"}}})
	mustNil(t, err)
	users := bcTestAuto + "/companies(" + companyID(t, f, "vendor") + ")/users"
	m := f.do(t, http.MethodGet, users+"?$filter="+url.QueryEscape("userName eq 'O''BRIEN CONNECTOR' and state eq 'Enabled'"), "vendor", "").want(t, http.StatusOK).json(t)
	if v := m["value"].([]any); len(v) != 1 || v[0].(map[string]any)["displayName"] != "O'Brien Connector" {
		t.Fatalf("filtered = %v", m)
	}
	m = f.do(t, http.MethodGet, users+"?$filter="+url.QueryEscape("userName eq 'NOBODY'"), "vendor", "").want(t, http.StatusOK).json(t)
	if v := m["value"].([]any); len(v) != 0 {
		t.Fatalf("filtered = %v", m)
	}
	f.do(t, http.MethodGet, users+"?$filter="+url.QueryEscape("nope eq 'x'"), "vendor", "").odataErr(t, http.StatusBadRequest, "BadRequest_NotFound")
	f.do(t, http.MethodGet, users+"?$filter="+url.QueryEscape("startswith(userName,'O')"), "vendor", "").odataErr(t, http.StatusNotImplemented, "BadRequest_MethodNotImplemented")
}

func TestBCFaultShapes(t *testing.T) {
	for path, odata := range map[string]bool{"/v2.0/t/Production/api/microsoft/automation/v2.0/companies": true, "/admin/v2.24/applications/environments": false} {
		w := httptest.NewRecorder()
		businesscentral.WriteFault(w, httptest.NewRequest(http.MethodGet, path, nil), http.StatusTooManyRequests)
		r := bcResp{status: w.Code, header: w.Header(), body: w.Body.Bytes()}
		if odata {
			r.odataErr(t, http.StatusTooManyRequests, "Application_TooManyRequests")
		} else {
			r.adminErr(t, http.StatusTooManyRequests, "TooManyRequests")
		}
	}
}
