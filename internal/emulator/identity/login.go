package identity

import (
	"encoding/base64"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/route"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

func (s *Service) openIDConfiguration(r *http.Request) (*route.Response, error) {
	ref := r.PathValue("tenant")
	tid := "{tenantid}"
	if !isMetaTenant(ref) {
		var t *store.Tenant
		_ = s.store.View(func(tx *store.Tx) error { t = tx.Tenant(ref); return nil })
		if t == nil {
			return nil, tenantNotFound(ref)
		}
		tid = t.ID
	}
	base := s.url + "/" + ref
	return route.JSON(http.StatusOK, map[string]any{
		"token_endpoint":                        base + "/oauth2/v2.0/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"jwks_uri":                              s.url + "/" + ref + "/discovery/v2.0/keys",
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"issuer":                                s.url + "/" + tid + "/v2.0",
		"request_uri_parameter_supported":       false,
		"userinfo_endpoint":                     s.url + "/oidc/userinfo",
		"http_logout_supported":                 true,
		"frontchannel_logout_supported":         true,
		"claims_supported": []string{"sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host",
			"aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"},
		"kerberos_endpoint":             base + "/kerberos",
		"rbac_url":                      "https://pas.windows.net",
		"authorization_endpoint":        base + "/oauth2/v2.0/authorize",
		"device_authorization_endpoint": base + "/oauth2/v2.0/devicecode",
		"end_session_endpoint":          base + "/oauth2/v2.0/logout",
		"tenant_region_scope":           "EU",
		"cloud_instance_name":           "microsoftonline.com",
		"cloud_graph_host_name":         "graph.windows.net",
		"msgraph_host":                  "graph.microsoft.com",
	}), nil
}

func (s *Service) jwks(*http.Request) (*route.Response, error) {
	pub := s.key.PublicKey
	return route.JSON(http.StatusOK, map[string]any{"keys": []map[string]any{{
		"kty": "RSA", "use": "sig", "kid": s.keyID, "x5t": s.keyID,
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}}), nil
}

// instanceDiscovery answers MSAL's authority validation. MSAL asks
// login.microsoftonline.com for it unless instance discovery is disabled;
// clients pointed at the emulator disable it, but answering keeps tools that
// don't working.
func (s *Service) instanceDiscovery(*http.Request) (*route.Response, error) {
	host := strings.TrimPrefix(s.url, "https://")
	return route.JSON(http.StatusOK, map[string]any{
		"tenant_discovery_endpoint": s.url + "/{tenant}/v2.0/.well-known/openid-configuration",
		"api-version":               "1.1",
		"metadata": []map[string]any{{
			"preferred_network": host, "preferred_cache": host, "aliases": []string{host},
		}},
	}), nil
}

// token is /{tenant}/oauth2/v2.0/token for the client credentials, refresh
// token, device code and authorization code grants.
func (s *Service) token(r *http.Request) (*route.Response, error) {
	if err := r.ParseForm(); err != nil {
		return nil, aadErr(http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.")
	}
	ref := r.PathValue("tenant")
	var t *store.Tenant
	_ = s.store.View(func(tx *store.Tx) error { t = tx.Tenant(ref); return nil })
	if t == nil && !isMetaTenant(ref) {
		return nil, tenantNotFound(ref)
	}
	switch r.PostForm.Get("grant_type") {
	case "client_credentials":
		if t == nil {
			return nil, aadErr(http.StatusBadRequest, "invalid_request", 700016, "Application with identifier '"+r.PostForm.Get("client_id")+"' was not found in the directory '"+ref+"'. Use a tenant-specific endpoint for client credentials.")
		}
		return s.clientCredentials(r, t.ID)
	case "refresh_token":
		return s.refreshTokenGrant(r, ref)
	case "urn:ietf:params:oauth:grant-type:device_code":
		return s.deviceCodeGrant(r, ref)
	case "authorization_code":
		return s.authCodeGrant(r, ref)
	case "":
		return nil, aadErr(http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.")
	default:
		return nil, aadErr(http.StatusBadRequest, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '"+r.PostForm.Get("grant_type")+"'.")
	}
}

// scopeResource parses a client-credentials scope: exactly one
// "<resource>/.default", plus the OIDC scopes MSAL always appends.
func scopeResource(scope string) (uri, appID string, ok bool) {
	for _, sc := range strings.Fields(scope) {
		switch sc {
		case "openid", "offline_access", "profile", "email":
			continue
		}
		res, found := strings.CutSuffix(sc, "/.default")
		if !found {
			return "", "", false
		}
		if uri, appID, ok = store.ResourceByScopePrefix(res); !ok {
			return "", "", false
		}
	}
	return uri, appID, uri != ""
}

func (s *Service) clientCredentials(r *http.Request, tenantID string) (*route.Response, error) {
	now := s.now()
	f := r.PostForm
	clientID := strings.ToLower(f.Get("client_id"))
	uri, resAppID, ok := scopeResource(f.Get("scope"))
	if !ok {
		if f.Get("scope") == "" {
			return nil, aadErr(http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.")
		}
		return nil, aadErr(http.StatusBadRequest, "invalid_scope", 70011, "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope "+f.Get("scope")+" is not valid.")
	}
	var claims accessClaims
	err := s.store.View(func(tx *store.Tx) error {
		t := tx.Tenant(tenantID)
		if t == nil {
			return tenantNotFound(tenantID)
		}
		app := tx.App(clientID)
		var sp *store.ServicePrincipal
		if app != nil {
			sp = t.SPByAppID(clientID)
		}
		if app == nil || sp == nil || (app.TenantID != t.ID && app.SignInAudience == "AzureADMyOrg") {
			return aadErr(http.StatusBadRequest, "unauthorized_client", 700016, "Application with identifier '"+f.Get("client_id")+"' was not found in the directory '"+t.DisplayName+"'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.")
		}
		acr, err := s.authenticateClient(r, app, now)
		if err != nil {
			return err
		}
		claims = accessClaims{
			AppID: app.AppID, AppIDACR: acr, OID: sp.ID, TID: t.ID, Roles: t.GrantedRoles(clientID, resAppID), IDType: "app",
			RegisteredClaims: jwt.RegisteredClaims{Subject: sp.ID},
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	tok, exp := s.mintToken(claims, uri)
	return route.JSON(http.StatusOK, map[string]any{
		"token_type": "Bearer", "expires_in": int(exp.Sub(now).Seconds()), "ext_expires_in": int(exp.Sub(now).Seconds()),
		"access_token": tok,
	}), nil
}

func invalidClient(aadsts int, msg string) error {
	return aadErr(http.StatusUnauthorized, "invalid_client", aadsts, msg)
}

// authenticateClient checks the client's secret or assertion against the
// application's credentials. It returns the appidacr ("1" secret, "2"
// certificate or federated) or an invalid_client error. Run it inside a
// transaction.
func (s *Service) authenticateClient(r *http.Request, app *store.Application, now time.Time) (string, error) {
	f := r.PostForm
	if secret := f.Get("client_secret"); secret != "" {
		expired := false
		for _, p := range app.PasswordCredentials {
			if p.SecretText != secret {
				continue
			}
			if now.After(p.EndDateTime) {
				expired = true
				continue
			}
			if now.Before(p.StartDateTime) {
				continue
			}
			return "1", nil
		}
		if expired {
			return "", invalidClient(7000222, "The provided client secret keys for app '"+app.AppID+"' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.")
		}
		return "", invalidClient(7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '"+app.AppID+"'.")
	}
	if f.Get("client_assertion") == "" {
		return "", invalidClient(7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
	}
	return s.verifyAssertion(r, app) // assertion.go
}

// redirect answers 302 to target.
func redirect(target *url.URL) *route.Response {
	return route.Empty(http.StatusFound).With("Location", target.String())
}

// adminConsent plays /{tenant}/adminconsent and /{tenant}/v2.0/adminconsent
// with the tenant's consent admin (control API) signed in.
func (s *Service) adminConsent(r *http.Request) (*route.Response, error) {
	q := r.URL.Query()
	ref := r.PathValue("tenant")
	v2 := strings.Contains(r.URL.Path, "/v2.0/")
	clientID := strings.ToLower(q.Get("client_id"))
	redirectURI := q.Get("redirect_uri")

	var resp *route.Response
	err := s.store.Update(func(tx *store.Tx) error {
		now := tx.Now()
		t := tx.Tenant(ref)
		if t == nil {
			return tenantNotFound(ref)
		}
		app := tx.App(clientID)
		if app == nil || (app.TenantID != t.ID && app.SignInAudience == "AzureADMyOrg") {
			return aadErr(http.StatusBadRequest, "unauthorized_client", 700016, "Application with identifier '"+q.Get("client_id")+"' was not found in the directory '"+t.DisplayName+"'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.")
		}
		if redirectURI == "" {
			if len(app.WebRedirectURIs) == 0 {
				return aadErr(http.StatusBadRequest, "invalid_request", 500113, "No reply address is registered for the application.")
			}
			redirectURI = app.WebRedirectURIs[0]
		}
		if !slices.Contains(app.WebRedirectURIs, redirectURI) {
			// Microsoft shows this on its own error page, never redirecting to
			// an unregistered URI.
			return aadErr(http.StatusBadRequest, "invalid_request", 50011, "The redirect URI '"+redirectURI+"' specified in the request does not match the redirect URIs configured for the application '"+app.AppID+"'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.")
		}
		target, _ := url.Parse(redirectURI)
		back := target.Query()
		if st := q.Get("state"); st != "" {
			back.Set("state", st)
		}
		var only []string // v2: consent only to the resources named in scope
		if v2 {
			for _, sc := range strings.Fields(q.Get("scope")) {
				res, _ := strings.CutSuffix(sc, "/.default")
				if _, appID, ok := store.ResourceByScopePrefix(res); ok {
					only = append(only, appID)
				}
			}
			if len(only) == 0 {
				back.Set("error", "invalid_request")
				back.Set("error_description", "AADSTS70011: The provided request must include a 'scope' input parameter.")
				target.RawQuery = back.Encode()
				resp = redirect(target)
				return nil
			}
		}
		admin := t.UserByUPN(t.ConsentAdmin)
		var roles []string
		if admin != nil {
			roles = admin.Roles
		}
		if why := store.ConsentRefusal(roles, store.RequiresGraphAppRoles(app, only)); why != "" {
			back.Set("admin_consent", "True")
			back.Set("error", "access_denied")
			back.Set("error_description", "AADSTS90094: Admin consent is required for the permissions requested by this application. "+why+"\r\nTrace ID: "+store.NewGUID()+"\r\nCorrelation ID: "+store.NewGUID()+"\r\nTimestamp: "+now.Format("2006-01-02 15:04:05Z"))
			target.RawQuery = back.Encode()
			resp = redirect(target)
			return nil
		}
		granted := tx.GrantConsent(t, app, only, now)
		back.Set("admin_consent", "True")
		back.Set("tenant", t.ID)
		if v2 {
			back.Set("scope", strings.Join(granted, " "))
		}
		target.RawQuery = back.Encode()
		resp = redirect(target)
		return nil
	})
	return resp, err
}
