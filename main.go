//go:generate go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate --provider-name onboard

package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/onboard-tf/terraform-provider-onboard/internal/provider"
)

// version is set by goreleaser at release time.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "set to true to run the provider with support for debuggers like delve")
	flag.Parse()
	if path := os.Getenv("ONBOARD_HEAP_PROFILE"); path != "" {
		go writeHeapProfiles(path)
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/onboard-tf/onboard",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
