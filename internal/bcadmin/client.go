// Package bcadmin is a hand-written client for Dynamics 365 Business Central's
// admin center API (/admin/v2.x/...) and automation API
// (/v2.0/{tenant}/{environment}/api/microsoft/automation/v2.0/...).
// Microsoft ships no Go SDK for either. Plain Go types in and out; no
// Terraform types.
//
// Two kinds of credential matter (administration-center-api_authorizedaadapps.md):
// GET/PUT/DELETE authorizedAadApps refuse app tokens and need a signed-in
// admin (Dynamics 365 Administrator, Dynamics 365 Business Central
// Administrator, Global Administrator, or one of those through GDAP);
// manageableTenants works only with an app token; environments and the
// automation API take either. Options has one TokenSource per kind, and the
// errors say which one a refused call needed.
package bcadmin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/retryafter"
)

const (
	// Resource is Business Central's resource identifier: the audience of
	// its tokens (scope Resource + "/.default"), whatever the endpoint.
	Resource = "https://api.businesscentral.dynamics.com"
	// DefaultEndpoint is where Microsoft serves both APIs.
	DefaultEndpoint = "https://api.businesscentral.dynamics.com"
	// DefaultAPIVersion is the admin center API version used unless
	// Options.APIVersion says otherwise (manageableTenants needs 2.24).
	DefaultAPIVersion = "v2.24"
)

// TokenSource hands out bearer tokens. resource is always Resource; tenantID
// is the Entra tenant the token must be issued in (the customer's, for a
// multi-tenant app). Implementations cache; the client asks once per attempt.
type TokenSource interface {
	Token(ctx context.Context, tenantID, resource string) (string, error)
}

// TokenSourceFunc adapts a function to TokenSource.
type TokenSourceFunc func(ctx context.Context, tenantID, resource string) (string, error)

// Token implements TokenSource.
func (f TokenSourceFunc) Token(ctx context.Context, tenantID, resource string) (string, error) {
	return f(ctx, tenantID, resource)
}

// Options configure a Client.
type Options struct {
	// Endpoint is the origin of both APIs; default DefaultEndpoint.
	Endpoint string
	// APIVersion of the admin center API, "v2.{minor}"; default
	// DefaultAPIVersion.
	APIVersion string
	// Tokens is the app-only credential (client credentials). Used for
	// environments, manageableTenants and the automation API.
	Tokens TokenSource
	// DelegatedTokens is a signed-in admin's credential. Used for
	// authorizedAadApps, and for everything else when Tokens is nil.
	DelegatedTokens TokenSource
	// HTTPClient; default a client with a 60 s timeout.
	HTTPClient *http.Client
	// MaxRetries after the first attempt on 429 and 5xx; 0 means 4, a
	// negative value disables retries.
	MaxRetries int
	// RetryBaseDelay is the first backoff when the answer has no
	// Retry-After; doubled per attempt with jitter, capped at 30 s.
	// Default 1 s.
	RetryBaseDelay time.Duration
	// UserAgent is sent with every request.
	UserAgent string
	// MaxRetryWait caps one wait between attempts, Retry-After included;
	// default 30 s. The context bounds all of them together.
	MaxRetryWait time.Duration
	// Log, when set, is told about every wait before a retry: API, method,
	// path (no query), status, delay, retry n of m.
	Log func(ctx context.Context, msg string, fields map[string]any)
}

// Client talks to one Business Central origin. Safe for concurrent use.
type Client struct {
	endpoint   string
	version    string
	minor      int
	app        TokenSource
	delegated  TokenSource
	http       *http.Client
	maxRetries int
	baseDelay  time.Duration
	userAgent  string
	maxWait    time.Duration
	log        func(ctx context.Context, msg string, fields map[string]any)
	// sleep waits between attempts; tests replace it to avoid wall time.
	sleep func(ctx context.Context, d time.Duration) error
}

// New checks the options and returns a Client.
func New(o Options) (*Client, error) {
	c := &Client{
		endpoint:   strings.TrimRight(o.Endpoint, "/"),
		version:    o.APIVersion,
		app:        o.Tokens,
		delegated:  o.DelegatedTokens,
		http:       o.HTTPClient,
		maxRetries: o.MaxRetries,
		baseDelay:  o.RetryBaseDelay,
		userAgent:  o.UserAgent,
		maxWait:    o.MaxRetryWait,
		log:        o.Log,
		sleep:      sleepCtx,
	}
	if c.endpoint == "" {
		c.endpoint = DefaultEndpoint
	}
	if u, err := url.Parse(c.endpoint); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("bcadmin: endpoint %q: want an absolute http(s) URL such as %s", o.Endpoint, DefaultEndpoint)
	}
	if c.version == "" {
		c.version = DefaultAPIVersion
	}
	minor, ok := parseVersion(c.version)
	if !ok {
		return nil, fmt.Errorf("bcadmin: API version %q: want v2.{minor}, e.g. %s", c.version, DefaultAPIVersion)
	}
	c.minor = minor
	if c.app == nil && c.delegated == nil {
		return nil, errors.New("bcadmin: no token source (Options.Tokens or Options.DelegatedTokens)")
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: 60 * time.Second}
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = 4
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if c.baseDelay <= 0 {
		c.baseDelay = time.Second
	}
	if c.maxWait <= 0 {
		c.maxWait = defaultMaxDelay
	}
	if c.userAgent == "" {
		c.userAgent = "terraform-provider-onboard-bcadmin"
	}
	return c, nil
}

func parseVersion(v string) (int, bool) {
	rest, ok := strings.CutPrefix(v, "v2.")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 0 || strconv.Itoa(n) != rest {
		return 0, false
	}
	return n, true
}

// credential says which token source a call uses.
type credential int

const (
	anyCredential       credential = iota // app-only if configured, else delegated
	delegatedCredential                   // authorizedAadApps
	appCredential                         // manageableTenants
)

func (c *Client) tokenSource(kind credential) (TokenSource, error) {
	switch kind {
	case delegatedCredential:
		if c.delegated == nil {
			return nil, fmt.Errorf("bcadmin: %w: no delegated credential configured", ErrDelegatedAdminRequired)
		}
		return c.delegated, nil
	case appCredential:
		if c.app == nil {
			return nil, fmt.Errorf("bcadmin: %w: no app-only credential configured", ErrAppTokenRequired)
		}
		return c.app, nil
	default:
		if c.app != nil {
			return c.app, nil
		}
		return c.delegated, nil
	}
}

// request is one logical API call.
type request struct {
	method   string
	url      string // absolute
	tenantID string
	kind     credential
	body     any    // JSON-encoded when non-nil
	ifMatch  string // If-Match header
	// idempotent calls are retried on 5xx too; others only on 429 and 503,
	// which mean the request was not processed.
	idempotent bool
}

// do runs r with retries and returns the final response body for 2xx.
// Errors are *APIError (HTTP answers) or transport / context errors.
func (c *Client) do(ctx context.Context, r request) ([]byte, int, error) { //nolint:unparam // the status is part of the contract for callers that branch on it
	ts, err := c.tokenSource(r.kind)
	if err != nil {
		return nil, 0, err
	}
	var payload []byte
	if r.body != nil {
		if payload, err = json.Marshal(r.body); err != nil {
			return nil, 0, err
		}
	}
	for attempt := 0; ; attempt++ {
		tok, err := ts.Token(ctx, r.tenantID, Resource)
		if err != nil {
			return nil, 0, fmt.Errorf("bcadmin: token for tenant %s: %w", r.tenantID, err)
		}
		req, err := http.NewRequestWithContext(ctx, r.method, r.url, bytes.NewReader(payload))
		if err != nil {
			return nil, 0, err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", c.userAgent)
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if r.ifMatch != "" {
			req.Header.Set("If-Match", r.ifMatch)
		}
		res, err := c.http.Do(req)
		if err != nil {
			if ctx.Err() != nil {
				return nil, 0, ctx.Err()
			}
			// A transport error may have reached the server; only retry
			// calls that are safe to repeat.
			if r.idempotent && attempt < c.maxRetries {
				if err := c.wait(ctx, r, 0, attempt, 0); err != nil {
					return nil, 0, err
				}
				continue
			}
			return nil, 0, fmt.Errorf("bcadmin: %s %s: %w", r.method, redactPath(r.url), err)
		}
		body, rerr := io.ReadAll(io.LimitReader(res.Body, 8<<20))
		res.Body.Close()
		if rerr != nil {
			return nil, 0, fmt.Errorf("bcadmin: %s %s: reading body: %w", r.method, redactPath(r.url), rerr)
		}
		if res.StatusCode < 300 {
			return body, res.StatusCode, nil
		}
		apiErr := newAPIError(r, res, body)
		if retryable(res.StatusCode, r.idempotent) && attempt < c.maxRetries {
			if err := c.wait(ctx, r, res.StatusCode, attempt, apiErr.RetryAfter); err != nil {
				return nil, 0, fmt.Errorf("%w (gave up waiting: %w)", apiErr, err)
			}
			continue
		}
		return nil, res.StatusCode, apiErr
	}
}

func retryable(status int, idempotent bool) bool {
	switch status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return true
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return idempotent
	}
	return false
}

const defaultMaxDelay = 30 * time.Second

// backoff honours Retry-After (BC sends it with 429, 502 and 503), else
// doubles the base delay per attempt with jitter; never above maxWait.
func (c *Client) backoff(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, c.maxWait)
	}
	d := c.baseDelay << min(attempt, 10)
	d = d/2 + rand.N(d/2+1)
	return min(d, c.maxWait)
}

// wait logs and sleeps before retry attempt+1 (status 0: a transport
// error).
func (c *Client) wait(ctx context.Context, r request, status, attempt int, retryAfter time.Duration) error {
	d := c.backoff(attempt, retryAfter)
	if c.log != nil {
		p := r.url
		if u, err := url.Parse(r.url); err == nil {
			p = u.Path
		}
		fields := retryafter.LogFields("Business Central", r.method, p, status, retryAfter, d, attempt+1, c.maxRetries)
		if retryafter.PastDeadline(ctx, d) {
			c.log(ctx, "Business Central: not retrying, the wait would pass the operation's deadline", fields)
		} else {
			c.log(ctx, "Business Central: waiting before retrying", fields)
		}
	}
	if retryafter.PastDeadline(ctx, d) {
		return fmt.Errorf("a wait of %v would pass the operation's deadline: %w", d, context.DeadlineExceeded)
	}
	return c.sleep(ctx, d)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// redactPath drops the origin from a URL for messages: it is the same for
// every call and may be an emulator's random port.
func redactPath(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		if j := strings.IndexByte(u[i+3:], '/'); j >= 0 {
			return u[i+3+j:]
		}
	}
	return u
}

func (c *Client) adminURL(version, path string) string {
	return c.endpoint + "/admin/" + version + path
}
