package acctest

import (
	"os"
	"testing"
)

// The caller's ONBOARD_* and ARM_* settings (a developer's real tenant, a
// partner refresh token) never reach the provider under test: the
// emulator's replace them, and the rest are gone.
func TestEmulatorClearsCallerEnvironment(t *testing.T) {
	for _, k := range []string{"ONBOARD_PARTNER_REFRESH_TOKEN", "ONBOARD_CLIENT_SECRET", "ONBOARD_CLIENT_CERTIFICATE_PATH", "ONBOARD_USE_OIDC",
		"ARM_TENANT_ID", "ARM_CLIENT_SECRET", "ARM_OIDC_TOKEN", "ARM_ENVIRONMENT"} {
		t.Setenv(k, "garbage")
	}
	srv := Emulator(t)
	want := srv.Env()
	if want["ONBOARD_CLIENT_SECRET"] == "" || want["ONBOARD_CLIENT_SECRET"] == "garbage" {
		t.Fatalf("the emulator's environment has no client secret of its own: %v", want)
	}
	for k, v := range want {
		if got := os.Getenv(k); got != v {
			t.Errorf("%s = %q, want the emulator's %q", k, got, v)
		}
	}
	for _, k := range []string{"ONBOARD_PARTNER_REFRESH_TOKEN", "ONBOARD_CLIENT_CERTIFICATE_PATH", "ONBOARD_USE_OIDC",
		"ARM_TENANT_ID", "ARM_CLIENT_SECRET", "ARM_OIDC_TOKEN", "ARM_ENVIRONMENT"} {
		if _, set := os.LookupEnv(k); set {
			t.Errorf("%s is still set", k)
		}
	}
}
