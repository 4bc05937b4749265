package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// batchRecorder records, below the client's retries, the requests of each
// $batch it sends (path without query, and the request as sent).
type batchRecorder struct {
	next    http.RoundTripper
	mu      sync.Mutex
	batches [][]batchStep
}

type batchStep struct {
	URL     string            `json:"url"`
	Method  string            `json:"method"`
	Headers map[string]string `json:"headers"`
}

func (r *batchRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/$batch") && req.Body != nil {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		var b struct {
			Requests []batchStep `json:"requests"`
		}
		if err := json.Unmarshal(body, &b); err != nil {
			return nil, err
		}
		r.mu.Lock()
		r.batches = append(r.batches, b.Requests)
		r.mu.Unlock()
	}
	return r.next.RoundTrip(req)
}

// paths are the sub-request paths of batch i.
func (r *batchRecorder) paths(i int) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, s := range r.batches[i] {
		out = append(out, strings.SplitN(s.URL, "?", 2)[0])
	}
	return out
}

type logLine struct {
	msg    string
	fields map[string]any
}

// directoryClient is a Fabrikam client for an app holding every directory
// permission but Device.Read.All, and DeviceManagementManagedDevices.Read.All
// but not SecurityEvents.Read.All, recording its batches and retry logs.
func directoryClient(t *testing.T, tweak func(*Options)) (*emulator.Server, *Client, *batchRecorder, func() []logLine) {
	t.Helper()
	rec := &batchRecorder{}
	var mu sync.Mutex
	var logs []logLine
	srv, c := fabrikamClientWith(t, func(o *Options) {
		rec.next = o.HTTPClient.Transport
		o.HTTPClient = &http.Client{Transport: rec}
		o.Log = func(_ context.Context, msg string, f map[string]any) {
			mu.Lock()
			logs = append(logs, logLine{msg, f})
			mu.Unlock()
		}
		if tweak != nil {
			tweak(o)
		}
	}, "Organization.Read.All", "User.Read.All", "Group.Read.All", "DeviceManagementManagedDevices.Read.All")
	return srv, c, rec, func() []logLine {
		mu.Lock()
		defer mu.Unlock()
		return append([]logLine(nil), logs...)
	}
}

// The five directory reads, Secure Score and Intune are one $batch: the
// emulator counts one Graph request and no single GET; the sub-requests
// carry the single reads' query options and headers; a part the app may not
// read is its 403.
func TestReadDirectoryIsOneBatch(t *testing.T) {
	srv, c, rec, _ := directoryClient(t, nil)
	srv.ResetCounters()
	d, err := c.ReadDirectory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.Organization.DisplayName != "Fabrikam" || d.Users != 1200 || d.Groups != 120 || len(d.SubscribedSkus) != 3 || d.ManagedDevices != 400 {
		t.Fatalf("directory: %+v", d)
	}
	if len(d.Errors) != 2 || !IsForbidden(d.Errors[PartDevices]) || d.Devices != 0 || !IsForbidden(d.Errors[PartSecureScores]) || d.SecureScore != nil {
		t.Fatalf("errors %v, want only devices and secureScores forbidden (no Device.Read.All, no SecurityEvents.Read.All)", d.Errors)
	}
	counters := srv.Counters()
	if counters.ByService["graph"] != 1 || counters.ByPath["POST /v1.0/$batch"] != 1 {
		t.Fatalf("Graph requests %+v, want one $batch", counters)
	}
	for _, p := range []string{"organization", "users", "groups", "devices", "subscribedSkus", "security/secureScores", "deviceManagement/managedDevices"} {
		if n := counters.ByPath["GET /v1.0/"+p]; n != 0 {
			t.Fatalf("%d single GETs of %s", n, p)
		}
	}
	if got := rec.paths(0); len(rec.batches) != 1 || !slices.Equal(got, []string{"/organization", "/users", "/groups", "/devices", "/subscribedSkus",
		"/security/secureScores", "/deviceManagement/managedDevices"}) {
		t.Fatalf("batches %v", rec.batches)
	}
	for _, s := range rec.batches[0] {
		u, err := url.Parse(s.URL)
		if err != nil {
			t.Fatal(err)
		}
		counted := u.Path == "/users" || u.Path == "/groups" || u.Path == "/devices"
		q := u.Query()
		// The single reads' options: $top=1 for the newest score, one
		// device's id for Intune's @odata.count.
		wantQuery := map[string]string{"/security/secureScores": "%24top=1", "/deviceManagement/managedDevices": "%24top=1&%24select=id"}[u.Path]
		if s.Method != "GET" || (counted && (q.Get("$count") != "true" || q.Get("$top") != "1" || header(s.Headers, "ConsistencyLevel") != "eventual")) ||
			(!counted && (u.RawQuery != wantQuery || header(s.Headers, "ConsistencyLevel") != "")) {
			t.Fatalf("sub-request %+v", s)
		}
	}
}

// A 429 with Retry-After on one sub-request and a 503 on another: only
// those two go again, in a second batch, after the Retry-After; the result
// is whole, and each wait is logged as the transport logs its own.
func TestReadDirectoryRetriesOnlyFailedSubRequests(t *testing.T) {
	srv, c, rec, logs := directoryClient(t, nil)
	for _, f := range []emulator.Fault{
		{Service: "graph", Method: "GET", Path: `^/v1.0/users$`, Status: 429, RetryAfter: 1, Count: 1},
		{Service: "graph", Method: "GET", Path: `^/v1.0/groups$`, Status: 503, Count: 1},
	} {
		if err := srv.InjectFault(f); err != nil {
			t.Fatal(err)
		}
	}
	srv.ResetCounters()
	d, err := c.ReadDirectory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.Users != 1200 || d.Groups != 120 || d.Organization.DisplayName != "Fabrikam" || len(d.SubscribedSkus) != 3 || d.ManagedDevices != 400 ||
		len(d.Errors) != 2 || !IsForbidden(d.Errors[PartDevices]) || !IsForbidden(d.Errors[PartSecureScores]) {
		t.Fatalf("directory %+v", d)
	}
	if len(rec.batches) != 2 || !slices.Equal(rec.paths(1), []string{"/users", "/groups"}) {
		t.Fatalf("batches %v, want the seven and then users and groups", rec.batches)
	}
	if n := srv.Counters().ByPath["POST /v1.0/$batch"]; n != 2 {
		t.Fatalf("%d $batch requests, want 2", n)
	}
	retries := srv.Retries()
	if len(retries) != 1 || retries[0].Request != "GET /v1.0/users" || retries[0].Waited < time.Second {
		t.Fatalf("retries %+v, want users retried after its Retry-After of 1s", retries)
	}
	got := logs()
	if len(got) != 2 {
		t.Fatalf("logs %+v, want one line per retried sub-request", got)
	}
	for i, want := range []struct {
		path, retryAfter string
		status           int
	}{{"/v1.0/users", "1s", 429}, {"/v1.0/groups", "", 503}} {
		f := got[i].fields
		ra, _ := f["retry_after"].(string)
		if got[i].msg != "Microsoft Graph: waiting before retrying" || f["path"] != want.path || f["status"] != want.status || ra != want.retryAfter ||
			f["delay"] != "1s" || f["batch"] != true || f["retry"] != 1 {
			t.Fatalf("log %d: %+v, want %+v", i, got[i], want)
		}
	}
}

// Retries are bounded: a sub-request failing every time keeps its last
// answer as its error after MaxRetries more batches.
func TestReadDirectoryRetriesRunOut(t *testing.T) {
	srv, c, rec, _ := directoryClient(t, func(o *Options) { o.MaxRetries = 2 })
	if err := srv.InjectFault(emulator.Fault{Service: "graph", Method: "GET", Path: `^/v1.0/groups$`, Status: 504}); err != nil {
		t.Fatal(err)
	}
	d, err := c.ReadDirectory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var e *APIError
	if !errors.As(d.Errors[PartGroups], &e) || e.StatusCode != 504 || d.Users != 1200 {
		t.Fatalf("directory %+v", d)
	}
	if len(rec.batches) != 3 || !slices.Equal(rec.paths(2), []string{"/groups"}) {
		t.Fatalf("batches %v, want three, the last with groups alone", rec.batches)
	}
}

// A Retry-After that would pass the context's deadline is not waited for:
// the part fails at once with a *DeadlineError holding Graph's 429.
func TestReadDirectoryStopsBeforeTheDeadline(t *testing.T) {
	srv, c, rec, logs := directoryClient(t, nil)
	if err := srv.InjectFault(emulator.Fault{Service: "graph", Method: "GET", Path: `^/v1.0/users$`, Status: 429, RetryAfter: 3600, Count: 1}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := c.ReadDirectory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var de *DeadlineError
	if !errors.As(d.Errors[PartUsers], &de) || !errors.Is(d.Errors[PartUsers], context.DeadlineExceeded) || de.Last == nil || de.Last.StatusCode != 429 ||
		de.Path != "/v1.0/users" || d.Groups != 120 {
		t.Fatalf("directory %+v (users: %v)", d, d.Errors[PartUsers])
	}
	if len(rec.batches) != 1 || len(logs()) != 1 || logs()[0].msg != "Microsoft Graph: not retrying, the wait would pass the operation's deadline" {
		t.Fatalf("batches %d, logs %+v", len(rec.batches), logs())
	}
}

// What one sub-request's answer means: read, retry (after its own
// Retry-After), or the error its single GET gives.
func TestJudgeSubResponse(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	forbidden := []byte(`{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"request-id":"r-1"}}}`)
	throttled := []byte(`{"error":{"code":"TooManyRequests","message":"Too many requests."}}`)
	for name, tc := range map[string]struct {
		in    subAnswer
		retry bool
		asked time.Duration
		err   *APIError // nil: read
	}{
		"200 is read":             {in: subAnswer{status: 200, body: []byte(`{"value":[]}`)}},
		"204 is read":             {in: subAnswer{status: 204}},
		"403 is the single 403":   {in: subAnswer{status: 403, body: forbidden}, err: &APIError{StatusCode: 403, Code: "Authorization_RequestDenied", Message: "Insufficient privileges to complete the operation.", RequestID: "r-1"}},
		"404 without a body":      {in: subAnswer{status: 404}, err: &APIError{StatusCode: 404, Message: "Not Found (no error message in the answer)"}},
		"400 is not retried":      {in: subAnswer{status: 400, body: []byte(`{"error":{"code":"BadRequest","message":"bad"}}`)}, err: &APIError{StatusCode: 400, Code: "BadRequest", Message: "bad"}},
		"429 with Retry-After":    {in: subAnswer{status: 429, headers: map[string]string{"Retry-After": "7"}, body: throttled}, retry: true, asked: 7 * time.Second, err: &APIError{StatusCode: 429, Code: "TooManyRequests", Message: "Too many requests."}},
		"header names any case":   {in: subAnswer{status: 429, headers: map[string]string{"retry-after": "7"}, body: throttled}, retry: true, asked: 7 * time.Second, err: &APIError{StatusCode: 429, Code: "TooManyRequests", Message: "Too many requests."}},
		"Retry-After as a date":   {in: subAnswer{status: 429, headers: map[string]string{"Date": "Wed, 02 Dec 2026 11:00:00 GMT", "Retry-After": "Wed, 02 Dec 2026 11:00:10 GMT"}, body: throttled}, retry: true, asked: 10 * time.Second, err: &APIError{StatusCode: 429, Code: "TooManyRequests", Message: "Too many requests."}},
		"503 without Retry-After": {in: subAnswer{status: 503}, retry: true, err: &APIError{StatusCode: 503, Message: "Service Unavailable (no error message in the answer)"}},
		"504":                     {in: subAnswer{status: 504}, retry: true, err: &APIError{StatusCode: 504, Message: "Gateway Timeout (no error message in the answer)"}},
	} {
		retry, asked, err := judgeSubResponse(tc.in, now)
		if retry != tc.retry || asked != tc.asked {
			t.Errorf("%s: retry %v after %v, want %v after %v", name, retry, asked, tc.retry, tc.asked)
		}
		var got *APIError
		switch {
		case tc.err == nil && err != nil:
			t.Errorf("%s: %v, want it read", name, err)
		case tc.err != nil && (!errors.As(err, &got) || *got != *tc.err):
			t.Errorf("%s: %#v, want %#v", name, err, tc.err)
		}
	}
	// The single reads' tests: a 403 is IsForbidden, a 404 IsNotFound.
	if _, _, err := judgeSubResponse(subAnswer{status: 403, body: forbidden}, now); !IsForbidden(err) {
		t.Errorf("403: %v is not IsForbidden", err)
	}
	if _, _, err := judgeSubResponse(subAnswer{status: 404}, now); !IsNotFound(err) {
		t.Errorf("404: %v is not IsNotFound", err)
	}
}

// Secure Score and Intune are retried as the directory's parts are: a 429
// on managedDevices goes again alone, logged with its own path. (A tenant
// without Intune, 400 "not applicable", is TestAccSync_inventory's.)
func TestReadDirectoryIntuneSubRequest(t *testing.T) {
	srv, c, rec, logs := directoryClient(t, nil)
	if err := srv.InjectFault(emulator.Fault{Service: "graph", Method: "GET", Path: `^/v1.0/deviceManagement/managedDevices$`, Status: 429, RetryAfter: 1, Count: 1}); err != nil {
		t.Fatal(err)
	}
	d, err := c.ReadDirectory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.ManagedDevices != 400 || d.Errors[PartManagedDevices] != nil || d.Users != 1200 {
		t.Fatalf("directory %+v", d)
	}
	if len(rec.batches) != 2 || !slices.Equal(rec.paths(1), []string{"/deviceManagement/managedDevices"}) {
		t.Fatalf("batches %v, want the seven and then managedDevices alone", rec.batches)
	}
	if got := logs(); len(got) != 1 || got[0].fields["path"] != "/v1.0/deviceManagement/managedDevices" || got[0].fields["status"] != 429 {
		t.Fatalf("logs %+v", got)
	}
}

// How the Secure Score and Intune answers read: no score yet is nil, not
// an error; an Intune page without @odata.count asks for the paging
// fallback.
func TestReadScoreAndManagedDevices(t *testing.T) {
	var d Directory
	if err := d.read(PartSecureScores, []byte(`{"value":[]}`)); err != nil || d.SecureScore != nil {
		t.Fatalf("no score: %+v %v", d, err)
	}
	if err := d.read(PartSecureScores, []byte(`{"value":[{"currentScore":41.5,"maxScore":245,"createdDateTime":"2026-12-01T03:00:00Z"}]}`)); err != nil ||
		d.SecureScore == nil || d.SecureScore.Current != 41.5 || d.SecureScore.Max != 245 || d.SecureScore.CreatedDateTime.Day() != 1 {
		t.Fatalf("score: %+v %v", d.SecureScore, err)
	}
	if err := d.read(PartManagedDevices, []byte(`{"@odata.count":12,"value":[{"id":"a"}]}`)); err != nil || d.ManagedDevices != 12 {
		t.Fatalf("count: %d %v", d.ManagedDevices, err)
	}
	if err := d.read(PartManagedDevices, []byte(`{"value":[{"id":"a"}]}`)); !errors.Is(err, errNoManagedDeviceCount) {
		t.Fatalf("no count: %v", err)
	}
}
