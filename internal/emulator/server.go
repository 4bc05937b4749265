package emulator

import (
	"crypto/rsa"
	"net/http"
)

// Server is the emulated Microsoft cloud: identity platform (login), Microsoft
// Graph (/v1.0) and Business Central (/admin, /v2.0) on one HTTPS origin, plus
// the control API under /_emulator/.
//
// OWNERSHIP (while the emulator is being built by several people at once):
// server.go, login*.go, token*.go, control*.go, clock.go, faults.go, seed*.go
// belong to the identity/core work; graph*.go and firstparty.go to the Graph
// work; bc*.go to the Business Central work. store.go is shared: add fields,
// do not rename them.
type Server struct {
	store *store
	key   *rsa.PrivateKey // signs access tokens; published in JWKS
	mux   *http.ServeMux
}

// routes registers every service on one mux. Each service registers its own
// patterns (Go 1.22 method+path patterns).
func (s *Server) routes() {
	s.mux = http.NewServeMux()
	s.loginRoutes(s.mux)
	s.graphRoutes(s.mux)
	s.bcRoutes(s.mux)
	s.controlRoutes(s.mux)
}

// principal is who an access token presented to Graph or Business Central
// stands for, after its signature, audience and expiry were checked.
type principal struct {
	TenantID string   // tid
	AppID    string   // appid / azp: the client application
	ObjectID string   // oid: service principal (app-only) or user object ID
	Audience string   // aud, normalised to the resource identifier URI
	Roles    []string // application permissions (app-only tokens)
	Scopes   []string // delegated permissions (scp, space-split)
	UserID   string   // set for delegated tokens
	UPN      string   // set for delegated tokens
	Wids     []string // directory role template IDs of the signed-in user
	Delegated bool
}

// authenticate checks the bearer token of a Graph or BC request for the given
// resource audience. On failure it returns the HTTP status and the Graph/BC
// error the service would answer (401 InvalidAuthenticationToken, ...).
// Implemented by the identity/core work in tokens.go.
//
//	func (s *Server) authenticate(r *http.Request, audience string) (*principal, *authError)
