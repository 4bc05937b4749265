package identity

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

const tokenLifetime = time.Hour

func init() {
	// Entra writes a single audience as a string, not a one-element array.
	jwt.MarshalSingleStringAsArray = false
}

// Principal is who an access token presented to Graph or Business Central
// stands for, after its signature, audience and expiry were checked.
type Principal struct {
	TenantID  string   // tid
	AppID     string   // appid / azp: the client application
	ObjectID  string   // oid: service principal (app-only) or user object ID
	Audience  string   // aud, normalised to the resource identifier URI
	Roles     []string // application permissions (app-only tokens)
	Scopes    []string // delegated permissions (scp, space-split)
	UserID    string   // set for delegated tokens
	UPN       string   // set for delegated tokens
	Wids      []string // directory role template IDs of the signed-in user
	Delegated bool
}

// AuthError is what Graph or BC answer when a bearer token is unusable; each
// writes it in its own envelope.
type AuthError struct {
	Status  int
	Code    string
	Message string
}

func (e *AuthError) Error() string { return e.Message }

// Authenticator validates a request's bearer token for a resource audience;
// it returns a *AuthError when the token is unusable.
type Authenticator func(r *http.Request, audience string) (*Principal, error)

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
func (s *Service) mintToken(c accessClaims, resourceURI string) (string, time.Time) {
	now := s.now()
	exp := now.Add(tokenLifetime)
	c.Audience = jwt.ClaimStrings{resourceURI}
	c.Issuer = "https://sts.windows.net/" + c.TID + "/"
	c.IDP = c.Issuer
	c.IssuedAt = jwt.NewNumericDate(now)
	c.NotBefore = jwt.NewNumericDate(now)
	c.ExpiresAt = jwt.NewNumericDate(exp)
	c.ID = store.NewGUID()
	c.Ver = "1.0"
	c.AZP = ""
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	tok.Header["kid"] = s.keyID
	tok.Header["x5t"] = s.keyID
	signed, err := tok.SignedString(s.key)
	if err != nil {
		panic(err) // an in-memory RSA key cannot fail to sign
	}
	s.issuedMu.Lock()
	s.issued = append(s.issued, signed)
	s.issuedMu.Unlock()
	return signed, exp
}

// Authenticate checks the bearer token of a Graph or BC request for the
// given resource audience.
func (s *Service) Authenticate(r *http.Request, audience string) (*Principal, error) {
	h := r.Header.Get("Authorization")
	raw, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || strings.TrimSpace(raw) == "" {
		return nil, &AuthError{http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token is empty."}
	}
	var c accessClaims
	_, err := jwt.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return &s.key.PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(s.now), jwt.WithLeeway(0))
	if err != nil {
		if strings.Contains(err.Error(), "expired") {
			return nil, &AuthError{http.StatusUnauthorized, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired."}
		}
		return nil, &AuthError{http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token validation failure."}
	}
	uri, _, _ := store.ResourceByScopePrefix(audience)
	if !slices.ContainsFunc(c.Audience, func(a string) bool { u, _, ok := store.ResourceByScopePrefix(a); return ok && u == uri }) {
		return nil, &AuthError{http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience."}
	}
	deleted := true
	_ = s.store.View(func(tx *store.Tx) error {
		t := tx.TenantByID(c.TID)
		deleted = t == nil || t.Deleted
		return nil
	})
	if deleted {
		return nil, &AuthError{http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token validation failure. Invalid issuer or signature."}
	}
	p := &Principal{TenantID: c.TID, AppID: c.AppID, ObjectID: c.OID, Audience: uri, Roles: c.Roles,
		UPN: c.UPN, Wids: c.Wids, Delegated: c.SCP != ""}
	if p.Delegated {
		p.Scopes = strings.Fields(c.SCP)
		p.UserID = c.OID
	}
	return p, nil
}
