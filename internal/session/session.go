// Package session is the only place that builds API clients: the HTTP
// client, the token sources (the automation identity, an onboarded app's
// own secret, the partner admin's refresh token) and the Microsoft Graph
// and Business Central clients on top of them. Clients are cached for the
// provider process per (tenant, credential, API) and share one set of
// options, so every resource retries, times out, identifies itself and logs
// the same way. No Terraform types.
package session

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/auth"
	"github.com/onboard-tf/terraform-provider-onboard/internal/bcadmin"
	"github.com/onboard-tf/terraform-provider-onboard/internal/graph"
)

// Credential says whose token a call carries; the same refusal means
// different things for each (a 403 with the partner's token is a GDAP role,
// with the app's own token a missing consent).
type Credential int

const (
	// Automation is the provider's own identity (client_secret,
	// certificate or OIDC) in its home tenant.
	Automation Credential = iota
	// App is an onboarded app signing in with its own client_secret.
	App
	// Partner is the partner admin's delegated refresh token (GDAP).
	Partner
)

func (c Credential) String() string {
	switch c {
	case App:
		return "app"
	case Partner:
		return "partner"
	}
	return "automation"
}

// Options configure a Session. Zero durations take the clients' defaults.
type Options struct {
	// Auth is the automation identity; its Cloud and HTTPClient are set by
	// New.
	Auth  auth.Config
	Cloud auth.Cloud
	// CACertFile is a PEM file of extra certificate authorities to trust.
	CACertFile string
	// PartnerClientID and PartnerRefreshToken are the partner admin's
	// delegated credential; no partner without a refresh token.
	PartnerClientID     string
	PartnerRefreshToken string
	// UserAgent is sent with every request the provider makes.
	UserAgent string
	// RetryBaseDelay is the first backoff of Graph and Business Central
	// retries; ReplicationWait bounds how long Graph waits out Entra's
	// replication lag.
	RetryBaseDelay  time.Duration
	ReplicationWait time.Duration
	// Log, when set, is told about every HTTP request (method, host, path,
	// status, duration; never headers, query or bodies).
	Log func(ctx context.Context, msg string, fields map[string]any)
	// MaxRetryWait caps one wait before a retry, whatever the service's
	// Retry-After says (up to a day); default DefaultMaxRetryWait. Each
	// operation's context bounds all of its waits together.
	MaxRetryWait time.Duration
	// RetryLog, when set, is told about every wait before a retry, by every
	// client (identity platform, Graph, Business Central): API, method,
	// path, status, delay, retry n of m.
	RetryLog func(ctx context.Context, msg string, fields map[string]any)
	// TokenCachePath, when set, is a file that keeps access tokens
	// between runs (auth.TokenFile): every token source of the session
	// (automation identity, onboarded apps, partner) reads and adds to it.
	TokenCachePath string
}

// DefaultMaxRetryWait is the cap on one wait when Options set none: long
// enough for Graph's usual throttling windows, short enough that a
// Retry-After of a day does not look like a hang.
const DefaultMaxRetryWait = 5 * time.Minute

// sweepMaxRetryWait caps waits in a sweep, which reports a slow tenant
// rather than waiting for it (and has a per-tenant timeout a longer wait
// would only run into).
const sweepMaxRetryWait = 30 * time.Second

// Profile is how hard a client tries before it gives up.
type Profile int

const (
	// Standard: resources, which must converge through faults.
	Standard Profile = iota
	// Sweep: one read over many tenants (onboard_sync), where one slow or
	// failing tenant is reported rather than waited for.
	Sweep
)

// Session holds the clients of one provider configuration.
type Session struct {
	opts   Options
	http   *http.Client
	tokens *auth.TokenFile // nil without TokenCachePath
	// store keeps every credential's tokens without TokenCachePath, bounded
	// in bytes. One per session, not per process: a provider configured again
	// (acceptance tests run every step's provider in one process) must ask
	// for new tokens, or a consent revoked between two plans would not show.
	store   *auth.TokenStore
	auth    *auth.Authenticator
	home    *graph.Client
	partner *auth.RefreshTokenSource

	// apps are authenticators of onboarded apps, per app and secret: one
	// MSAL client each for every tenant, kept so that consent checks reuse
	// each tenant's discovery and tokens across resources.
	apps sync.Map // key -> *auth.Authenticator
	// graphs are per tenant: bounded, so a run over 10,000 customers keeps
	// those in use, not one client per customer.
	graphs *lru[clientKey, *graph.Client]
	bcs    sync.Map // clientKey -> *bcadmin.Client
}

// ErrNoPartner: the call needs the partner credential, which is not
// configured.
var ErrNoPartner = errors.New("no partner credential is configured")

// New builds the HTTP client, the automation identity's token source, its
// Graph client in the home tenant and, when configured, the partner's token
// source. No request is made.
func New(o Options) (*Session, error) {
	hc, err := newHTTPClient(o.CACertFile, o.UserAgent, o.Log)
	if err != nil {
		return nil, &CAError{File: o.CACertFile, Err: err}
	}
	if o.MaxRetryWait <= 0 {
		o.MaxRetryWait = DefaultMaxRetryWait
	}
	s := &Session{opts: o, http: hc, graphs: newLRU[clientKey, *graph.Client](clientCacheSize), store: auth.NewTokenStore(auth.DefaultTokenBudget)}
	if o.TokenCachePath != "" {
		if s.tokens, err = auth.OpenTokenFile(o.TokenCachePath); err != nil {
			return nil, &TokenCacheError{Path: o.TokenCachePath, Err: err}
		}
	}
	cfg := o.Auth
	cfg.Cloud, cfg.HTTPClient, cfg.TokenCache, cfg.Tokens = o.Cloud, hc, s.tokens, s.store
	cfg.MaxRetryWait, cfg.Log = o.MaxRetryWait, o.RetryLog
	if s.auth, err = auth.New(cfg); err != nil {
		return nil, &CredentialError{Err: err}
	}
	if s.home, err = s.graph(cfg.TenantID, s.auth, Standard); err != nil {
		return nil, err
	}
	if o.PartnerRefreshToken != "" {
		s.partner = auth.NewRefreshTokenSource(o.Cloud, o.PartnerClientID, o.PartnerRefreshToken, hc)
		s.partner.MaxRetryWait, s.partner.Log, s.partner.Cache, s.partner.Tokens = o.MaxRetryWait, o.RetryLog, s.tokens, s.store
	}
	return s, nil
}

// CAError: the CA certificate file cannot be used.
type CAError struct {
	File string
	Err  error
}

func (e *CAError) Error() string { return e.Err.Error() }
func (e *CAError) Unwrap() error { return e.Err }

// TokenCacheError: the token cache file cannot be read.
type TokenCacheError struct {
	Path string
	Err  error
}

func (e *TokenCacheError) Error() string { return e.Err.Error() }
func (e *TokenCacheError) Unwrap() error { return e.Err }

// FlushTokenCaches writes new tokens to every token cache file now; the
// provider's process calls it when Terraform stops it (new tokens are
// otherwise written within seconds).
func FlushTokenCaches() error { return auth.FlushTokenFiles() }

// CredentialError: the automation identity's configuration is not usable.
type CredentialError struct{ Err error }

func (e *CredentialError) Error() string { return e.Err.Error() }
func (e *CredentialError) Unwrap() error { return e.Err }

// HomeTenant is the automation identity's tenant.
func (s *Session) HomeTenant() string { return s.opts.Auth.TenantID }

// Graph is the automation identity's Graph client in its home tenant.
func (s *Session) Graph() *graph.Client { return s.home }

// HasPartner reports whether the partner credential is configured.
func (s *Session) HasPartner() bool { return s.partner != nil }

// PartnerGraph is a Graph client acting as the partner admin in tenantID.
func (s *Session) PartnerGraph(tenantID string) (*graph.Client, error) {
	if s.partner == nil {
		return nil, ErrNoPartner
	}
	return s.cachedGraph(clientKey{tenant: tenantID, cred: Partner}, s.partner, Standard)
}

// AppGraph is a Graph client signed in as app clientID (with its own
// secret) in tenantID.
func (s *Session) AppGraph(tenantID, clientID, secret string, p Profile) (*graph.Client, error) {
	return s.AppGraphAs(tenantID, AppCredential{ClientID: clientID, Secret: secret}, p)
}

// BCCredentials say which tokens a Business Central client carries: the
// app's own (when Secret is set) for app-only calls, the partner's (when
// Partner is set and configured) for delegated ones.
type BCCredentials struct {
	ClientID, Secret string
	// Certificate, instead of Secret: the app's certificate and private
	// key (PEM or PKCS#12).
	Certificate []byte
	Partner     bool
}

// BC is a Business Central client with the given credentials.
func (s *Session) BC(c BCCredentials, p Profile) (*bcadmin.Client, error) {
	key := clientKey{cred: App, profile: p, partner: c.Partner && s.partner != nil}
	opts := bcadmin.Options{Endpoint: s.opts.Cloud.BCEndpoint, HTTPClient: s.http, RetryBaseDelay: s.opts.RetryBaseDelay, UserAgent: s.opts.UserAgent,
		MaxRetryWait: s.opts.MaxRetryWait, Log: s.opts.RetryLog}
	if p == Sweep {
		opts.MaxRetries, opts.MaxRetryWait = 2, min(opts.MaxRetryWait, sweepMaxRetryWait)
	}
	if key.partner {
		opts.DelegatedTokens = bcTokens(s.partner)
	}
	if app := (AppCredential{ClientID: c.ClientID, Secret: c.Secret, Certificate: c.Certificate}); app.Set() {
		a, err := s.appAs(app)
		if err != nil {
			return nil, err
		}
		key.app = app.key()
		opts.Tokens = bcTokens(a)
	}
	if v, ok := s.bcs.Load(key); ok {
		if cached, ok := v.(*bcadmin.Client); ok {
			return cached, nil
		}
	}
	client, err := bcadmin.New(opts)
	if err != nil {
		return nil, err
	}
	v, _ := s.bcs.LoadOrStore(key, client)
	cached, _ := v.(*bcadmin.Client)
	return cached, nil
}

// AppTokenClaims asks for a new app-only token for resource, issued to app
// clientID in tenantID, and returns its claims: the roles claim lists the
// application permissions consented there right now (roles are fixed when
// a token is issued, so a cached token would not do).
func (s *Session) AppTokenClaims(ctx context.Context, tenantID, clientID, secret, resource string) (Claims, error) {
	return s.AppTokenClaimsAs(ctx, tenantID, AppCredential{ClientID: clientID, Secret: secret}, resource)
}

// CachedAppTokenClaimsAs is AppTokenClaimsAs from a token already held
// (this run's, or the token cache file's) when there is one: its roles are
// those consented when it was issued, so a caller that finds a permission
// missing asks AppTokenClaimsAs to be sure.
func (s *Session) CachedAppTokenClaimsAs(ctx context.Context, tenantID string, c AppCredential, resource string) (Claims, error) {
	a, err := s.appAs(c)
	if err != nil {
		return Claims{}, err
	}
	tok, err := a.Token(ctx, tenantID, resource)
	if err != nil {
		return Claims{}, err
	}
	return ParseClaims(tok.Value), nil
}

// AppTokenClaimsAs is AppTokenClaims with the app's secret or certificate.
func (s *Session) AppTokenClaimsAs(ctx context.Context, tenantID string, c AppCredential, resource string) (Claims, error) {
	a, err := s.appAs(c)
	if err != nil {
		return Claims{}, err
	}
	tok, err := a.FreshToken(ctx, tenantID, resource)
	if err != nil {
		return Claims{}, err
	}
	return ParseClaims(tok.Value), nil
}

type clientKey struct {
	tenant  string
	cred    Credential
	app     string
	partner bool
	profile Profile
}

func (s *Session) cachedGraph(k clientKey, tokens auth.TokenSource, p Profile) (*graph.Client, error) {
	k.tenant = strings.ToLower(k.tenant)
	if cached, ok := s.graphs.get(k); ok {
		return cached, nil
	}
	g, err := s.graph(k.tenant, tokens, p)
	if err != nil {
		return nil, err
	}
	return s.graphs.add(k, g), nil
}

func (s *Session) graph(tenantID string, tokens auth.TokenSource, p Profile) (*graph.Client, error) {
	o := graph.Options{Endpoint: s.opts.Cloud.GraphEndpoint, Resource: s.opts.Cloud.GraphResource, TenantID: tenantID, Tokens: tokens,
		HTTPClient: s.http, ReplicationWait: s.opts.ReplicationWait, RetryBaseDelay: s.opts.RetryBaseDelay,
		MaxRetryWait: s.opts.MaxRetryWait, Log: s.opts.RetryLog}
	if p == Sweep {
		o.MaxRetries, o.ReplicationWait, o.RetryBaseDelay = 4, time.Second, 0
		o.MaxRetryWait = min(o.MaxRetryWait, sweepMaxRetryWait)
	}
	return graph.New(o)
}

func bcTokens(src auth.TokenSource) bcadmin.TokenSource {
	return bcadmin.TokenSourceFunc(func(ctx context.Context, tenantID, resource string) (string, error) {
		t, err := src.Token(ctx, tenantID, resource)
		return t.Value, err
	})
}
