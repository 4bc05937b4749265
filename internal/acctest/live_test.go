package acctest

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// fakeTB records what live mode does to a test instead of doing it.
type fakeTB struct{ fatal, skip string }

func (f *fakeTB) Helper()                        {}
func (f *fakeTB) Fatalf(format string, a ...any) { f.fatal = fmt.Sprintf(format, a...) }
func (f *fakeTB) Skipf(format string, a ...any)  { f.skip = fmt.Sprintf(format, a...) }

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

var complete = env("ONBOARD_TENANT_ID", "t", "ONBOARD_CLIENT_ID", "c", "ONBOARD_CLIENT_SECRET", "s")

// A missing variable fails the test (never skips it), naming every unmet
// requirement and its alternatives.
func TestLiveModeFailsOnMissingVariables(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  func(string) string
		want []string
	}{
		{"nothing set", env(), []string{"ONBOARD_TENANT_ID or ARM_TENANT_ID", "ONBOARD_CLIENT_ID or ARM_CLIENT_ID",
			"ONBOARD_CLIENT_SECRET or ARM_CLIENT_SECRET or ONBOARD_CLIENT_CERTIFICATE_PATH or ONBOARD_USE_OIDC"}},
		{"no credential", env("ARM_TENANT_ID", "t", "ONBOARD_CLIENT_ID", "c"), []string{"ONBOARD_CLIENT_SECRET or ARM_CLIENT_SECRET"}},
		{"certificate instead of a secret", env("ONBOARD_TENANT_ID", "t", "ARM_CLIENT_ID", "c", "ONBOARD_CLIENT_CERTIFICATE_PATH", "/x.pem"), nil},
		{"complete", complete, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeTB{}
			checkLiveEnv(f, tc.env)
			if (f.fatal != "") != (tc.want != nil) || f.skip != "" {
				t.Fatalf("fatal %q, skip %q; want fatal naming %v", f.fatal, f.skip, tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(f.fatal, w) || !strings.Contains(f.fatal, "ONBOARD_LIVE=1") {
					t.Errorf("message %q does not name %q", f.fatal, w)
				}
			}
		})
	}
}

// A test is skipped with what it needs of the emulator; one that only needs
// the provider's environment runs.
func TestLiveModeSkipsWhatNeedsTheEmulator(t *testing.T) {
	src, err := os.ReadFile("testdata/sample.go")
	if err != nil {
		t.Fatal(err)
	}
	lineOf := func(fn string) int {
		for i, l := range strings.Split(string(src), "\n") {
			if strings.HasPrefix(l, "func "+fn+"(") {
				return i + 2 // the acctest.Emulator line
			}
		}
		t.Fatalf("no %s in the sample", fn)
		return 0
	}
	for _, tc := range []struct {
		fn   string
		skip string // "" runs
	}{
		{"TestEnvOnly", ""},
		{"TestClockAndInspect", "clock (Advance); inspect (AppsNamed, Grants)"},
		{"TestFaults", "faults (InjectFault); seeding (SeedTenant)"},
		{"TestHelper", "the emulator, handed to seedCustomer"},
		{"TestUnknownMethod", "the control API (SomethingNew)"},
		{"TestSeededTenant", "seeded directory (emulator.FabrikamTenantID)"},
	} {
		t.Run(tc.fn, func(t *testing.T) {
			f := &fakeTB{}
			liveEmulator(f, "testdata/sample.go", lineOf(tc.fn), complete)
			switch {
			case f.fatal != "":
				t.Fatalf("failed: %s", f.fatal)
			case tc.skip == "" && f.skip != "":
				t.Fatalf("skipped: %s", f.skip)
			case tc.skip != "" && !strings.Contains(f.skip, "needs the emulator's "+tc.skip+", which a real tenant does not offer"):
				t.Fatalf("skip message %q does not name %q", f.skip, tc.skip)
			}
		})
	}
	// Variables are checked first: a missing one fails even a test that
	// would be skipped.
	f := &fakeTB{}
	liveEmulator(f, "testdata/sample.go", lineOf("TestClockAndInspect"), env())
	if f.fatal == "" {
		t.Fatal("missing variables did not fail the test")
	}
}

// Emulator itself, with ONBOARD_LIVE=1: this test function uses the
// emulator only for its environment, so it runs and gets no emulator.
func TestLiveModeEmulatorReturnsNil(t *testing.T) {
	t.Setenv(LiveEnvVar, "1")
	t.Setenv("ONBOARD_TENANT_ID", "t")
	t.Setenv("ONBOARD_CLIENT_ID", "c")
	t.Setenv("ONBOARD_CLIENT_SECRET", "s")
	if Emulator(t) != nil {
		t.Fatal("live mode started an emulator")
	}
}
