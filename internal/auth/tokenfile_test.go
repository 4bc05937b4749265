package auth

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// reopen forgets the process's TokenFile for path, as a new provider
// process would start without it, and opens the file again.
func reopen(t *testing.T, path string) *TokenFile {
	t.Helper()
	abs, _ := filepath.Abs(path)
	openFilesMu.Lock()
	delete(openFiles, abs)
	openFilesMu.Unlock()
	f, err := OpenTokenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// A second run (a new process, a new Authenticator) within the tokens'
// lifetime asks for none; another secret of the same app does not get the
// first one's tokens; the file is 0600 and holds no secret.
func TestTokenFileServesTheNextRun(t *testing.T) {
	srv, cloud := emulatorCloud(t)
	path := filepath.Join(t.TempDir(), "tokens.json")
	cfg := Config{Cloud: cloud, TenantID: emulator.DefaultHomeTenantID, ClientID: emulator.DefaultAutomationClientID,
		ClientSecret: emulator.DefaultAutomationClientSecret, HTTPClient: srv.HTTPClient()}
	ctx := context.Background()

	cfg.TokenCache = reopen(t, path)
	first, _ := New(cfg)
	tok, err := first.Token(ctx, "", cloud.GraphResource)
	if err != nil {
		t.Fatal(err)
	}
	if err := FlushTokenFiles(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("token cache mode %v, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), tok.Value) || strings.Contains(string(b), emulator.DefaultAutomationClientSecret) {
		t.Fatalf("the file should hold the token and not the secret: %s", b)
	}

	before := srv.Counters().Tokens
	cfg.TokenCache = reopen(t, path)
	second, _ := New(cfg)
	again, err := second.Token(ctx, "", cloud.GraphResource)
	if err != nil || again.Value != tok.Value {
		t.Fatalf("second run: err %v, same token %v", err, again.Value == tok.Value)
	}
	if n := srv.Counters().Tokens - before; n != 0 {
		t.Fatalf("second run asked for %d tokens, want 0", n)
	}

	// FreshToken asks anyway, and the file keeps the new token.
	fresh, err := second.FreshToken(ctx, "", cloud.GraphResource)
	if err != nil || fresh.Value == tok.Value {
		t.Fatalf("fresh token: err %v, new %v", err, fresh.Value != tok.Value)
	}
	// Another secret is another credential: its own request.
	other := cfg
	other.ClientSecret = "another-secret"
	o, _ := New(other)
	if _, err := o.Token(ctx, "", cloud.GraphResource); err == nil {
		t.Fatal("a wrong secret got a token (from the cache?)")
	}
	if err := FlushTokenFiles(); err != nil {
		t.Fatal(err)
	}
	third, _ := New(Config{Cloud: cloud, TenantID: emulator.DefaultHomeTenantID, ClientID: emulator.DefaultAutomationClientID,
		ClientSecret: emulator.DefaultAutomationClientSecret, HTTPClient: srv.HTTPClient(), TokenCache: reopen(t, path)})
	if got, _ := third.Token(ctx, "", cloud.GraphResource); got.Value != fresh.Value {
		t.Fatal("the next run should get the fresh token from the file")
	}
}

// The partner's delegated tokens are kept too, under the refresh token's
// hash: another refresh token (another user) does not get them.
func TestTokenFileKeepsPartnerTokens(t *testing.T) {
	srv, cloud := emulatorCloud(t)
	const azureCLI = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
	rt, err := srv.IssueRefreshToken(emulator.DefaultPartnerAdminUPN, azureCLI)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "tokens.json")
	ctx := context.Background()
	s := NewRefreshTokenSource(cloud, azureCLI, rt, srv.HTTPClient())
	s.Cache = reopen(t, path)
	tok, err := s.Token(ctx, emulator.FabrikamTenantID, cloud.GraphResource)
	if err != nil {
		t.Fatal(err)
	}
	if err := FlushTokenFiles(); err != nil {
		t.Fatal(err)
	}
	before := srv.Counters().Tokens
	next := NewRefreshTokenSource(cloud, azureCLI, rt, srv.HTTPClient())
	next.Cache = reopen(t, path)
	if again, err := next.Token(ctx, emulator.FabrikamTenantID, cloud.GraphResource); err != nil || again.Value != tok.Value {
		t.Fatalf("next run: %v", err)
	}
	if n := srv.Counters().Tokens - before; n != 0 {
		t.Fatalf("next run asked for %d tokens, want 0", n)
	}
	stranger := NewRefreshTokenSource(cloud, azureCLI, "not-the-same-refresh-token", srv.HTTPClient())
	stranger.Cache = next.Cache
	if _, err := stranger.Token(ctx, emulator.FabrikamTenantID, cloud.GraphResource); err == nil {
		t.Fatal("another refresh token got the partner's cached token")
	}
}

func TestTokenFileRefusesAnotherFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "main.tf")
	if err := os.WriteFile(path, []byte(`resource "x" "y" {}`), 0o644); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(path)
	openFilesMu.Lock()
	delete(openFiles, abs)
	openFilesMu.Unlock()
	if _, err := OpenTokenFile(path); err == nil || !strings.Contains(err.Error(), "is not a token cache") {
		t.Fatalf("err = %v", err)
	}
}

// Two provider processes sharing a file (two roots, two shards): each
// write keeps what the other wrote; expired tokens are left out.
func TestTokenFileMergesOtherProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	one := reopen(t, path)
	openFilesMu.Lock()
	delete(openFiles, one.Path())
	openFilesMu.Unlock()
	two := reopen(t, path)
	later := time.Now().Add(time.Hour)
	one.put("a tenant1 https://graph.microsoft.com", AccessToken{Value: "token-1", ExpiresOn: later})
	one.put("a tenant0 https://graph.microsoft.com", AccessToken{Value: "expired", ExpiresOn: time.Now().Add(-time.Minute)})
	if err := one.Flush(); err != nil {
		t.Fatal(err)
	}
	two.put("b tenant2 https://graph.microsoft.com", AccessToken{Value: "token-2", ExpiresOn: later})
	if err := two.Flush(); err != nil {
		t.Fatal(err)
	}
	got, err := readTokenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["a tenant1 https://graph.microsoft.com"].Value != "token-1" || got["b tenant2 https://graph.microsoft.com"].Value != "token-2" {
		t.Fatalf("file holds %v", got)
	}
}
