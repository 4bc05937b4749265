package emulator

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/businesscentral"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/control"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/graph"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/identity"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// Server is the emulated Microsoft cloud: identity platform (login),
// Microsoft Graph (/v1.0) and Business Central (/admin, /v2.0) on one HTTPS
// origin, plus the control API under /_emulator/. Each service is its own
// package with its own route table; Server mounts them and plays the
// network in front of them (faults, latency, request counters).
type Server struct {
	store *store.Store
	clock *store.Clock
	keys  *Keys

	identity *identity.Service
	graph    *graph.Service
	bc       *businesscentral.Service

	faults   *faultSet
	throttle *throttle
	counters *counterSet
	mux      *http.ServeMux

	listener net.Listener
	http     *http.Server
	caPEM    []byte
	caFile   string
	url      string
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
	// Throttling enforces Microsoft's published service limits
	// (throttle.go); off by default, also switched by SetThrottling.
	Throttling bool
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
	addr := opts.Listen
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	clock := &store.Clock{}
	s := &Server{
		store:    store.New(clock),
		clock:    clock,
		keys:     keys,
		faults:   &faultSet{},
		throttle: &throttle{enabled: opts.Throttling},
		counters: newCounterSet(),
		listener: ln,
		caPEM:    []byte(keys.CACert),
		url:      "https://" + ln.Addr().String(),
	}
	s.identity = identity.New(s.store, key, keys.SigningKeyID, s.url)
	s.graph = graph.New(s.store, s.identity.Authenticate, s.url)
	s.graph.Intercept = func(w http.ResponseWriter, r *http.Request) bool {
		return s.faults.apply(w, r, "graph", s.clock, s.graph) || s.throttled(w, r, "graph")
	}
	s.bc = businesscentral.New(s.store, s.identity.Authenticate)
	s.routes()
	if !opts.Empty {
		s.seedDefaults()
	}
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

// routes mounts each service under the first path segment it owns, as the
// real services live on different hosts and their paths would otherwise
// overlap (/{tenant}/... vs /v1.0/...).
func (s *Server) routes() {
	s.mux = http.NewServeMux()
	s.mux.Handle("/v1.0/", s.graph)
	s.mux.Handle("/data/download/", s.graph.ReportDownloads())
	s.mux.Handle("/admin/", s.bc)
	s.mux.Handle("/v2.0/", s.bc)
	s.mux.Handle("/_emulator/", control.Handler(s))
	s.mux.Handle("/", s.identity.Handler())
}

// service names a request's service for counters and faults.
func service(path string) string {
	switch strings.SplitN(strings.TrimPrefix(path, "/"), "/", 2)[0] {
	case "v1.0", "beta":
		return "graph"
	case "admin", "v2.0":
		return "bc"
	case "data":
		return "reports" // reports.office.com's preauthenticated downloads
	case "_emulator":
		return "control"
	default:
		return "login"
	}
}

// ServeHTTP counts the request, inflates a gzipped body, applies faults and
// hands the request to its service (control requests skip all but routing).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	svc := service(r.URL.Path)
	w.Header().Set("Date", s.now().Format(http.TimeFormat))
	if svc == "control" {
		s.mux.ServeHTTP(w, r)
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
	if s.faults.apply(w, r, svc, s.clock, s.mux) || s.throttled(w, r, svc) {
		return
	}
	s.mux.ServeHTTP(w, r)
}

// throttled answers 429 when throttling is on and the request is over one
// of Microsoft's limits, and counts it.
func (s *Server) throttled(w http.ResponseWriter, r *http.Request, svc string) bool {
	if !s.throttle.apply(w, r, svc, s.store, s.now()) {
		return false
	}
	s.counters.countThrottled()
	return true
}
