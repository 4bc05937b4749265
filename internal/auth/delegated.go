package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/retryafter"
)

// RefreshTokenSource gets delegated (signed-in user) tokens for any tenant
// the user can act in, e.g. a partner admin's GDAP customers, from a refresh
// token kept for CI. MSAL Go cannot import a refresh token, so this is the
// OAuth 2.0 refresh_token grant by hand. The rotated refresh token is kept in
// memory for the life of the provider process; access tokens are kept as
// the Authenticator's are.
type RefreshTokenSource struct {
	Cloud      Cloud
	ClientID   string // the public client the user signed in with
	HTTPClient *http.Client
	// MaxRetryWait and Log: as in Config.
	MaxRetryWait time.Duration
	Log          func(ctx context.Context, msg string, fields map[string]any)
	// Cache, when set, keeps access tokens between provider runs (not the
	// refresh token: the configured one is used each run); it is then the
	// only place they are kept in memory.
	Cache *TokenFile
	// Tokens is where access tokens are kept without a Cache (nil: the
	// process's store, shared with the app credentials and bounded in
	// bytes; see processTokens).
	Tokens *TokenStore

	// credID names the configured refresh token in Cache keys.
	credID  string
	mu      sync.Mutex
	refresh string
}

// NewRefreshTokenSource prepares a source; no request is made.
func NewRefreshTokenSource(cloud Cloud, clientID, refreshToken string, hc *http.Client) *RefreshTokenSource {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &RefreshTokenSource{Cloud: cloud, ClientID: clientID, HTTPClient: hc, refresh: refreshToken,
		credID: credentialID("refresh_token", cloud.LoginEndpoint, clientID, []byte(refreshToken))}
}

// Token returns a delegated token for resource in tenantID.
func (s *RefreshTokenSource) Token(ctx context.Context, tenantID, resource string) (AccessToken, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fk := fileKey(s.credID, tenantID, resource)
	if s.Cache != nil {
		// The file's tokens are in memory already: no second copy.
		if t, ok := s.Cache.get(fk, 2*time.Minute); ok {
			return t, nil
		}
	} else if t, ok := s.store().Get(fk, 2*time.Minute, time.Now()); ok {
		return t, nil
	}
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"client_id":     {s.ClientID},
		"refresh_token": {s.refresh},
		"scope":         {strings.TrimSuffix(resource, "/") + "/.default offline_access"},
	}
	endpoint := strings.TrimSuffix(s.Cloud.LoginEndpoint, "/") + "/" + url.PathEscape(tenantID) + "/oauth2/v2.0/token"
	var body []byte
	// Throttled or failing token endpoints are retried as in Token: the
	// answer's Retry-After, else a doubling backoff.
	delay := 500 * time.Millisecond
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
		if err != nil {
			return AccessToken{}, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := s.HTTPClient.Do(req)
		if err != nil {
			return AccessToken{}, fmt.Errorf("delegated token request for tenant %s: %w", tenantID, err)
		}
		body, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if err != nil {
			return AccessToken{}, err
		}
		if resp.StatusCode == http.StatusOK {
			break
		}
		tokenErr := parseTokenError(fmt.Errorf("status %d %s", resp.StatusCode, body), tenantID, s.ClientID)
		if (resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode < 500) || attempt >= maxTokenAttempts {
			return AccessToken{}, tokenErr
		}
		if pause(ctx, s.MaxRetryWait, s.Log, tokenPath(tenantID), resp.StatusCode, retryafter.Parse(resp.Header), delay, attempt) != nil {
			return AccessToken{}, tokenErr
		}
		delay *= 2
	}
	var ok struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		ExpiresIn    int    `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &ok); err != nil || ok.AccessToken == "" {
		return AccessToken{}, fmt.Errorf("delegated token request for tenant %s: the answer has no access token", tenantID)
	}
	if ok.RefreshToken != "" {
		s.refresh = ok.RefreshToken
	}
	t := AccessToken{Value: ok.AccessToken, ExpiresOn: time.Now().Add(time.Duration(ok.ExpiresIn) * time.Second)}
	if s.Cache != nil {
		s.Cache.put(fk, t)
	} else {
		s.store().Put(fk, t)
	}
	return t, nil
}

func (s *RefreshTokenSource) store() *TokenStore {
	if s.Tokens != nil {
		return s.Tokens
	}
	return processTokens
}

// ForgetTenant drops cached tokens of a tenant.
func (s *RefreshTokenSource) ForgetTenant(tenantID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.store().Forget(tenantPrefix(s.credID, tenantID))
	if s.Cache != nil {
		s.Cache.forget(tenantPrefix(s.credID, tenantID))
	}
}
