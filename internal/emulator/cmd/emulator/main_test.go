package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// started runs the emulator like the binary does and returns it once its env
// file is written, with the function that sends it SIGTERM and waits.
func started(t *testing.T, args ...string) (*emulator.Server, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan *emulator.Server, 1)
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, io.Discard, func(s *emulator.Server) { ready <- s }) }()
	var srv *emulator.Server
	select {
	case srv = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("emulator exited: %v", err)
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("emulator: %v", err)
		}
	}
	t.Cleanup(stop)
	return srv, stop
}

// client trusts only the CA file the env file names, as Terraform does.
func client(t *testing.T, caFile string) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no certificate", caFile)
	}
	return &http.Client{Timeout: time.Minute, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
}

func do(t *testing.T, c *http.Client, method, u, token, contentType, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func automationToken(t *testing.T, c *http.Client, origin string) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {emulator.DefaultAutomationClientID},
		"client_secret": {emulator.DefaultAutomationClientSecret}, "scope": {"https://graph.microsoft.com/.default"}}
	status, body := do(t, c, "POST", origin+"/"+emulator.DefaultHomeTenantID+"/oauth2/v2.0/token", "", "application/x-www-form-urlencoded", form.Encode())
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(body), &tok); status != http.StatusOK || err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %d %s", status, body)
	}
	return tok.AccessToken
}

// SIGTERM lets a write in flight finish before state is saved, and a restart
// with --state keeps the CA (the CA file clients were given stays valid) and
// the signing key (tokens issued before the restart are still accepted).
func TestStopFinishesInFlightWritesAndRestartKeepsKeys(t *testing.T) {
	dir := t.TempDir()
	envFile, stateFile, caFile := filepath.Join(dir, "emulator.env"), filepath.Join(dir, "state.json"), filepath.Join(dir, "emulator-ca.pem")
	// Relative paths, as `make emulator` passes them.
	t.Chdir(dir)
	args := []string{"--listen", "127.0.0.1:0", "--env-file", "emulator.env", "--state", "state.json"}
	srv, stop := started(t, args...)
	c := client(t, caFile)
	caBefore, _ := os.ReadFile(caFile)
	if env, _ := os.ReadFile(envFile); !strings.Contains(string(env), "export ONBOARD_CA_CERT_FILE='"+caFile+"'") {
		t.Fatalf("the env file does not name the CA file by its absolute path:\n%s", env)
	}
	tok := automationToken(t, c, srv.URL())

	// The create is held for a while on its way in, as a slow network would.
	status, body := do(t, c, "POST", srv.URL()+"/_emulator/faults", "", "application/json",
		`{"service":"graph","method":"POST","path":"^/v1.0/applications$","latencyMs":1500}`)
	if status != http.StatusNoContent {
		t.Fatalf("fault: %d %s", status, body)
	}
	created := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest("POST", srv.URL()+"/v1.0/applications", strings.NewReader(`{"displayName":"in flight at shutdown"}`))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.Do(req)
		if err != nil {
			created <- 0
			return
		}
		resp.Body.Close()
		created <- resp.StatusCode
	}()
	// Counters see the request as soon as it arrives, before the latency.
	for deadline := time.Now().Add(30 * time.Second); srv.Counters().ByPath["POST /v1.0/applications"] == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the create never reached the emulator")
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	if code := <-created; code != http.StatusCreated {
		t.Fatalf("create in flight at shutdown: %d", code)
	}
	saved, err := os.ReadFile(stateFile)
	if err != nil || !strings.Contains(string(saved), "in flight at shutdown") {
		t.Fatalf("saved state lacks the write in flight (err %v)", err)
	}

	srv2, _ := started(t, args...)
	caAfter, _ := os.ReadFile(caFile)
	if string(caAfter) != string(caBefore) {
		t.Fatal("the CA changed across a restart with --state")
	}
	// The old client (old CA file) and the old token work against the new process.
	status, body = do(t, c, "GET", srv2.URL()+"/v1.0/applications?$filter="+url.QueryEscape("displayName eq 'in flight at shutdown'"), tok, "", "")
	if status != http.StatusOK || !strings.Contains(body, `"displayName":"in flight at shutdown"`) {
		t.Fatalf("after restart: %d %s", status, body)
	}
}
