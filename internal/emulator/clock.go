package emulator

import (
	"sync"
	"time"
)

// clock is real time plus an offset that the control API advances, so tests
// can make tokens and secrets expire without waiting.
type clock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().UTC().Add(c.offset)
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

func (s *Server) now() time.Time {
	if s.clock == nil { // handler tests build a bare Server
		return time.Now().UTC()
	}
	return s.clock.now()
}

// Now is the emulator's current time.
func (s *Server) Now() time.Time { return s.now() }

// Advance moves the emulator's clock forward.
func (s *Server) Advance(d time.Duration) { s.clock.advance(d) }
