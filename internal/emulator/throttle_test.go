package emulator

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// unsignedToken is a bearer token with the claims the limiter reads; the
// limiter runs before the service verifies signatures.
func unsignedToken(app, tenant string) string {
	b, _ := json.Marshal(map[string]string{"appid": app, "tid": tenant})
	return "e30." + base64.RawURLEncoding.EncodeToString(b) + ".sig"
}

func limitedRequest(t *throttle, st *store.Store, now time.Time, method, path, app, tenant string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, "https://graph.example"+path, nil)
	r.Header.Set("Authorization", "Bearer "+unsignedToken(app, tenant))
	w := httptest.NewRecorder()
	if !t.apply(w, r, "graph", st, now) {
		w.Code = 0 // passed on to the service
	}
	return w
}

// The application+tenant pair of a small tenant has 3,500 resource units
// per 10 s: GET applications costs 2, so the 1,751st is refused, with the
// scope and Retry-After, and the bucket is full again 10 s later.
func TestThrottleResourceUnitsPerAppPerTenant(t *testing.T) {
	st := store.New(&store.Clock{})
	th := &throttle{enabled: true}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const app, tenant = "11111111-0000-4000-8000-000000000001", "22222222-0000-4000-8000-000000000002"
	for i := range 1750 {
		if w := limitedRequest(th, st, now, "GET", "/v1.0/applications", app, tenant); w.Code != 0 {
			t.Fatalf("request %d refused: %d", i+1, w.Code)
		}
	}
	w := limitedRequest(th, st, now, "GET", "/v1.0/applications", app, tenant)
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "1" ||
		w.Header().Get("x-ms-throttle-scope") != "Tenant_Application/ReadWrite/"+app+"/"+tenant ||
		w.Header().Get("x-ms-throttle-information") != "ResourceUnitLimitExceeded" || !strings.Contains(w.Body.String(), `"code":"TooManyRequests"`) {
		t.Fatalf("1,751st: %d %v %s", w.Code, w.Header(), w.Body)
	}
	// Another app in the same tenant, and the same app elsewhere, have
	// their own pair budgets.
	if w := limitedRequest(th, st, now, "GET", "/v1.0/applications", "33333333-0000-4000-8000-000000000003", tenant); w.Code != 0 {
		t.Fatalf("other app refused: %d", w.Code)
	}
	if w := limitedRequest(th, st, now, "GET", "/v1.0/organization", app, "44444444-0000-4000-8000-000000000004"); w.Code != 0 {
		t.Fatalf("other tenant refused: %d", w.Code)
	}
	// $select lowers GET applications to 1 unit: 350 units per second come
	// back, so after 1 s 350 such requests pass and the next is refused.
	later := now.Add(time.Second)
	for i := range 350 {
		if w := limitedRequest(th, st, later, "GET", "/v1.0/applications?$select=id", app, tenant); w.Code != 0 {
			t.Fatalf("after 1s, request %d refused: %d", i+1, w.Code)
		}
	}
	if w := limitedRequest(th, st, later, "GET", "/v1.0/applications?$select=id", app, tenant); w.Code != http.StatusTooManyRequests {
		t.Fatalf("after 350 units: %d", w.Code)
	}
	if got := th.throttled["Tenant_Application"]; got != 2 {
		t.Fatalf("throttled %v", th.throttled)
	}
}

// Writes: 3,000 per 150 s per application+tenant pair, and 18,000 per
// 5 minutes per tenant across apps: six apps write 3,000 each, the seventh
// app's first write is refused with the Tenant scope.
func TestThrottleWrites(t *testing.T) {
	st := store.New(&store.Clock{})
	th := &throttle{enabled: true}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const tenant = "22222222-0000-4000-8000-000000000002"
	apps := []string{"a1", "a2", "a3", "a4", "a5", "a6", "a7"}
	for _, app := range apps[:6] {
		// 3,000 writes cost 3,000 resource units too, within the pair's
		// 3,500 per 10 s.
		for j := range 3000 {
			if w := limitedRequest(th, st, now, "PATCH", "/v1.0/applications/x", app, tenant); w.Code != 0 {
				t.Fatalf("app %s write %d refused: %v", app, j+1, w.Header())
			}
		}
	}
	w := limitedRequest(th, st, now, "PATCH", "/v1.0/applications/x", "a1", tenant)
	if w.Code != http.StatusTooManyRequests || w.Header().Get("x-ms-throttle-scope") != "Tenant_Application/Write/a1/"+tenant {
		t.Fatalf("a1's 3,001st write: %d %v", w.Code, w.Header())
	}
	at := now.Add(100 * time.Millisecond) // the pair gets 2 writes back, the tenant 6
	w = limitedRequest(th, st, at, "POST", "/v1.0/servicePrincipals", "a7", tenant)
	for range 6 {
		if w.Code != 0 {
			t.Fatalf("a7 write within the tenant's refill refused: %v", w.Header())
		}
		w = limitedRequest(th, st, at, "POST", "/v1.0/servicePrincipals", "a7", tenant)
	}
	if w.Code != http.StatusTooManyRequests || w.Header().Get("x-ms-throttle-scope") != "Tenant/Write/a7/"+tenant ||
		w.Header().Get("x-ms-throttle-information") != "WriteLimitExceeded" {
		t.Fatalf("seventh app: %d %v", w.Code, w.Header())
	}
	// 18,000 per 5 minutes is 60 per second: a wait of 1 s lets one in.
	if ra := w.Header().Get("Retry-After"); ra != "1" {
		t.Fatalf("Retry-After %q", ra)
	}
	if w := limitedRequest(th, st, at.Add(time.Second), "POST", "/v1.0/servicePrincipals", "a7", tenant); w.Code != 0 {
		t.Fatalf("after Retry-After: %d %v", w.Code, w.Header())
	}
}

func TestThrottleCosts(t *testing.T) {
	for _, c := range []struct {
		method, url string
		ru, write   float64
	}{
		{"GET", "/v1.0/applications", 2, 0},
		{"GET", "/v1.0/applications?$select=id,appId", 1, 0},
		{"GET", "/v1.0/applications(appId='x')", 1, 0},
		{"GET", "/v1.0/servicePrincipals/x/appRoleAssignments", 2, 0},
		{"GET", "/v1.0/servicePrincipals/x/appRoleAssignments?$top=5&$select=id", 1, 0},
		{"GET", "/v1.0/users?$expand=manager", 3, 0},
		{"GET", "/v1.0/subscribedSkus", 3, 0},
		{"GET", "/v1.0/organization", 1, 0},
		{"POST", "/v1.0/applications/x/addPassword", 1, 1},
		{"DELETE", "/v1.0/servicePrincipals/x", 1, 1},
	} {
		ru, write := graphCost(httptest.NewRequest(c.method, c.url, nil))
		if ru != c.ru || write != c.write {
			t.Errorf("%s %s: cost %v/%v, want %v/%v", c.method, c.url, ru, write, c.ru, c.write)
		}
	}
}

// Through the server: off by default; on (control route), a tenant's pair
// budget runs out, Graph answers its 429 with Retry-After, a $batch
// sub-request is throttled on its own, and advancing the emulator clock by
// 10 s refills the budget.
func TestThrottlingThroughServer(t *testing.T) {
	s := newTestServer(t)
	tok := automationToken(t, s)
	if s.Throttling() {
		t.Fatal("throttling on by default")
	}
	if r := call(t, s, "PUT", "/_emulator/throttling", "", map[string]any{"enabled": true}); r.Status != 200 || r.Body["enabled"] != true {
		t.Fatalf("PUT /_emulator/throttling: %d %v", r.Status, r.Body)
	}
	get := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", s.URL()+"/v1.0/applications", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		return w
	}
	var w *httptest.ResponseRecorder
	n := 0
	for w = get(); w.Code == 200 && n < 20000; w = get() {
		n++
	}
	if w.Code != http.StatusTooManyRequests || n < 1750 || w.Header().Get("Retry-After") == "" {
		t.Fatalf("after %d requests: %d %v", n, w.Code, w.Header())
	}
	// The clock runs with real time, so the budget refills a little between
	// requests: ten sub-requests, not one, are sure to meet the empty budget.
	var subs []string
	for i := 1; i <= 10; i++ {
		subs = append(subs, fmt.Sprintf(`{"id":"%d","method":"GET","url":"/applications"}`, i))
	}
	batch := httptest.NewRequest("POST", s.URL()+"/v1.0/$batch", strings.NewReader(`{"requests":[`+strings.Join(subs, ",")+`]}`))
	batch.Header.Set("Authorization", "Bearer "+tok)
	batch.Header.Set("Content-Type", "application/json")
	bw := httptest.NewRecorder()
	s.ServeHTTP(bw, batch)
	if bw.Code != 200 || !strings.Contains(bw.Body.String(), `"status":429`) {
		t.Fatalf("$batch: %d %s", bw.Code, bw.Body)
	}
	// The throttled sub-request carries its own Retry-After and throttle
	// scope in the batch response (json-batching.md, "Throttling").
	var answer struct {
		Responses []struct {
			Status  int               `json:"status"`
			Headers map[string]string `json:"headers"`
		} `json:"responses"`
	}
	if err := json.Unmarshal(bw.Body.Bytes(), &answer); err != nil {
		t.Fatal(err)
	}
	for _, r := range answer.Responses {
		if r.Status != http.StatusTooManyRequests {
			continue
		}
		if secs, err := strconv.Atoi(r.Headers["Retry-After"]); err != nil || secs < 1 || !strings.HasPrefix(r.Headers["X-Ms-Throttle-Scope"], "Tenant_Application/") {
			t.Fatalf("throttled sub-request's headers: %v", r.Headers)
		}
	}
	if c := s.Counters(); c.Throttled < 2 {
		t.Fatalf("throttled counter %d, want at least 2 (the request and a sub-request)", c.Throttled)
	}
	s.Advance(10 * time.Second)
	if w := get(); w.Code != 200 {
		t.Fatalf("after 10s: %d", w.Code)
	}
	s.SetThrottling(false)
	if st := s.ThrottleState(); st.Enabled || st.Throttled["Tenant_Application"] < 2 {
		t.Fatalf("state %+v", st)
	}
}
