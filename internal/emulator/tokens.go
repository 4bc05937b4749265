package emulator

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Resources the emulator issues tokens for: the resource identifier URI and
// the resource's first-party app ID (a scope may name either).
var resources = []struct{ URI, AppID string }{
	{graphResource, graphAppID},
	{bcResource, bcAppID},
}

const (
	graphResource = "https://graph.microsoft.com"
	graphAppID    = "00000003-0000-0000-c000-000000000000"
	tokenLifetime = time.Hour
)

func resourceByScopePrefix(s string) (uri, appID string, ok bool) {
	s = strings.TrimSuffix(strings.ToLower(s), "/")
	for _, r := range resources {
		if s == strings.ToLower(r.URI) || s == r.AppID {
			return r.URI, r.AppID, true
		}
	}
	return "", "", false
}

func init() {
	// Entra writes a single audience as a string, not a one-element array.
	jwt.MarshalSingleStringAsArray = false
}

type accessClaims struct {
	jwt.RegisteredClaims
	AppID    string   `json:"appid,omitempty"`
	AppIDACR string   `json:"appidacr,omitempty"`
	AZP      string   `json:"azp,omitempty"`
	IDP      string   `json:"idp,omitempty"`
	OID      string   `json:"oid,omitempty"`
	TID      string   `json:"tid"`
	Roles    []string `json:"roles,omitempty"`
	SCP      string   `json:"scp,omitempty"`
	UPN      string   `json:"upn,omitempty"`
	Name     string   `json:"name,omitempty"`
	Wids     []string `json:"wids,omitempty"`
	IDType   string   `json:"idtyp,omitempty"`
	Ver      string   `json:"ver"`
}

// mintToken signs an access token as Entra would for the given resource.
func (s *Server) mintToken(c accessClaims, resourceURI string) (string, time.Time) {
	now := s.now()
	exp := now.Add(tokenLifetime)
	c.Audience = jwt.ClaimStrings{resourceURI}
	c.Issuer = "https://sts.windows.net/" + c.TID + "/"
	c.IDP = c.Issuer
	c.IssuedAt = jwt.NewNumericDate(now)
	c.NotBefore = jwt.NewNumericDate(now)
	c.ExpiresAt = jwt.NewNumericDate(exp)
	c.ID = newGUID()
	c.Ver = "1.0"
	c.AZP = ""
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	tok.Header["kid"] = s.keyID
	tok.Header["x5t"] = s.keyID
	signed, err := tok.SignedString(s.key)
	if err != nil {
		panic(err) // an in-memory RSA key cannot fail to sign
	}
	return signed, exp
}

// authError is what Graph or BC answer when a bearer token is unusable.
type authError struct {
	Status  int
	Code    string
	Message string
}

// authenticate checks the bearer token of a Graph or BC request for the given
// resource audience.
func (s *Server) authenticate(r *http.Request, audience string) (*principal, *authError) {
	h := r.Header.Get("Authorization")
	raw, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || strings.TrimSpace(raw) == "" {
		return nil, &authError{http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token is empty."}
	}
	var c accessClaims
	_, err := jwt.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return &s.key.PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(s.now), jwt.WithLeeway(0))
	if err != nil {
		if strings.Contains(err.Error(), "expired") {
			return nil, &authError{http.StatusUnauthorized, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired."}
		}
		return nil, &authError{http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token validation failure."}
	}
	uri, _, _ := resourceByScopePrefix(audience)
	if !slices.ContainsFunc(c.Audience, func(a string) bool { u, _, ok := resourceByScopePrefix(a); return ok && u == uri }) {
		return nil, &authError{http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience."}
	}
	s.store.mu.RLock()
	t := s.store.tenants[strings.ToLower(c.TID)]
	deleted := t == nil || t.Deleted
	s.store.mu.RUnlock()
	if deleted {
		return nil, &authError{http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token validation failure. Invalid issuer or signature."}
	}
	p := &principal{TenantID: c.TID, AppID: c.AppID, ObjectID: c.OID, Audience: uri, Roles: c.Roles,
		UPN: c.UPN, Wids: c.Wids, Delegated: c.SCP != ""}
	if p.Delegated {
		p.Scopes = strings.Fields(c.SCP)
		p.UserID = c.OID
	}
	return p, nil
}

// grantedRoles lists the app role values the client app holds on a resource
// in a tenant: what the roles claim of an app-only token carries. Caller
// holds the store lock.
func grantedRoles(t *tenant, clientAppID, resourceAppID string) []string {
	client := t.spByAppID(clientAppID)
	resource := t.spByAppID(resourceAppID)
	if client == nil || resource == nil {
		return nil
	}
	var roles []string
	for _, a := range t.AppRoleAssignments {
		if a.PrincipalID != client.ID || a.ResourceID != resource.ID {
			continue
		}
		for _, r := range resource.AppRoles {
			if r.ID == a.AppRoleID && !slices.Contains(roles, r.Value) {
				roles = append(roles, r.Value)
			}
		}
	}
	slices.Sort(roles)
	return roles
}

// grantedScopes lists the delegated scopes the client holds on a resource
// for a user (AllPrincipals grants, or Principal grants for that user).
func grantedScopes(t *tenant, clientAppID, resourceAppID, userID string) []string {
	client := t.spByAppID(clientAppID)
	resource := t.spByAppID(resourceAppID)
	if client == nil || resource == nil {
		return nil
	}
	var scopes []string
	for _, g := range t.PermissionGrants {
		if g.ClientID != client.ID || g.ResourceID != resource.ID {
			continue
		}
		if g.ConsentType == "Principal" && g.PrincipalID != userID {
			continue
		}
		for _, sc := range strings.Fields(g.Scope) {
			if !slices.Contains(scopes, sc) {
				scopes = append(scopes, sc)
			}
		}
	}
	slices.Sort(scopes)
	return scopes
}

func (t *tenant) spByAppID(appID string) *servicePrincipal {
	for _, sp := range t.ServicePrincipals {
		if strings.EqualFold(sp.AppID, appID) {
			return sp
		}
	}
	return nil
}
