package session

import (
	"context"
	"crypto/tls"
	"crypto/x509"
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
