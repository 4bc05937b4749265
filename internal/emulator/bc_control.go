package emulator

import (
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/businesscentral"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// Control hooks for Business Central: seed what a tenant has, and play the
// people who click in the admin center and in the BC client. Each hook is a Go
// method (for in-process tests) and an HTTP route under /_emulator/bc/ (for
// the standalone emulator and the demo). {tenant} is a tenant ID or domain.
//
//	PUT    /_emulator/bc/tenants/{tenant}/environments/{env}        BCEnvironmentSpec -> 204   SeedBCEnvironment
//	DELETE /_emulator/bc/tenants/{tenant}/environments/{env}        -> 204                     RemoveBCEnvironment
//	GET    /_emulator/bc/tenants/{tenant}/authorizedApps            -> 200 ["clientId", ...]   BCAuthorizedApps
//	PUT    /_emulator/bc/tenants/{tenant}/authorizedApps/{clientId} -> 204                     AuthorizeBCApp
//	DELETE /_emulator/bc/tenants/{tenant}/authorizedApps/{clientId} -> 204                     RemoveBCAuthorizedApp
//	PUT    /_emulator/bc/tenants/{tenant}/environments/{env}/entraApps/{clientId}  BCEntraAppSpec -> 200 BCEntraAppState  CreateBCEntraApp
//	PATCH  /_emulator/bc/tenants/{tenant}/environments/{env}/entraApps/{clientId}  {"state"} -> 200     SetBCEntraAppState
//	GET    /_emulator/bc/tenants/{tenant}/environments/{env}/entraApps/{clientId}  -> 200 BCEntraAppState BCEntraApp
//	DELETE /_emulator/bc/tenants/{tenant}/environments/{env}/entraApps/{clientId}  -> 204                DeleteBCEntraApp
//	POST   /_emulator/bc/tenants/{tenant}/throttle                  {"count","retryAfterSeconds"} -> 204  ThrottleBC
//	PUT    /_emulator/bc/tenants/{tenant}/consentDelay              {"seconds"} -> 204          SetBCConsentDelay
//
// Errors: 404 {"error": "..."} for an unknown tenant, environment or card,
// 400 {"error": "..."} for anything the BC client itself would refuse.

type (
	// BCEnvironmentSpec seeds one environment.
	BCEnvironmentSpec = businesscentral.EnvironmentSpec
	// BCPermission is one permission set assignment; Company "" means all
	// companies.
	BCPermission = businesscentral.Permission
	// BCEntraAppSpec is what a person enters on the "Microsoft Entra
	// Application Card".
	BCEntraAppSpec = businesscentral.EntraAppSpec
	// BCEntraAppState is the card and its user, for assertions.
	BCEntraAppState = businesscentral.EntraAppState
)

// ErrBCNotFound is what control hooks wrap for a missing tenant, environment
// or card; it is store.ErrNotFound, so errors.Is matches either.
var ErrBCNotFound = store.ErrNotFound

// SeedBCEnvironment creates or replaces an environment with its companies,
// the standard permission sets and one enabled full user (the admin who set
// the environment up; BC refuses to enable an Entra app without one).
func (s *Server) SeedBCEnvironment(tenantID string, spec BCEnvironmentSpec) error {
	return s.bc.SeedEnvironment(tenantID, spec)
}

// RemoveBCEnvironment deletes an environment.
func (s *Server) RemoveBCEnvironment(tenantID, name string) error {
	return s.bc.RemoveEnvironment(tenantID, name)
}

// AuthorizeBCApp plays an admin who pastes the client ID on the admin
// center's "Authorized Microsoft Entra apps" page.
func (s *Server) AuthorizeBCApp(tenantID, clientID string) error {
	return s.bc.AuthorizeApp(tenantID, clientID)
}

// RemoveBCAuthorizedApp plays an admin who removes the app in the admin
// center (drift for the provider).
func (s *Server) RemoveBCAuthorizedApp(tenantID, clientID string) error {
	return s.bc.RemoveAuthorizedApp(tenantID, clientID)
}

// BCAuthorizedApps lists the authorized client IDs of a tenant.
func (s *Server) BCAuthorizedApps(tenantID string) ([]string, error) {
	return s.bc.AuthorizedApps(tenantID)
}

// CreateBCEntraApp plays the person who creates the card in the BC client:
// New, Client ID, Description, State, then permission sets in the user
// subform.
func (s *Server) CreateBCEntraApp(tenantID, env string, spec BCEntraAppSpec) (BCEntraAppState, error) {
	return s.bc.CreateEntraApp(tenantID, env, spec)
}

// SetBCEntraAppState plays the person who switches the card's State.
func (s *Server) SetBCEntraAppState(tenantID, env, clientID, state string) (BCEntraAppState, error) {
	return s.bc.SetEntraAppState(tenantID, env, clientID, state)
}

// DeleteBCEntraApp deletes the card; as in table 9012 OnDelete, its user goes
// with it.
func (s *Server) DeleteBCEntraApp(tenantID, env, clientID string) error {
	return s.bc.DeleteEntraApp(tenantID, env, clientID)
}

// BCEntraApp reads a card and its user.
func (s *Server) BCEntraApp(tenantID, env, clientID string) (BCEntraAppState, error) {
	return s.bc.EntraApp(tenantID, env, clientID)
}

// ThrottleBC makes the next count BC requests with a token of this tenant
// answer 429 with Retry-After: retryAfterSeconds.
func (s *Server) ThrottleBC(tenantID string, count, retryAfterSeconds int) error {
	return s.bc.Throttle(tenantID, count, retryAfterSeconds)
}

// SetBCConsentDelay makes the admin center report a new AdminCenter.ReadWrite.All
// consent in this tenant only after d on the emulator's clock.
func (s *Server) SetBCConsentDelay(tenantID string, d time.Duration) error {
	return s.bc.SetConsentDelay(tenantID, d)
}

// seedBCDefaults gives the default customers Business Central: Fabrikam a
// production and a sandbox environment, Northwind a production environment,
// Tailspin none (a tenant without BC). Meant to be called from seedDefaults.
func (s *Server) seedBCDefaults() error {
	for _, e := range []struct {
		tenant string
		spec   BCEnvironmentSpec
	}{
		{FabrikamTenantID, BCEnvironmentSpec{Name: "Production", Type: "Production", CountryCode: "US", Version: "27.0"}},
		{FabrikamTenantID, BCEnvironmentSpec{Name: "Sandbox", Type: "Sandbox", CountryCode: "US", Version: "27.1", RingName: "PREVIEW"}},
		{NorthwindTenantID, BCEnvironmentSpec{Name: "Production", Type: "Production", CountryCode: "GB", Version: "26.5",
			LocationName: "UK South", GeoName: "United Kingdom"}},
	} {
		if err := s.SeedBCEnvironment(e.tenant, e.spec); err != nil {
			return err
		}
	}
	return nil
}
