package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"strings"
	"time"
)

// heapProfileEvery is how often ONBOARD_HEAP_PROFILE is rewritten.
const heapProfileEvery = 5 * time.Second

// writeHeapProfiles rewrites a pprof heap profile at path every few
// seconds while the provider runs (Terraform stops the provider without
// notice, so there is no last chance at exit): `go tool pprof` on it shows
// what the provider holds on to, e.g. in a bench over 10,000 tenants
// (ONBOARD_HEAP_PROFILE=/tmp/heap.pprof; a %d in it becomes the process
// ID, one file per provider process). A diagnostic aid, not a setting.
func writeHeapProfiles(path string) {
	if strings.Contains(path, "%d") {
		path = fmt.Sprintf(path, os.Getpid())
	}
	for range time.Tick(heapProfileEvery) {
		tmp := path + ".tmp"
		f, err := os.Create(tmp)
		if err != nil {
			return
		}
		err = pprof.WriteHeapProfile(f)
		if cerr := f.Close(); err == nil && cerr == nil {
			_ = os.Rename(tmp, path)
		}
	}
}

// startCPUProfile starts a CPU profile into path (%d: the process ID) and
// returns what stops it; a profile that cannot start is skipped.
func startCPUProfile(path string) (stop func()) {
	if strings.Contains(path, "%d") {
		path = fmt.Sprintf(path, os.Getpid())
	}
	f, err := os.Create(path)
	if err != nil {
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
