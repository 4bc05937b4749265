package bcadmin

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/onboard-tf/terraform-provider-onboard/internal/retryafter"
)

func FuzzParseVersion(f *testing.F) {
	for _, v := range []string{"v2.24", "v2.0", "v2.3", "v2.024", "v2.", "v2.-1", "v2.+1", "V2.24", "v1.24", "v2.24 ", "v2.99999999999999999999"} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v string) {
		n, ok := parseVersion(v)
		if !ok {
			if n != 0 {
				t.Fatalf("parseVersion(%q) = %d, false", v, n)
			}
			return
		}
		// An accepted version is canonical: formatting it again gives it back.
		if n < 0 || "v2."+strconv.Itoa(n) != v {
			t.Fatalf("parseVersion(%q) = %d", v, n)
		}
	})
}

// Error bodies as the admin center and the automation API send them, and
// what an authentication failure or a gateway may send instead.
var bcBodies = []string{
	`{"code":"EnvironmentNotFound","message":"Environment 'Sandbox' was not found.","target":"Sandbox"}`,
	`{"code":"Unauthorized","message":"The application 3f6a9c2e-7b1d-4e58-a0c3-9d2b4f6e8a17 is not authorized to call the admin center API for tenant 8c2f3a4b-1d5e-4f60-9a7b-0c1d2e3f4a5b."}`,
	`{"error":{"code":"Internal_EntityWithSameKeyExists","message":"The record already exists.  CorrelationId:  5d1a3c07-0000-4000-8000-000000000001."}}`,
	`{"error":{"code":"BadRequest_ResourceNotFound","message":"Resource not found for the segment 'users'."}}`,
	`{"error":{"code":"Authentication_InvalidCredentials","message":"The server has rejected the client credentials.  CorrelationId:  x."}}`,
	`{"code":"TooManyRequests","message":"Rate limit is exceeded. Try again in 2 seconds."}`,
	`<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>`,
	``, `null`, `"text"`, `{"error":null}`, `   ` + strings.Repeat("é", 200), "x" + strings.Repeat("é", 200),
}

func FuzzNewAPIError(f *testing.F) {
	statuses := []int{400, 401, 403, 404, 409, 429, 500, 503}
	for i, b := range bcBodies {
		f.Add(statuses[i%len(statuses)], []byte(b), "2", i%2 == 0)
	}
	f.Add(429, []byte(bcBodies[5]), "Mon, 30 Nov 2026 09:00:10 GMT", false)
	f.Add(999, []byte(`{"code":"","message":""}`), "", false)
	f.Fuzz(func(t *testing.T, status int, body []byte, retryAfter string, delegated bool) {
		r := request{method: http.MethodGet, url: "https://api.businesscentral.dynamics.com/admin/v2.24/applications/businesscentral/environments", kind: anyCredential}
		if delegated {
			r.kind = delegatedCredential
		}
		res := &http.Response{StatusCode: status, Header: http.Header{}}
		res.Header.Set("Retry-After", retryAfter)
		res.Header.Set("Date", "Mon, 30 Nov 2026 09:00:00 GMT")
		e := newAPIError(r, res, body)
		msg := e.Error()
		if !strings.HasPrefix(msg, "bcadmin: GET /admin/v2.24/applications/businesscentral/environments: "+strconv.Itoa(status)) ||
			strings.Contains(e.Path, "://") {
			t.Fatalf("Error() = %q", msg)
		}
		if e.RetryAfter < 0 || e.RetryAfter > retryafter.Max {
			t.Fatalf("RetryAfter %v", e.RetryAfter)
		}
		// Whatever the body, the message is a part of it, and valid text
		// when the body was.
		trimmed := strings.TrimSpace(string(body))
		if m := strings.TrimSuffix(e.Message, "…"); !json.Valid(body) && !strings.HasPrefix(trimmed, m) {
			t.Fatalf("message %q is not from the body %q", e.Message, body)
		}
		if utf8.Valid(body) && (!utf8.ValidString(e.Message) || !utf8.ValidString(msg)) {
			t.Fatalf("invalid UTF-8 in %q from a valid body", e.Message)
		}
		if len(e.Message) > 300+len("…") && !json.Valid(body) {
			t.Fatalf("message of %d bytes", len(e.Message))
		}
		for sentinel, want := range map[error]bool{
			ErrNotFound: status == 404, ErrUnauthorized: status == 401, ErrForbidden: status == 403, ErrThrottled: status == 429,
			ErrAlreadyExists:          status == 409 && e.Code == "Internal_EntityWithSameKeyExists",
			ErrDelegatedAdminRequired: delegated && (status == 401 || status == 403),
		} {
			if errors.Is(e, sentinel) != want {
				t.Fatalf("status %d code %q delegated %v: errors.Is(%v) = %v", status, e.Code, delegated, sentinel, !want)
			}
		}
	})
}

// An HTTP-date Retry-After counts from the response's Date, the service's
// clock, not from ours: here ours is an hour behind.
func TestRetryAfterDateCountsFromResponseDate(t *testing.T) {
	server := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	res := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{}}
	res.Header.Set("Date", server.Format(http.TimeFormat))
	res.Header.Set("Retry-After", server.Add(7*time.Second).Format(http.TimeFormat))
	if e := newAPIError(request{method: http.MethodGet, url: "https://x/admin"}, res, nil); e.RetryAfter != 7*time.Second {
		t.Fatalf("RetryAfter = %v, want 7s", e.RetryAfter)
	}
	// Without a Date, local time.
	res.Header.Del("Date")
	res.Header.Set("Retry-After", time.Now().Add(7*time.Second).UTC().Format(http.TimeFormat))
	if e := newAPIError(request{method: http.MethodGet, url: "https://x/admin"}, res, nil); e.RetryAfter < 5*time.Second || e.RetryAfter > 7*time.Second {
		t.Fatalf("RetryAfter without Date = %v, want about 6s", e.RetryAfter)
	}
}
