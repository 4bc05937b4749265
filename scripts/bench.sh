#!/usr/bin/env bash
# make bench: the provider over 100, 500 and 1,000 customer tenants of the
# emulator with 50 ms latency per request (see internal/bench). Not part of
# make test. BENCH_TENANTS, BENCH_LATENCY, BENCH_OUT, BENCH_STEPS and BENCH_BACKEND override
# the defaults. The table goes to bench-results/latest.md (not committed):
# bench-results.md is prose, into which a run worth keeping is copied by hand.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
tf="$(scripts/terraform-path.sh)"
echo "terraform: $tf ($("$tf" version | head -1))"
exec go run ./internal/bench -terraform "$tf" \
  -tenants "${BENCH_TENANTS:-100,500,1000}" -latency "${BENCH_LATENCY:-50ms}" -out "${BENCH_OUT:-bench-results/latest.md}" \
  -steps "${BENCH_STEPS:-plan,revoked,sync}" -backend "${BENCH_BACKEND:-local}" "$@"
