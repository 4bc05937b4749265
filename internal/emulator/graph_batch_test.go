package emulator

import (
	"net/http"
	"testing"
)

func TestGraphBatchRules(t *testing.T) {
	s := newTestServer(t)
	tok := automationToken(t, s)

	// The batch request itself needs a token.
	if r := call(t, s, "POST", "/v1.0/$batch", "", map[string]any{"requests": []any{}}); r.Status != http.StatusUnauthorized {
		t.Fatalf("batch without token: %d %s", r.Status, r.Raw)
	}
	// A body needs a Content-Type header (json-batching.md).
	r := call(t, s, "POST", "/v1.0/$batch", tok, map[string]any{"requests": []any{
		map[string]any{"id": "1", "method": "POST", "url": "/applications", "body": map[string]any{"displayName": "x"}},
	}})
	if r.Status != http.StatusBadRequest || field(r.Body, "error.code") != "BadRequest" {
		t.Fatalf("body without Content-Type: %d %s", r.Status, r.Raw)
	}
	// Relative URLs only.
	r = call(t, s, "POST", "/v1.0/$batch", tok, map[string]any{"requests": []any{
		map[string]any{"id": "1", "method": "GET", "url": s.URL() + "/v1.0/organization"},
	}})
	if r.Status != http.StatusBadRequest {
		t.Fatalf("absolute URL: %d %s", r.Status, r.Raw)
	}
	// Per-request status, dependsOn and 424 after a failed dependency.
	r = call(t, s, "POST", "/v1.0/$batch", tok, map[string]any{"requests": []any{
		map[string]any{"id": "1", "method": "POST", "url": "/applications", "headers": map[string]string{"Content-Type": "application/json"}, "body": map[string]any{}},
		map[string]any{"id": "2", "method": "GET", "url": "/organization", "dependsOn": []string{"1"}},
		map[string]any{"id": "3", "method": "GET", "url": "/organization"},
	}})
	if r.Status != http.StatusOK {
		t.Fatalf("batch: %d %s", r.Status, r.Raw)
	}
	want := map[string]float64{"1": 400, "2": 424, "3": 200}
	for _, v := range r.Body["responses"].([]any) {
		resp := v.(map[string]any)
		if resp["status"] != want[resp["id"].(string)] {
			t.Fatalf("request %v: status %v, want %v (%s)", resp["id"], resp["status"], want[resp["id"].(string)], r.Raw)
		}
	}
}

func TestGraphDeletedTenantIsNotDiscoverable(t *testing.T) {
	s := newTestServer(t)
	tok := automationToken(t, s)
	path := "/v1.0/tenantRelationships/findTenantInformationByDomainName(domainName='northwind.onmicrosoft.com')"
	if r := call(t, s, "GET", path, tok, nil); r.Status != http.StatusOK || r.Body["tenantId"] != NorthwindTenantID {
		t.Fatalf("before deletion: %d %s", r.Status, r.Raw)
	}
	if err := s.DeleteTenant(NorthwindTenantID); err != nil {
		t.Fatal(err)
	}
	if r := call(t, s, "GET", path, tok, nil); r.Status != http.StatusNotFound || field(r.Body, "error.code") != "Request_ResourceNotFound" {
		t.Fatalf("after deletion: %d %s", r.Status, r.Raw)
	}
}

func TestGraphWriteNeedsContentType(t *testing.T) {
	s := newTestServer(t)
	tok := automationToken(t, s)
	// call sets Content-Type for a body; an explicit empty one removes it.
	r := call(t, s, "POST", "/v1.0/applications", tok, `{"displayName":"x"}`, "Content-Type", "")
	if r.Status != http.StatusBadRequest || field(r.Body, "error.code") != "Request_BadRequest" {
		t.Fatalf("POST without Content-Type: %d %s", r.Status, r.Raw)
	}
}

func TestGraphUnknownPathAndMethod(t *testing.T) {
	s := newTestServer(t)
	tok := automationToken(t, s)
	if r := call(t, s, "PUT", "/v1.0/organization", tok, map[string]any{}); r.Status != http.StatusMethodNotAllowed || field(r.Body, "error.message") != "Specified HTTP method is not allowed for the request target." {
		t.Fatalf("PUT /organization: %d %s", r.Status, r.Raw)
	}
	if r := call(t, s, "GET", "/v1.0/nonsense", tok, nil); r.Status != http.StatusBadRequest || field(r.Body, "error.message") != "Resource not found for the segment 'nonsense'." {
		t.Fatalf("GET /nonsense: %d %s", r.Status, r.Raw)
	}
}
