package graph

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/retryafter"
)

// retryTransport retries throttled and failed requests below kiota's
// middleware: 429 (any method: Graph did not process it) honouring
// Retry-After, and 5xx or connection errors for idempotent methods. POSTs
// that failed ambiguously are left to the caller, which can check whether
// the object was created before trying again. The context deadline bounds
// every wait.
type retryTransport struct {
	next       http.RoundTripper
	maxRetries int
	baseDelay  time.Duration
	// maxWait caps each wait (0: no cap but retryafter.Max); log hears of
	// each one.
	maxWait time.Duration
	log     func(ctx context.Context, msg string, fields map[string]any)
	// reauth returns a fresh token after a 401: a token the local clock
	// thinks valid may already be expired by the service's clock.
	reauth func(ctx context.Context) (string, error)

	mu         sync.Mutex
	serverTime time.Time
	localAt    time.Time
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	idempotent := req.Method != http.MethodPost
	reauthed := false
	for attempt := 0; ; attempt++ {
		r := req.Clone(req.Context())
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
		}
		if attempt > 0 {
			r.Header.Set("Retry-Attempt", strconv.Itoa(attempt))
		}
		resp, err := t.next.RoundTrip(r)
		if err == nil {
			t.noteDate(resp)
		}
		if err == nil && resp.StatusCode == http.StatusUnauthorized && !reauthed && t.reauth != nil && req.Header.Get("Authorization") != "" {
			reauthed = true
			if tok, rerr := t.reauth(req.Context()); rerr == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				req.Header.Set("Authorization", "Bearer "+tok)
				attempt--
				continue
			}
		}
		retry := false
		var wait time.Duration
		switch {
		case err != nil:
			retry = idempotent && req.Context().Err() == nil
		case resp.StatusCode == http.StatusTooManyRequests:
			retry, wait = true, retryafter.Parse(resp.Header)
		case resp.StatusCode >= 500 && idempotent:
			retry, wait = true, retryafter.Parse(resp.Header)
		case resp.StatusCode == http.StatusServiceUnavailable:
			// 503 means the request was not processed, even for POST.
			retry, wait = true, retryafter.Parse(resp.Header)
		}
		if !retry || attempt >= t.maxRetries {
			return resp, err
		}
		asked := wait
		if wait == 0 {
			wait = t.baseDelay << attempt
			wait += time.Duration(rand.Int64N(int64(wait)/2 + 1))
		}
		if t.maxWait > 0 {
			wait = min(wait, t.maxWait)
		}
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		fields := retryafter.LogFields("Microsoft Graph", req.Method, req.URL.Path, status, asked, wait, attempt+1, t.maxRetries)
		if retryafter.PastDeadline(req.Context(), wait) {
			// Waiting would only end in "context deadline exceeded": the
			// service's own answer says more.
			if t.log != nil {
				t.log(req.Context(), "Microsoft Graph: not retrying, the wait would pass the operation's deadline", fields)
			}
			return resp, err
		}
		if resp != nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		if t.log != nil {
			t.log(req.Context(), "Microsoft Graph: waiting before retrying", fields)
		}
		if err := sleep(req.Context(), wait); err != nil {
			return nil, err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (t *retryTransport) noteDate(resp *http.Response) {
	at, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		return
	}
	t.mu.Lock()
	t.serverTime, t.localAt = at, time.Now()
	t.mu.Unlock()
}

// now is the service's clock as of its last Date header, advanced by local
// time since; local time before the first response.
func (t *retryTransport) now() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.serverTime.IsZero() {
		return time.Now().UTC()
	}
	return t.serverTime.Add(time.Since(t.localAt)).UTC()
}
