package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestTokenStore(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	// tok is a token of n bytes expiring in ttl.
	tok := func(n int, ttl time.Duration) AccessToken {
		return AccessToken{Value: strings.Repeat("t", n), ExpiresOn: now.Add(ttl)}
	}
	// Each entry's size: key (2 bytes) + token + entryOverhead.
	size := func(tokens ...int) int {
		n := 0
		for _, v := range tokens {
			n += 2 + v + entryOverhead
		}
		return n
	}
	type op struct {
		do     string // put, get, drop, forget
		key    string
		tok    AccessToken
		margin time.Duration
		want   bool // get: a token is returned
	}
	cases := []struct {
		name     string
		budget   int
		ops      []op
		wantKeys []string // most recently used first
		wantSize int
	}{
		{
			name:   "kept and returned",
			budget: size(100, 100),
			ops: []op{
				{do: "put", key: "aa", tok: tok(100, time.Hour)},
				{do: "get", key: "aa", margin: 5 * time.Minute, want: true},
				{do: "get", key: "bb", margin: 5 * time.Minute, want: false},
			},
			wantKeys: []string{"aa"}, wantSize: size(100),
		},
		{
			name:   "the least recently used goes when the budget is passed",
			budget: size(100, 100),
			ops: []op{
				{do: "put", key: "aa", tok: tok(100, time.Hour)},
				{do: "put", key: "bb", tok: tok(100, time.Hour)},
				{do: "put", key: "cc", tok: tok(100, time.Hour)},
				{do: "get", key: "aa", margin: time.Minute, want: false},
			},
			wantKeys: []string{"cc", "bb"}, wantSize: size(100, 100),
		},
		{
			name:   "a get makes a token recently used",
			budget: size(100, 100),
			ops: []op{
				{do: "put", key: "aa", tok: tok(100, time.Hour)},
				{do: "put", key: "bb", tok: tok(100, time.Hour)},
				{do: "get", key: "aa", margin: time.Minute, want: true},
				{do: "put", key: "cc", tok: tok(100, time.Hour)},
			},
			wantKeys: []string{"cc", "aa"}, wantSize: size(100, 100),
		},
		{
			name:   "a large token evicts as many as it needs",
			budget: size(100, 100, 100),
			ops: []op{
				{do: "put", key: "aa", tok: tok(100, time.Hour)},
				{do: "put", key: "bb", tok: tok(100, time.Hour)},
				{do: "put", key: "cc", tok: tok(100, time.Hour)},
				{do: "put", key: "dd", tok: tok(250, time.Hour)},
			},
			wantKeys: []string{"dd", "cc"}, wantSize: size(250, 100),
		},
		{
			name:   "a token larger than the budget is not kept, nor does it evict",
			budget: size(100, 100),
			ops: []op{
				{do: "put", key: "aa", tok: tok(100, time.Hour)},
				{do: "put", key: "bb", tok: tok(1000, time.Hour)},
				{do: "get", key: "bb", margin: time.Minute, want: false},
			},
			wantKeys: []string{"aa"}, wantSize: size(100),
		},
		{
			name:   "a put replaces the key's token and its size",
			budget: size(100, 100),
			ops: []op{
				{do: "put", key: "aa", tok: tok(100, time.Hour)},
				{do: "put", key: "bb", tok: tok(100, time.Hour)},
				{do: "put", key: "aa", tok: tok(50, time.Hour)},
			},
			wantKeys: []string{"aa", "bb"}, wantSize: size(50, 100),
		},
		{
			name:   "an expired token is never returned, and is dropped",
			budget: size(100, 100),
			ops: []op{
				{do: "put", key: "aa", tok: tok(100, -time.Second)},
				{do: "get", key: "aa", margin: 0, want: false},
			},
			wantKeys: []string{}, wantSize: 0,
		},
		{
			name:   "a token expiring within the margin is not returned (the refresh margin)",
			budget: size(100, 100),
			ops: []op{
				{do: "put", key: "aa", tok: tok(100, 5*time.Minute)},
				{do: "put", key: "bb", tok: tok(100, 5*time.Minute+time.Second)},
				{do: "get", key: "aa", margin: 5 * time.Minute, want: false},
				{do: "get", key: "bb", margin: 5 * time.Minute, want: true},
			},
			wantKeys: []string{"bb"}, wantSize: size(100),
		},
		{
			name:   "drop and forget by prefix",
			budget: size(10, 10, 10, 10),
			ops: []op{
				{do: "put", key: "a1", tok: tok(10, time.Hour)},
				{do: "put", key: "a2", tok: tok(10, time.Hour)},
				{do: "put", key: "b1", tok: tok(10, time.Hour)},
				{do: "put", key: "b2", tok: tok(10, time.Hour)},
				{do: "drop", key: "b2"},
				{do: "drop", key: "zz"},
				{do: "forget", key: "a"},
				{do: "get", key: "a1", margin: 0, want: false},
			},
			wantKeys: []string{"b1"}, wantSize: size(10),
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := NewTokenStore(c.budget)
			for i, o := range c.ops {
				switch o.do {
				case "put":
					s.Put(o.key, o.tok)
				case "get":
					got, ok := s.Get(o.key, o.margin, now)
					if ok != o.want {
						t.Fatalf("op %d: get %s = %v, want %v", i, o.key, ok, o.want)
					}
					if ok && got.Value == "" {
						t.Fatalf("op %d: get %s returned an empty token", i, o.key)
					}
				case "drop":
					s.Drop(o.key)
				case "forget":
					s.Forget(o.key)
				}
				if s.Size() > c.budget {
					t.Fatalf("op %d: size %d over the budget %d", i, s.Size(), c.budget)
				}
			}
			keys := []string{}
			for e := s.head; e != nil; e = e.next {
				keys = append(keys, e.key)
			}
			// The list read backwards is the same list.
			back := []string{}
			for e := s.tail; e != nil; e = e.prev {
				back = append([]string{e.key}, back...)
			}
			if !slices.Equal(keys, back) {
				t.Fatalf("the list is %v forwards and %v backwards", keys, back)
			}
			if !slices.Equal(keys, c.wantKeys) || s.Size() != c.wantSize || s.Len() != len(c.wantKeys) {
				t.Fatalf("keys %v size %d len %d, want %v size %d", keys, s.Size(), s.Len(), c.wantKeys, c.wantSize)
			}
		})
	}
}

func TestHeapBytes(t *testing.T) {
	for n, want := range map[int]int{0: 0, 1400: 1400, 32768: 32768, 32769: 40960, 33792: 40960, 40960: 40960, 40961: 49152} {
		if got := heapBytes(n); got != want {
			t.Errorf("heapBytes(%d) = %d, want %d", n, got, want)
		}
	}
}

// DefaultTokenBudget's reason: a run over 10,000 tenants keeps every
// tenant's real app-only Graph and Business Central token (1,354 and 1,412
// bytes from the emulator; real ones are about 1.4 KB) with room to spare.
func TestDefaultBudgetHoldsTenThousandTenants(t *testing.T) {
	cloud, _ := CloudByName("public")
	store := NewTokenStore(DefaultTokenBudget)
	cred := credentialID("secret", cloud.LoginEndpoint, "11111111-2222-4333-8444-555555555555", []byte("secret"))
	expires := time.Now().Add(time.Hour)
	for i := range 10000 {
		store.Put(fileKey(cred, tenantN(i), cloud.GraphResource), AccessToken{Value: strings.Repeat("g", 1354), ExpiresOn: expires})
		store.Put(fileKey(cred, tenantN(i), cloud.BCResource), AccessToken{Value: strings.Repeat("b", 1412), ExpiresOn: expires})
	}
	t.Logf("20,000 app-only tokens: %.1f MiB of the %d MiB budget", float64(store.Size())/mib, DefaultTokenBudget/mib)
	if store.Len() != 20000 || store.Size() > DefaultTokenBudget*3/4 {
		t.Fatalf("%d tokens kept in %d bytes, want all 20,000 within three quarters of the budget", store.Len(), store.Size())
	}
}

// fakeLogin answers MSAL's tenant discovery and both token grants (client
// credentials, refresh token) for any tenant, with tokens of tokenBytes
// bytes valid for an hour, and counts token requests per tenant. No socket:
// it is the http.Client's transport.
type fakeLogin struct {
	tokenBytes int
	padding    string

	mu       sync.Mutex
	requests map[string]int // tenant -> token requests
	total    int
}

func newFakeLogin(tokenBytes int) *fakeLogin {
	return &fakeLogin{tokenBytes: tokenBytes, padding: strings.Repeat("x", tokenBytes), requests: map[string]int{}}
}

func (f *fakeLogin) client() *http.Client { return &http.Client{Transport: f} }

func (f *fakeLogin) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	tenant, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	base := r.URL.Scheme + "://" + r.URL.Host + "/" + tenant
	var body any
	switch {
	case r.Method == http.MethodGet && rest == "v2.0/.well-known/openid-configuration":
		body = map[string]string{"authorization_endpoint": base + "/oauth2/v2.0/authorize",
			"token_endpoint": base + "/oauth2/v2.0/token", "issuer": base + "/v2.0"}
	case r.Method == http.MethodPost && rest == "oauth2/v2.0/token":
		f.mu.Lock()
		f.requests[tenant]++
		f.total++
		n := f.total
		f.mu.Unlock()
		// Each token its own, as a real answer's would be; written
		// without encoding/json, which would take most of a 20,000-token
		// test's time.
		value := fmt.Sprintf("%s.%d.", tenant, n)
		var sb strings.Builder
		sb.Grow(f.tokenBytes + 100)
		sb.WriteString(`{"token_type":"Bearer","expires_in":3600,"ext_expires_in":3600,"access_token":"`)
		sb.WriteString(value)
		sb.WriteString(f.padding[:max(0, f.tokenBytes-len(value))])
		sb.WriteString(`"}`)
		return jsonResponse(r, sb.String()), nil
	default:
		return &http.Response{StatusCode: http.StatusNotFound, Body: io.NopCloser(strings.NewReader("")), Header: http.Header{}, Request: r}, nil
	}
	b, _ := json.Marshal(body)
	return jsonResponse(r, string(b)), nil
}

func jsonResponse(r *http.Request, body string) *http.Response {
	return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader(body)),
		Header: http.Header{"Content-Type": {"application/json"}}, ContentLength: int64(len(body)), Request: r}
}

func (f *fakeLogin) count(tenant string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests[tenant]
}

func (f *fakeLogin) sum() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.total
}

// liveHeap is the heap's live bytes after a full collection.
func liveHeap() (alloc, inuse uint64) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc, m.HeapInuse
}

func fakeCloud() Cloud {
	c, _ := CloudByName("public")
	c.LoginEndpoint = "https://login.fake.test"
	return c
}

func tenantN(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

const mib = 1 << 20

// The emulator's partner Graph token is about 33 KB: 20,000 tenants' tokens
// would be 660 MB kept. With the store, what is kept stays within the
// budget, and so does the heap.
func TestPartnerTokensStayWithinBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("20,000 token requests")
	}
	const tenants, tokenBytes = 20000, 33 * 1024
	login := newFakeLogin(tokenBytes)
	store := NewTokenStore(DefaultTokenBudget)
	s := NewRefreshTokenSource(fakeCloud(), "04b07795-8ddb-461a-bbee-02f9e1bf7b46", "refresh-token", login.client())
	s.Tokens = store
	cloud := fakeCloud()
	ctx := context.Background()

	beforeAlloc, beforeInuse := liveHeap()
	peak := 0
	for i := range tenants {
		if _, err := s.Token(ctx, tenantN(i), cloud.GraphResource); err != nil {
			t.Fatal(err)
		}
		peak = max(peak, store.Size())
	}
	afterAlloc, afterInuse := liveHeap()
	t.Logf("%d tenants x %d-byte tokens (%d MiB if all were kept): store %d tokens, %.1f MiB (peak %.1f MiB, budget %d MiB); live heap %.1f -> %.1f MiB (HeapAlloc), %.1f -> %.1f MiB (HeapInuse)",
		tenants, tokenBytes, tenants*tokenBytes/mib, store.Len(), float64(store.Size())/mib, float64(peak)/mib, DefaultTokenBudget/mib,
		float64(beforeAlloc)/mib, float64(afterAlloc)/mib, float64(beforeInuse)/mib, float64(afterInuse)/mib)

	if peak > DefaultTokenBudget {
		t.Fatalf("the store reached %d bytes, over its budget %d", peak, DefaultTokenBudget)
	}
	perEntry := entrySize(fileKey(s.credID, tenantN(0), cloud.GraphResource), AccessToken{Value: login.padding})
	if want := DefaultTokenBudget / perEntry; store.Len() != want {
		t.Fatalf("the store keeps %d tokens, want %d (the budget's worth)", store.Len(), want)
	}
	if login.sum() != tenants {
		t.Fatalf("%d token requests, want %d", login.sum(), tenants)
	}
	// The heap holds the store's tokens and little else of the run's.
	if grown := int64(afterAlloc) - int64(beforeAlloc); grown > DefaultTokenBudget+8*mib {
		t.Fatalf("the live heap grew by %d MiB, more than the %d MiB budget and 8 MiB", grown/mib, DefaultTokenBudget/mib)
	}
	runtime.KeepAlive(s)
}

// A token the store evicted is asked for again when next needed, and one
// still kept is not.
func TestEvictedTokenIsFetchedAgain(t *testing.T) {
	login := newFakeLogin(1000)
	cloud := fakeCloud()
	s := NewRefreshTokenSource(cloud, "04b07795-8ddb-461a-bbee-02f9e1bf7b46", "refresh-token", login.client())
	perEntry := len(fileKey(s.credID, tenantN(0), cloud.GraphResource)) + 1000 + entryOverhead
	s.Tokens = NewTokenStore(3 * perEntry) // three tokens
	ctx := context.Background()
	for i := range 4 { // the fourth evicts tenant 0's
		if _, err := s.Token(ctx, tenantN(i), cloud.GraphResource); err != nil {
			t.Fatal(err)
		}
	}
	for _, i := range []int{3, 2, 1} {
		if _, err := s.Token(ctx, tenantN(i), cloud.GraphResource); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Token(ctx, tenantN(0), cloud.GraphResource); err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{2, 1, 1, 1} {
		if got := login.count(tenantN(i)); got != want {
			t.Errorf("tenant %d: %d token requests, want %d", i, got, want)
		}
	}
	// Tenant 0's return evicted tenant 3's, the least recently used.
	if _, err := s.Token(ctx, tenantN(3), cloud.GraphResource); err != nil || login.count(tenantN(3)) != 2 {
		t.Errorf("tenant 3 after eviction: err %v, %d requests, want 2", err, login.count(tenantN(3)))
	}
}

// MSAL keeps no token of its own: with noCache, each AcquireTokenByCredential
// starts from an empty cache (a repeat is a new request, not MSAL's cached
// answer), and a thousand tenants' 33 KB tokens leave the heap as they
// came, apart from the store's few.
func TestMSALKeepsNoTokens(t *testing.T) {
	const tenants, tokenBytes = 1000, 33 * 1024
	login := newFakeLogin(tokenBytes)
	cloud := fakeCloud()
	store := NewTokenStore(mib)
	a, err := New(Config{Cloud: cloud, TenantID: tenantN(0), ClientID: "11111111-2222-4333-8444-555555555555", ClientSecret: "secret",
		HTTPClient: login.client(), Tokens: store})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// Tenant discovery and the MSAL client, made before measuring.
	if _, err := a.Token(ctx, tenantN(tenants), cloud.GraphResource); err != nil {
		t.Fatal(err)
	}
	beforeAlloc, _ := liveHeap()
	for i := range tenants {
		if _, err := a.Token(ctx, tenantN(i), cloud.GraphResource); err != nil {
			t.Fatal(err)
		}
	}
	afterAlloc, _ := liveHeap()
	grown := int64(afterAlloc) - int64(beforeAlloc)
	t.Logf("%d tenants x %d-byte app tokens (%d MiB) through one MSAL client: store %d tokens, %.1f MiB; live heap grew %.1f MiB",
		tenants, tokenBytes, tenants*tokenBytes/mib, store.Len(), float64(store.Size())/mib, float64(grown)/mib)
	// MSAL keeping each token would be 33 MiB; each tenant's discovered
	// endpoints (a few hundred bytes) are MSAL's to keep.
	if grown > 8*mib {
		t.Fatalf("the live heap grew by %.1f MiB over %d tokens: is MSAL keeping them?", float64(grown)/mib, tenants)
	}
	// The last tenant's token is the store's: no request. The first was
	// evicted, and MSAL does not answer for it from a cache of its own.
	last, first := tenantN(tenants-1), tenantN(0)
	beforeLast, beforeFirst := login.count(last), login.count(first)
	for _, tenant := range []string{last, first} {
		if _, err := a.Token(ctx, tenant, cloud.GraphResource); err != nil {
			t.Fatal(err)
		}
	}
	if login.count(last) != beforeLast || login.count(first) != beforeFirst+1 {
		t.Fatalf("requests: last tenant %d -> %d (want no new one), first %d -> %d (want one)",
			beforeLast, login.count(last), beforeFirst, login.count(first))
	}
	runtime.KeepAlive(a)
}

// BenchmarkPartnerTokens20000 reports the live heap after 20,000 tenants'
// 33 KB partner tokens went through the process's default budget:
// go test ./internal/auth -run '^$' -bench PartnerTokens20000 -benchtime 1x
func BenchmarkPartnerTokens20000(b *testing.B) {
	const tenants, tokenBytes = 20000, 33 * 1024
	cloud := fakeCloud()
	for range b.N {
		login := newFakeLogin(tokenBytes)
		s := NewRefreshTokenSource(cloud, "04b07795-8ddb-461a-bbee-02f9e1bf7b46", "refresh-token", login.client())
		s.Tokens = NewTokenStore(DefaultTokenBudget)
		before, _ := liveHeap()
		for i := range tenants {
			if _, err := s.Token(context.Background(), tenantN(i), cloud.GraphResource); err != nil {
				b.Fatal(err)
			}
		}
		after, _ := liveHeap()
		b.ReportMetric(float64(before)/mib, "heap-before-MiB")
		b.ReportMetric(float64(after)/mib, "heap-after-MiB")
		b.ReportMetric(float64(s.Tokens.Size())/mib, "store-MiB")
		runtime.KeepAlive(s)
	}
}
