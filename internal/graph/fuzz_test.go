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
