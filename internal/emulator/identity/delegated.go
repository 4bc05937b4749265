package identity

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/route"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
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

func (s *Service) deviceCodeStart(r *http.Request) (*route.Response, error) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("client_id") == "" {
		return nil, aadErr(http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.")
	}
	dc := &deviceCode{
		Code: "emu_dc." + store.RandomHex(24), UserCode: strings.ToUpper(store.RandomHex(4)), ClientID: strings.ToLower(r.PostForm.Get("client_id")),
		Scope: r.PostForm.Get("scope"), TenantRef: r.PathValue("tenant"), ExpiresAt: s.now().Add(15 * time.Minute),
	}
	s.sessions.with(func() { s.sessions.deviceCodes[dc.UserCode] = dc })
	return route.JSON(http.StatusOK, map[string]any{
		"user_code": dc.UserCode, "device_code": dc.Code, "verification_uri": s.url + "/devicelogin",
		"expires_in": 900, "interval": 1,
		"message": "To sign in, use a web browser to open the page " + s.url + "/devicelogin and enter the code " + dc.UserCode + " to authenticate.",
	}), nil
}

// CompleteDeviceCode signs in as upn for a pending device code, as the user
// would in a browser.
func (s *Service) CompleteDeviceCode(userCode, upn string) error {
	var t *store.Tenant
	var u *store.User
	_ = s.store.View(func(tx *store.Tx) error { t, u = tx.FindUser(upn); return nil })
	if u == nil {
		return store.NotFound("user " + upn)
	}
	var err error
	s.sessions.with(func() {
		dc := s.sessions.deviceCodes[strings.ToUpper(userCode)]
		if dc == nil {
			err = store.NotFound("device code " + userCode)
			return
		}
		dc.UserTenantID, dc.UserID = t.ID, u.ID
	})
	return err
}

func (s *Service) deviceCodeGrant(r *http.Request, ref string) (*route.Response, error) {
	code := r.PostForm.Get("device_code")
	var dc *deviceCode
	s.sessions.with(func() {
		for _, d := range s.sessions.deviceCodes {
			if d.Code == code {
				dc = d
			}
		}
	})
	switch {
	case dc == nil:
		return nil, aadErr(http.StatusBadRequest, "invalid_grant", 70000, "The provided value for the 'device_code' parameter is not valid.")
	case s.now().After(dc.ExpiresAt):
		return nil, aadErr(http.StatusBadRequest, "expired_token", 70020, "The provided value for the input parameter 'device_code' is not valid. This device code has expired.")
	case dc.UserID == "":
		return nil, aadErr(http.StatusBadRequest, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling.")
	}
	s.sessions.with(func() { delete(s.sessions.deviceCodes, dc.UserCode) })
	return s.issueDelegated(ref, dc.UserTenantID, dc.UserID, dc.ClientID, dc.Scope)
}

func (s *Service) refreshTokenGrant(r *http.Request, ref string) (*route.Response, error) {
	rt := r.PostForm.Get("refresh_token")
	var g *refreshGrant
	s.sessions.with(func() { g = s.sessions.refreshTokens[rt] })
	if g == nil {
		return nil, aadErr(http.StatusBadRequest, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid.")
	}
	if s.now().After(g.ExpiresAt) {
		return nil, aadErr(http.StatusBadRequest, "invalid_grant", 700082, "The refresh token has expired due to inactivity. The token was issued on "+g.ExpiresAt.Add(-90*24*time.Hour).Format(time.RFC3339)+" and was inactive for 90.00:00:00.")
	}
	if !strings.EqualFold(g.ClientID, r.PostForm.Get("client_id")) {
		return nil, aadErr(http.StatusBadRequest, "invalid_grant", 70000, "Provided grant is invalid or malformed: the refresh token was issued to a different client.")
	}
	return s.issueDelegated(ref, g.UserTenantID, g.UserID, g.ClientID, r.PostForm.Get("scope"))
}

// authorize plays the browser sign-in of the authorization code flow as the
// tenant's signed-in user (control API: the consent admin).
func (s *Service) authorize(r *http.Request) (*route.Response, error) {
	q := r.URL.Query()
	ref := r.PathValue("tenant")
	redirectURI := q.Get("redirect_uri")
	var ac *authCode
	err := s.store.View(func(tx *store.Tx) error {
		t := tx.Tenant(ref)
		if t == nil {
			return tenantNotFound(ref)
		}
		u := t.UserByUPN(t.ConsentAdmin)
		app := tx.App(q.Get("client_id"))
		if app == nil && firstPartyClients[strings.ToLower(q.Get("client_id"))] == "" {
			return aadErr(http.StatusBadRequest, "unauthorized_client", 700016, "Application with identifier '"+q.Get("client_id")+"' was not found in the directory '"+t.DisplayName+"'.")
		}
		if app != nil && !slices.Contains(app.WebRedirectURIs, redirectURI) && !slices.Contains(app.PublicClientRedirectURIs, redirectURI) {
			return aadErr(http.StatusBadRequest, "invalid_request", 50011, "The redirect URI '"+redirectURI+"' specified in the request does not match the redirect URIs configured for the application '"+app.AppID+"'.")
		}
		if u == nil {
			return aadErr(http.StatusBadRequest, "invalid_request", 50058, "A silent sign-in request was sent but no user is signed in.")
		}
		ac = &authCode{ClientID: strings.ToLower(q.Get("client_id")), RedirectURI: redirectURI, Scope: q.Get("scope"),
			TenantRef: ref, UserTenantID: t.ID, UserID: u.ID, ExpiresAt: tx.Now().Add(10 * time.Minute)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	code := "emu_ac." + store.RandomHex(24)
	s.sessions.with(func() { s.sessions.authCodes[code] = ac })
	target, err := url.Parse(redirectURI)
	if err != nil {
		return nil, aadErr(http.StatusBadRequest, "invalid_request", 50011, "The redirect URI is not valid.")
	}
	back := target.Query()
	back.Set("code", code)
	if st := q.Get("state"); st != "" {
		back.Set("state", st)
	}
	target.RawQuery = back.Encode()
	return redirect(target), nil
}

func (s *Service) authCodeGrant(r *http.Request, ref string) (*route.Response, error) {
	code := r.PostForm.Get("code")
	var ac *authCode
	s.sessions.with(func() {
		ac = s.sessions.authCodes[code]
		delete(s.sessions.authCodes, code)
	})
	if ac == nil || s.now().After(ac.ExpiresAt) {
		return nil, aadErr(http.StatusBadRequest, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.")
	}
	if ac.RedirectURI != r.PostForm.Get("redirect_uri") {
		return nil, aadErr(http.StatusBadRequest, "invalid_grant", 50148, "The redirect_uri does not match the one used in the authorization request.")
	}
	err := s.store.View(func(tx *store.Tx) error {
		app := tx.App(ac.ClientID)
		if app != nil && (r.PostForm.Get("client_secret") != "" || r.PostForm.Get("client_assertion") != "") {
			_, err := s.authenticateClient(r, app, tx.Now())
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.issueDelegated(ref, ac.UserTenantID, ac.UserID, ac.ClientID, r.PostForm.Get("scope"))
}

// rolesIn is the directory roles a user has in a tenant: their own roles at
// home, the roles of active GDAP relationships that include them elsewhere.
func rolesIn(home *store.Tenant, u *store.User, target *store.Tenant, now time.Time) (roles []string, member bool) {
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

func (s *Service) issueDelegated(ref, userTenantID, userID, clientID, scope string) (*route.Response, error) {
	now := s.now()
	var claims accessClaims
	var uri string
	var scp []string
	err := s.store.View(func(tx *store.Tx) error {
		home := tx.TenantByID(userTenantID)
		var u *store.User
		if home != nil {
			u = home.UserByID(userID)
		}
		target := home
		if !isMetaTenant(ref) {
			target = tx.Tenant(ref)
		}
		if home == nil || u == nil || target == nil {
			return aadErr(http.StatusBadRequest, "invalid_grant", 50034, "The user account does not exist in the directory.")
		}
		roles, member := rolesIn(home, u, target, now)
		if !member {
			return aadErr(http.StatusBadRequest, "invalid_grant", 50020, "User account '"+u.UPN+"' from identity provider 'https://sts.windows.net/"+home.ID+"/' does not exist in tenant '"+target.DisplayName+"' and cannot access the application '"+clientID+"' in that tenant.")
		}
		resAppID, explicit := "", []string(nil)
		for _, sc := range strings.Fields(scope) {
			switch sc {
			case "openid", "offline_access", "profile", "email":
				continue
			}
			res, perm := sc, ""
			if i := strings.LastIndex(sc, "/"); i > 0 {
				res, perm = sc[:i], sc[i+1:]
			}
			ru, ra, ok := store.ResourceByScopePrefix(res)
			if !ok {
				return aadErr(http.StatusBadRequest, "invalid_resource", 500011, "The resource principal named "+res+" was not found in the tenant named "+target.DisplayName+".")
			}
			uri, resAppID = ru, ra
			if perm != ".default" {
				explicit = append(explicit, perm)
			}
		}
		if uri == "" {
			uri, resAppID = store.GraphResource, store.GraphAppID
		}
		if firstPartyClients[clientID] != "" {
			if res := target.SPByAppID(resAppID); res != nil {
				for _, sc := range res.OAuth2PermissionScopes {
					scp = append(scp, sc.Value)
				}
			}
		} else {
			scp = target.GrantedScopes(clientID, resAppID, userID)
		}
		for _, e := range explicit {
			if !slices.Contains(scp, e) {
				scp = nil
				break
			}
		}
		if len(scp) == 0 {
			return aadErr(http.StatusBadRequest, "invalid_grant", 65001, "The user or administrator has not consented to use the application with ID '"+clientID+"'. Send an interactive authorization request for this user and resource.")
		}
		if len(explicit) > 0 {
			scp = explicit
		}
		claims = accessClaims{
			AppID: clientID, AppIDACR: "0", OID: userID, TID: target.ID, SCP: strings.Join(scp, " "), UPN: u.UPN, Name: u.DisplayName, Wids: roles,
			RegisteredClaims: jwt.RegisteredClaims{Subject: userID},
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	tok, exp := s.mintToken(claims, uri)
	rt := "emu_rt." + store.RandomHex(32)
	s.sessions.with(func() {
		s.sessions.refreshTokens[rt] = &refreshGrant{UserTenantID: userTenantID, UserID: userID, ClientID: clientID, ExpiresAt: now.Add(90 * 24 * time.Hour)}
	})
	return route.JSON(http.StatusOK, map[string]any{
		"token_type": "Bearer", "scope": strings.Join(scp, " "), "expires_in": int(exp.Sub(now).Seconds()),
		"ext_expires_in": int(exp.Sub(now).Seconds()), "access_token": tok, "refresh_token": rt,
	}), nil
}

// IssueRefreshToken returns a refresh token for upn and client, as if the
// user had signed in interactively once; CI pipelines keep such a token.
func (s *Service) IssueRefreshToken(upn, clientID string) (string, error) {
	var t *store.Tenant
	var u *store.User
	_ = s.store.View(func(tx *store.Tx) error { t, u = tx.FindUser(upn); return nil })
	if u == nil {
		return "", store.NotFound("user " + upn)
	}
	rt := "emu_rt." + store.RandomHex(32)
	s.sessions.with(func() {
		s.sessions.refreshTokens[rt] = &refreshGrant{UserTenantID: t.ID, UserID: u.ID, ClientID: strings.ToLower(clientID), ExpiresAt: s.now().Add(90 * 24 * time.Hour)}
	})
	return rt, nil
}
