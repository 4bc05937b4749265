package emulator

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The identity platform (login.microsoftonline.com), per tenant. Sources:
// MSAL Go's authority resolution and token requests, and the v2 protocol docs
// (see shared/research/graph-api.md §1 and §4.3).

func (s *Server) loginRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{tenant}/v2.0/.well-known/openid-configuration", s.openIDConfiguration)
	mux.HandleFunc("GET /{tenant}/discovery/v2.0/keys", s.jwks)
	mux.HandleFunc("GET /common/discovery/instance", s.instanceDiscovery)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", s.token)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/devicecode", s.deviceCodeStart)
	mux.HandleFunc("GET /{tenant}/oauth2/v2.0/authorize", s.authorize)
	mux.HandleFunc("GET /{tenant}/adminconsent", s.adminConsent)
	mux.HandleFunc("GET /{tenant}/v2.0/adminconsent", s.adminConsent)
}

func isMetaTenant(ref string) bool {
	switch strings.ToLower(ref) {
	case "common", "organizations", "consumers":
		return true
	}
	return false
}

func tenantNotFound(ref string) string {
	return "Tenant '" + ref + "' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant."
}

func (s *Server) openIDConfiguration(w http.ResponseWriter, r *http.Request) {
	ref := r.PathValue("tenant")
	tid := "{tenantid}"
	if !isMetaTenant(ref) {
		s.store.mu.RLock()
		t := s.store.tenantByRef(ref)
		s.store.mu.RUnlock()
		if t == nil {
			writeAADError(w, r, s.now(), http.StatusBadRequest, "invalid_tenant", 90002, tenantNotFound(ref))
			return
		}
		tid = t.ID
	}
	base := s.url + "/" + ref
	writeJSON(w, http.StatusOK, map[string]any{
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
		"authorization_endpoint":                base + "/oauth2/v2.0/authorize",
		"device_authorization_endpoint":         base + "/oauth2/v2.0/devicecode",
		"end_session_endpoint":                  base + "/oauth2/v2.0/logout",
		"tenant_region_scope":                   "EU",
		"cloud_instance_name":                   "microsoftonline.com",
		"cloud_graph_host_name":                 "graph.windows.net",
		"msgraph_host":                          "graph.microsoft.com",
	})
}

func (s *Server) jwks(w http.ResponseWriter, _ *http.Request) {
	pub := s.key.PublicKey
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]any{{
		"kty": "RSA", "use": "sig", "kid": s.keyID, "x5t": s.keyID,
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}})
}

// instanceDiscovery answers MSAL's authority validation. MSAL asks
// login.microsoftonline.com for it unless instance discovery is disabled;
// clients pointed at the emulator disable it, but answering keeps tools that
// don't working.
func (s *Server) instanceDiscovery(w http.ResponseWriter, r *http.Request) {
	host := strings.TrimPrefix(s.url, "https://")
	writeJSON(w, http.StatusOK, map[string]any{
		"tenant_discovery_endpoint": s.url + "/{tenant}/v2.0/.well-known/openid-configuration",
		"api-version":               "1.1",
		"metadata": []map[string]any{{
			"preferred_network": host, "preferred_cache": host, "aliases": []string{host},
		}},
	})
}

// token is /{tenant}/oauth2/v2.0/token for the client credentials, refresh
// token, device code and authorization code grants.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeAADError(w, r, s.now(), http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.")
		return
	}
	ref := r.PathValue("tenant")
	s.store.mu.RLock()
	t := s.store.tenantByRef(ref)
	s.store.mu.RUnlock()
	if t == nil && !isMetaTenant(ref) {
		writeAADError(w, r, s.now(), http.StatusBadRequest, "invalid_tenant", 90002, tenantNotFound(ref))
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "client_credentials":
		if t == nil {
			writeAADError(w, r, s.now(), http.StatusBadRequest, "invalid_request", 700016, "Application with identifier '"+r.PostForm.Get("client_id")+"' was not found in the directory '"+ref+"'. Use a tenant-specific endpoint for client credentials.")
			return
		}
		s.clientCredentials(w, r, t)
	case "refresh_token":
		s.refreshTokenGrant(w, r, ref)
	case "urn:ietf:params:oauth:grant-type:device_code":
		s.deviceCodeGrant(w, r, ref)
	case "authorization_code":
		s.authCodeGrant(w, r, ref)
	case "":
		writeAADError(w, r, s.now(), http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.")
	default:
		writeAADError(w, r, s.now(), http.StatusBadRequest, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '"+r.PostForm.Get("grant_type")+"'.")
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
		if uri, appID, ok = resourceByScopePrefix(res); !ok {
			return "", "", false
		}
	}
	return uri, appID, uri != ""
}

func (s *Server) clientCredentials(w http.ResponseWriter, r *http.Request, t *tenant) {
	now := s.now()
	f := r.PostForm
	clientID := strings.ToLower(f.Get("client_id"))
	uri, resAppID, ok := scopeResource(f.Get("scope"))
	if !ok {
		if f.Get("scope") == "" {
			writeAADError(w, r, now, http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.")
			return
		}
		writeAADError(w, r, now, http.StatusBadRequest, "invalid_scope", 70011, "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope "+f.Get("scope")+" is not valid.")
		return
	}

	s.store.mu.RLock()
	app := s.store.apps[clientID]
	var sp *servicePrincipal
	if app != nil {
		sp = t.spByAppID(clientID)
	}
	s.store.mu.RUnlock()
	if app == nil || sp == nil || (app.TenantID != t.ID && app.SignInAudience == "AzureADMyOrg") {
		writeAADError(w, r, now, http.StatusBadRequest, "unauthorized_client", 700016, "Application with identifier '"+f.Get("client_id")+"' was not found in the directory '"+t.DisplayName+"'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.")
		return
	}
	acr, code, msg := s.authenticateClient(r, app)
	if code != 0 {
		writeAADError(w, r, now, http.StatusUnauthorized, "invalid_client", code, msg)
		return
	}
	s.store.mu.RLock()
	roles := grantedRoles(t, clientID, resAppID)
	s.store.mu.RUnlock()
	tok, exp := s.mintToken(accessClaims{
		AppID: app.AppID, AppIDACR: acr, OID: sp.ID, TID: t.ID, Roles: roles, IDType: "app",
		RegisteredClaims: jwt.RegisteredClaims{Subject: sp.ID},
	}, uri)
	writeJSON(w, http.StatusOK, map[string]any{
		"token_type": "Bearer", "expires_in": int(exp.Sub(now).Seconds()), "ext_expires_in": int(exp.Sub(now).Seconds()),
		"access_token": tok,
	})
}

// authenticateClient checks the client's secret or assertion against the
// application's credentials. It returns the appidacr ("1" secret, "2"
// certificate or federated) or an AADSTS code and message.
func (s *Server) authenticateClient(r *http.Request, app *application) (acr string, code int, msg string) {
	f := r.PostForm
	now := s.now()
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
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
			return "1", 0, ""
		}
		if expired {
			return "", 7000222, "The provided client secret keys for app '" + app.AppID + "' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds."
		}
		return "", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" + app.AppID + "'."
	}
	assertion := f.Get("client_assertion")
	if assertion == "" {
		return "", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
	}
	if f.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
		return "", 700024, "Client assertion type is not valid: expected 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'."
	}
	parser := jwt.NewParser()
	unverified, _, err := parser.ParseUnverified(assertion, jwt.MapClaims{})
	if err != nil {
		return "", 50027, "JWT token is invalid or malformed."
	}
	_, hasS256 := unverified.Header["x5t#S256"]
	_, hasX5t := unverified.Header["x5t"]
	if hasS256 || hasX5t {
		return s.verifyCertificateAssertion(assertion, unverified, app, r, now)
	}
	return s.verifyFederatedAssertion(unverified, app, now)
}

func (s *Server) verifyCertificateAssertion(raw string, unverified *jwt.Token, app *application, r *http.Request, now time.Time) (string, int, string) {
	var cert *x509.Certificate
	for _, k := range app.KeyCredentials {
		c, err := x509.ParseCertificate(k.Key)
		if err != nil {
			continue
		}
		s256 := sha256.Sum256(c.Raw)
		s1 := sha1.Sum(c.Raw)
		if v, _ := unverified.Header["x5t#S256"].(string); v != "" && (v == base64.StdEncoding.EncodeToString(s256[:]) || v == base64.RawURLEncoding.EncodeToString(s256[:])) {
			cert = c
		}
		if v, _ := unverified.Header["x5t"].(string); v != "" && (v == base64.StdEncoding.EncodeToString(s1[:]) || v == base64.RawURLEncoding.EncodeToString(s1[:])) {
			cert = c
		}
		if cert != nil {
			if now.After(k.EndDateTime) && !k.EndDateTime.IsZero() {
				return "", 700027, "Client assertion contains an invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: '" + k.CustomKeyIdentifier + "']"
			}
			break
		}
	}
	if cert == nil {
		return "", 700027, "Client assertion failed signature validation. [Reason - The key was not found.]"
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return "", 700027, "Client assertion failed signature validation. [Reason - The key type is not supported.]"
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) { return pub, nil },
		jwt.WithValidMethods([]string{"RS256", "PS256"}), jwt.WithTimeFunc(func() time.Time { return now }), jwt.WithLeeway(5*time.Minute))
	if err != nil {
		if strings.Contains(err.Error(), "expired") {
			return "", 700024, "Client assertion is not within its valid time range."
		}
		return "", 700027, "Client assertion failed signature validation."
	}
	if sub, _ := claims["sub"].(string); !strings.EqualFold(sub, app.AppID) {
		return "", 700021, "Client assertion application identifier doesn't match 'client_id' parameter."
	}
	aud, _ := claims.GetAudience()
	want := s.url + r.URL.Path
	if !slices.ContainsFunc(aud, func(a string) bool { return strings.EqualFold(strings.TrimSuffix(a, "/"), want) }) {
		return "", 700016, "The audience of the client assertion is not this token endpoint: " + want
	}
	return "2", 0, ""
}

// verifyFederatedAssertion matches an external token (GitHub Actions, Azure
// DevOps, Kubernetes) against the app's federated identity credentials. The
// emulator cannot fetch the external issuer's keys, so it checks issuer,
// subject, audience and lifetime only.
func (s *Server) verifyFederatedAssertion(tok *jwt.Token, app *application, now time.Time) (string, int, string) {
	claims, _ := tok.Claims.(jwt.MapClaims)
	iss, _ := claims["iss"].(string)
	sub, _ := claims["sub"].(string)
	aud, _ := claims.GetAudience()
	if exp, err := claims.GetExpirationTime(); err == nil && exp != nil && now.After(exp.Time) {
		return "", 700024, "Client assertion is not within its valid time range."
	}
	for _, fic := range app.FederatedCredentials {
		if fic.Issuer != iss {
			continue
		}
		if fic.Subject != sub {
			continue
		}
		for _, a := range fic.Audiences {
			if slices.Contains(aud, a) {
				return "2", 0, ""
			}
		}
		return "", 700212, "No matching federated identity record found for presented assertion audience '" + strings.Join(aud, ",") + "'."
	}
	return "", 70021, "No matching federated identity record found for presented assertion. Assertion Issuer: '" + iss + "'. Assertion Subject: '" + sub + "'."
}

// Directory role template IDs used by the consent rules below.
const (
	roleGlobalAdmin          = "62e90394-69f5-4237-9190-012177145e10"
	rolePrivilegedRoleAdmin  = "e8611ab8-c189-46e8-94e1-60213ab1f814"
	roleCloudAppAdmin        = "158c047a-c907-4556-b7ef-446551a6b5f7"
	roleAppAdmin             = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
	roleDynamics365Admin     = "44367163-eba1-44c3-98af-f5787879f96a"
	roleGlobalReader         = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
	roleBusinessCentralAdmin = "963797fb-eb3b-4cde-8ce3-5878b3f32a3f"
)

// RoleIDs maps the directory role names the control API accepts to their
// template IDs.
var RoleIDs = map[string]string{
	"Global Administrator":                        roleGlobalAdmin,
	"Privileged Role Administrator":               rolePrivilegedRoleAdmin,
	"Cloud Application Administrator":             roleCloudAppAdmin,
	"Application Administrator":                   roleAppAdmin,
	"Dynamics 365 Administrator":                  roleDynamics365Admin,
	"Global Reader":                               roleGlobalReader,
	"Dynamics 365 Business Central Administrator": roleBusinessCentralAdmin,
}

// consentRefusal says why a signed-in user cannot grant tenant-wide consent
// for these permissions, or "" when they can. Microsoft's rule: Global
// Administrator and Privileged Role Administrator may consent to anything;
// Cloud Application Administrator and Application Administrator may consent
// to delegated permissions and to application permissions of any API except
// Microsoft Graph (granting Graph app roles needs Privileged Role
// Administrator). Other roles (Dynamics 365 Administrator included) cannot.
func consentRefusal(roles []string, graphAppRoles bool) string {
	if slices.Contains(roles, roleGlobalAdmin) || slices.Contains(roles, rolePrivilegedRoleAdmin) {
		return ""
	}
	if slices.Contains(roles, roleCloudAppAdmin) || slices.Contains(roles, roleAppAdmin) {
		if graphAppRoles {
			return "Granting application permissions of Microsoft Graph requires the Global Administrator or Privileged Role Administrator role."
		}
		return ""
	}
	return "The signed-in user does not have a role that can grant tenant-wide admin consent (Global Administrator, Privileged Role Administrator, Cloud Application Administrator or Application Administrator)."
}

// adminConsent plays /{tenant}/adminconsent and /{tenant}/v2.0/adminconsent
// with the tenant's consent admin (control API) signed in.
func (s *Server) adminConsent(w http.ResponseWriter, r *http.Request) {
	now := s.now()
	q := r.URL.Query()
	ref := r.PathValue("tenant")
	v2 := strings.Contains(r.URL.Path, "/v2.0/")
	clientID := strings.ToLower(q.Get("client_id"))
	redirect := q.Get("redirect_uri")

	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	t := s.store.tenantByRef(ref)
	if t == nil {
		writeAADError(w, r, now, http.StatusBadRequest, "invalid_tenant", 90002, tenantNotFound(ref))
		return
	}
	app := s.store.apps[clientID]
	if app == nil || (app.TenantID != t.ID && app.SignInAudience == "AzureADMyOrg") {
		writeAADError(w, r, now, http.StatusBadRequest, "unauthorized_client", 700016, "Application with identifier '"+q.Get("client_id")+"' was not found in the directory '"+t.DisplayName+"'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.")
		return
	}
	if redirect == "" {
		if len(app.WebRedirectURIs) == 0 {
			writeAADError(w, r, now, http.StatusBadRequest, "invalid_request", 500113, "No reply address is registered for the application.")
			return
		}
		redirect = app.WebRedirectURIs[0]
	}
	if !slices.Contains(app.WebRedirectURIs, redirect) {
		// Microsoft shows this on its own error page, never redirecting to
		// an unregistered URI.
		writeAADError(w, r, now, http.StatusBadRequest, "invalid_request", 50011, "The redirect URI '"+redirect+"' specified in the request does not match the redirect URIs configured for the application '"+app.AppID+"'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.")
		return
	}
	target, _ := url.Parse(redirect)
	back := target.Query()
	if st := q.Get("state"); st != "" {
		back.Set("state", st)
	}
	var only []string // v2: consent only to the resources named in scope
	if v2 {
		for _, sc := range strings.Fields(q.Get("scope")) {
			res, _ := strings.CutSuffix(sc, "/.default")
			if _, appID, ok := resourceByScopePrefix(res); ok {
				only = append(only, appID)
			}
		}
		if len(only) == 0 {
			back.Set("error", "invalid_request")
			back.Set("error_description", "AADSTS70011: The provided request must include a 'scope' input parameter.")
			target.RawQuery = back.Encode()
			http.Redirect(w, r, target.String(), http.StatusFound)
			return
		}
	}
	admin := t.userByUPN(t.ConsentAdmin)
	var roles []string
	if admin != nil {
		roles = admin.Roles
	}
	graphRoles := false
	for _, rra := range app.RequiredResourceAccess {
		if only != nil && !slices.Contains(only, rra.ResourceAppID) {
			continue
		}
		for _, ra := range rra.ResourceAccess {
			if ra.Type == "Role" && rra.ResourceAppID == graphAppID {
				graphRoles = true
			}
		}
	}
	if why := consentRefusal(roles, graphRoles); why != "" {
		back.Set("admin_consent", "True")
		back.Set("error", "access_denied")
		back.Set("error_description", "AADSTS90094: Admin consent is required for the permissions requested by this application. "+why+"\r\nTrace ID: "+newGUID()+"\r\nCorrelation ID: "+newGUID()+"\r\nTimestamp: "+now.Format("2006-01-02 15:04:05Z"))
		target.RawQuery = back.Encode()
		http.Redirect(w, r, target.String(), http.StatusFound)
		return
	}
	granted := s.grantConsentLocked(t, app, only, now)
	back.Set("admin_consent", "True")
	back.Set("tenant", t.ID)
	if v2 {
		back.Set("scope", strings.Join(granted, " "))
	}
	target.RawQuery = back.Encode()
	http.Redirect(w, r, target.String(), http.StatusFound)
}

// grantConsentLocked does what admin consent does in a tenant: instantiate
// the app, assign every app role it requires and record one AllPrincipals
// grant per resource for its delegated scopes. It returns the granted
// permissions as "<resource>/<value>". Caller holds the store lock.
func (s *Server) grantConsentLocked(t *tenant, app *application, only []string, now time.Time) []string {
	client := t.spByAppID(app.AppID)
	if client == nil {
		client = s.store.addServicePrincipal(t, app)
		client.CreatedDateTime = now
		s.markCreated(client.ID, now)
	}
	var granted []string
	for _, rra := range app.RequiredResourceAccess {
		if only != nil && !slices.Contains(only, rra.ResourceAppID) {
			continue
		}
		res := t.spByAppID(rra.ResourceAppID)
		if res == nil {
			if fp := firstPartyApp(rra.ResourceAppID); fp != nil {
				res = s.store.addServicePrincipal(t, fp)
			} else if ra := s.store.apps[strings.ToLower(rra.ResourceAppID)]; ra != nil {
				res = s.store.addServicePrincipal(t, ra)
			} else {
				continue
			}
		}
		resURI := res.AppID
		if u, _, ok := resourceByScopePrefix(res.AppID); ok {
			resURI = u
		}
		var scopes []string
		for _, ra := range rra.ResourceAccess {
			switch ra.Type {
			case "Role":
				for _, role := range res.AppRoles {
					if role.ID != ra.ID {
						continue
					}
					if !hasAssignment(t, client.ID, res.ID, role.ID) {
						a := &appRoleAssignment{ID: newOpaqueID(), AppRoleID: role.ID, PrincipalID: client.ID, PrincipalType: "ServicePrincipal",
							PrincipalDisplayName: client.DisplayName, ResourceID: res.ID, ResourceDisplayName: res.DisplayName, CreatedDateTime: now}
						t.AppRoleAssignments[a.ID] = a
					}
					granted = append(granted, resURI+"/"+role.Value)
				}
			case "Scope":
				for _, sc := range res.OAuth2PermissionScopes {
					if sc.ID == ra.ID {
						scopes = append(scopes, sc.Value)
						granted = append(granted, resURI+"/"+sc.Value)
					}
				}
			}
		}
		if len(scopes) > 0 {
			var grant *permissionGrant
			for _, g := range t.PermissionGrants {
				if g.ClientID == client.ID && g.ResourceID == res.ID && g.ConsentType == "AllPrincipals" {
					grant = g
				}
			}
			if grant == nil {
				grant = &permissionGrant{ID: newOpaqueID(), ClientID: client.ID, ConsentType: "AllPrincipals", ResourceID: res.ID}
				t.PermissionGrants[grant.ID] = grant
			}
			have := strings.Fields(grant.Scope)
			for _, sc := range scopes {
				if !slices.Contains(have, sc) {
					have = append(have, sc)
				}
			}
			grant.Scope = strings.Join(have, " ")
		}
	}
	return granted
}

func hasAssignment(t *tenant, principalID, resourceID, roleID string) bool {
	for _, a := range t.AppRoleAssignments {
		if a.PrincipalID == principalID && a.ResourceID == resourceID && a.AppRoleID == roleID {
			return true
		}
	}
	return false
}

// verifySignature is used by tests that build client assertions by hand.
var _ = crypto.SHA256

func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	return dec.Decode(v)
}
