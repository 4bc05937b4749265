//go:generate go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate --provider-name onboard

package main

import (
	"context"
	"flag"
	"log"
	"os"
	rdebug "runtime/debug"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/onboard-tf/terraform-provider-onboard/internal/provider"
)

// memoryLimit is the soft memory limit when GOMEMLIMIT is not set:
// below issue 20's 250 MiB peak RSS for 10,000 tenants, with room for what
// the runtime keeps outside the heap (stacks, its own metadata).
const memoryLimit = 160 << 20

// version is set by goreleaser at release time.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()
	quietLogsFromEnv()
	if os.Getenv("GOMEMLIMIT") == "" {
		// A soft limit makes the garbage collector work harder as the heap
		// nears it instead of letting it double (GOGC=100) after each
		// cycle: over 10,000 tenants the live heap is small but the
		// provider allocates fast (responses, tokens, plans), and without
		// a limit peak RSS follows the garbage, not what is kept. It is
		// soft: a provider that really needs more still gets it (the
		// collector then runs often, never fails an allocation).
		// GOMEMLIMIT, when set, wins (the runtime reads it itself).
		rdebug.SetMemoryLimit(memoryLimit)
	}
	if path := os.Getenv("ONBOARD_HEAP_PROFILE"); path != "" {
		go writeHeapProfiles(path)
	}
	// ONBOARD_CPU_PROFILE: a CPU profile of this provider process, written
	// when Terraform stops it (the bench's "provider CPU" column, broken down).
	stopCPUProfile := func() {}
	if path := os.Getenv("ONBOARD_CPU_PROFILE"); path != "" {
		stopCPUProfile = startCPUProfile(path)
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/onboard-tf/onboard",
		Debug:   debug,
	})
	stopCPUProfile()
	// Serve returns when Terraform stops the provider gracefully: the last
	// new tokens go to token_cache_path now (they are otherwise written
	// every few seconds).
	if ferr := provider.FlushTokenCaches(); ferr != nil {
		log.Printf("writing the token cache: %v", ferr)
	}
	if err != nil {
		log.Fatal(err.Error())
	}
}
