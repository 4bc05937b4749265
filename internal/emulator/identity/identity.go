// Package identity plays the Microsoft identity platform
// (login.microsoftonline.com) per tenant: OpenID configuration and keys,
// the v2.0 token endpoint, the device code and authorization code flows and
// admin consent. Sources: MSAL Go's authority resolution and token
// requests, and the v2 protocol docs (see shared/research/graph-api.md §1
// and §4.3).
package identity

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/route"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// Service is the identity platform of the emulated cloud.
type Service struct {
	store *store.Store
	key   *rsa.PrivateKey // signs access tokens; published in JWKS
	keyID string
	url   string // the origin the emulator serves on

	sessions sessions

	// issued are the access tokens minted, for tests that prove none leaks
	// into a log or a state file.
	issuedMu sync.Mutex
	issued   []string
}

// IssuedTokens returns every access token minted so far, oldest first.
func (s *Service) IssuedTokens() []string {
	s.issuedMu.Lock()
	defer s.issuedMu.Unlock()
	return append([]string(nil), s.issued...)
}

// New returns the identity platform over a directory; key signs tokens.
func New(st *store.Store, key *rsa.PrivateKey, keyID, url string) *Service {
	return &Service{store: st, key: key, keyID: keyID, url: url, sessions: newSessions()}
}

func (s *Service) now() time.Time { return s.store.Now() }

// handler answers a request with a response or an error; serve writes either.
type handler func(r *http.Request) (*route.Response, error)

// Handler serves the identity platform's route table.
func (s *Service) Handler() http.Handler {
	serve := func(h handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			resp, err := h(r)
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			route.Write(w, resp, "application/json; charset=utf-8")
		})
	}
	return route.New([]route.Route{
		{Method: "GET", Pattern: "/{tenant}/v2.0/.well-known/openid-configuration", Handler: serve(s.openIDConfiguration)},
		{Method: "GET", Pattern: "/{tenant}/discovery/v2.0/keys", Handler: serve(s.jwks)},
		{Method: "GET", Pattern: "/common/discovery/instance", Handler: serve(s.instanceDiscovery)},
		{Method: "POST", Pattern: "/{tenant}/oauth2/v2.0/token", Handler: serve(s.tokenEndpoint)},
		{Method: "POST", Pattern: "/{tenant}/oauth2/v2.0/devicecode", Handler: serve(s.deviceCodeStart)},
		{Method: "GET", Pattern: "/{tenant}/oauth2/v2.0/authorize", Handler: serve(s.authorize)},
		{Method: "GET", Pattern: "/{tenant}/adminconsent", Handler: serve(s.adminConsent)},
		{Method: "GET", Pattern: "/{tenant}/v2.0/adminconsent", Handler: serve(s.adminConsent)},
	})
}

// Error is an identity platform error: the OAuth error, the AADSTS code and
// its message.
type Error struct {
	Status int
	Code   string // OAuth 2.0 error, e.g. invalid_client
	AADSTS int
	Msg    string
}

func (e *Error) Error() string { return fmt.Sprintf("AADSTS%d: %s", e.AADSTS, e.Msg) }

func aadErr(status int, code string, aadsts int, msg string) error {
	return &Error{Status: status, Code: code, AADSTS: aadsts, Msg: msg}
}

// writeError is the service's one error adapter: identity platform errors as
// they are, a missing tenant as AADSTS90002, anything else as a server error.
func (s *Service) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var e *Error
	switch {
	case errors.As(err, &e):
	case errors.Is(err, store.ErrNotFound):
		e = &Error{Status: http.StatusBadRequest, Code: "invalid_tenant", AADSTS: 90002, Msg: err.Error()}
	default:
		e = &Error{Status: http.StatusInternalServerError, Code: "server_error", AADSTS: 90000, Msg: err.Error()}
	}
	var ch *challengeError
	if errors.As(err, &ch) {
		w.Header().Set("WWW-Authenticate", `Basic realm="`+r.Host+`"`)
	}
	WriteError(w, r, s.now(), e.Status, e.Code, e.AADSTS, e.Msg)
}

// sessions are the identity platform's pending device codes, authorization
// codes and issued refresh tokens; they live outside the directory, as they
// do not survive a restart.
type sessions struct {
	mu            sync.Mutex
	deviceCodes   map[string]*deviceCode
	refreshTokens map[string]*refreshGrant
	authCodes     map[string]*authCode
}

func newSessions() sessions {
	return sessions{deviceCodes: map[string]*deviceCode{}, refreshTokens: map[string]*refreshGrant{}, authCodes: map[string]*authCode{}}
}

func (ss *sessions) with(fn func()) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	fn()
}

func isMetaTenant(ref string) bool {
	switch strings.ToLower(ref) {
	case "common", "organizations", "consumers":
		return true
	}
	return false
}

func tenantNotFound(ref string) error {
	return aadErr(http.StatusBadRequest, "invalid_tenant", 90002, "Tenant '"+ref+"' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.")
}
