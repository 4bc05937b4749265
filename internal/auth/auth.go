// Package auth acquires Microsoft Entra access tokens for the provider with
// MSAL Go: one confidential client per credential (and so per authority
// host), asking for each customer tenant's token with WithTenantID; tokens
// are kept per credential, tenant and resource in the process's TokenStore,
// bounded in bytes (DefaultTokenBudget), or in a TokenFile.
package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"

	"github.com/onboard-tf/terraform-provider-onboard/internal/retryafter"
)

// Cloud names Microsoft's hosts for one national cloud. Endpoint overrides
// change the hosts; the resource identifiers stay what tokens are issued for.
type Cloud struct {
	Name          string
	LoginEndpoint string
	GraphEndpoint string
	BCEndpoint    string
	GraphResource string
	BCResource    string
}

// CloudByName returns public, usgovernment or china.
func CloudByName(name string) (Cloud, error) {
	switch strings.ToLower(name) {
	case "", "public":
		return Cloud{"public", "https://login.microsoftonline.com", "https://graph.microsoft.com", "https://api.businesscentral.dynamics.com",
			"https://graph.microsoft.com", "https://api.businesscentral.dynamics.com"}, nil
	case "usgovernment":
		return Cloud{"usgovernment", "https://login.microsoftonline.us", "https://graph.microsoft.us", "https://api.businesscentral.dynamics.com",
			"https://graph.microsoft.us", "https://api.businesscentral.dynamics.com"}, nil
	case "china":
		return Cloud{"china", "https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn", "https://api.businesscentral.dynamics.cn",
			"https://microsoftgraph.chinacloudapi.cn", "https://api.businesscentral.dynamics.cn"}, nil
	}
	return Cloud{}, fmt.Errorf("unknown cloud %q: use public, usgovernment or china", name)
}

// Config is how the provider signs in. Exactly one credential kind is set.
type Config struct {
	Cloud    Cloud
	TenantID string
	ClientID string

	ClientSecret string
	// ClientCertificate is a PEM (certificate and key) or PKCS#12 bundle.
	ClientCertificate         []byte
	ClientCertificatePassword string

	// OIDC federated credential: a token, a file holding one, or a request
	// URL and bearer token (GitHub Actions' ACTIONS_ID_TOKEN_REQUEST_*).
	OIDCToken         string
	OIDCTokenFilePath string
	OIDCRequestURL    string
	OIDCRequestToken  string

	HTTPClient *http.Client

	// MaxRetryWait caps one wait before retrying a throttled or failing
	// token endpoint, Retry-After included (default a minute); Log hears of
	// each wait.
	MaxRetryWait time.Duration
	Log          func(ctx context.Context, msg string, fields map[string]any)

	// TokenCache, when set, keeps tokens between provider runs; it is then
	// the only place they are kept in memory.
	TokenCache *TokenFile
	// Tokens is where tokens are kept without a TokenCache (nil: the
	// process's store, shared by every credential; see processTokens).
	Tokens *TokenStore
}

// AccessToken is a bearer token and its expiry.
type AccessToken struct {
	Value     string
	ExpiresOn time.Time
}

// TokenSource hands out access tokens for a tenant and resource.
type TokenSource interface {
	Token(ctx context.Context, tenantID, resource string) (AccessToken, error)
}

// Authenticator is a TokenSource backed by one MSAL confidential client.
//
// One client serves every tenant (confidential.WithTenantID per request):
// a client per tenant cost about 4 KiB each, held for the whole run, which
// at 10,000 tenants was the largest thing the provider kept. MSAL resolves
// and remembers each tenant's endpoints inside that client.
type Authenticator struct {
	cfg  Config
	cred confidential.Credential
	// credID names the credential in TokenCache and TokenStore keys.
	credID string

	clientOnce sync.Once
	client     confidential.Client
	clientErr  error

	// tokens are kept here (or, with Config.TokenCache, in the file's
	// map) rather than in MSAL's cache: here they are bounded in bytes, and
	// one tenant's tokens can be dropped (ForgetTenant, FreshToken), while
	// MSAL's AcquireTokenByCredential answers from its cache whenever it
	// can. MSAL's cache is kept empty (noCache), so each token is held once.
	tokens *TokenStore

	mu sync.Mutex
	// requesting holds one lock per key while a request for it is wanted:
	// callers that miss the cache at once wait for the one request in
	// flight instead of each asking, and so all honour the Retry-After it
	// may get. An entry goes when its last caller is done, so the map does
	// not grow with the tenants of a run.
	requesting map[tokenKey]*keyLock
}

type tokenKey struct{ tenant, resource string }

type keyLock struct {
	sync.Mutex
	users int
}

// lockKey takes key's request lock; the returned func releases it.
func (a *Authenticator) lockKey(key tokenKey) func() {
	a.mu.Lock()
	if a.requesting == nil {
		a.requesting = map[tokenKey]*keyLock{}
	}
	l := a.requesting[key]
	if l == nil {
		l = &keyLock{}
		a.requesting[key] = l
	}
	l.users++
	a.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		a.mu.Lock()
		if l.users--; l.users == 0 {
			delete(a.requesting, key)
		}
		a.mu.Unlock()
	}
}

// noCache keeps MSAL's own token cache from accumulating tokens; see
// Authenticator.tokens. MSAL Go (v1.10.1, apps/internal/base/base.go) calls
// Replace before every cache read (AcquireTokenSilent, which
// AcquireTokenByCredential tries first) and before every write
// (AuthResultFromToken), and storage.Manager.Unmarshal swaps in a new
// contract built from the bytes alone, not merged with the old one. So each
// acquire starts from an empty cache, misses, asks the token endpoint, and
// the one token MSAL then writes is discarded by the next Replace: MSAL
// holds at most the last token, never one per tenant.
// TestMSALKeepsNoTokens measures it.
type noCache struct{}

func (noCache) Replace(_ context.Context, u cache.Unmarshaler, _ cache.ReplaceHints) error {
	return u.Unmarshal([]byte("{}"))
}

func (noCache) Export(context.Context, cache.Marshaler, cache.ExportHints) error { return nil }

// New validates the configuration and prepares the credential.
func New(cfg Config) (*Authenticator, error) {
	if cfg.ClientID == "" {
		return nil, errors.New("client_id is required")
	}
	if cfg.TenantID == "" {
		return nil, errors.New("tenant_id is required")
	}
	kinds := 0
	for _, set := range []bool{cfg.ClientSecret != "", len(cfg.ClientCertificate) > 0,
		cfg.OIDCToken != "" || cfg.OIDCTokenFilePath != "" || cfg.OIDCRequestURL != ""} {
		if set {
			kinds++
		}
	}
	if kinds == 0 {
		return nil, errors.New("no credential: set client_secret, a client certificate, or OIDC (oidc_token, oidc_token_file_path or oidc_request_url)")
	}
	if kinds > 1 {
		return nil, errors.New("more than one credential is set: use exactly one of client_secret, a client certificate, or OIDC")
	}
	a := &Authenticator{cfg: cfg, tokens: cfg.Tokens}
	if a.tokens == nil {
		a.tokens = processTokens
	}
	var err error
	switch {
	case cfg.ClientSecret != "":
		a.credID = credentialID("secret", cfg.Cloud.LoginEndpoint, cfg.ClientID, []byte(cfg.ClientSecret))
		a.cred, err = confidential.NewCredFromSecret(cfg.ClientSecret)
	case len(cfg.ClientCertificate) > 0:
		a.credID = credentialID("certificate", cfg.Cloud.LoginEndpoint, cfg.ClientID, cfg.ClientCertificate, []byte(cfg.ClientCertificatePassword))
		var c ClientCertificate
		if c, err = ParseClientCertificate(cfg.ClientCertificate, cfg.ClientCertificatePassword); err == nil {
			a.cred, err = confidential.NewCredFromCert(c.Certificates, c.Key)
		}
	default:
		// Whichever federated token signs the request, the tokens are
		// the app's: in the file, a run's rotated CI token finds the
		// last run's tokens. In the process's store, shared by every
		// Authenticator, the token's source is part of the name, so an
		// OIDC configuration that cannot sign in does not borrow another
		// configuration's tokens.
		a.credID = credentialID("oidc", cfg.Cloud.LoginEndpoint, cfg.ClientID)
		if cfg.TokenCache == nil {
			a.credID = credentialID("oidc", cfg.Cloud.LoginEndpoint, cfg.ClientID, []byte(cfg.OIDCToken),
				[]byte(cfg.OIDCTokenFilePath), []byte(cfg.OIDCRequestURL), []byte(cfg.OIDCRequestToken))
		}
		a.cred = confidential.NewCredFromAssertionCallback(a.oidcAssertion)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the credential: %w", err)
	}
	return a, nil
}

// Token returns a cached or new app-only token for resource in tenantID.
func (a *Authenticator) Token(ctx context.Context, tenantID, resource string) (AccessToken, error) {
	if tenantID == "" {
		tenantID = a.cfg.TenantID
	}
	key := tokenKey{strings.ToLower(tenantID), strings.TrimSuffix(resource, "/")}
	fk := fileKey(a.credID, key.tenant, key.resource)
	cachedToken := func() (AccessToken, bool) {
		if a.cfg.TokenCache != nil {
			// The file's tokens are in memory already: no second copy.
			return a.cfg.TokenCache.get(fk, 5*time.Minute)
		}
		return a.tokens.Get(fk, 5*time.Minute, time.Now())
	}
	if t, ok := cachedToken(); ok {
		return t, nil
	}
	defer a.lockKey(key)()
	if t, ok := cachedToken(); ok {
		return t, nil // another caller's request, just served
	}
	c, err := a.msal()
	if err != nil {
		return AccessToken{}, err
	}
	scopes := []string{key.resource + "/.default"}
	tenant := confidential.WithTenantID(key.tenant)
	// MSAL does not retry a throttled or failing token endpoint; a bounded
	// backoff here (or the endpoint's Retry-After) keeps one 429 from
	// failing a whole apply.
	delay := 500 * time.Millisecond
	for attempt := 0; ; attempt++ {
		res, err := c.AcquireTokenByCredential(ctx, scopes, tenant)
		if err == nil {
			t := AccessToken{Value: res.AccessToken, ExpiresOn: res.ExpiresOn}
			if a.cfg.TokenCache != nil {
				a.cfg.TokenCache.put(fk, t)
			} else {
				a.tokens.Put(fk, t)
			}
			return t, nil
		}
		if !transient(err) || attempt >= maxTokenAttempts {
			return AccessToken{}, parseTokenError(err, tenantID, a.cfg.ClientID)
		}
		asked, status := retryAfter(err)
		if pause(ctx, a.cfg.MaxRetryWait, a.cfg.Log, tokenPath(tenantID), status, asked, delay, attempt) != nil {
			return AccessToken{}, parseTokenError(err, tenantID, a.cfg.ClientID)
		}
		delay *= 2
	}
}

// transient reports a token endpoint answer worth retrying (MSAL puts the
// status in its error text).
func transient(err error) bool {
	msg := err.Error()
	for _, code := range []string{"429", "500", "502", "503", "504"} {
		if strings.Contains(msg, "status code was "+code) {
			return true
		}
	}
	return false
}

// retryAfter reads the status and Retry-After of the response MSAL failed
// on (0 when there is none).
func retryAfter(err error) (time.Duration, int) {
	var ce msalerrors.CallErr
	if !errors.As(err, &ce) || ce.Resp == nil {
		return 0, 0
	}
	return retryafter.Parse(ce.Resp.Header), ce.Resp.StatusCode
}

// maxTokenAttempts: a token endpoint is tried this many times more.
const maxTokenAttempts = 5

// pause waits before retry attempt+1 of a token request: the endpoint's
// Retry-After (asked) or backoff, never above maxWait (default a minute) so
// that a wrong header cannot stall an apply, and not at all when the wait
// would pass ctx's deadline.
func pause(ctx context.Context, maxWait time.Duration, log func(context.Context, string, map[string]any), path string, status int, asked, backoff time.Duration, attempt int) error {
	if maxWait <= 0 {
		maxWait = time.Minute
	}
	wait := backoff
	if asked > 0 {
		wait = asked
	}
	wait = min(wait, maxWait)
	fields := retryafter.LogFields("identity platform", http.MethodPost, path, status, asked, wait, attempt+1, maxTokenAttempts)
	if retryafter.PastDeadline(ctx, wait) {
		if log != nil {
			log(ctx, "Identity platform: not retrying, the wait would pass the operation's deadline", fields)
		}
		return context.DeadlineExceeded
	}
	if log != nil {
		log(ctx, "Identity platform: waiting before retrying a token request", fields)
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func tokenPath(tenantID string) string { return "/" + tenantID + "/oauth2/v2.0/token" }

// ForgetTenant drops the tenant's cached tokens: roles are fixed when a
// token is issued, so after consent changes a new token is needed. The
// tenant's endpoint discovery (in the MSAL client) stays.
func (a *Authenticator) ForgetTenant(tenantID string) {
	a.tokens.Forget(tenantPrefix(a.credID, tenantID))
	if a.cfg.TokenCache != nil {
		a.cfg.TokenCache.forget(tenantPrefix(a.credID, tenantID))
	}
}

// FreshToken is Token without the cache: a new token, whose roles claim
// shows the consent as it is now.
func (a *Authenticator) FreshToken(ctx context.Context, tenantID, resource string) (AccessToken, error) {
	if tenantID == "" {
		tenantID = a.cfg.TenantID
	}
	fk := fileKey(a.credID, tenantID, resource)
	a.tokens.Drop(fk)
	if a.cfg.TokenCache != nil {
		a.cfg.TokenCache.drop(fk)
	}
	return a.Token(ctx, tenantID, resource)
}

// msal is the one MSAL client, for the home tenant's authority; requests
// name their tenant with WithTenantID. Its own token cache is emptied
// before each use (noCache): Authenticator.tokens is the cache.
func (a *Authenticator) msal() (confidential.Client, error) {
	a.clientOnce.Do(func() {
		opts := []confidential.Option{confidential.WithCache(noCache{})}
		if a.cfg.HTTPClient != nil {
			opts = append(opts, confidential.WithHTTPClient(a.cfg.HTTPClient))
		}
		if !isMicrosoftHost(a.cfg.Cloud.LoginEndpoint) {
			// A non-Microsoft authority (an emulator, a proxy) would
			// otherwise be validated against login.microsoftonline.com.
			opts = append(opts, confidential.WithInstanceDiscovery(false))
		}
		a.client, a.clientErr = confidential.New(strings.TrimSuffix(a.cfg.Cloud.LoginEndpoint, "/")+"/"+a.cfg.TenantID, a.cfg.ClientID, a.cred, opts...)
		if a.clientErr != nil {
			a.clientErr = fmt.Errorf("preparing the token client for tenant %s: %w", a.cfg.TenantID, a.clientErr)
		}
	})
	return a.client, a.clientErr
}

func isMicrosoftHost(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	switch u.Hostname() {
	case "login.microsoftonline.com", "login.microsoftonline.us", "login.chinacloudapi.cn", "login.partner.microsoftonline.cn":
		return true
	}
	return false
}

// oidcAssertion returns the federated token for each token request: the
// configured token, the file's content (re-read, as CI rotates it), or a new
// token from the request URL (GitHub Actions).
func (a *Authenticator) oidcAssertion(ctx context.Context, _ confidential.AssertionRequestOptions) (string, error) {
	switch {
	case a.cfg.OIDCToken != "":
		return a.cfg.OIDCToken, nil
	case a.cfg.OIDCTokenFilePath != "":
		b, err := os.ReadFile(a.cfg.OIDCTokenFilePath)
		if err != nil {
			return "", fmt.Errorf("reading the OIDC token file: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	u, err := url.Parse(a.cfg.OIDCRequestURL)
	if err != nil {
		return "", fmt.Errorf("oidc_request_url: %w", err)
	}
	q := u.Query()
	q.Set("audience", "api://AzureADTokenExchange")
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+a.cfg.OIDCRequestToken)
	req.Header.Set("Accept", "application/json")
	hc := a.cfg.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("requesting the OIDC token: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("requesting the OIDC token: status %d", resp.StatusCode)
	}
	var body struct {
		Value string `json:"value"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Value == "" {
		return "", errors.New("requesting the OIDC token: the response has no token value")
	}
	return body.Value, nil
}
