package emulator

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/control"
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
	s.SetThrottling(s.Throttling())
	s.seedDefaults()
}

// savedState is the directory with the server's keys.
type savedState struct {
	store.State
	// Keys are saved so that a server started with them (Options.Keys,
	// KeysFromState) keeps its CA and token-signing key; LoadState leaves
	// a running server's keys alone, as its clients already trust them.
	Keys *Keys `json:"keys,omitempty"`
}

// SaveState serialises the directory (tenants and everything in them), the
// clock and the keys.
func (s *Server) SaveState() ([]byte, error) {
	return s.store.Save(func(st store.State) ([]byte, error) {
		return json.MarshalIndent(savedState{State: st, Keys: s.keys}, "", " ")
	})
}

// LoadState replaces the directory and the clock with saved state.
func (s *Server) LoadState(b []byte) error { return s.store.Load(b) }

// LoadStateFile loads state saved to a file.
func (s *Server) LoadStateFile(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return s.LoadState(b)
}

// The control API's listing of tenants, named here as the emulator's
// public API.
type (
	// TenantSummary is one tenant as GET /_emulator/tenants lists it.
	TenantSummary = control.TenantSummary
	// GDAPSummary is a relationship held by a partner tenant, roles by name.
	GDAPSummary = control.GDAPSummary
)

// Tenants lists the tenants that are not deleted, by ID.
func (s *Server) Tenants() []TenantSummary {
	roleName := map[string]string{}
	for name, id := range RoleIDs {
		roleName[id] = name
	}
	names := func(ids []string) []string {
		out := []string{}
		for _, id := range ids {
			if n, ok := roleName[id]; ok {
				id = n
			}
			out = append(out, id)
		}
		return out
	}
	out := []TenantSummary{}
	_ = s.store.View(func(tx *store.Tx) error {
		now := tx.Now()
		for _, t := range tx.Tenants() {
			if t.Deleted {
				continue
			}
			ts := TenantSummary{ID: t.ID, DisplayName: t.DisplayName, ConsentAdmin: t.ConsentAdmin, Domains: []string{}, Users: []UserSeed{}, Applications: []string{}}
			for _, d := range t.Domains {
				ts.Domains = append(ts.Domains, d.Name)
			}
			for _, u := range t.Users {
				ts.Users = append(ts.Users, UserSeed{UPN: u.UPN, DisplayName: u.DisplayName, Roles: names(u.Roles)})
			}
			for _, a := range t.Applications {
				ts.Applications = append(ts.Applications, a.AppID)
			}
			slices.Sort(ts.Applications)
			for _, r := range t.Relationships {
				g := GDAPSummary{CustomerTenantID: r.CustomerTenantID, CustomerName: r.CustomerName, Roles: names(r.Roles), Status: r.Status, EndDateTime: r.EndDateTime, Members: []string{}}
				if g.Status == "active" && now.After(r.EndDateTime) {
					g.Status = "expired" // as Graph reports it
				}
				for _, m := range r.Members {
					if u := t.UserByID(m); u != nil {
						m = u.UPN
					}
					g.Members = append(g.Members, m)
				}
				ts.Relationships = append(ts.Relationships, g)
			}
			out = append(out, ts)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b TenantSummary) int { return strings.Compare(a.ID, b.ID) })
	return out
}
