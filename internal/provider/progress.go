package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
)

// progressInterval bounds how often a long run logs its progress.
var progressInterval = 10 * time.Second

// progress logs a run over many tenants at INFO (TF_LOG=INFO shows it):
// done/total, rate and ETA, when it starts, at most once per
// progressInterval, and when it ends.
type progress struct {
	what  string
	total int

	mu    sync.Mutex
	done  int
	start time.Time
	last  time.Time
}

func startProgress(ctx context.Context, what string, total int) *progress {
	now := time.Now()
	p := &progress{what: what, total: total, start: now, last: now}
	p.log(ctx, 0, 0)
	return p
}

// step counts one tenant done and logs when a line is due.
func (p *progress) step(ctx context.Context) {
	p.mu.Lock()
	p.done++
	now := time.Now()
	due := onboarding.ProgressDue(p.done, p.total, now.Sub(p.last), progressInterval)
	if due {
		p.last = now
	}
	done, elapsed := p.done, now.Sub(p.start)
	p.mu.Unlock()
	if due {
		p.log(ctx, done, elapsed)
	}
}

func (p *progress) log(ctx context.Context, done int, elapsed time.Duration) {
	pr := onboarding.Progress{Done: done, Total: p.total, Elapsed: elapsed}
	eta := "unknown"
	if d := pr.ETA(); d >= 0 {
		eta = d.String()
	}
	tflog.Info(ctx, fmt.Sprintf("%s: %d/%d tenants", p.what, done, p.total), map[string]any{
		"done": done, "total": p.total, "rate_per_second": fmt.Sprintf("%.1f", pr.Rate()), "eta": eta,
		"elapsed": elapsed.Round(time.Second).String(),
	})
}
