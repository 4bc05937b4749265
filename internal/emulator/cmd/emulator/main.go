// Command emulator serves the local Microsoft cloud (identity platform,
// Microsoft Graph, Business Central) until interrupted, and writes an env
// file that points the provider at it.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8443", "address to listen on (port 0 picks a free port)")
	envFile := flag.String("env-file", "", "write shell export lines for the provider to this file")
	stateFile := flag.String("state", "", "load state from this file if it exists, save it there on exit")
	seedFile := flag.String("seed", "", "JSON file with a list of tenants to seed (control API TenantSeed objects)")
	flag.Parse()

	srv, err := emulator.New(emulator.Options{Listen: *listen})
	if err != nil {
		log.Fatalf("emulator: %v", err)
	}
	defer srv.Close()
	if *stateFile != "" {
		if _, err := os.Stat(*stateFile); err == nil {
			if err := srv.LoadStateFile(*stateFile); err != nil {
				log.Fatalf("emulator: loading %s: %v", *stateFile, err)
			}
		}
	}
	if *seedFile != "" {
		if err := srv.SeedFile(*seedFile); err != nil {
			log.Fatalf("emulator: seeding from %s: %v", *seedFile, err)
		}
	}
	if *envFile != "" {
		dir := filepath.Dir(*envFile)
		if err := srv.WriteCAFile(filepath.Join(dir, "emulator-ca.pem")); err != nil {
			log.Fatalf("emulator: %v", err)
		}
		env := srv.Env()
		// The default partner admin's refresh token (Azure CLI client), as a
		// partner would keep one for CI: GDAP gives it Cloud Application and
		// Dynamics 365 Administrator in Fabrikam, Global Administrator in
		// Northwind, nothing in Tailspin (expired).
		if rt, err := srv.IssueRefreshToken(emulator.DefaultPartnerAdminUPN, "04b07795-8ddb-461a-bbee-02f9e1bf7b46"); err == nil {
			env["ONBOARD_PARTNER_REFRESH_TOKEN"] = rt
		}
		if err := writeEnv(*envFile, env); err != nil {
			log.Fatalf("emulator: %v", err)
		}
	}
	log.Printf("emulator: serving on %s (control API under %s/_emulator/)", srv.URL(), srv.URL())

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	if *stateFile != "" {
		b, err := srv.SaveState()
		if err == nil {
			err = os.WriteFile(*stateFile, b, 0o600)
		}
		if err != nil {
			log.Printf("emulator: saving state: %v", err)
		}
	}
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
