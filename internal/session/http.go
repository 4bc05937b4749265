package session

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"os"
	"time"
)

// newHTTPClient is the one HTTP client every API client shares: the system
// CAs plus caFile, a proxy from the environment, and a bound on each
// request.
func newHTTPClient(caFile, userAgent string, log func(context.Context, string, map[string]any)) (*http.Client, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, err
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, os.ErrInvalid
		}
	}
	tr := &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true, IdleConnTimeout: 90 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second, ExpectContinueTimeout: time.Second}
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	tr.MaxIdleConnsPerHost = 32
	return &http.Client{Transport: &observed{next: tr, userAgent: userAgent, log: log}, Timeout: 2 * time.Minute}, nil
}

// observed names the provider in User-Agent (in front of what the SDKs
// send, so Microsoft's logs show both) and logs each request.
type observed struct {
	next      http.RoundTripper
	userAgent string
	log       func(context.Context, string, map[string]any)
}

func (o *observed) RoundTrip(req *http.Request) (*http.Response, error) {
	if o.userAgent != "" {
		req = req.Clone(req.Context())
		ua := o.userAgent
		if sdk := req.Header.Get("User-Agent"); sdk != "" && sdk != o.userAgent {
			ua += " " + sdk
		}
		req.Header.Set("User-Agent", ua)
	}
	start := time.Now()
	resp, err := o.next.RoundTrip(req)
	err = asTLSError(req, err)
	if o.log != nil {
		// Method, host and path only: queries may carry filters with
		// names, bodies and headers carry secrets and tokens.
		f := map[string]any{"method": req.Method, "host": req.URL.Host, "path": req.URL.Path, "duration_ms": time.Since(start).Milliseconds()}
		if resp != nil {
			f["status"] = resp.StatusCode
		}
		if err != nil {
			f["error"] = "transport error"
		}
		o.log(req.Context(), "HTTP request", f)
	}
	return resp, err
}

// TLSError: the server's certificate was refused. Endpoint is the origin
// (scheme and host) that presented it, Problem what is wrong with it in
// words: the SDKs above report only "unable to resolve an endpoint" or a
// bare x509 message.
type TLSError struct {
	Endpoint string
	Problem  TLSProblem
	Err      error
}

// TLSProblem is why a certificate was refused.
type TLSProblem int

const (
	// TLSOther: some other handshake or verification failure.
	TLSOther TLSProblem = iota
	// TLSUnknownAuthority: signed by a CA this machine does not trust (a
	// corporate proxy's, the emulator's): ca_cert_file is the fix.
	TLSUnknownAuthority
	// TLSExpired: expired or not yet valid (or the local clock is off).
	TLSExpired
	// TLSHostnameMismatch: valid, but for another host name.
	TLSHostnameMismatch
)

func (e *TLSError) Error() string { return "TLS with " + e.Endpoint + ": " + e.Err.Error() }
func (e *TLSError) Unwrap() error { return e.Err }

func asTLSError(req *http.Request, err error) error {
	if err == nil {
		return nil
	}
	var ua x509.UnknownAuthorityError
	var ci x509.CertificateInvalidError
	var hn x509.HostnameError
	var cv *tls.CertificateVerificationError
	var problem TLSProblem
	switch {
	case errors.As(err, &ua):
		problem = TLSUnknownAuthority
	case errors.As(err, &ci) && ci.Reason == x509.Expired:
		problem = TLSExpired
	case errors.As(err, &hn):
		problem = TLSHostnameMismatch
	case errors.As(err, &cv), errors.As(err, &ci):
		problem = TLSOther
	default:
		return err
	}
	return &TLSError{Endpoint: req.URL.Scheme + "://" + req.URL.Host, Problem: problem, Err: err}
}
