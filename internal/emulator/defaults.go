package emulator

// The default seed: what `New` loads unless told to start empty, and what the
// standalone emulator writes into its env file. Tests and the demo rely on
// these values.
const (
	// DefaultHomeTenantID is the vendor's (or MSP's) own tenant.
	DefaultHomeTenantID     = "7d2a1c5e-3b4f-4e6a-9c8d-1f0e2a3b4c5d"
	DefaultHomeTenantDomain = "contosovendor.onmicrosoft.com"
	DefaultHomeTenantName   = "Contoso Vendor"

	// DefaultAutomationClientID is the automation identity that manages app
	// registrations in the home tenant. It holds Application.ReadWrite.All,
	// AppRoleAssignment.ReadWrite.All, DelegatedPermissionGrant.ReadWrite.All,
	// Organization.Read.All and CrossTenantInformation.ReadBasic.All there.
	DefaultAutomationClientID     = "a1b2c3d4-0000-4000-8000-00000000a11c"
	DefaultAutomationClientSecret = "emu~AutomationSecret.0123456789abcdefXYZ"
	DefaultAutomationDisplayName  = "onboard automation"
)
