package emulator

import (
	"net/http"
	"reflect"
	"testing"
	"time"
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

// A $batch is one HTTP request to Graph, but each of its requests is
// evaluated on its own (https://learn.microsoft.com/graph/json-batching,
// "Response format" and "Throttling"): an injected fault answers one
// sub-request inside a 200 batch response, a 429 with its own Retry-After
// header, while its siblings succeed. The counters the bench reads count
// the $batch once and none of its sub-requests.
func TestGraphBatchSubRequestFaultsAndCounters(t *testing.T) {
	s := newTestServer(t)
	tok := automationToken(t, s)
	for _, f := range []Fault{
		{Service: "graph", Method: "GET", Path: `^/v1.0/subscribedSkus$`, Status: http.StatusTooManyRequests, RetryAfter: 7, Count: 1},
		{Service: "graph", Method: "GET", Path: `^/v1.0/groups$`, Status: http.StatusServiceUnavailable, Count: 1},
	} {
		if err := s.InjectFault(f); err != nil {
			t.Fatal(err)
		}
	}
	s.ResetCounters()
	batch := map[string]any{"requests": []any{
		map[string]any{"id": "org", "method": "GET", "url": "/organization"},
		map[string]any{"id": "skus", "method": "GET", "url": "/subscribedSkus"},
		map[string]any{"id": "groups", "method": "GET", "url": "/groups?$count=true&$top=1", "headers": map[string]string{"ConsistencyLevel": "eventual"}},
	}}
	byID := func(r response) map[string]map[string]any {
		t.Helper()
		if r.Status != http.StatusOK {
			t.Fatalf("batch: %d %s", r.Status, r.Raw)
		}
		out := map[string]map[string]any{}
		for _, v := range r.Body["responses"].([]any) {
			out[v.(map[string]any)["id"].(string)] = v.(map[string]any)
		}
		return out
	}
	got := byID(call(t, s, "POST", "/v1.0/$batch", tok, batch))
	if got["org"]["status"] != float64(200) {
		t.Fatalf("organization: %v", got["org"])
	}
	if u := got["skus"]; u["status"] != float64(429) || field(u, "headers.Retry-After") != "7" || field(u, "body.error.code") != "TooManyRequests" {
		t.Fatalf("subscribedSkus: want 429 with Retry-After 7 inside the batch, got %v", u)
	}
	if g := got["groups"]; g["status"] != float64(503) || field(g, "body.error.code") != "serviceUnavailable" {
		t.Fatalf("groups: want 503, got %v", g)
	}
	c := s.Counters()
	if c.Total != 1 || c.ByService["graph"] != 1 || c.ByPath["POST /v1.0/$batch"] != 1 || c.ByPath["GET /v1.0/subscribedSkus"] != 0 || c.ByPath["GET /v1.0/organization"] != 0 {
		t.Fatalf("counters after one batch: %+v; want the $batch once and no sub-request", c)
	}

	// The faults are spent: the same batch again reaches Graph, which checks
	// each request's permission on its own (the automation identity holds
	// Organization.Read.All, not Group.Read.All), and the retried
	// subscribedSkus request is on record with the Retry-After it got.
	got = byID(call(t, s, "POST", "/v1.0/$batch", tok, batch))
	if got["org"]["status"] != float64(200) || got["skus"]["status"] != float64(200) {
		t.Fatalf("second batch: %v", got)
	}
	if _, ok := field(got["skus"], "body.value").([]any); !ok {
		t.Fatalf("subscribedSkus on the second batch: %v", got["skus"])
	}
	if g := got["groups"]; g["status"] != float64(403) || field(g, "body.error.code") != "Authorization_RequestDenied" {
		t.Fatalf("groups on the second batch: want 403, got %v", g)
	}
	retries := s.Retries()
	if len(retries) != 1 || retries[0].Request != "GET /v1.0/subscribedSkus" || retries[0].RetryAfter != 7*time.Second {
		t.Fatalf("retries %+v, want the subscribedSkus sub-request once after Retry-After 7s", retries)
	}
	if c := s.Counters(); c.Total != 2 || c.ByPath["POST /v1.0/$batch"] != 2 {
		t.Fatalf("counters after two batches: %+v", c)
	}
}

// onboard_sync's $batch carries Secure Score and Intune besides the
// directory reads (https://learn.microsoft.com/graph/json-batching: any
// Graph GET, up to 20 a batch): each answers inside the batch what its
// single GET answers, by the same handler and permission check, and a
// request the app may not make is its own 403 beside the others' 200.
func TestGraphBatchSecureScoresAndManagedDevices(t *testing.T) {
	s := newTestServer(t)
	urls := map[string]string{"score": "/security/secureScores?$top=1", "intune": "/deviceManagement/managedDevices?$top=1&$select=id"}
	batch := map[string]any{"requests": []any{
		map[string]any{"id": "score", "method": "GET", "url": urls["score"]},
		map[string]any{"id": "intune", "method": "GET", "url": urls["intune"]},
	}}
	answers := func(tok string) map[string]map[string]any {
		t.Helper()
		r := call(t, s, "POST", "/v1.0/$batch", tok, batch)
		if r.Status != http.StatusOK {
			t.Fatalf("batch: %d %s", r.Status, r.Raw)
		}
		out := map[string]map[string]any{}
		for _, v := range r.Body["responses"].([]any) {
			out[v.(map[string]any)["id"].(string)] = v.(map[string]any)
		}
		return out
	}

	tok := inventoryApp(t, s, FabrikamTenantID, "admin@fabrikam.onmicrosoft.com", "SecurityEvents.Read.All", "DeviceManagementManagedDevices.Read.All")
	got := answers(tok)
	if a := got["score"]; a["status"] != float64(200) || field(a, "body.value.0.currentScore") != 30.5 || field(a, "body.value.0.maxScore") != float64(245) {
		t.Fatalf("secureScores in a batch: %v", a)
	}
	if a := got["intune"]; a["status"] != float64(200) || field(a, "body.@odata.count") != float64(400) || len(field(a, "body.value").([]any)) != 1 {
		t.Fatalf("managedDevices in a batch: %v", a)
	}
	for id, u := range urls {
		single := call(t, s, "GET", "/v1.0"+u, tok, nil)
		if single.Status != 200 || !reflect.DeepEqual(single.Body, got[id]["body"]) {
			t.Fatalf("%s: single GET %d %s, in the batch %v", u, single.Status, single.Raw, got[id]["body"])
		}
	}

	// Without SecurityEvents.Read.All the score alone is refused.
	tok = inventoryApp(t, s, FabrikamTenantID, "admin@fabrikam.onmicrosoft.com", "DeviceManagementManagedDevices.Read.All")
	got = answers(tok)
	if got["score"]["status"] != float64(403) || got["intune"]["status"] != float64(200) {
		t.Fatalf("without SecurityEvents.Read.All: %v", got)
	}
	if single := call(t, s, "GET", "/v1.0"+urls["score"], tok, nil); single.Status != 403 || !reflect.DeepEqual(single.Body["error"].(map[string]any)["code"], field(got["score"], "body.error.code")) {
		t.Fatalf("single 403 %s, in the batch %v", single.Raw, got["score"])
	}
}
