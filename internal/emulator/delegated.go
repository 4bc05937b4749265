package emulator

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Delegated (signed-in user) flows: device code, refresh token, authorization
// code. Partner admins use them to act in customer tenants through GDAP, and
// Business Central admin center calls need them.

// firstPartyClients are Microsoft public clients that need no consent in any
// tenant (Azure CLI, Microsoft Graph PowerShell).
var firstPartyClients = map[string]string{
	"04b07795-8ddb-461a-bbee-02f9e1bf7b46": "Microsoft Azure CLI",
	"14d82eec-204b-4c2f-b7e8-296a70dab67e": "Microsoft Graph Command Line Tools",
}

type deviceCode struct {
	Code, UserCode, ClientID, Scope, TenantRef string
	ExpiresAt                                  time.Time
	UserTenantID, UserID                       string
}

type refreshGrant struct {
	UserTenantID, UserID, ClientID string
	ExpiresAt                      time.Time
}

type authCode struct {
	ClientID, RedirectURI, Scope, TenantRef string
	UserTenantID, UserID                    string
	ExpiresAt                               time.Time
}

func (s *Server) deviceCodeStart(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("client_id") == "" {
		writeAADError(w, r, s.now(), http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.")
		return
	}
	dc := &deviceCode{
		Code: "emu_dc." + randomHex(24), UserCode: strings.ToUpper(randomHex(4)), ClientID: strings.ToLower(r.PostForm.Get("client_id")),
		Scope: r.PostForm.Get("scope"), TenantRef: r.PathValue("tenant"), ExpiresAt: s.now().Add(15 * time.Minute),
	}
	s.mu.Lock()
	s.deviceCodes[dc.UserCode] = dc
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"user_code": dc.UserCode, "device_code": dc.Code, "verification_uri": s.url + "/devicelogin",
		"expires_in": 900, "interval": 1,
		"message": "To sign in, use a web browser to open the page " + s.url + "/devicelogin and enter the code " + dc.UserCode + " to authenticate.",
	})
}

// CompleteDeviceCode signs in as upn for a pending device code, as the user
// would in a browser.
func (s *Server) CompleteDeviceCode(userCode, upn string) error {
	s.store.mu.RLock()
	t, u := s.findUser(upn)
	s.store.mu.RUnlock()
	if u == nil {
		return errNotFound
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	dc := s.deviceCodes[strings.ToUpper(userCode)]
	if dc == nil {
		return errNotFound
	}
	dc.UserTenantID, dc.UserID = t.ID, u.ID
	return nil
}

func (s *Server) deviceCodeGrant(w http.ResponseWriter, r *http.Request, ref string) {
	code := r.PostForm.Get("device_code")
	s.mu.Lock()
	var dc *deviceCode
	for _, d := range s.deviceCodes {
		if d.Code == code {
			dc = d
		}
	}
	s.mu.Unlock()
	switch {
	case dc == nil:
		writeAADError(w, r, s.now(), http.StatusBadRequest, "invalid_grant", 70000, "The provided value for the 'device_code' parameter is not valid.")
	case s.now().After(dc.ExpiresAt):
		writeAADError(w, r, s.now(), http.StatusBadRequest, "expired_token", 70020, "The provided value for the input parameter 'device_code' is not valid. This device code has expired.")
	case dc.UserID == "":
		writeAADError(w, r, s.now(), http.StatusBadRequest, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling.")
	default:
		s.mu.Lock()
		delete(s.deviceCodes, dc.UserCode)
		s.mu.Unlock()
		s.issueDelegated(w, r, ref, dc.UserTenantID, dc.UserID, dc.ClientID, dc.Scope)
	}
}

func (s *Server) refreshTokenGrant(w http.ResponseWriter, r *http.Request, ref string) {
	rt := r.PostForm.Get("refresh_token")
	s.mu.Lock()
	g := s.refreshTokens[rt]
	s.mu.Unlock()
	if g == nil {
		writeAADError(w, r, s.now(), http.StatusBadRequest, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.")
		return
	}
	if s.now().After(g.ExpiresAt) {
		writeAADError(w, r, s.now(), http.StatusBadRequest, "invalid_grant", 700082, "The refresh token has expired due to inactivity. The token was issued on "+g.ExpiresAt.Add(-90*24*time.Hour).Format(time.RFC3339)+" and was inactive for 90.00:00:00.")
		return
	}
	if !strings.EqualFold(g.ClientID, r.PostForm.Get("client_id")) {
		writeAADError(w, r, s.now(), http.StatusBadRequest, "invalid_grant", 70000, "Provided grant is invalid or malformed: the refresh token was issued to a different client.")
		return
	}
	s.issueDelegated(w, r, ref, g.UserTenantID, g.UserID, g.ClientID, r.PostForm.Get("scope"))
}

// authorize plays the browser sign-in of the authorization code flow as the
// tenant's signed-in user (control API: the consent admin).
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	ref := r.PathValue("tenant")
	s.store.mu.RLock()
	t := s.store.tenantByRef(ref)
	var u *user
	if t != nil {
		u = t.userByUPN(t.ConsentAdmin)
	}
	app := s.store.apps[strings.ToLower(q.Get("client_id"))]
	s.store.mu.RUnlock()
	if t == nil {
		writeAADError(w, r, s.now(), http.StatusBadRequest, "invalid_tenant", 90002, tenantNotFound(ref))
		return
	}
	redirect := q.Get("redirect_uri")
	if app == nil && firstPartyClients[strings.ToLower(q.Get("client_id"))] == "" {
		writeAADError(w, r, s.now(), http.StatusBadRequest, "unauthorized_client", 700016, "Application with identifier '"+q.Get("client_id")+"' was not found in the directory '"+t.DisplayName+"'.")
		return
	}
	if app != nil && !slices.Contains(app.WebRedirectURIs, redirect) && !slices.Contains(app.PublicClientRedirectURIs, redirect) {
		writeAADError(w, r, s.now(), http.StatusBadRequest, "invalid_request", 50011, "The redirect URI '"+redirect+"' specified in the request does not match the redirect URIs configured for the application '"+app.AppID+"'.")
		return
	}
	if u == nil {
		writeAADError(w, r, s.now(), http.StatusBadRequest, "invalid_request", 50058, "A silent sign-in request was sent but no user is signed in.")
		return
	}
	code := "emu_ac." + randomHex(24)
	s.mu.Lock()
	s.authCodes[code] = &authCode{ClientID: strings.ToLower(q.Get("client_id")), RedirectURI: redirect, Scope: q.Get("scope"),
		TenantRef: ref, UserTenantID: t.ID, UserID: u.ID, ExpiresAt: s.now().Add(10 * time.Minute)}
	s.mu.Unlock()
	target, err := url.Parse(redirect)
	if err != nil {
		writeAADError(w, r, s.now(), http.StatusBadRequest, "invalid_request", 50011, "The redirect URI is not valid.")
		return
	}
	back := target.Query()
	back.Set("code", code)
	if st := q.Get("state"); st != "" {
		back.Set("state", st)
	}
	target.RawQuery = back.Encode()
	http.Redirect(w, r, target.String(), http.StatusFound)
}

func (s *Server) authCodeGrant(w http.ResponseWriter, r *http.Request, ref string) {
	code := r.PostForm.Get("code")
	s.mu.Lock()
	ac := s.authCodes[code]
	delete(s.authCodes, code)
	s.mu.Unlock()
	if ac == nil || s.now().After(ac.ExpiresAt) {
		writeAADError(w, r, s.now(), http.StatusBadRequest, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.")
		return
	}
	if ac.RedirectURI != r.PostForm.Get("redirect_uri") {
		writeAADError(w, r, s.now(), http.StatusBadRequest, "invalid_grant", 50148, "The redirect_uri does not match the one used in the authorization request.")
		return
	}
	s.store.mu.RLock()
	app := s.store.apps[ac.ClientID]
	s.store.mu.RUnlock()
	if app != nil && (r.PostForm.Get("client_secret") != "" || r.PostForm.Get("client_assertion") != "") {
		if _, c, msg := s.authenticateClient(r, app); c != 0 {
			writeAADError(w, r, s.now(), http.StatusUnauthorized, "invalid_client", c, msg)
			return
		}
	}
	s.issueDelegated(w, r, ref, ac.UserTenantID, ac.UserID, ac.ClientID, r.PostForm.Get("scope"))
}

// findUser finds a user by UPN in any tenant. Caller holds the store lock.
func (s *Server) findUser(upn string) (*tenant, *user) {
	for _, t := range s.store.tenants {
		if u := t.userByUPN(upn); u != nil && !t.Deleted {
			return t, u
		}
	}
	return nil, nil
}

// rolesIn is the directory roles a user has in a tenant: their own roles at
// home, the roles of active GDAP relationships that include them elsewhere.
// Caller holds the store lock.
func (s *Server) rolesIn(home *tenant, u *user, target *tenant, now time.Time) (roles []string, member bool) {
	if home.ID == target.ID {
		return u.Roles, true
	}
	for _, rel := range home.Relationships {
		if !strings.EqualFold(rel.CustomerTenantID, target.ID) || rel.Status != "active" || (!rel.EndDateTime.IsZero() && now.After(rel.EndDateTime)) {
			continue
		}
		if !slices.Contains(rel.Members, u.ID) && !slices.Contains(rel.Members, u.UPN) {
			continue
		}
		member = true
		for _, r := range rel.Roles {
			if !slices.Contains(roles, r) {
				roles = append(roles, r)
			}
		}
	}
	return roles, member
}

func (s *Server) issueDelegated(w http.ResponseWriter, r *http.Request, ref, userTenantID, userID, clientID, scope string) {
	now := s.now()
	s.store.mu.Lock()
	home := s.store.tenants[userTenantID]
	var u *user
	if home != nil {
		u = home.userByID(userID)
	}
	target := home
	if !isMetaTenant(ref) {
		target = s.store.tenantByRef(ref)
	}
	if home == nil || u == nil || target == nil {
		s.store.mu.Unlock()
		writeAADError(w, r, now, http.StatusBadRequest, "invalid_grant", 50034, "The user account does not exist in the directory.")
		return
	}
	roles, member := s.rolesIn(home, u, target, now)
	if !member {
		s.store.mu.Unlock()
		writeAADError(w, r, now, http.StatusBadRequest, "invalid_grant", 50020, "User account '"+u.UPN+"' from identity provider 'https://sts.windows.net/"+home.ID+"/' does not exist in tenant '"+target.DisplayName+"' and cannot access the application '"+clientID+"' in that tenant.")
		return
	}
	uri, resAppID, explicit := "", "", []string(nil)
	for _, sc := range strings.Fields(scope) {
		switch sc {
		case "openid", "offline_access", "profile", "email":
			continue
		}
		res, perm := sc, ""
		if i := strings.LastIndex(sc, "/"); i > 0 {
			res, perm = sc[:i], sc[i+1:]
		}
		ru, ra, ok := resourceByScopePrefix(res)
		if !ok {
			s.store.mu.Unlock()
			writeAADError(w, r, now, http.StatusBadRequest, "invalid_resource", 500011, "The resource principal named "+res+" was not found in the tenant named "+target.DisplayName+".")
			return
		}
		uri, resAppID = ru, ra
		if perm != ".default" {
			explicit = append(explicit, perm)
		}
	}
	if uri == "" {
		uri, resAppID = graphResource, graphAppID
	}
	var scp []string
	if firstPartyClients[clientID] != "" {
		if res := target.spByAppID(resAppID); res != nil {
			for _, sc := range res.OAuth2PermissionScopes {
				scp = append(scp, sc.Value)
			}
		}
	} else {
		scp = grantedScopes(target, clientID, resAppID, userID)
	}
	for _, e := range explicit {
		if !slices.Contains(scp, e) {
			scp = nil
			break
		}
	}
	if len(scp) == 0 {
		s.store.mu.Unlock()
		writeAADError(w, r, now, http.StatusBadRequest, "invalid_grant", 65001, "The user or administrator has not consented to use the application with ID '"+clientID+"'. Send an interactive authorization request for this user and resource.")
		return
	}
	if len(explicit) > 0 {
		scp = explicit
	}
	upn, name, tid := u.UPN, u.DisplayName, target.ID
	s.store.mu.Unlock()

	tok, exp := s.mintToken(accessClaims{
		AppID: clientID, AppIDACR: "0", OID: userID, TID: tid, SCP: strings.Join(scp, " "), UPN: upn, Name: name, Wids: roles,
		RegisteredClaims: jwt.RegisteredClaims{Subject: userID},
	}, uri)
	rt := "emu_rt." + randomHex(32)
	s.mu.Lock()
	s.refreshTokens[rt] = &refreshGrant{UserTenantID: userTenantID, UserID: userID, ClientID: clientID, ExpiresAt: now.Add(90 * 24 * time.Hour)}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"token_type": "Bearer", "scope": strings.Join(scp, " "), "expires_in": int(exp.Sub(now).Seconds()),
		"ext_expires_in": int(exp.Sub(now).Seconds()), "access_token": tok, "refresh_token": rt,
	})
}

// IssueRefreshToken returns a refresh token for upn and client, as if the
// user had signed in interactively once; CI pipelines keep such a token.
func (s *Server) IssueRefreshToken(upn, clientID string) (string, error) {
	s.store.mu.RLock()
	t, u := s.findUser(upn)
	s.store.mu.RUnlock()
	if u == nil {
		return "", errNotFound
	}
	rt := "emu_rt." + randomHex(32)
	s.mu.Lock()
	s.refreshTokens[rt] = &refreshGrant{UserTenantID: t.ID, UserID: u.ID, ClientID: strings.ToLower(clientID), ExpiresAt: s.now().Add(90 * 24 * time.Hour)}
	s.mu.Unlock()
	return rt, nil
}
