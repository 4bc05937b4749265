package session

import (
	"container/list"
	"sync"
)

// clientCacheSize bounds the per-tenant clients a session keeps: enough for
// every tenant Terraform works on at once (-parallelism, max_parallel) and
// the resources of one tenant that follow each other, not one per tenant of
// a 10,000-customer run, whose clients would outlive their use.
const clientCacheSize = 256

// lru is a bounded map that forgets the least recently used entry.
type lru[K comparable, V any] struct {
	mu    sync.Mutex
	max   int
	order *list.List // front: most recent; values are K
	items map[K]lruItem[V]
}

type lruItem[V any] struct {
	v  V
	el *list.Element
}

func newLRU[K comparable, V any](size int) *lru[K, V] {
	return &lru[K, V]{max: size, order: list.New(), items: map[K]lruItem[V]{}}
}

func (c *lru[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	it, ok := c.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(it.el)
	return it.v, true
}

// add stores v unless k is present; it returns what k holds afterwards.
func (c *lru[K, V]) add(k K, v V) V {
	c.mu.Lock()
	defer c.mu.Unlock()
	if it, ok := c.items[k]; ok {
		c.order.MoveToFront(it.el)
		return it.v
	}
	c.items[k] = lruItem[V]{v: v, el: c.order.PushFront(k)}
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		k, _ := last.Value.(K)
		delete(c.items, k)
	}
	return v
}

func (c *lru[K, V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}
