// Command emulator serves the local Microsoft cloud (identity platform,
// Microsoft Graph, Business Central) until interrupted, and writes an env
// file that points the provider at it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr, nil); err != nil {
		log.Fatalf("emulator: %v", err)
	}
}

// shutdownGrace bounds how long a stop waits for requests in flight (an
// injected latency fault among them) before state is saved.
const shutdownGrace = 30 * time.Second

// run serves until ctx ends, then stops accepting requests, lets those in
// flight finish and saves state; ready, if set, is called once the env file
// is written.
func run(ctx context.Context, args []string, stderr io.Writer, ready func(*emulator.Server)) error {
	fs := flag.NewFlagSet("emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8443", "address to listen on (port 0 picks a free port)")
	envFile := fs.String("env-file", "", "write shell export lines for the provider to this file, and the CA to emulator-ca.pem beside it")
	stateFile := fs.String("state", "", "load state (tenants, clock, CA and signing keys) from this file if it exists, save it there on exit")
	seedFile := fs.String("seed", "", "JSON file with a list of tenants to seed (TenantSeed objects, see the emulator reference); not applied when --state loaded a saved state")
	throttling := fs.Bool("throttle", false, "enforce Microsoft's published throttling limits (429 with Retry-After); also PUT /_emulator/throttling")
	if err := fs.Parse(args); err != nil {
		return err
	}
	logger := log.New(stderr, "", log.LstdFlags)

	opts := emulator.Options{Listen: *listen, Throttling: *throttling}
	var state []byte
	if *stateFile != "" {
		b, err := os.ReadFile(*stateFile)
		switch {
		case err == nil:
			state = b
			// Clients keep trusting the CA file and tokens issued before a
			// restart only if the keys are the same.
			if opts.Keys, err = emulator.KeysFromState(b); err != nil {
				return fmt.Errorf("reading %s: %w", *stateFile, err)
			}
		case !errors.Is(err, os.ErrNotExist):
			return err
		}
	}
	srv, err := emulator.New(opts)
	if err != nil {
		return err
	}
	defer srv.Close()
	if state != nil {
		if err := srv.LoadState(state); err != nil {
			return fmt.Errorf("loading %s: %w", *stateFile, err)
		}
	}
	switch {
	case *seedFile != "" && state != nil:
		// Seeding replaces tenants, and with them what was applied to them
		// since: the saved state wins.
		logger.Printf("emulator: state loaded from %s; --seed %s not applied (remove the state file to seed again)", *stateFile, *seedFile)
	case *seedFile != "":
		if err := srv.SeedFile(*seedFile); err != nil {
			return fmt.Errorf("seeding from %s: %w", *seedFile, err)
		}
	}
	if *envFile != "" {
		// Absolute, so the env file works from any directory it is sourced in.
		caFile, err := filepath.Abs(filepath.Join(filepath.Dir(*envFile), "emulator-ca.pem"))
		if err != nil {
			return err
		}
		if err := srv.WriteCAFile(caFile); err != nil {
			return err
		}
		if err := writeEnv(*envFile, envOf(srv)); err != nil {
			return err
		}
	}
	logger.Printf("emulator: serving on %s (control API under %s/_emulator/)", srv.URL(), srv.URL())
	if ready != nil {
		ready(srv)
	}

	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Printf("emulator: requests still in flight after %s: %v", shutdownGrace, err)
	}
	if *stateFile != "" {
		b, err := srv.SaveState()
		if err == nil {
			err = os.WriteFile(*stateFile, b, 0o600)
		}
		if err != nil {
			return fmt.Errorf("saving state: %w", err)
		}
		logger.Printf("emulator: state saved to %s", *stateFile)
	}
	return nil
}

// envOf is what the env file exports: the server's Env and a refresh token
// of the default partner admin.
func envOf(srv *emulator.Server) map[string]string {
	env := srv.Env()
	// The default partner admin's refresh token (Azure CLI client), as a
	// partner would keep one for CI: GDAP gives it Cloud Application and
	// Dynamics 365 Administrator in Fabrikam, Global Administrator in
	// Northwind, nothing in Tailspin (expired).
	if rt, err := srv.IssueRefreshToken(emulator.DefaultPartnerAdminUPN, "04b07795-8ddb-461a-bbee-02f9e1bf7b46"); err == nil {
		env["ONBOARD_PARTNER_REFRESH_TOKEN"] = rt
	}
	return env
}

// writeEnv writes export lines atomically, so a script polling for the file
// never reads half of it.
func writeEnv(path string, env map[string]string) error {
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "export %s='%s'\n", k, strings.ReplaceAll(env[k], "'", `'\''`))
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
