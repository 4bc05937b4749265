package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/onboard-tf/terraform-provider-onboard/internal/auth"
)

func FuzzRetryAfter(f *testing.F) {
	const date = "Mon, 30 Nov 2026 09:00:00 GMT"
	for _, s := range [][2]string{
		{"5", date}, {"0", ""}, {"120", date}, {" 30 ", date}, {"86400", ""}, {"86401", ""},
		{"-1", date}, {"+5", date}, {"1.5", date}, {"", date},
		{"9223372036854775807", date}, {"99999999999999999999999", ""},
		{"Mon, 30 Nov 2026 09:00:10 GMT", date},  // 10 s by the service's clock
		{"Monday, 30-Nov-26 09:01:00 GMT", date}, // RFC 850
		{"Mon Nov 30 09:00:30 2026", date},       // asctime
		{"Sun, 29 Nov 2026 09:00:00 GMT", date},  // already past
		{"Fri, 31 Dec 9999 23:59:59 GMT", date},
		{"Mon, 30 Nov 2026 09:00:10 GMT", "not a date"},
		{"Mon, 30 Nov 2026 09:00:10 GMT", "Mon, 01 Jan 0001 00:00:00 GMT"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, v, date string) {
		resp := &http.Response{Header: http.Header{}}
		resp.Header.Set("Retry-After", v)
		resp.Header.Set("Date", date)
		d := retryAfter(resp)
		if d < 0 || d > maxRetryAfter {
			t.Fatalf("retryAfter(%q, Date %q) = %v: out of [0, %v]", v, date, d, maxRetryAfter)
		}
		if n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64); err == nil && n <= uint64(maxRetryAfter/time.Second) && d != time.Duration(n)*time.Second {
			t.Fatalf("retryAfter(%q) = %v, want %d s", v, d, n)
		}
		served, err := http.ParseTime(date)
		if err != nil || d == 0 {
			return
		}
		// With a Date, the result does not depend on the local clock, and
		// the same wait written the other way gives the same duration.
		if at, err := http.ParseTime(strings.TrimSpace(v)); err == nil && d != min(at.Sub(served), maxRetryAfter) {
			t.Fatalf("retryAfter(%q, Date %q) = %v, want %v", v, date, d, at.Sub(served))
		}
		if d%time.Second == 0 {
			resp.Header.Set("Retry-After", strconv.Itoa(int(d/time.Second)))
			if again := retryAfter(resp); again != d {
				t.Fatalf("retryAfter(%q) = %v but as seconds %v", v, d, again)
			}
			if y := served.Add(d).Year(); y >= 1 && y <= 9999 {
				resp.Header.Set("Retry-After", served.Add(d).Format(http.TimeFormat))
				if again := retryAfter(resp); again != d {
					t.Fatalf("retryAfter(%q) = %v but as date %v", v, d, again)
				}
			}
		}
	})
}

// The service's clock decides: an hour-fast local clock must not turn a
// 7 s Retry-After date into an hour's wait or none.
func TestRetryAfterDateCountsFromResponseDate(t *testing.T) {
	server := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	resp := &http.Response{Header: http.Header{}}
	resp.Header.Set("Date", server.Format(http.TimeFormat))
	resp.Header.Set("Retry-After", server.Add(7*time.Second).Format(http.TimeFormat))
	if d := retryAfter(resp); d != 7*time.Second {
		t.Fatalf("retryAfter = %v, want 7s", d)
	}
	resp.Header.Del("Date")
	resp.Header.Set("Retry-After", time.Now().Add(7*time.Second).UTC().Format(http.TimeFormat))
	if d := retryAfter(resp); d < 5*time.Second || d > 7*time.Second {
		t.Fatalf("retryAfter without Date = %v, want about 6s", d)
	}
}

type fuzzTokens struct{}

func (fuzzTokens) Token(context.Context, string, string) (auth.AccessToken, error) {
	return auth.AccessToken{Value: "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.c2ln", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// answering is a Graph client whose every request gets status and body.
func answering(t *testing.T, status int, contentType string, body []byte) *Client {
	t.Helper()
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		h := http.Header{}
		h.Set("Content-Type", contentType)
		h.Set("Date", "Mon, 30 Nov 2026 09:00:00 GMT")
		return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(bytes.NewReader(body)), Request: r, ContentLength: int64(len(body))}, nil
	})
	c, err := New(Options{Endpoint: "https://graph.microsoft.com", Resource: "https://graph.microsoft.com", TenantID: "8c2f3a4b-1d5e-4f60-9a7b-0c1d2e3f4a5b",
		Tokens: fuzzTokens{}, HTTPClient: &http.Client{Transport: rt}, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Graph error bodies as the service sends them.
var graphBodies = []string{
	`{"error":{"code":"Request_ResourceNotFound","message":"Resource '3f6a9c2e-7b1d-4e58-a0c3-9d2b4f6e8a17' does not exist or one of its queried reference-property objects are not present.","innerError":{"date":"2026-11-30T09:00:00","request-id":"5d1a3c07-0000-4000-8000-000000000001","client-request-id":"5d1a3c07-0000-4000-8000-000000000002"}}}`,
	`{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation.","innerError":{"date":"2026-11-30T09:00:00","request-id":"5d1a3c07-0000-4000-8000-000000000003","client-request-id":"x"}}}`,
	`{"error":{"code":"TooManyRequests","message":"Too many requests.","innerError":{"code":"429","date":"2026-11-30T09:00:00","request-id":"r"}}}`,
	`{"error":{"code":"Request_BadRequest","message":"Another object with the same value for property uniqueName already exists.","details":[{"code":"ObjectConflict","message":"conflict","target":"uniqueName"}],"innerError":{"request-id":"r"}}}`,
	`{"error":{"code":"InvalidAuthenticationToken","message":"Lifetime validation failed, the token is expired.","innerError":{"request-id":"r"}}}`,
	`{"error":{"code":"","message":""}}`,
	`{"error":null}`, `{}`, `[]`, `null`, ``,
	`<html><body>502 Bad Gateway</body></html>`,
}

func FuzzGraphErrorBody(f *testing.F) {
	statuses := []int{404, 403, 429, 400, 401, 409, 404, 404, 500, 502, 404, 502}
	for i, b := range graphBodies {
		f.Add(statuses[i], "application/json", []byte(b))
	}
	f.Add(503, "text/html", []byte(graphBodies[len(graphBodies)-1]))
	f.Add(404, "application/json; charset=utf-8", []byte(graphBodies[0]))
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte) {
		status = 400 + absInt(status%200)
		c := answering(t, status, contentType, body)
		_, err := c.GetApplication(context.Background(), "3f6a9c2e-7b1d-4e58-a0c3-9d2b4f6e8a17")
		if err == nil {
			t.Fatalf("status %d answered no error", status)
		}
		if err.Error() == "" {
			t.Fatalf("status %d: empty error", status)
		}
		var ae *APIError
		if !errors.As(err, &ae) {
			return // the body was not an error the SDK could read
		}
		if ae.StatusCode != status || strings.TrimSpace(ae.Message) == "" || !strings.Contains(ae.Error(), strconv.Itoa(status)) {
			t.Fatalf("status %d body %q: %#v", status, body, ae)
		}
		if IsNotFound(err) != (status == http.StatusNotFound) || IsForbidden(err) != (status == http.StatusForbidden) {
			t.Fatalf("status %d: IsNotFound %v IsForbidden %v", status, IsNotFound(err), IsForbidden(err))
		}
		if utf8.Valid(body) && !utf8.ValidString(ae.Error()) {
			t.Fatalf("invalid UTF-8 in %q", ae.Error())
		}
	})
}

// FuzzGraphErrorFields builds well-formed Graph errors around fuzzed fields:
// they come back exactly, and the access token never appears.
func FuzzGraphErrorFields(f *testing.F) {
	f.Add(404, "Request_ResourceNotFound", "Resource 'x' does not exist.", "5d1a3c07-0000-4000-8000-000000000001")
	f.Add(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.", "")
	f.Add(400, "", "", "r")
	f.Add(429, "TooManyRequests", "Ünïcode \u2028 and \"quotes\"\n", "r")
	f.Fuzz(func(t *testing.T, status int, code, message, requestID string) {
		if !utf8.ValidString(code) || !utf8.ValidString(message) || !utf8.ValidString(requestID) {
			return // json.Marshal would change them
		}
		status = 400 + absInt(status%200)
		body, err := json.Marshal(map[string]any{"error": map[string]any{"code": code, "message": message,
			"innerError": map[string]any{"date": "2026-11-30T09:00:00", "request-id": requestID, "client-request-id": "c"}}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = answering(t, status, "application/json", body).GetApplication(context.Background(), "3f6a9c2e-7b1d-4e58-a0c3-9d2b4f6e8a17")
		var ae *APIError
		if !errors.As(err, &ae) {
			t.Fatalf("status %d body %s: %v", status, body, err)
		}
		want := message
		if strings.TrimSpace(message) == "" {
			want = messageOr("", status)
		}
		if ae.StatusCode != status || ae.Code != code || ae.Message != want || ae.RequestID != requestID {
			t.Fatalf("status %d body %s: %#v", status, body, ae)
		}
		if strings.Contains(ae.Error(), "eyJ0eXAiOiJKV1Qi") && !strings.Contains(string(body), "eyJ0eXAiOiJKV1Qi") {
			t.Fatalf("token in %q", ae.Error())
		}
	})
}

func absInt(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
