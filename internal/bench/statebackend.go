package main

import (
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// stateServer keeps Terraform states in memory behind Terraform's http
// backend protocol (GET the state, 404 before the first write; POST a new
// one; DELETE): https://developer.hashicorp.com/terraform/language/backend/http.
//
// Why the bench offers it: the local backend rewrites and fsyncs the whole
// state file after every resource instance it applies
// (statemgr.Filesystem.WriteState in hashicorp/terraform), so a first apply
// of N customers writes O(N²) bytes. A remote backend's state manager
// (states/remote.State) keeps each update in memory and persists at most
// every 20 s during an apply (backend/local.StateHook.PersistInterval).
// Large configurations run on remote backends (S3, azurerm, HCP Terraform),
// so -backend=http measures what such users see. The server is HTTPS with a
// certificate Terraform is told to trust: states hold the app's secret, which
// must not cross plain HTTP, not even on loopback.
type stateServer struct {
	mirrorOnce sync.Once
	mirrorRC   string
	mirrorErr  error

	mu     sync.Mutex
	states map[string][]byte
	srv    *httptest.Server
	caPEM  string
}

func newStateServer() *stateServer {
	s := &stateServer{states: map[string][]byte{}}
	s.srv = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	s.caPEM = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.srv.Certificate().Raw}))
	return s
}

func (s *stateServer) Close() { s.srv.Close() }

func (s *stateServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.Method {
	case http.MethodGet:
		b, ok := s.states[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	case http.MethodPost:
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.states[r.URL.Path] = b
	case http.MethodDelete:
		delete(s.states, r.URL.Path)
	default:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// writeBackend configures dir's root module to keep its state at name.
func (s *stateServer) writeBackend(dir, name string) error {
	tf := fmt.Sprintf("terraform {\n  backend \"http\" {\n    address                   = %q\n    client_ca_certificate_pem = <<-EOT\n%s    EOT\n  }\n}\n",
		s.srv.URL+"/"+name, indent(s.caPEM, "    "))
	return os.WriteFile(filepath.Join(dir, "backend.tf"), []byte(tf), 0o644)
}

func indent(s, prefix string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		if l != "" {
			b.WriteString(prefix + l)
		}
	}
	return b.String()
}

// mirror lays the built provider out as a filesystem mirror under work and
// returns a CLI configuration that installs it from there (terraform init).
func (s *stateServer) mirror(work, providerDir string) (string, error) {
	s.mirrorOnce.Do(func() {
		dir := filepath.Join(work, "mirror", "registry.terraform.io", "onboard-tf", "onboard", "0.0.1", runtime.GOOS+"_"+runtime.GOARCH)
		if s.mirrorErr = os.MkdirAll(dir, 0o755); s.mirrorErr != nil {
			return
		}
		dst := filepath.Join(dir, "terraform-provider-onboard_v0.0.1")
		if s.mirrorErr = os.Link(filepath.Join(providerDir, "terraform-provider-onboard"), dst); s.mirrorErr != nil && !os.IsExist(s.mirrorErr) {
			return
		}
		s.mirrorRC = filepath.Join(work, "init.terraformrc")
		rc := fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path    = %q\n    include = [\"registry.terraform.io/onboard-tf/onboard\"]\n  }\n}\n", filepath.Join(work, "mirror"))
		s.mirrorErr = os.WriteFile(s.mirrorRC, []byte(rc), 0o644)
	})
	return s.mirrorRC, s.mirrorErr
}
