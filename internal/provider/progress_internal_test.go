package provider

import (
	"bytes"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// A run logs its start, its end and at most one line per interval between:
// 2,500 tenants done within one interval log two lines, not 2,500.
func TestProgressLogsBoundedAtInfo(t *testing.T) {
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(t.Context(), &out)
	defer func(d time.Duration) { progressInterval = d }(progressInterval)
	progressInterval = time.Hour
	p := startProgress(ctx, "onboard_sync", 2500)
	for range 2500 {
		p.step(ctx)
	}
	lines, err := tflogtest.MultilineJSONDecode(&out)
	if err != nil || len(lines) != 2 {
		t.Fatalf("logged %d lines (%v): %v", len(lines), err, lines)
	}
	first, last := lines[0], lines[1]
	if first["@level"] != "info" || first["@message"] != "onboard_sync: 0/2500 tenants" || first["eta"] != "unknown" {
		t.Fatalf("first line %v", first)
	}
	if last["@message"] != "onboard_sync: 2500/2500 tenants" || last["done"] != float64(2500) || last["total"] != float64(2500) || last["eta"] != "0s" {
		t.Fatalf("last line %v", last)
	}
	// With no bound between lines, every tenant logs one.
	out.Reset()
	progressInterval = 0
	p = startProgress(ctx, "onboard_sync", 3)
	for range 3 {
		p.step(ctx)
	}
	if lines, _ := tflogtest.MultilineJSONDecode(&out); len(lines) != 4 {
		t.Fatalf("interval 0: %d lines, want 4", len(lines))
	}
}
