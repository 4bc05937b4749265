package graph

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/retryafter"
)

// retryTransport retries throttled and failed requests below kiota's
// middleware, as retryable decides, honouring Retry-After. The context
// deadline (the resource's timeouts) bounds every wait: a wait that would
// pass it is not started, and the request fails with a *DeadlineError.
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
	safe := req.Method != http.MethodPost || isRepeatable(req.Context())
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
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		retry := retryable(safe, status, err) && (err == nil || req.Context().Err() == nil)
		var wait time.Duration
		if resp != nil {
			wait = retryafter.Parse(resp.Header)
		}
		if !retry || attempt >= t.maxRetries {
			return resp, err
		}
		asked := wait
		wait = backoff(asked, t.baseDelay, t.maxWait, attempt)
		fields := retryafter.LogFields("Microsoft Graph", req.Method, req.URL.Path, status, asked, wait, attempt+1, t.maxRetries)
		if retryafter.PastDeadline(req.Context(), wait) {
			// Waiting would only end in "context deadline exceeded": stop
			// now, with the service's own answer in the error.
			if t.log != nil {
				t.log(req.Context(), "Microsoft Graph: not retrying, the wait would pass the operation's deadline", fields)
			}
			return nil, stopped(req, resp, err, attempt+1, wait)
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

// backoff is the wait before retry attempt+1: the service's Retry-After
// (asked) when it gave one, else base doubled per attempt with jitter; at
// most maxWait (0: no cap).
func backoff(asked, base, maxWait time.Duration, attempt int) time.Duration {
	wait := asked
	if wait == 0 {
		wait = base << attempt
		wait += time.Duration(rand.Int64N(int64(wait)/2 + 1))
	}
	if maxWait > 0 {
		wait = min(wait, maxWait)
	}
	return wait
}

// retryable is the retry policy of one failed attempt: status 0 is no
// answer (connection error). A 429 is retried for any method: Graph
// documents that it did not process the request
// (https://learn.microsoft.com/graph/throttling). A 5xx, or no answer, may
// come after Graph applied the request, so it is retried only when a repeat
// is safe: every method but POST, and the POSTs marked repeatable, whose
// repeat Graph answers in a way the caller recovers from (409 "already
// exists" for a service principal, say). addPassword, for one, is not: a
// repeat adds a second secret (the caller cleans up a lost answer itself).
func retryable(safe bool, status int, err error) bool {
	switch {
	case err != nil:
		return safe
	case status == http.StatusTooManyRequests:
		return true
	case status >= 500:
		return safe
	}
	return false
}

type repeatableKey struct{}

// markRepeatable marks ctx's POSTs as safe to send again after a 5xx or a lost
// answer: repeating one either does nothing or fails in a way the caller
// recovers from.
func markRepeatable(ctx context.Context) context.Context {
	return context.WithValue(ctx, repeatableKey{}, true)
}

func isRepeatable(ctx context.Context) bool {
	v, _ := ctx.Value(repeatableKey{}).(bool)
	return v
}

// DeadlineError is a request the transport stopped retrying because the
// next wait would pass the operation's deadline (the resource's timeouts).
// It is context.DeadlineExceeded, and Last is Graph's last answer (nil
// after a connection error).
type DeadlineError struct {
	Method, Path string
	Attempts     int
	Wait         time.Duration
	Last         *APIError
	Err          error
}

func (e *DeadlineError) Error() string {
	s := fmt.Sprintf("stopped retrying %s %s after %d attempts: the next wait (%v) would pass the operation's deadline (the resource's timeouts)", e.Method, e.Path, e.Attempts, e.Wait)
	switch {
	case e.Last != nil:
		s += "; last answer: " + e.Last.Error()
	case e.Err != nil:
		s += "; last error: " + e.Err.Error()
	}
	return s
}

func (e *DeadlineError) Unwrap() []error {
	errs := []error{context.DeadlineExceeded}
	if e.Last != nil {
		errs = append(errs, e.Last)
	}
	return errs
}

// stopped builds the DeadlineError of a request given up on, reading
// Graph's error body from resp.
func stopped(req *http.Request, resp *http.Response, err error, attempts int, wait time.Duration) *DeadlineError {
	e := &DeadlineError{Method: req.Method, Path: req.URL.Path, Attempts: attempts, Wait: wait, Err: err}
	if resp == nil {
		return e
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	e.Last = errorAnswer(resp.StatusCode, body)
	return e
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
