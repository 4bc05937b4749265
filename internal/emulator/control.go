package emulator

import (
	"fmt"
	"os"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// The control API plays the people and the passage of time the services
// depend on: customer admins consenting, the clock, faults. Every operation
// is a Go method here (for in-process tests) and an HTTP route under
// /_emulator/ (package control, for the standalone emulator and scripts).

// DeleteTenant marks a tenant deleted: the identity platform answers
// AADSTS90002 for it from now on.
func (s *Server) DeleteTenant(id string) error {
	return s.store.Update(func(tx *store.Tx) error {
		t, err := tx.TenantErr(id)
		if err != nil {
			return err
		}
		t.Deleted = true
		return nil
	})
}

// SetConsentAdmin chooses who is signed in when the tenant's admin consent
// or authorize page is opened.
func (s *Server) SetConsentAdmin(tenantID, upn string) error {
	return s.store.Update(func(tx *store.Tx) error {
		t, err := tx.TenantErr(tenantID)
		if err != nil {
			return err
		}
		if t.UserByUPN(upn) == nil {
			return store.NotFound("user " + upn + " in " + tenantID)
		}
		t.ConsentAdmin = upn
		return nil
	})
}

// Consent grants admin consent for every permission the app requires in a
// tenant, as upn (the tenant's consent admin when empty) would on the
// consent page; the same role rules apply.
func (s *Server) Consent(tenantID, clientID, upn string) error {
	return s.store.Update(func(tx *store.Tx) error {
		t, err := tx.TenantErr(tenantID)
		if err != nil {
			return err
		}
		app := tx.App(clientID)
		if app == nil {
			return store.NotFound("app " + clientID)
		}
		if upn == "" {
			upn = t.ConsentAdmin
		}
		u := t.UserByUPN(upn)
		if u == nil {
			return store.NotFound("user " + upn + " in " + tenantID)
		}
		if why := store.ConsentRefusal(u.Roles, store.RequiresGraphAppRoles(app, nil)); why != "" {
			return fmt.Errorf("%s cannot consent: %s", upn, why)
		}
		tx.GrantConsent(t, app, nil, tx.Now())
		return nil
	})
}

// Revoke removes the app's app role assignments and delegated grants in a
// tenant, as an admin would under Enterprise applications > Permissions.
// The service principal stays.
func (s *Server) Revoke(tenantID, clientID string) error {
	return s.store.Update(func(tx *store.Tx) error {
		t, err := tx.TenantErr(tenantID)
		if err != nil {
			return err
		}
		sp := t.SPByAppID(clientID)
		if sp == nil {
			return store.NotFound("service principal of " + clientID + " in " + tenantID)
		}
		for id, a := range t.AppRoleAssignments {
			if a.PrincipalID == sp.ID {
				delete(t.AppRoleAssignments, id)
			}
		}
		for id, g := range t.PermissionGrants {
			if g.ClientID == sp.ID {
				delete(t.PermissionGrants, id)
			}
		}
		return nil
	})
}

// SetReplicationDelay makes reads of an object answer 404 for d (emulator
// clock) after it was created, as Entra's replicas do.
func (s *Server) SetReplicationDelay(d time.Duration) { s.store.SetReplicationDelay(d) }

// CompleteDeviceCode signs in as upn for a pending device code, as the user
// would in a browser.
func (s *Server) CompleteDeviceCode(userCode, upn string) error {
	return s.identity.CompleteDeviceCode(userCode, upn)
}

// IssueRefreshToken returns a refresh token for upn and client, as if the
// user had signed in interactively once; CI pipelines keep such a token.
func (s *Server) IssueRefreshToken(upn, clientID string) (string, error) {
	return s.identity.IssueRefreshToken(upn, clientID)
}

func (s *Server) now() time.Time { return s.clock.Now() }

// Now is the emulator's current time.
func (s *Server) Now() time.Time { return s.now() }

// Advance moves the emulator's clock forward.
func (s *Server) Advance(d time.Duration) { s.clock.Advance(d) }

// Reset drops all state and loads the default seed again.
func (s *Server) Reset() {
	_ = s.store.Update(func(tx *store.Tx) error { tx.Reset(); return nil })
	s.ClearFaults()
	s.ResetCounters()
	s.seedDefaults()
}

// SaveState serialises the directory (tenants and everything in them).
func (s *Server) SaveState() ([]byte, error) { return s.store.Save() }

// LoadState replaces the directory with saved state.
func (s *Server) LoadState(b []byte) error { return s.store.Load(b) }

// LoadStateFile loads state saved to a file.
func (s *Server) LoadStateFile(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return s.LoadState(b)
}
