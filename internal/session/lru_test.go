package session

import (
	"fmt"
	"testing"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

func TestLRUForgetsLeastRecentlyUsed(t *testing.T) {
	c := newLRU[string, int](2)
	c.add("a", 1)
	c.add("b", 2)
	if got := c.add("a", 9); got != 1 { // present: kept, and now the most recent
		t.Fatalf("add of a present key returned %d", got)
	}
	c.add("c", 3) // forgets b
	if _, ok := c.get("b"); ok {
		t.Fatal("b kept past the bound")
	}
	if v, ok := c.get("a"); !ok || v != 1 {
		t.Fatalf("a: %d %v", v, ok)
	}
	if v, ok := c.get("c"); !ok || v != 3 || c.len() != 2 {
		t.Fatalf("c: %d %v, %d entries", v, ok, c.len())
	}
}

// A run over thousands of tenants keeps at most clientCacheSize Graph
// clients, while a tenant in use keeps its client.
func TestPerTenantClientsBounded(t *testing.T) {
	_, s := emulatorSession(t, true, nil)
	first, err := s.PartnerGraph(emulator.FabrikamTenantID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 * clientCacheSize {
		if _, err := s.PartnerGraph(fmt.Sprintf("be000000-0000-4000-8000-%012d", i)); err != nil {
			t.Fatal(err)
		}
		if i%100 == 0 {
			if again, _ := s.PartnerGraph(emulator.FabrikamTenantID); again != first {
				t.Fatal("a tenant in use lost its client")
			}
		}
	}
	if n := s.graphs.len(); n != clientCacheSize {
		t.Fatalf("%d Graph clients kept, want %d", n, clientCacheSize)
	}
}
