package auth

import (
	"strings"
	"sync"
	"time"
)

// DefaultTokenBudget is the bytes of access tokens a provider process keeps
// in memory (TokenStore), counted as each token's and key's length plus
// entryOverhead (entrySize).
//
// Why 48 MiB: issue 20's scale is 10,000 customer tenants under 250 MiB of
// peak RSS (main.go sets a 160 MiB soft memory limit). A run reuses one
// token per API per tenant, so the store should hold 10,000 tenants x 2 APIs
// (Graph, Business Central) of real app-only tokens: about 1.4 KB each, a
// key of about 110 bytes (fileKey: credential hash, tenant ID, resource)
// and entryOverhead, 20,000 x 1,670 B = 32 MiB. 48 MiB holds those with
// half again to spare for larger tokens (a Graph token listing many roles)
// and for the partner's delegated tokens, and is still under a third of the
// soft limit. What does not fit is evicted least recently used and asked
// for again when next needed: a token request, never an error. The
// emulator's partner Graph token is about 33 KB (every Graph scope in its
// scp claim, 40 KiB of heap), so there the budget holds about 1,200 of
// them rather than 400 MiB for 10,000 tenants.
const DefaultTokenBudget = 48 << 20

// entryOverhead is what an entry costs beyond its key's and token's bytes:
// the entry with its list links (80 B) and the map's slot (about 40 B),
// rounded up. Counting it keeps the budget an honest figure for many
// small tokens.
const entryOverhead = 160

// processTokens is the store of a credential built without one (Config.Tokens,
// RefreshTokenSource.Tokens nil). internal/session gives every credential of a
// provider configuration its one store instead. Sharing: the automation
// identity, each onboarded app's own credential and the partner share it,
// so the process keeps at most DefaultTokenBudget bytes of tokens however
// many credentials a configuration uses (session makes an Authenticator
// per onboarded app). Keys name their credential (fileKey), so sharing
// never hands one credential another's token. A store per credential
// would be simpler to reason about locally, but its bound would multiply
// with the number of apps.
var processTokens = NewTokenStore(DefaultTokenBudget)

// TokenStore keeps access tokens in memory up to a byte budget, evicting
// the least recently used. It never returns a token that expires within
// the caller's margin, and drops such a token when it is asked for.
type TokenStore struct {
	budget int

	mu   sync.Mutex
	size int
	// head is the most recently used entry, tail the least; the list is
	// linked through the entries themselves.
	head, tail *storeEntry
	byKey      map[string]*storeEntry
}

type storeEntry struct {
	key        string
	token      AccessToken
	prev, next *storeEntry // towards head, towards tail
}

// NewTokenStore returns an empty store that keeps at most budget bytes.
func NewTokenStore(budget int) *TokenStore {
	return &TokenStore{budget: budget, byKey: map[string]*storeEntry{}}
}

// entrySize is what one entry counts against the budget.
func entrySize(key string, t AccessToken) int {
	return len(key) + heapBytes(len(t.Value)) + entryOverhead
}

// heapBytes is what a string of n bytes takes in Go's heap when n is
// above the runtime's largest size class (32 KiB, maxSmallSize in
// runtime/sizeclasses.go): a span of whole 8 KiB pages. The emulator's
// 33,792-byte partner token takes 40,960 bytes, and counting its length
// alone let a full store hold 61 MiB of heap under a 48 MiB budget. Smaller
// strings are rounded up to a size class by at most an eighth, which
// entryOverhead and the budget's headroom absorb.
func heapBytes(n int) int {
	const maxSmallSize, pageSize = 32 << 10, 8 << 10
	if n <= maxSmallSize {
		return n
	}
	return (n + pageSize - 1) / pageSize * pageSize
}

// Get returns the token under key if it is valid for longer than margin at
// now, and marks it used. A token past that is dropped: it will not be
// returned again, and a new one replaces it.
func (s *TokenStore) Get(key string, margin time.Duration, now time.Time) (AccessToken, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.byKey[key]
	if !ok {
		return AccessToken{}, false
	}
	if e.token.ExpiresOn.Sub(now) <= margin {
		s.remove(e)
		return AccessToken{}, false
	}
	s.unlink(e)
	s.pushFront(e)
	return e.token, true
}

// Put keeps t under key (replacing what was there) as the most recently
// used, then evicts the least recently used until the store is within its
// budget. A token larger than the whole budget is not kept.
func (s *TokenStore) Put(key string, t AccessToken) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.byKey[key]; ok {
		s.remove(e)
	}
	n := entrySize(key, t)
	if n > s.budget {
		return
	}
	for s.size+n > s.budget {
		s.remove(s.tail)
	}
	e := &storeEntry{key: key, token: t}
	s.pushFront(e)
	s.byKey[key] = e
	s.size += n
}

// Drop forgets the token under key.
func (s *TokenStore) Drop(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.byKey[key]; ok {
		s.remove(e)
	}
}

// Forget drops every token whose key starts with prefix (a credential's
// tokens in one tenant: tenantPrefix). It reads every entry; it runs when
// consent changes or a token is refused, not per request.
func (s *TokenStore) Forget(prefix string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for key, e := range s.byKey {
		if strings.HasPrefix(key, prefix) {
			s.remove(e)
		}
	}
}

// Size is the bytes the store's entries count against its budget.
func (s *TokenStore) Size() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.size
}

// Len is the number of tokens kept.
func (s *TokenStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byKey)
}

// remove deletes e; s.mu is held.
func (s *TokenStore) remove(e *storeEntry) {
	s.unlink(e)
	delete(s.byKey, e.key)
	s.size -= entrySize(e.key, e.token)
}

// pushFront makes e the most recently used; e is unlinked, s.mu is held.
func (s *TokenStore) pushFront(e *storeEntry) {
	e.prev, e.next = nil, s.head
	if s.head != nil {
		s.head.prev = e
	}
	s.head = e
	if s.tail == nil {
		s.tail = e
	}
}

// unlink takes e out of the list; s.mu is held.
func (s *TokenStore) unlink(e *storeEntry) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		s.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		s.tail = e.prev
	}
	e.prev, e.next = nil, nil
}
