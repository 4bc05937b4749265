// Package graph is the provider's Microsoft Graph client: msgraph-sdk-go
// request builders (subpackages only; the root package would compile every
// request builder Graph has) behind plain Go types, with retries.
package graph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"
	absauth "github.com/microsoft/kiota-abstractions-go/authentication"
	khttp "github.com/microsoft/kiota-http-go"
	jsonser "github.com/microsoft/kiota-serialization-json-go"
	core "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"

	"github.com/onboard-tf/terraform-provider-onboard/internal/auth"
	"github.com/onboard-tf/terraform-provider-onboard/internal/retryafter"
)

// Options configure a Client for one tenant and credential.
type Options struct {
	// Endpoint is the Graph origin, e.g. https://graph.microsoft.com.
	Endpoint string
	// Resource is the token audience, e.g. https://graph.microsoft.com.
	Resource   string
	TenantID   string
	Tokens     auth.TokenSource
	HTTPClient *http.Client
	// MaxRetries bounds retries of throttled or failed requests (default 8);
	// RetryBaseDelay is the first backoff when the service gives no
	// Retry-After (default 1s).
	MaxRetries     int
	RetryBaseDelay time.Duration
	// ReplicationWait bounds how long a read or write that follows a create
	// keeps retrying a 404 (Entra's replicas lag); default 2 minutes.
	ReplicationWait time.Duration
	// MaxRetryWait caps one wait between attempts, however long the
	// service's Retry-After; 0 keeps only retryafter.Max. The request's
	// context bounds all of them together.
	MaxRetryWait time.Duration
	// Log, when set, is told about every wait before a retry: API, method,
	// path (no query), status, delay, retry n of m.
	Log func(ctx context.Context, msg string, fields map[string]any)
}

// Client calls Graph in one tenant.
type Client struct {
	adapter   *core.GraphRequestAdapterBase
	base      map[string]string
	transport *retryTransport
	opts      Options

	// appReads remembers registrations read by app ID for
	// CachedApplicationByAppID; any application write through this client
	// clears it.
	appsMu   sync.Mutex
	appReads map[string]*appRead
}

// New builds a client. No request is made.
func New(opts Options) (*Client, error) {
	if opts.Endpoint == "" || opts.Resource == "" || opts.Tokens == nil {
		return nil, errors.New("graph: Endpoint, Resource and Tokens are required")
	}
	if opts.MaxRetries == 0 {
		opts.MaxRetries = 8
	}
	if opts.RetryBaseDelay == 0 {
		opts.RetryBaseDelay = time.Second
	}
	if opts.ReplicationWait == 0 {
		opts.ReplicationWait = 2 * time.Minute
	}
	parent := http.DefaultTransport
	if opts.HTTPClient != nil && opts.HTTPClient.Transport != nil {
		parent = opts.HTTPClient.Transport
	}
	rt := &retryTransport{next: parent, maxRetries: opts.MaxRetries, baseDelay: opts.RetryBaseDelay, maxWait: opts.MaxRetryWait, log: opts.Log}
	var middleware []khttp.Middleware
	for _, m := range core.GetDefaultMiddlewaresWithOptions(&core.GraphClientOptions{GraphServiceVersion: "v1.0"}) {
		switch m.(type) {
		case *khttp.RetryHandler:
			continue // retryTransport retries, bounded by the context
		case *khttp.CompressionHandler:
			// It gzips every request body through a new flate writer
			// (about 1 MB each): at 10,000 tenants that was a fifth of
			// all allocations, to shrink bodies of a few hundred bytes.
			continue
		}
		middleware = append(middleware, m)
	}
	hc := &http.Client{
		Transport:     khttp.NewCustomTransportWithParentTransport(rt, middleware...),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	u, err := url.Parse(opts.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("graph endpoint: %w", err)
	}
	hosts, err := absauth.NewAllowedHostsValidatorErrorCheck([]string{u.Host})
	if err != nil {
		return nil, fmt.Errorf("graph endpoint: %w", err)
	}
	tp := &tokenProvider{tokens: opts.Tokens, tenant: opts.TenantID, resource: opts.Resource, hosts: hosts}
	rt.reauth = func(ctx context.Context) (string, error) {
		if f, ok := opts.Tokens.(interface{ ForgetTenant(string) }); ok {
			f.ForgetTenant(opts.TenantID)
		}
		return tp.GetAuthorizationToken(ctx, nil, nil)
	}
	adapter, err := core.NewGraphRequestAdapterBaseWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(
		absauth.NewBaseBearerTokenAuthenticationProvider(tp), core.GraphClientOptions{},
		jsonser.NewJsonParseNodeFactory(), jsonser.NewJsonSerializationWriterFactory(), hc)
	if err != nil {
		return nil, err
	}
	adapter.SetBaseUrl(strings.TrimSuffix(opts.Endpoint, "/") + "/v1.0")
	return &Client{adapter: adapter, base: map[string]string{"baseurl": adapter.GetBaseUrl()}, transport: rt, opts: opts}, nil
}

// Now is Entra's clock: the Date of Graph's last response, moved on by
// local time since. Secret expiry is judged by it.
func (c *Client) Now() time.Time { return c.transport.now() }

// TenantID is the tenant the client works in.
func (c *Client) TenantID() string { return c.opts.TenantID }

type tokenProvider struct {
	tokens   auth.TokenSource
	tenant   string
	resource string
	hosts    *absauth.AllowedHostsValidator
}

func (p *tokenProvider) GetAuthorizationToken(ctx context.Context, _ *url.URL, _ map[string]interface{}) (string, error) {
	t, err := p.tokens.Token(ctx, p.tenant, p.resource)
	return t.Value, err
}

func (p *tokenProvider) GetAllowedHostsValidator() *absauth.AllowedHostsValidator { return p.hosts }

// ErrNotFound is returned (wrapped in *APIError) for 404 answers.
var ErrNotFound = errors.New("not found")

// APIError is a Graph error answer.
type APIError struct {
	StatusCode int
	Code       string
	Message    string
	RequestID  string
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("Graph answered %d", e.StatusCode)
	if e.Code != "" {
		s += " " + e.Code
	}
	s += ": " + e.Message
	if e.RequestID != "" {
		s += " (request-id " + e.RequestID + ")"
	}
	return s
}

func (e *APIError) Is(target error) bool {
	return target == ErrNotFound && e.StatusCode == http.StatusNotFound
}

// IsAmbiguous reports whether a failed call may still have taken effect:
// a 5xx answer, or no answer at all (the connection broke, or the caller's
// deadline passed first). A 4xx is Graph refusing it.
func IsAmbiguous(err error) bool {
	if err == nil {
		return false
	}
	var e *APIError
	if errors.As(err, &e) {
		return e.StatusCode >= 500
	}
	return true
}

// IsNotFound reports a 404.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// IsForbidden reports a 403 (missing permission).
func IsForbidden(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.StatusCode == http.StatusForbidden
}

// wrap turns SDK errors into *APIError; token errors pass through.
func wrap(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := auth.AsTokenError(err); ok {
		return err
	}
	var de *DeadlineError
	if errors.As(err, &de) {
		return de
	}
	var oe *odataerrors.ODataError
	if errors.As(err, &oe) {
		e := &APIError{StatusCode: oe.ResponseStatusCode}
		if m := oe.GetErrorEscaped(); m != nil {
			if m.GetCode() != nil {
				e.Code = *m.GetCode()
			}
			if m.GetMessage() != nil {
				e.Message = *m.GetMessage()
			}
			if in := m.GetInnerError(); in != nil && in.GetRequestId() != nil {
				e.RequestID = *in.GetRequestId()
			}
		}
		e.Message = messageOr(e.Message, e.StatusCode)
		return e
	}
	// An error answer without a body (or with an empty one) still says
	// which status it was, so that IsNotFound sees a bare 404.
	var ae *abs.ApiError
	if errors.As(err, &ae) && ae.ResponseStatusCode >= 400 {
		return &APIError{StatusCode: ae.ResponseStatusCode, Message: messageOr("", ae.ResponseStatusCode)}
	}
	return err
}

// messageOr is msg, or the status text when Graph sent no message.
func messageOr(msg string, status int) string {
	if strings.TrimSpace(msg) != "" {
		return msg
	}
	if t := http.StatusText(status); t != "" {
		return t + " (no error message in the answer)"
	}
	return "no error message in the answer"
}

// retryWhile repeats op while it fails with an error that retriable says is
// eventual consistency (an object just created not yet visible), with
// backoff bounded by ctx.
func (c *Client) retryWhile(ctx context.Context, retriable func(error) bool, op func() error) error {
	delay := c.opts.RetryBaseDelay / 2
	giveUp := time.Now().Add(c.opts.ReplicationWait)
	for {
		err := op()
		if err == nil || !retriable(err) || time.Now().Add(delay).After(giveUp) {
			return err
		}
		if retryafter.PastDeadline(ctx, delay) {
			return fmt.Errorf("%w; stopped waiting for Entra's replication: the next try would pass the operation's deadline (the resource's timeouts): %w", err, context.DeadlineExceeded)
		}
		if serr := sleep(ctx, delay); serr != nil {
			return fmt.Errorf("%w (gave up waiting for replication: %v)", err, serr)
		}
		delay = min(delay*2, 15*time.Second)
	}
}

func messageContains(substr string) func(error) bool {
	return func(err error) bool {
		var e *APIError
		return errors.As(err, &e) && strings.Contains(e.Message, substr)
	}
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func ptr[T any](v T) *T { return &v }

func asAPIError(err error, target **APIError) bool { return errors.As(err, target) }
