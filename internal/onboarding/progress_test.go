package onboarding

import (
	"testing"
	"time"
)

func TestProgress(t *testing.T) {
	for _, c := range []struct {
		p    Progress
		rate float64
		eta  time.Duration
	}{
		{Progress{Done: 0, Total: 100, Elapsed: 0}, 0, -1},
		{Progress{Done: 0, Total: 100, Elapsed: time.Minute}, 0, -1},
		{Progress{Done: 25, Total: 100, Elapsed: 10 * time.Second}, 2.5, 30 * time.Second},
		{Progress{Done: 1, Total: 3, Elapsed: 3 * time.Second}, 1.0 / 3, 6 * time.Second},
		{Progress{Done: 100, Total: 100, Elapsed: 40 * time.Second}, 2.5, 0},
	} {
		if got := c.p.Rate(); got != c.rate {
			t.Errorf("%+v: rate %v, want %v", c.p, got, c.rate)
		}
		if got := c.p.ETA(); got != c.eta {
			t.Errorf("%+v: ETA %v, want %v", c.p, got, c.eta)
		}
	}
}

func TestProgressDue(t *testing.T) {
	const every = 10 * time.Second
	for _, c := range []struct {
		done, total int
		since       time.Duration
		want        bool
	}{
		{0, 10000, 0, true},               // the start
		{10000, 10000, time.Second, true}, // the end
		{5000, 10000, time.Second, false}, // between lines
		{5000, 10000, every, true},        // a line per interval
		{5001, 10000, 11 * time.Second, true},
	} {
		if got := ProgressDue(c.done, c.total, c.since, every); got != c.want {
			t.Errorf("ProgressDue(%d, %d, %v) = %v, want %v", c.done, c.total, c.since, got, c.want)
		}
	}
}
