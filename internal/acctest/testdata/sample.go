package sample

// Functions shaped like the provider's acceptance tests, for live.go's
// reading of what a test needs of the emulator.

func TestEnvOnly(t *testing.T) {
	acctest.Emulator(t)
	resource.Test(t, resource.TestCase{})
}

func TestClockAndInspect(t *testing.T) {
	srv := acctest.Emulator(t)
	srv.Advance(time.Hour)
	_ = srv.AppsNamed("x")
	_ = srv.Grants("t", "a")
}

func TestFaults(t *testing.T) {
	emu := acctest.Emulator(t)
	emu.InjectFault(emulator.Fault{})
	emu.SeedTenant(emulator.TenantSeed{})
}

func TestHelper(t *testing.T) {
	srv := acctest.Emulator(t)
	seedCustomer(t, srv)
}

func TestUnknownMethod(t *testing.T) {
	srv := acctest.Emulator(t)
	srv.SomethingNew()
}

func TestSeededTenant(t *testing.T) {
	acctest.Emulator(t)
	_ = fmt.Sprintf("tenant_id = %q", emulator.FabrikamTenantID)
}
