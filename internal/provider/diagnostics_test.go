package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/onboard-tf/terraform-provider-onboard/internal/auth"
	"github.com/onboard-tf/terraform-provider-onboard/internal/bcadmin"
	"github.com/onboard-tf/terraform-provider-onboard/internal/graph"
	"github.com/onboard-tf/terraform-provider-onboard/internal/session"
)

const (
	diagTenant = "6b6c8c3e-1111-4a4a-9b9b-0123456789ab"
	diagClient = "2c2c2c2c-2222-4b4b-8c8c-0123456789ab"
)

func tokenErr(code int) error {
	return fmt.Errorf("reading: %w", &auth.TokenError{Code: code, Err: "invalid_client", Description: fmt.Sprintf("AADSTS%d description.", code), TenantID: diagTenant, ClientID: diagClient})
}

func graphErr(status int) error {
	return fmt.Errorf("granting User.Read.All: %w", &graph.APIError{StatusCode: status, Code: "Code" + fmt.Sprint(status), Message: "Graph says no"})
}

// bcErr is a real Business Central client's error for an answer with
// status and body, to an app-only call or (delegated) to authorizedAadApps.
func bcErr(t *testing.T, status int, body string, delegated bool) error {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	defer ts.Close()
	tok := bcadmin.TokenSourceFunc(func(context.Context, string, string) (string, error) { return "token", nil })
	c, err := bcadmin.New(bcadmin.Options{Endpoint: ts.URL, Tokens: tok, DelegatedTokens: tok, MaxRetries: -1, HTTPClient: ts.Client()})
	if err != nil {
		t.Fatal(err)
	}
	if delegated {
		_, err = c.GetAuthorizedApp(context.Background(), diagTenant, diagClient)
	} else {
		_, err = c.ListEnvironments(context.Background(), diagTenant)
	}
	if err == nil {
		t.Fatalf("status %d: no error", status)
	}
	return err
}

// The table: every error kind with each credential it meets gets a title
// that says what failed, the service's own words, and a fix that fits the
// credential used.
func TestExplain(t *testing.T) {
	const doing = "doing the thing"
	auto, app, partner := session.Automation, session.App, session.Partner
	cases := []struct {
		name  string
		cred  session.Credential
		err   error
		title string // regexp
		cause string // regexp
		fix   string // regexp; "^$" for none
	}{
		// The identity platform's codes DESIGN.md names, with each credential.
		{"65001 app", app, tokenErr(65001), `^Admin consent has not been granted while doing the thing$`, `AADSTS65001`, `Global Administrator or Cloud Application Administrator of tenant ` + diagTenant + ` must grant admin consent to app ` + diagClient},
		{"65001 automation", auto, tokenErr(65001), `^Admin consent has not been granted while`, `AADSTS65001`, `must grant admin consent to app`},
		{"65001 partner", partner, tokenErr(65001), `^Admin consent has not been granted while`, `AADSTS65001`, `partner admin's client ` + diagClient + ` is not consented`},
		{"50011 app", app, tokenErr(50011), `^Redirect URI mismatch while`, `AADSTS50011`, `web_redirect_uris`},
		{"50011 partner", partner, tokenErr(50011), `^Redirect URI mismatch while`, `AADSTS50011`, `web_redirect_uris`},
		{"700016 automation", auto, tokenErr(700016), `^Application not found in the tenant while`, `AADSTS700016`, `provider's client_id and tenant_id`},
		{"700016 app", app, tokenErr(700016), `^Application not found in the tenant while`, `AADSTS700016`, `multi-tenant.*consent`},
		{"700016 partner", partner, tokenErr(700016), `^Application not found in the tenant while`, `AADSTS700016`, `no service principal in tenant`},
		{"7000215 automation", auto, tokenErr(7000215), `^Invalid client secret while`, `AADSTS7000215`, `provider's client_secret \(ONBOARD_CLIENT_SECRET\)`},
		{"7000215 app", app, tokenErr(7000215), `^Invalid client secret while`, `AADSTS7000215`, `not a current secret of app ` + diagClient + `.*onboard_client_secret`},
		{"7000222 automation", auto, tokenErr(7000222), `^Client secret expired while`, `AADSTS7000222`, `update ONBOARD_CLIENT_SECRET`},
		{"7000222 app", app, tokenErr(7000222), `^Client secret expired while`, `AADSTS7000222`, `rotate_before`},
		{"90002 app", app, tokenErr(90002), `^Tenant not found while`, `AADSTS90002`, `Tenant ` + diagTenant + ` does not exist`},
		{"90002 automation", auto, tokenErr(90002), `^Tenant not found while`, `AADSTS90002`, `cloud setting`},
		{"90002 partner", partner, tokenErr(90002), `^Tenant not found while`, `AADSTS90002`, `cloud setting`},
		// The partner's own failures.
		{"50020 partner", partner, tokenErr(50020), `^Partner admin has no access to the tenant while`, `AADSTS50020`, `GDAP relationship with the tenant must be active`},
		{"700082 partner", partner, tokenErr(700082), `^Partner refresh token expired while`, `AADSTS700082`, `az login.*ONBOARD_PARTNER_REFRESH_TOKEN`},
		{"9002313 partner", partner, tokenErr(9002313), `^Malformed request while`, `AADSTS9002313`, `refresh_token \(ONBOARD_PARTNER_REFRESH_TOKEN\) is not a refresh token`},
		{"9002313 app", app, tokenErr(9002313), `^Malformed request while`, `AADSTS9002313`, `check the credential's value`},
		// The other codes the provider meets.
		{"70011", app, tokenErr(70011), `^Invalid scope while`, `AADSTS70011`, `/.default`},
		{"7000218", auto, tokenErr(7000218), `^No client credential sent while`, `AADSTS7000218`, `client_secret, a client certificate, or OIDC`},
		{"500011", app, tokenErr(500011), `^API not found in the tenant while`, `AADSTS500011`, `Business Central subscription`},
		{"700027", auto, tokenErr(700027), `^Client certificate or assertion rejected while`, `AADSTS700027`, `Upload the certificate`},
		{"700024", auto, tokenErr(700024), `^Client certificate or assertion rejected while`, `AADSTS700024`, `Upload the certificate`},
		{"70021", auto, tokenErr(70021), `^No matching federated identity credential while`, `AADSTS70021`, `federated identity credential`},
		{"700212", auto, tokenErr(700212), `^No matching federated identity credential while`, `AADSTS700212`, `federated identity credential`},
		{"700213", app, tokenErr(700213), `^No matching federated identity credential while`, `AADSTS700213`, `onboard_federated_credential.*sub`},
		{"700021", app, tokenErr(700021), `^Client assertion names another app while`, `AADSTS700021`, `iss and sub must both be the client ID ` + diagClient},
		{"unknown code", app, tokenErr(1234567), `^Token request failed while`, `AADSTS1234567`, `error\?code=1234567`},

		// Microsoft Graph: a 403 depends on whose token it was.
		{"graph 403 automation", auto, graphErr(403), `^Microsoft Graph refused doing the thing$`, `granting User.Read.All: Graph answered 403`, `automation identity lacks a Microsoft Graph permission.*Application.ReadWrite.All`},
		{"graph 403 partner", partner, graphErr(403), `^Microsoft Graph refused`, `403`, `partner admin's GDAP roles in tenant ` + diagTenant + ` do not allow this.*Privileged Role Administrator`},
		{"graph 403 app", app, graphErr(403), `^Microsoft Graph refused`, `403`, `App ` + diagClient + ` lacks admin consent in tenant ` + diagTenant},
		{"graph 401", app, graphErr(401), `^Microsoft Graph refused`, `401`, `did not accept the token`},
		{"graph 404 automation", auto, graphErr(404), `^Microsoft Graph refused`, `404`, `deleted outside Terraform.*replicated`},
		{"graph 404 partner", partner, graphErr(404), `^Microsoft Graph refused`, `404`, `deleted outside Terraform`},
		{"graph 429", auto, graphErr(429), `^Microsoft Graph refused`, `429`, `kept throttling after retries; run again later or lower -parallelism`},
		{"graph 429 app", app, graphErr(429), `^Microsoft Graph refused`, `429`, `kept throttling`},
		{"graph 500", auto, graphErr(500), `^Microsoft Graph refused`, `500`, `kept failing after retries`},
		{"graph 503 partner", partner, graphErr(503), `^Microsoft Graph refused`, `503`, `kept failing after retries`},
		{"graph 400", auto, graphErr(400), `^Microsoft Graph refused`, `400 Code400: Graph says no`, `^$`},
		{"identifier URI not on a verified domain", auto, &graph.APIError{StatusCode: 400, Code: "HostNameNotOnVerifiedDomain",
			Message: "Values of identifierUris property must use a verified domain of the organization or its subdomain: 'https://example.com/x'"},
			`^Microsoft Graph refused`, `HostNameNotOnVerifiedDomain.*'https://example.com/x'`, `api://<client id>.*verified domains`},

		// Business Central.
		{"bc delegated refused, partner", partner, bcErr(t, 403, `{"code":"Forbidden","message":"needs a role"}`, true), `^Business Central refused doing the thing$`, `403 Forbidden: Forbidden: needs a role`,
			`partner credential was refused: its GDAP relationship with tenant ` + diagTenant + ` must include Dynamics 365 Administrator`},
		{"bc delegated refused, app", app, bcErr(t, 401, `{"code":"Unauthorized","message":"app token"}`, true), `^Business Central refused`, `401`, `configure the provider's partner block`},
		{"bc 401 app", app, bcErr(t, 401, `{"code":"Unauthorized","message":"not authorized"}`, false), `^Business Central refused`, `401 Unauthorized`,
			`not authorized in the admin center of tenant ` + diagTenant + ` \(onboard_bc_authorized_app\)`},
		{"bc 401 partner", partner, bcErr(t, 401, `{"code":"Unauthorized","message":"no"}`, false), `^Business Central refused`, `401`, `GDAP relationship with tenant ` + diagTenant + ` must be active and include Dynamics 365 Administrator`},
		{"bc 403 app", app, bcErr(t, 403, `{"code":"Forbidden","message":"no AdminCenter"}`, false), `^Business Central refused`, `403`, `App ` + diagClient + ` lacks admin consent.*AdminCenter.ReadWrite.All`},
		{"bc 403 partner", partner, bcErr(t, 403, `{"code":"Forbidden","message":"no"}`, false), `^Business Central refused`, `403`, `GDAP relationship`},
		{"bc 404", app, bcErr(t, 404, `{"error":{"code":"NotFound","message":"no environment"}}`, false), `^Business Central refused`, `404 Not Found: NotFound: no environment`, `no such object`},
		{"bc 429", partner, bcErr(t, 429, `{"code":"TooManyRequests","message":"slow down"}`, false), `^Business Central refused`, `429`, `kept throttling after retries`},
		{"bc 500", app, bcErr(t, 500, `upstream failed`, false), `^Business Central refused`, `500 Internal Server Error: upstream failed`, `kept failing after retries`},
		{"bc permissions prevented", app, bcErr(t, 400, `{"error":{"code":"Internal_ServerError","message":"Sorry, the current permissions prevented the action. (Page 1)"}}`, false),
			`^Business Central refused`, `current permissions prevented`, `card of client ID ` + diagClient + ` and add the D365 AUTOMATION permission set`},

		// Errors before any request.
		{"no partner", app, fmt.Errorf("reading: %w", session.ErrNoPartner), `^Partner credential needed for doing the thing$`, `no partner credential`, `partner block`},
		{"no delegated credential", app, fmt.Errorf("bcadmin: %w: no delegated credential configured", bcadmin.ErrDelegatedAdminRequired), `^Partner credential needed for`, `no delegated credential`, `partner block`},
		{"no app credential", partner, fmt.Errorf("bcadmin: %w: no app-only credential configured", bcadmin.ErrAppTokenRequired), `^App secret needed for`, `app-only`, `set client_secret to a secret of app ` + diagClient},
		{"timeout", auto, fmt.Errorf("reading: %w", context.DeadlineExceeded), `^Timed out doing the thing$`, `deadline exceeded`, `did not answer, or kept failing, until the operation's deadline; raise the resource's timeouts`},
		{"retries stopped by the deadline", auto, &graph.DeadlineError{Method: "PATCH", Path: "/v1.0/applications/x", Attempts: 3, Wait: time.Second, Last: &graph.APIError{StatusCode: 503, Code: "serviceUnavailable", Message: "busy"}},
			`^Timed out doing the thing$`, `stopped retrying PATCH /v1.0/applications/x after 3 attempts.*Graph answered 503 serviceUnavailable: busy`, `raise the resource's timeouts`},
		{"other", auto, errors.New("something else"), `^Error doing the thing$`, `^something else$`, `^$`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := explain(call{doing: doing, cred: c.cred, tenant: diagTenant, client: diagClient}, c.err)
			for _, f := range []struct{ what, got, want string }{{"title", e.Title, c.title}, {"cause", e.Cause, c.cause}, {"fix", e.Fix, c.fix}} {
				if !regexp.MustCompile("(?s)" + f.want).MatchString(f.got) {
					t.Errorf("%s = %q, want it to match %q", f.what, f.got, f.want)
				}
			}
			if !strings.Contains(e.detail(), e.Cause) || !strings.HasSuffix(e.detail(), e.Fix) {
				t.Errorf("detail %q lacks cause or fix", e.detail())
			}
		})
	}
}

// Any AADSTS code, known or not, gets a title and a fix.
func TestExplainEveryTokenErrorCode(t *testing.T) {
	for _, code := range []int{0, 1, 50000, 65001, 70000, 9999999} {
		for _, cred := range []session.Credential{session.Automation, session.App, session.Partner} {
			e := explain(call{doing: "x", cred: cred}, tokenErr(code))
			if e.Title == "" || e.Fix == "" || e.summary == "" || !strings.HasSuffix(e.Title, " while x") {
				t.Errorf("code %d, %s: %+v", code, cred, e)
			}
		}
	}
}

// onboard_sync's per-tenant error is one line: for identity platform
// errors, summary, description and fix.
func TestExplainLine(t *testing.T) {
	e := explain(call{doing: "reading tenant", cred: session.App}, tokenErr(90002))
	if got, want := e.line(), "Tenant not found: AADSTS90002 description. Tenant "+diagTenant+" does not exist (or was deleted) in this cloud. Check the tenant ID or domain and the cloud setting."; got != want {
		t.Fatalf("line = %q, want %q", got, want)
	}
	e = explain(call{doing: "reading tenant", cred: session.App, tenant: diagTenant, client: diagClient}, graphErr(500))
	if got := e.line(); !strings.HasPrefix(got, "granting User.Read.All: Graph answered 500") || !strings.HasSuffix(got, "Run again later.") {
		t.Fatalf("line = %q", got)
	}
}

func TestAddErrorOnAttribute(t *testing.T) {
	var diags diag.Diagnostics
	addError(&diags, call{doing: "listing", cred: session.App, tenant: diagTenant, client: diagClient}, tokenErr(7000215), path.Root("client_id"))
	apiError(&diags, "reading app", graphErr(403))
	if len(diags) != 2 || diags[0].Summary() != "Invalid client secret while listing" || !strings.Contains(diags[0].Detail(), "AADSTS7000215") {
		t.Fatalf("diags = %v", diags)
	}
	if a, ok := diags[0].(diag.DiagnosticWithPath); !ok || !a.Path().Equal(path.Root("client_id")) {
		t.Fatalf("first diagnostic is not on client_id: %#v", diags[0])
	}
	if !strings.Contains(diags[1].Detail(), "automation identity lacks a Microsoft Graph permission") {
		t.Fatalf("apiError is not the automation identity's: %q", diags[1].Detail())
	}
}

// Business Central authorization needs a signed-in admin: without a partner
// credential the fix is to configure one; when the partner's was refused,
// the GDAP role, unless the refresh token itself is the problem.
func TestBCAuthorizationNeedsAdmin(t *testing.T) {
	c := call{doing: "authorizing", cred: session.Partner, tenant: diagTenant, client: diagClient}
	cases := []struct {
		name       string
		hasPartner bool
		err        error
		fix        string
	}{
		{"no partner", false, nil, `Configure the provider's partner block.*https://businesscentral.dynamics.com/` + diagTenant + `/admin`},
		{"no GDAP", true, tokenErr(50020), `partner credential was refused \(.*AADSTS50020.*\): its GDAP relationship with this tenant must include Dynamics 365 Administrator and be active`},
		{"BC refused", true, bcErr(t, 403, `{"code":"Forbidden","message":"role"}`, true), `partner credential was refused \(.*403.*\): its GDAP relationship`},
		{"refresh token expired", true, tokenErr(700082), `partner credential was refused \(.*AADSTS700082.*\): Sign in again`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := bcAuthorizationNeedsAdmin(c, tc.hasPartner, tc.err)
			if e.Title != "Business Central authorization needs a delegated admin" || !strings.Contains(e.Cause, "needs a signed-in Dynamics 365 Administrator") ||
				!regexp.MustCompile(tc.fix).MatchString(e.Fix) {
				t.Fatalf("%+v", e)
			}
		})
	}
}

// A refusal is a credential's answer; a failing service is not.
func TestRefused(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{tokenErr(50020), true}, {graphErr(403), true}, {graphErr(401), true}, {graphErr(404), false}, {graphErr(503), false},
		{bcErr(t, 401, `{}`, false), true}, {bcErr(t, 403, `{}`, false), true}, {bcErr(t, 500, `{}`, false), false},
		{context.DeadlineExceeded, false}, {errors.New("x"), false},
	} {
		if got := refused(c.err); got != c.want {
			t.Errorf("refused(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

// A refused certificate names the endpoint and the problem; an unknown
// authority points at ca_cert_file. (The acceptance test
// TestAccProvider_untrustedEmulator sees one inside a real token error.)
func TestExplainTLS(t *testing.T) {
	c := call{doing: "reading app registration", cred: session.Automation}
	for _, tc := range []struct {
		problem session.TLSProblem
		fix     string
	}{
		{session.TLSUnknownAuthority, "set the provider's ca_cert_file (or ONBOARD_CA_CERT_FILE)"},
		{session.TLSExpired, "has expired or is not valid yet: check this machine's clock"},
		{session.TLSHostnameMismatch, "is for another host name"},
		{session.TLSOther, "Check the certificate of https://login.example.net"},
	} {
		tlsErr := &session.TLSError{Endpoint: "https://login.example.net", Problem: tc.problem, Err: errors.New("x509: some problem")}
		err := fmt.Errorf("token request failed: unable to resolve an endpoint: %w", tlsErr)
		e := explain(c, err)
		if e.Title != "TLS certificate of https://login.example.net refused while reading app registration" ||
			!strings.Contains(e.Cause, "x509: some problem") || !strings.Contains(e.Fix, tc.fix) {
			t.Errorf("problem %d: %+v", tc.problem, e)
		}
	}
}
