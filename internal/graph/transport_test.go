package graph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRetryPolicy(t *testing.T) {
	lost := errors.New("connection reset")
	for _, c := range []struct {
		name   string
		safe   bool
		status int
		err    error
		want   bool
	}{
		{"429 on a POST: Graph did not process it", false, 429, nil, true},
		{"429 on a GET", true, 429, nil, true},
		{"503 on a POST may have been applied", false, 503, nil, false},
		{"500 on a POST", false, 500, nil, false},
		{"503 on a repeatable POST", true, 503, nil, true},
		{"503 on a GET, PATCH or DELETE", true, 503, nil, true},
		{"502 on a GET", true, 502, nil, true},
		{"no answer to a POST", false, 0, lost, false},
		{"no answer to a GET", true, 0, lost, true},
		{"400 is a refusal", true, 400, nil, false},
		{"404 is an answer", true, 404, nil, false},
		{"409 is an answer", true, 409, nil, false},
		{"200", true, 200, nil, false},
	} {
		if got := retryable(c.safe, c.status, c.err); got != c.want {
			t.Errorf("%s: retryable(safe=%v, %d, %v) = %v, want %v", c.name, c.safe, c.status, c.err, got, c.want)
		}
	}
}

// answers replies with the statuses in order (the last one forever) and
// counts requests.
type answers struct {
	statuses   []int
	retryAfter string
	n          int
}

func (a *answers) RoundTrip(*http.Request) (*http.Response, error) {
	s := a.statuses[min(a.n, len(a.statuses)-1)]
	a.n++
	h := http.Header{"Content-Type": {"application/json"}}
	if a.retryAfter != "" {
		h.Set("Retry-After", a.retryAfter)
	}
	body := `{"error":{"code":"serviceUnavailable","message":"The service is temporarily unavailable.","innerError":{"request-id":"r-1"}}}`
	return &http.Response{StatusCode: s, Header: h, Body: io.NopCloser(strings.NewReader(body))}, nil
}

func TestTransportPOSTRetriedOnlyWhenRepeatable(t *testing.T) {
	for _, c := range []struct {
		name     string
		ctx      context.Context
		statuses []int
		want     int // requests sent
		status   int
	}{
		{"addPassword's 503 is the caller's to resolve", context.Background(), []int{503, 200}, 1, 503},
		{"a 429 is retried", context.Background(), []int{429, 200}, 2, 200},
		{"a repeatable POST is retried after a 503", markRepeatable(context.Background()), []int{503, 503, 200}, 3, 200},
	} {
		a := &answers{statuses: c.statuses}
		tr := &retryTransport{next: a, maxRetries: 8, baseDelay: time.Millisecond}
		req, _ := http.NewRequestWithContext(c.ctx, http.MethodPost, "https://graph.example/v1.0/applications/x/addPassword", strings.NewReader(`{}`))
		resp, err := tr.RoundTrip(req)
		if err != nil || resp.StatusCode != c.status || a.n != c.want {
			t.Errorf("%s: %d requests, answer %v %v; want %d requests and %d", c.name, a.n, resp, err, c.want, c.status)
		}
	}
}

// A service that keeps answering 503 with Retry-After (capped by
// max_retry_wait): the transport stops
// when the next wait would pass the deadline, at once, and says so with
// Graph's last answer; the error is context.DeadlineExceeded.
func TestTransportStopsAtDeadline(t *testing.T) {
	a := &answers{statuses: []int{503}, retryAfter: "1"}
	var logged []string
	tr := &retryTransport{next: a, maxRetries: 100, baseDelay: time.Millisecond, maxWait: 100 * time.Millisecond,
		log: func(_ context.Context, msg string, _ map[string]any) { logged = append(logged, msg) }}
	ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://graph.example/v1.0/applications/x?$select=id", nil)
	start := time.Now()
	resp, err := tr.RoundTrip(req)
	took := time.Since(start)
	var de *DeadlineError
	if resp != nil || !errors.As(err, &de) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, %v; want a DeadlineError", resp, err)
	}
	var ge *APIError
	if !errors.As(err, &ge) || ge.StatusCode != 503 || ge.Code != "serviceUnavailable" || ge.RequestID != "r-1" {
		t.Fatalf("last answer %+v", ge)
	}
	// Two waits of Retry-After 1s capped at 100ms fit in 250ms, a third
	// does not (fewer on a loaded machine); the deadline is never reached.
	if a.n < 2 || a.n > 3 || took >= 250*time.Millisecond {
		t.Fatalf("%d requests in %v; want 3 or 2, stopped before the 250ms deadline", a.n, took)
	}
	for _, want := range []string{fmt.Sprintf("GET /v1.0/applications/x after %d attempts", a.n), "would pass the operation's deadline", "Graph answered 503 serviceUnavailable"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
	if len(logged) != a.n || !strings.Contains(logged[a.n-1], "not retrying, the wait would pass the operation's deadline") {
		t.Errorf("logged %q", logged)
	}
}
