package emulator

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/businesscentral"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/control"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/graph"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// Throttling plays Microsoft's published service limits (off by default:
// Options.Throttling, SetThrottling, PUT /_emulator/throttling).
//
// Microsoft Graph, identity and access service limits
// (https://learn.microsoft.com/en-us/graph/throttling-limits#identity-and-access-service-limits):
// a token bucket per scope, over the request's resource-unit cost and, for
// writes, its write cost; the first limit reached answers 429 with
// Retry-After, x-ms-throttle-scope and x-ms-throttle-information.
//
//	scope                  resource units                         writes
//	application+tenant     S 3,500 / M 5,000 / L 8,000 per 10 s    3,000 per 150 s
//	application            150,000 per 20 s                        70,000 per 5 min
//	tenant                 -                                      18,000 per 5 min
//
// S, M, L: under 50, 50 to 500 and over 500 users in the tenant. Each
// request of a $batch is evaluated on its own (Intercept), the $batch POST
// itself costs nothing.
//
// Business Central: no limit of the admin center API is documented
// (../shared/research/bc-admin-api.md §6.3); the emulator applies Business
// Central's documented per-user (or service principal) limit of 6,000
// requests per 5-minute window
// (https://learn.microsoft.com/en-us/dynamics365/business-central/dev-itpro/administration/operational-limits-online),
// per principal and tenant, to the admin center and automation APIs alike.
//
// The login endpoint (token requests) is not throttled: Microsoft publishes
// no number for it.
type throttle struct {
	mu      sync.Mutex
	enabled bool
	buckets map[string]*bucket
	// throttled counts 429s served, by scope kind ("Tenant_Application",
	// "Application", "Tenant", "BC").
	throttled map[string]int
}

// bucket is a token bucket: capacity units, refilled at capacity/window.
type bucket struct {
	tokens float64
	at     time.Time
}

type limit struct {
	scope    string // x-ms-throttle-scope's first part
	kind     string // Read, Write, ReadWrite
	key      string
	capacity float64
	window   time.Duration
	cost     float64
}

// Throttling reports whether the published limits are enforced.
func (s *Server) Throttling() bool {
	s.throttle.mu.Lock()
	defer s.throttle.mu.Unlock()
	return s.throttle.enabled
}

// SetThrottling turns Microsoft's published limits on or off; turning them
// on starts every bucket full.
func (s *Server) SetThrottling(on bool) {
	s.throttle.mu.Lock()
	s.throttle.enabled, s.throttle.buckets = on, nil
	s.throttle.mu.Unlock()
}

// Throttled returns the 429s the limits answered, by scope.
func (s *Server) Throttled() map[string]int {
	s.throttle.mu.Lock()
	defer s.throttle.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.throttle.throttled {
		out[k] = v
	}
	return out
}

// ThrottleStatus is whether the limits are on and the 429s they answered.
type ThrottleStatus = control.ThrottleStatus

// ThrottleState is what the control API shows.
func (s *Server) ThrottleState() ThrottleStatus {
	return ThrottleStatus{Enabled: s.Throttling(), Throttled: s.Throttled()}
}

// apply answers 429 when the request exceeds a limit; it reports whether it
// answered.
func (t *throttle) apply(w http.ResponseWriter, r *http.Request, svc string, st *store.Store, now time.Time) bool {
	t.mu.Lock()
	on := t.enabled
	t.mu.Unlock()
	if !on || (svc != "graph" && svc != "bc") || (svc == "graph" && r.URL.Path == "/v1.0/$batch") {
		return false
	}
	app, tenant := tokenParties(r)
	if app == "" || tenant == "" {
		return false // the service answers 401
	}
	var limits []limit
	if svc == "graph" {
		limits = graphLimits(r, app, tenant, tenantUsers(st, tenant))
	} else {
		limits = []limit{{scope: "BC", kind: "ReadWrite", key: "bc/" + app + "/" + tenant, capacity: 6000, window: 5 * time.Minute, cost: 1}}
	}
	wait, hit := t.take(limits, now)
	if hit == nil {
		return false
	}
	secs := int(math.Ceil(wait.Seconds()))
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	if svc == "bc" {
		businesscentral.WriteFault(w, r, http.StatusTooManyRequests)
		return true
	}
	w.Header().Set("x-ms-throttle-scope", fmt.Sprintf("%s/%s/%s/%s", hit.scope, hit.kind, app, tenant))
	info := "ResourceUnitLimitExceeded"
	if hit.kind == "Write" {
		info = "WriteLimitExceeded"
	}
	w.Header().Set("x-ms-throttle-information", info)
	graph.WriteError(w, r, now, http.StatusTooManyRequests, "TooManyRequests", "Too many requests. Please retry after the time specified in the Retry-After header.")
	return true
}

// take charges every limit or, when one has too little left, none: it
// returns the first such limit and how long until it has enough.
func (t *throttle) take(limits []limit, now time.Time) (time.Duration, *limit) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.buckets == nil {
		t.buckets = map[string]*bucket{}
	}
	bs := make([]*bucket, len(limits))
	for i, l := range limits {
		b := t.buckets[l.key]
		if b == nil {
			b = &bucket{tokens: l.capacity, at: now}
			t.buckets[l.key] = b
		}
		if d := now.Sub(b.at); d > 0 {
			b.tokens = math.Min(l.capacity, b.tokens+l.capacity*d.Seconds()/l.window.Seconds())
			b.at = now
		}
		bs[i] = b
		if b.tokens < l.cost {
			if t.throttled == nil {
				t.throttled = map[string]int{}
			}
			t.throttled[l.scope]++
			rate := l.capacity / l.window.Seconds()
			return time.Duration((l.cost - b.tokens) / rate * float64(time.Second)), &limits[i]
		}
	}
	for i, l := range limits {
		bs[i].tokens -= l.cost
	}
	return 0, nil
}

// graphLimits are the identity and access limits a Graph request counts
// against, with its costs.
func graphLimits(r *http.Request, app, tenant string, users int) []limit {
	ru, write := graphCost(r)
	pair := 3500.0
	switch {
	case users > 500:
		pair = 8000
	case users >= 50:
		pair = 5000
	}
	ls := []limit{
		{scope: "Tenant_Application", kind: "ReadWrite", key: "ru/" + app + "/" + tenant, capacity: pair, window: 10 * time.Second, cost: ru},
		{scope: "Application", kind: "ReadWrite", key: "ru/" + app, capacity: 150000, window: 20 * time.Second, cost: ru},
	}
	if write > 0 {
		ls = append(ls,
			limit{scope: "Tenant_Application", kind: "Write", key: "w/" + app + "/" + tenant, capacity: 3000, window: 150 * time.Second, cost: write},
			limit{scope: "Application", kind: "Write", key: "w/" + app, capacity: 70000, window: 5 * time.Minute, cost: write},
			limit{scope: "Tenant", kind: "Write", key: "w/" + tenant, capacity: 18000, window: 5 * time.Minute, cost: write})
	}
	return ls
}

// graphCost is a request's base resource-unit cost from Microsoft's table
// (the paths the provider uses; any other costs 1), adjusted for $select,
// $expand and $top, never below 1; writes cost one write.
func graphCost(r *http.Request) (ru, write float64) {
	path := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/v1.0/"), "/beta/")
	segs := strings.Split(strings.Trim(path, "/"), "/")
	ru = 1
	if r.Method == http.MethodGet {
		switch {
		case len(segs) == 1 && (segs[0] == "applications" || segs[0] == "users" || segs[0] == "oauth2PermissionGrants"):
			ru = 2
		case len(segs) == 2 && segs[0] == "oauth2PermissionGrants":
			ru = 2
		case len(segs) == 1 && segs[0] == "subscribedSkus":
			ru = 3
		case len(segs) == 3 && segs[0] == "servicePrincipals" && segs[2] == "appRoleAssignments":
			ru = 2
		case len(segs) == 3 && segs[0] == "applications" && segs[2] == "extensionProperties":
			ru = 2
		case len(segs) == 3 && segs[0] == "groups" && segs[2] == "members":
			ru = 3
		}
	} else {
		write = 1
	}
	q := r.URL.Query()
	if q.Has("$select") {
		ru--
	}
	if q.Has("$expand") {
		ru++
	}
	if top, err := strconv.Atoi(q.Get("$top")); err == nil && top < 20 {
		ru--
	}
	return max(ru, 1), write
}

// tokenParties reads the app (appid or azp) and tenant (tid) of the bearer
// token without verifying it: the service behind verifies.
func tokenParties(r *http.Request) (app, tenant string) {
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return "", ""
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return "", ""
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", ""
	}
	var c struct{ AppID, AZP, TID string }
	if json.Unmarshal(b, &c) != nil {
		return "", ""
	}
	if c.AppID == "" {
		c.AppID = c.AZP
	}
	return strings.ToLower(c.AppID), strings.ToLower(c.TID)
}

// tenantUsers is the tenant's size for the application+tenant limit.
func tenantUsers(st *store.Store, tenantID string) int {
	n := 0
	_ = st.View(func(tx *store.Tx) error {
		if t := tx.TenantByID(tenantID); t != nil {
			n = max(len(t.Users), t.Counts.Users)
		}
		return nil
	})
	return n
}
