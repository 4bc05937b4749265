// Package acctest runs acceptance tests: the real Terraform CLI against the
// provider (in-process) against the emulator (in-process), offline.
package acctest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
	"github.com/onboard-tf/terraform-provider-onboard/internal/provider"
)

// ProtoV6ProviderFactories serves the provider to Terraform from the test
// process.
var ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"onboard": providerserver.NewProtocol6WithError(provider.New("test")()),
}

var (
	once   sync.Once
	shared *emulator.Server
	err    error
)

// Emulator returns the test binary's emulator, starting it on first use and
// pointing the provider's environment variables at it. Tests share it, so
// each uses its own names and tenants.
//
// In live-tenant mode (ONBOARD_LIVE=1) it starts nothing and returns nil:
// a test that uses the emulator's control API is skipped with what it
// needs, the others run against the tenant the ONBOARD_* variables name.
func Emulator(t *testing.T) *emulator.Server {
	t.Helper()
	if Live() {
		_, file, line, _ := runtime.Caller(1)
		liveEmulator(t, file, line, os.Getenv)
		return nil
	}
	once.Do(func() {
		clearCallerEnv()
		shared, err = emulator.New(emulator.Options{})
		if err != nil {
			return
		}
		dir, derr := os.MkdirTemp("", "onboard-acc-")
		if derr != nil {
			err = derr
			return
		}
		if err = shared.WriteCAFile(filepath.Join(dir, "ca.pem")); err != nil {
			return
		}
		for k, v := range shared.Env() {
			os.Setenv(k, v)
		}
		// The emulator's objects are visible at once unless a test asks for
		// replication delay, so a 404 is real: don't wait long for it.
		os.Setenv("ONBOARD_REPLICATION_WAIT", "3s")
		os.Setenv("ONBOARD_RETRY_BASE_DELAY", "200ms")
	})
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	// Faults and replication delay are the emulator's, not one tenant's:
	// they end with the test that set them.
	t.Cleanup(func() {
		shared.ClearFaults()
		shared.SetReplicationDelay(0)
	})
	return shared
}

// clearCallerEnv unsets every ONBOARD_* and ARM_* variable of the shell the
// tests run in: a developer's real credentials, partner refresh token or
// endpoints must not change what the tests see. The emulator's settings are
// set after this; tests set their own with t.Setenv.
func clearCallerEnv() {
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "ONBOARD_") || strings.HasPrefix(k, "ARM_") {
			os.Unsetenv(k)
		}
	}
}

// PreCheck fails (never skips) an acceptance test that cannot run: with
// TF_ACC set, a Terraform CLI must be available.
func PreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		return // resource.Test skips with its own message
	}
	if Live() {
		checkLiveEnv(t, os.Getenv)
	}
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("TF_ACC_TERRAFORM_PATH=%s: %v", p, err)
		}
		return
	}
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Fatal("TF_ACC is set but no Terraform CLI was found: put terraform on PATH or set TF_ACC_TERRAFORM_PATH " +
			"(make test does this, building Terraform 1.5.7 from the Go module proxy when needed)")
	}
}

// Name returns a unique display name for a test object.
func Name(t *testing.T, suffix string) string {
	return fmt.Sprintf("acc %s %s", t.Name(), suffix)
}
