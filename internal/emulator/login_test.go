package emulator

import (
	"context"
	"crypto/x509"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/control"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

func TestMSALClientSecretTokenCarriesConsentedRoles(t *testing.T) {
	s := newTestServer(t)
	c := claims(t, automationToken(t, s))
	if c["aud"] != store.GraphResource || c["tid"] != DefaultHomeTenantID || c["appid"] != DefaultAutomationClientID || c["appidacr"] != "1" || c["idtyp"] != "app" {
		t.Fatalf("claims = %v", c)
	}
	want := []any{"AppRoleAssignment.ReadWrite.All", "Application.ReadWrite.All", "CrossTenantInformation.ReadBasic.All", "DelegatedPermissionGrant.ReadWrite.All", "Organization.Read.All"}
	if !slices.Equal(c["roles"].([]any), want) {
		t.Fatalf("roles = %v, want %v", c["roles"], want)
	}
	if _, ok := c["scp"]; ok {
		t.Fatal("app-only token must not carry scp")
	}
}

// newApp registers an app through Graph as the automation identity and
// returns its object ID and appId.
func newApp(t *testing.T, s *Server, body map[string]any) (id, appID string) {
	t.Helper()
	r := call(t, s, "POST", "/v1.0/applications", automationToken(t, s), body)
	if r.Status != http.StatusCreated {
		t.Fatalf("create app: %d %s", r.Status, r.Raw)
	}
	return r.Body["id"].(string), r.Body["appId"].(string)
}

func newServicePrincipal(t *testing.T, s *Server, appID string) string {
	t.Helper()
	r := call(t, s, "POST", "/v1.0/servicePrincipals", automationToken(t, s), map[string]any{"appId": appID})
	if r.Status != http.StatusCreated {
		t.Fatalf("create SP: %d %s", r.Status, r.Raw)
	}
	return r.Body["id"].(string)
}

func TestMSALCertificateCredential(t *testing.T) {
	s := newTestServer(t)
	cert, key := selfSignedCert(t)
	_, appID := newApp(t, s, map[string]any{"displayName": "cert app", "keyCredentials": []map[string]any{{
		"type": "AsymmetricX509Cert", "usage": "Verify", "key": cert.Raw, "customKeyIdentifier": thumbprint(cert)}}})
	newServicePrincipal(t, s, appID)
	cred, err := confidential.NewCredFromCert([]*x509.Certificate{cert}, key)
	if err != nil {
		t.Fatal(err)
	}
	res, err := msalClient(t, s, DefaultHomeTenantID, appID, cred).AcquireTokenByCredential(context.Background(), []string{store.GraphResource + "/.default"})
	if err != nil {
		t.Fatalf("certificate token: %v", err)
	}
	if c := claims(t, res.AccessToken); c["appidacr"] != "2" || c["appid"] != appID {
		t.Fatalf("claims = %v", c)
	}

	// A different certificate is refused with AADSTS700027.
	other, otherKey := selfSignedCert(t)
	cred2, _ := confidential.NewCredFromCert([]*x509.Certificate{other}, otherKey)
	_, err = msalClient(t, s, DefaultHomeTenantID, appID, cred2).AcquireTokenByCredential(context.Background(), []string{store.GraphResource + "/.default"})
	if err == nil || !strings.Contains(err.Error(), "AADSTS700027") {
		t.Fatalf("foreign certificate: err = %v, want AADSTS700027", err)
	}
}

func TestMSALFederatedAssertion(t *testing.T) {
	s := newTestServer(t)
	id, appID := newApp(t, s, map[string]any{"displayName": "ci app"})
	newServicePrincipal(t, s, appID)
	r := call(t, s, "POST", "/v1.0/applications/"+id+"/federatedIdentityCredentials", automationToken(t, s), map[string]any{
		"name": "main", "issuer": "https://token.actions.githubusercontent.com", "subject": "repo:acme/infra:ref:refs/heads/main",
		"audiences": []string{"api://AzureADTokenExchange"}})
	if r.Status != http.StatusCreated {
		t.Fatalf("FIC: %d %s", r.Status, r.Raw)
	}
	external := func(sub string) string {
		tok, err := s.IssueFederatedToken(control.FederatedTokenRequest{Issuer: "https://token.actions.githubusercontent.com", Subject: sub})
		if err != nil {
			t.Fatal(err)
		}
		return tok.Value
	}
	cred := confidential.NewCredFromAssertionCallback(func(context.Context, confidential.AssertionRequestOptions) (string, error) {
		return external("repo:acme/infra:ref:refs/heads/main"), nil
	})
	res, err := msalClient(t, s, DefaultHomeTenantID, appID, cred).AcquireTokenByCredential(context.Background(), []string{store.GraphResource + "/.default"})
	if err != nil {
		t.Fatalf("federated token: %v", err)
	}
	if c := claims(t, res.AccessToken); c["appid"] != appID || c["appidacr"] != "2" {
		t.Fatalf("claims = %v", c)
	}
	bad := confidential.NewCredFromAssertionCallback(func(context.Context, confidential.AssertionRequestOptions) (string, error) {
		return external("repo:acme/infra:pull_request"), nil
	})
	_, err = msalClient(t, s, DefaultHomeTenantID, appID, bad).AcquireTokenByCredential(context.Background(), []string{store.GraphResource + "/.default"})
	if err == nil || !strings.Contains(err.Error(), "AADSTS700213") {
		t.Fatalf("unmatched subject: err = %v, want AADSTS700213", err)
	}
}

func TestTokenErrorsAsMicrosoftAnswersThem(t *testing.T) {
	s := newTestServer(t)
	form := func(tenant, clientID, secret, scope string) response {
		return call(t, s, "POST", "/"+tenant+"/oauth2/v2.0/token", "", url.Values{"grant_type": {"client_credentials"},
			"client_id": {clientID}, "client_secret": {secret}, "scope": {scope}})
	}
	cases := []struct {
		name         string
		resp         response
		status, code int
		errName      string
	}{
		{"wrong secret", form(DefaultHomeTenantID, DefaultAutomationClientID, "nope", store.GraphResource+"/.default"), 401, 7000215, "invalid_client"},
		{"unknown app", form(DefaultHomeTenantID, "11111111-2222-4333-8444-555555555555", "x", store.GraphResource+"/.default"), 400, 700016, "unauthorized_client"},
		{"single-tenant app in another tenant", form(FabrikamTenantID, DefaultAutomationClientID, DefaultAutomationClientSecret, store.GraphResource+"/.default"), 400, 700016, "unauthorized_client"},
		{"unknown tenant", form("00000000-1111-4222-8333-444444444444", DefaultAutomationClientID, DefaultAutomationClientSecret, store.GraphResource+"/.default"), 400, 90002, "invalid_tenant"},
		{"unknown domain", form("nosuch.onmicrosoft.com", DefaultAutomationClientID, DefaultAutomationClientSecret, store.GraphResource+"/.default"), 400, 90002, "invalid_tenant"},
		{"scope without /.default", form(DefaultHomeTenantID, DefaultAutomationClientID, DefaultAutomationClientSecret, store.GraphResource+"/User.Read"), 400, 70011, "invalid_scope"},
		{"no credential", call(t, s, "POST", "/"+DefaultHomeTenantID+"/oauth2/v2.0/token", "", url.Values{"grant_type": {"client_credentials"}, "client_id": {DefaultAutomationClientID}, "scope": {store.GraphResource + "/.default"}}), 401, 7000218, "invalid_client"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := c.resp
			if r.Status != c.status || r.Body["error"] != c.errName {
				t.Fatalf("got %d %s", r.Status, r.Raw)
			}
			codes, _ := r.Body["error_codes"].([]any)
			if len(codes) != 1 || int(codes[0].(float64)) != c.code {
				t.Fatalf("error_codes = %v, want [%d]", codes, c.code)
			}
			desc, _ := r.Body["error_description"].(string)
			for _, want := range []string{"AADSTS", "\r\nTrace ID: ", "\r\nCorrelation ID: ", "\r\nTimestamp: "} {
				if !strings.Contains(desc, want) {
					t.Fatalf("error_description %q lacks %q", desc, want)
				}
			}
			for _, k := range []string{"timestamp", "trace_id", "correlation_id", "error_uri"} {
				if r.Body[k] == nil {
					t.Fatalf("missing %s in %s", k, r.Raw)
				}
			}
		})
	}
	// MSAL fails at authority discovery for an unknown tenant, as with Entra.
	r := call(t, s, "GET", "/nosuch.onmicrosoft.com/v2.0/.well-known/openid-configuration", "", nil)
	if r.Status != 400 || r.Body["error"] != "invalid_tenant" {
		t.Fatalf("openid-configuration of unknown tenant: %d %s", r.Status, r.Raw)
	}
}

func TestExpiredSecretAfterClockAdvance(t *testing.T) {
	s := newTestServer(t)
	id, appID := newApp(t, s, map[string]any{"displayName": "short-lived"})
	newServicePrincipal(t, s, appID)
	r := call(t, s, "POST", "/v1.0/applications/"+id+"/addPassword", automationToken(t, s), map[string]any{
		"passwordCredential": map[string]any{"displayName": "1h", "endDateTime": s.Now().Add(time.Hour).Format(time.RFC3339)}})
	secret, _ := r.Body["secretText"].(string)
	if r.Status != 200 || len(secret) < 16 || r.Body["hint"] != secret[:3] {
		t.Fatalf("addPassword: %d %s", r.Status, r.Raw)
	}
	appToken(t, s, DefaultHomeTenantID, appID, secret, store.GraphResource) // works now
	s.Advance(2 * time.Hour)
	cred, _ := confidential.NewCredFromSecret(secret)
	_, err := msalClient(t, s, DefaultHomeTenantID, appID, cred).AcquireTokenByCredential(context.Background(), []string{store.GraphResource + "/.default"})
	if err == nil || !strings.Contains(err.Error(), "AADSTS7000222") || !strings.Contains(err.Error(), "401") {
		t.Fatalf("expired secret: err = %v, want 401 AADSTS7000222", err)
	}
}

func TestUnconsentedAppGetsTokenWithoutRolesAndGraphRefuses(t *testing.T) {
	s := newTestServer(t)
	id, appID := newApp(t, s, map[string]any{"displayName": "no consent"})
	newServicePrincipal(t, s, appID)
	secret := call(t, s, "POST", "/v1.0/applications/"+id+"/addPassword", automationToken(t, s), map[string]any{}).Body["secretText"].(string)
	tok := appToken(t, s, DefaultHomeTenantID, appID, secret, store.GraphResource)
	if _, ok := claims(t, tok)["roles"]; ok {
		t.Fatalf("unconsented app got roles: %v", claims(t, tok))
	}
	r := call(t, s, "GET", "/v1.0/applications", tok, nil, "client-request-id", "4f7e1c8a-0000-4000-8000-000000000001")
	if r.Status != 403 || field(r.Body, "error.code") != "Authorization_RequestDenied" ||
		field(r.Body, "error.innerError.client-request-id") != "4f7e1c8a-0000-4000-8000-000000000001" || field(r.Body, "error.innerError.request-id") == nil {
		t.Fatalf("got %d %s", r.Status, r.Raw)
	}
	// A token for another API is refused by Graph.
	bcTok := appToken(t, s, DefaultHomeTenantID, DefaultAutomationClientID, DefaultAutomationClientSecret, store.BCResource)
	if r := call(t, s, "GET", "/v1.0/organization", bcTok, nil); r.Status != 401 || field(r.Body, "error.code") != "InvalidAuthenticationToken" {
		t.Fatalf("BC token at Graph: %d %s", r.Status, r.Raw)
	}
	// An expired token is refused.
	s.Advance(2 * time.Hour)
	if r := call(t, s, "GET", "/v1.0/organization", automationTokenRaw(t, s, tok), nil); r.Status != 401 {
		t.Fatalf("expired token: %d %s", r.Status, r.Raw)
	}
}

func automationTokenRaw(_ testing.TB, _ *Server, tok string) string { return tok }

// multiTenantApp registers a multi-tenant app requiring Graph User.Read.All
// (application) and User.Read (delegated), with a web redirect URI.
func multiTenantApp(t *testing.T, s *Server) (id, appID, secret string) {
	t.Helper()
	id, appID = newApp(t, s, map[string]any{"displayName": "Orbit", "signInAudience": "AzureADMultipleOrgs",
		"web": map[string]any{"redirectUris": []string{"https://orbit.example.com/reseller"}},
		"requiredResourceAccess": []map[string]any{{"resourceAppId": store.GraphAppID, "resourceAccess": []map[string]any{
			{"id": "df021288-bdef-4463-88db-98f22de89214", "type": "Role"}, {"id": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "type": "Scope"}}}}})
	newServicePrincipal(t, s, appID)
	secret = call(t, s, "POST", "/v1.0/applications/"+id+"/addPassword", automationToken(t, s), map[string]any{}).Body["secretText"].(string)
	return id, appID, secret
}

func TestAdminConsentGrantsAndRedirects(t *testing.T) {
	s := newTestServer(t)
	_, appID, secret := multiTenantApp(t, s)
	consentURL := "/" + FabrikamTenantID + "/v2.0/adminconsent?" + url.Values{"client_id": {appID}, "redirect_uri": {"https://orbit.example.com/reseller"},
		"state": {"12345"}, "scope": {store.GraphResource + "/.default"}}.Encode()

	// Before consent the app is unknown in Fabrikam.
	cred, _ := confidential.NewCredFromSecret(secret)
	_, err := msalClient(t, s, FabrikamTenantID, appID, cred).AcquireTokenByCredential(context.Background(), []string{store.GraphResource + "/.default"})
	if err == nil || !strings.Contains(err.Error(), "AADSTS700016") {
		t.Fatalf("before consent: %v", err)
	}

	// A Dynamics 365 Administrator cannot consent.
	if err := s.SetConsentAdmin(FabrikamTenantID, "d365admin@fabrikam.onmicrosoft.com"); err != nil {
		t.Fatal(err)
	}
	r := call(t, s, "GET", consentURL, "", nil)
	loc, _ := url.Parse(r.Header.Get("Location"))
	if r.Status != http.StatusFound || loc.Query().Get("error") != "access_denied" || !strings.HasPrefix(loc.Query().Get("error_description"), "AADSTS90094") || loc.Query().Get("state") != "12345" {
		t.Fatalf("D365 admin: %d %s", r.Status, r.Header.Get("Location"))
	}
	// A Cloud Application Administrator cannot grant Microsoft Graph app roles.
	_ = s.SetConsentAdmin(FabrikamTenantID, "appadmin@fabrikam.onmicrosoft.com")
	if r := call(t, s, "GET", consentURL, "", nil); !strings.Contains(r.Header.Get("Location"), "error=access_denied") {
		t.Fatalf("cloud app admin for Graph roles: %s", r.Header.Get("Location"))
	}

	// A redirect URI that is not registered: an error page, no redirect.
	bad := strings.Replace(consentURL, url.QueryEscape("https://orbit.example.com/reseller"), url.QueryEscape("https://evil.example.com/"), 1)
	if r := call(t, s, "GET", bad, "", nil); r.Status != 400 || !strings.Contains(r.Raw, "AADSTS50011") || r.Header.Get("Location") != "" {
		t.Fatalf("redirect mismatch: %d %s", r.Status, r.Raw)
	}

	_ = s.SetConsentAdmin(FabrikamTenantID, "admin@fabrikam.onmicrosoft.com")
	r = call(t, s, "GET", consentURL, "", nil)
	loc, _ = url.Parse(r.Header.Get("Location"))
	q := loc.Query()
	if r.Status != http.StatusFound || loc.Host != "orbit.example.com" || q.Get("admin_consent") != "True" || q.Get("tenant") != FabrikamTenantID || q.Get("state") != "12345" ||
		!strings.Contains(q.Get("scope"), store.GraphResource+"/User.Read.All") {
		t.Fatalf("consent: %d %s", r.Status, r.Header.Get("Location"))
	}
	tok := appToken(t, s, FabrikamTenantID, appID, secret, store.GraphResource)
	if c := claims(t, tok); c["tid"] != FabrikamTenantID || !slices.Equal(c["roles"].([]any), []any{"User.Read.All"}) {
		t.Fatalf("after consent: %v", c)
	}
	// The delegated scope became one AllPrincipals grant.
	var scopes []string
	_ = s.store.View(func(tx *store.Tx) error {
		scopes = tx.TenantByID(FabrikamTenantID).GrantedScopes(appID, store.GraphAppID, "")
		return nil
	})
	if !slices.Equal(scopes, []string{"User.Read"}) {
		t.Fatalf("delegated grant scopes = %v", scopes)
	}
	// Consent again is idempotent; revoke empties the roles of new tokens.
	call(t, s, "GET", consentURL, "", nil)
	if err := s.Revoke(FabrikamTenantID, appID); err != nil {
		t.Fatal(err)
	}
	if c := claims(t, appToken(t, s, FabrikamTenantID, appID, secret, store.GraphResource)); c["roles"] != nil {
		t.Fatalf("after revoke: roles = %v", c["roles"])
	}
}

func TestPartnerRefreshTokenCarriesGDAPRoles(t *testing.T) {
	s := newTestServer(t)
	const azureCLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
	rt, err := s.IssueRefreshToken(DefaultPartnerAdminUPN, azureCLI)
	if err != nil {
		t.Fatal(err)
	}
	refresh := func(tenant string) response {
		return call(t, s, "POST", "/"+tenant+"/oauth2/v2.0/token", "", url.Values{"grant_type": {"refresh_token"}, "client_id": {azureCLI},
			"refresh_token": {rt}, "scope": {store.GraphResource + "/.default offline_access"}})
	}
	r := refresh(FabrikamTenantID)
	if r.Status != 200 {
		t.Fatalf("refresh: %d %s", r.Status, r.Raw)
	}
	c := claims(t, r.Body["access_token"].(string))
	wids, _ := c["wids"].([]any)
	if c["tid"] != FabrikamTenantID || c["upn"] != DefaultPartnerAdminUPN || !slices.Contains(wids, any(store.RoleCloudAppAdmin)) || !slices.Contains(wids, any(store.RoleDynamics365Admin)) || c["scp"] == "" {
		t.Fatalf("claims = %v", c)
	}
	// The Tailspin relationship expired: no access there.
	if r := refresh(TailspinTenantID); r.Status != 400 || !strings.Contains(r.Raw, "AADSTS50020") {
		t.Fatalf("expired GDAP: %d %s", r.Status, r.Raw)
	}
	// The partner reads its GDAP customers with its own delegated token.
	home := refresh(DefaultHomeTenantID)
	cust := call(t, s, "GET", "/v1.0/tenantRelationships/delegatedAdminCustomers", home.Body["access_token"].(string), nil)
	if cust.Status != 200 || len(cust.Body["value"].([]any)) != 3 {
		t.Fatalf("customers: %d %s", cust.Status, cust.Raw)
	}
	// App-only tokens are refused: "Application: Not supported".
	if r := call(t, s, "GET", "/v1.0/tenantRelationships/delegatedAdminCustomers", automationToken(t, s), nil); r.Status != 403 {
		t.Fatalf("app-only GDAP list: %d", r.Status)
	}
}

func TestDeviceCodeFlow(t *testing.T) {
	s := newTestServer(t)
	const azureCLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
	start := call(t, s, "POST", "/organizations/oauth2/v2.0/devicecode", "", url.Values{"client_id": {azureCLI}, "scope": {store.GraphResource + "/.default offline_access"}})
	if start.Status != 200 || start.Body["user_code"] == nil || start.Body["device_code"] == nil {
		t.Fatalf("devicecode: %d %s", start.Status, start.Raw)
	}
	poll := func() response {
		return call(t, s, "POST", "/organizations/oauth2/v2.0/token", "", url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:device_code"},
			"client_id": {azureCLI}, "device_code": {start.Body["device_code"].(string)}})
	}
	if r := poll(); r.Status != 400 || r.Body["error"] != "authorization_pending" {
		t.Fatalf("pending: %d %s", r.Status, r.Raw)
	}
	if err := s.CompleteDeviceCode(start.Body["user_code"].(string), "admin@fabrikam.onmicrosoft.com"); err != nil {
		t.Fatal(err)
	}
	r := poll()
	if r.Status != 200 || r.Body["refresh_token"] == nil {
		t.Fatalf("token: %d %s", r.Status, r.Raw)
	}
	if c := claims(t, r.Body["access_token"].(string)); c["tid"] != FabrikamTenantID || c["upn"] != "admin@fabrikam.onmicrosoft.com" {
		t.Fatalf("claims = %v", c)
	}
}
