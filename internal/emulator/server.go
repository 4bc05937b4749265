package emulator

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// Server is the emulated Microsoft cloud: identity platform (login), Microsoft
// Graph (/v1.0) and Business Central (/admin, /v2.0) on one HTTPS origin, plus
// the control API under /_emulator/.
type Server struct {
	store *store
	key   *rsa.PrivateKey // signs access tokens; published in JWKS
	keyID string
	keys  *Keys
	mux   *http.ServeMux

	clock    *clock
	faults   *faultSet
	counters *counterSet

	loginMux, graphMux, bcMux, controlMux *http.ServeMux

	listener net.Listener
	http     *http.Server
	caPEM    []byte
	caFile   string
	url      string

	mu            sync.Mutex
	deviceCodes   map[string]*deviceCode
	refreshTokens map[string]*refreshGrant
	authCodes     map[string]*authCode
	// replication delay: after a create, reads of the object answer 404 for
	// this long on the emulator clock (0 = off).
	replicationDelay time.Duration
	createdAt        map[string]time.Time
}

// Options configure New. The zero value serves the default seed on a random
// loopback port.
type Options struct {
	// Listen is the address to listen on; default 127.0.0.1:0.
	Listen string
	// Empty starts without the default seed.
	Empty bool
	// Keys, when set, are the CA and token-signing key to use (from an
	// earlier server's Keys or saved state); default: new ones.
	Keys *Keys
}

// principal is who an access token presented to Graph or Business Central
// stands for, after its signature, audience and expiry were checked.
type principal struct {
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

// New starts an emulator on a loopback HTTPS listener.
func New(opts Options) (*Server, error) {
	keys := opts.Keys
	if keys == nil {
		var err error
		if keys, err = NewKeys(); err != nil {
			return nil, err
		}
	}
	key, err := keys.signer()
	if err != nil {
		return nil, err
	}
	cert, err := keys.leaf()
	if err != nil {
		return nil, err
	}
	s := &Server{
		store:         newStore(),
		key:           key,
		keyID:         keys.SigningKeyID,
		keys:          keys,
		caPEM:         []byte(keys.CACert),
		clock:         &clock{},
		faults:        &faultSet{},
		counters:      newCounterSet(),
		deviceCodes:   map[string]*deviceCode{},
		refreshTokens: map[string]*refreshGrant{},
		authCodes:     map[string]*authCode{},
		createdAt:     map[string]time.Time{},
	}
	if !opts.Empty {
		s.seedDefaults()
	}
	s.routes()

	addr := opts.Listen
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s.listener = ln
	s.url = "https://" + ln.Addr().String()
	s.http = &http.Server{
		Handler:           s,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          nil,
	}
	go func() { _ = s.http.ServeTLS(ln, "", "") }()
	return s, nil
}

// URL is the origin every service is served on, e.g. https://127.0.0.1:41234.
func (s *Server) URL() string { return s.url }

// CACertPEM is the certificate of the CA that signed the server certificate.
func (s *Server) CACertPEM() []byte { return s.caPEM }

// WriteCAFile writes the CA certificate to path.
func (s *Server) WriteCAFile(path string) error {
	if err := os.WriteFile(path, s.caPEM, 0o644); err != nil {
		return err
	}
	s.caFile = path
	return nil
}

// HTTPClient returns a client that trusts the emulator's CA and does not
// follow redirects (admin consent answers with one worth looking at).
func (s *Server) HTTPClient() *http.Client {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.caPEM)
	return &http.Client{
		Timeout:   60 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, MaxIdleConnsPerHost: 64},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Shutdown stops accepting connections and waits, until ctx ends, for
// requests in flight to finish, so that state saved afterwards has their
// writes.
func (s *Server) Shutdown(ctx context.Context) error {
	return s.http.Shutdown(ctx)
}

// Close stops serving.
func (s *Server) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.http.Shutdown(ctx)
}

// Env is what a shell (or a test) sets to point the provider at the emulator
// with the default automation identity. ONBOARD_CA_CERT_FILE is present once
// WriteCAFile was called.
func (s *Server) Env() map[string]string {
	env := map[string]string{
		"ONBOARD_LOGIN_ENDPOINT": s.url,
		"ONBOARD_GRAPH_ENDPOINT": s.url,
		"ONBOARD_BC_ENDPOINT":    s.url,
		"ONBOARD_TENANT_ID":      DefaultHomeTenantID,
		"ONBOARD_CLIENT_ID":      DefaultAutomationClientID,
		"ONBOARD_CLIENT_SECRET":  DefaultAutomationClientSecret,
	}
	if s.caFile != "" {
		env["ONBOARD_CA_CERT_FILE"] = s.caFile
	}
	return env
}

// routes builds one mux per service; ServeHTTP picks the service by the first
// path segment, as the real services live on different hosts and their path
// patterns would otherwise overlap (/{tenant}/... vs /v1.0/...).
func (s *Server) routes() {
	s.loginMux = http.NewServeMux()
	s.graphMux = http.NewServeMux()
	s.bcMux = http.NewServeMux()
	s.controlMux = http.NewServeMux()
	s.mux = s.bcMux // bcRoutes registers on s.mux-style muxes
	s.loginRoutes(s.loginMux)
	s.graphRoutes(s.graphMux)
	s.bcRoutes(s.bcMux)
	s.controlRoutes(s.controlMux)
}

// service names a request's service for counters and faults.
func service(path string) string {
	seg := strings.SplitN(strings.TrimPrefix(path, "/"), "/", 2)[0]
	switch seg {
	case "v1.0", "beta":
		return "graph"
	case "admin", "v2.0":
		return "bc"
	case "_emulator":
		if strings.HasPrefix(path, "/_emulator/bc/") {
			return "control"
		}
		return "control"
	default:
		return "login"
	}
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	svc := service(r.URL.Path)
	w.Header().Set("Date", s.now().Format(http.TimeFormat))
	if svc == "control" {
		if strings.HasPrefix(r.URL.Path, "/_emulator/bc/") {
			s.bcMux.ServeHTTP(w, r)
			return
		}
		s.controlMux.ServeHTTP(w, r)
		return
	}
	s.counters.count(svc, r)
	if r.Header.Get("Content-Encoding") == "gzip" && r.Body != nil {
		// kiota's compression handler gzips request bodies.
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, "bad gzip body", http.StatusBadRequest)
			return
		}
		body, err := io.ReadAll(zr)
		if err != nil {
			http.Error(w, "bad gzip body", http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.Header.Del("Content-Encoding")
	}
	if s.faults.apply(w, r, svc, s.clock) {
		return
	}
	switch svc {
	case "graph":
		normaliseGraphPath(r)
		s.graphMux.ServeHTTP(w, r)
	case "bc":
		s.bcMux.ServeHTTP(w, r)
	default:
		s.loginMux.ServeHTTP(w, r)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x", b)
}

var errNotFound = errors.New("not found")
