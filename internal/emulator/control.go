package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"
)

// The control API plays the people and the passage of time the services
// depend on: customer admins consenting, the clock, faults. Every operation
// is a Go method (for in-process tests) and an HTTP route under /_emulator/
// (for the standalone emulator and scripts).

func (s *Server) controlRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /_emulator/tenants", func(w http.ResponseWriter, r *http.Request) {
		var seed TenantSeed
		if decodeJSON(r, &seed) != nil {
			controlError(w, fmt.Errorf("body must be a tenant seed"))
			return
		}
		controlResult(w, nil, s.SeedTenant(seed))
	})
	mux.HandleFunc("GET /_emulator/tenants", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Tenants())
	})
	mux.HandleFunc("POST /_emulator/tenants/{id}/relationships", func(w http.ResponseWriter, r *http.Request) {
		var g GDAPSeed
		if decodeJSON(r, &g) != nil {
			controlError(w, fmt.Errorf("body must be a GDAP relationship"))
			return
		}
		controlResult(w, nil, s.AddGDAPRelationship(r.PathValue("id"), g))
	})
	mux.HandleFunc("DELETE /_emulator/tenants/{id}", func(w http.ResponseWriter, r *http.Request) {
		controlResult(w, nil, s.DeleteTenant(r.PathValue("id")))
	})
	mux.HandleFunc("PUT /_emulator/tenants/{id}/consentAdmin", func(w http.ResponseWriter, r *http.Request) {
		var b struct{ UPN string }
		_ = decodeJSON(r, &b)
		controlResult(w, nil, s.SetConsentAdmin(r.PathValue("id"), b.UPN))
	})
	mux.HandleFunc("POST /_emulator/tenants/{id}/consent", func(w http.ResponseWriter, r *http.Request) {
		var b struct{ ClientID, UPN string }
		_ = decodeJSON(r, &b)
		controlResult(w, nil, s.Consent(r.PathValue("id"), b.ClientID, b.UPN))
	})
	mux.HandleFunc("POST /_emulator/tenants/{id}/revoke", func(w http.ResponseWriter, r *http.Request) {
		var b struct{ ClientID string }
		_ = decodeJSON(r, &b)
		controlResult(w, nil, s.Revoke(r.PathValue("id"), b.ClientID))
	})
	mux.HandleFunc("GET /_emulator/clock", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"now": s.now().Format(time.RFC3339Nano)})
	})
	mux.HandleFunc("POST /_emulator/clock/advance", func(w http.ResponseWriter, r *http.Request) {
		var b struct{ Duration string }
		if decodeJSON(r, &b) != nil {
			controlError(w, fmt.Errorf(`body must be {"duration":"720h"}`))
			return
		}
		d, err := time.ParseDuration(b.Duration)
		if err != nil || d < 0 {
			controlError(w, fmt.Errorf("duration %q: the clock only moves forward, as a Go duration such as 720h", b.Duration))
			return
		}
		s.Advance(d)
		writeJSON(w, http.StatusOK, map[string]any{"now": s.now().Format(time.RFC3339Nano)})
	})
	mux.HandleFunc("POST /_emulator/faults", func(w http.ResponseWriter, r *http.Request) {
		var f struct {
			Fault
			LatencyMS int `json:"latencyMs"`
		}
		if decodeJSON(r, &f) != nil {
			controlError(w, fmt.Errorf("body must be a fault"))
			return
		}
		if f.LatencyMS > 0 {
			f.Latency = time.Duration(f.LatencyMS) * time.Millisecond
		}
		controlResult(w, nil, s.InjectFault(f.Fault))
	})
	mux.HandleFunc("DELETE /_emulator/faults", func(w http.ResponseWriter, _ *http.Request) {
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("PUT /_emulator/replicationDelay", func(w http.ResponseWriter, r *http.Request) {
		var b struct{ Duration string }
		_ = decodeJSON(r, &b)
		d, err := time.ParseDuration(b.Duration)
		if err != nil {
			controlError(w, err)
			return
		}
		s.SetReplicationDelay(d)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /_emulator/counters", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.Counters())
	})
	mux.HandleFunc("DELETE /_emulator/counters", func(w http.ResponseWriter, _ *http.Request) {
		s.ResetCounters()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /_emulator/devicecode", func(w http.ResponseWriter, r *http.Request) {
		var b struct{ UserCode, UPN string }
		_ = decodeJSON(r, &b)
		controlResult(w, nil, s.CompleteDeviceCode(b.UserCode, b.UPN))
	})
	mux.HandleFunc("POST /_emulator/refreshTokens", func(w http.ResponseWriter, r *http.Request) {
		var b struct{ UPN, ClientID string }
		_ = decodeJSON(r, &b)
		rt, err := s.IssueRefreshToken(b.UPN, b.ClientID)
		controlResult(w, map[string]string{"refresh_token": rt}, err)
	})
	mux.HandleFunc("POST /_emulator/reset", func(w http.ResponseWriter, _ *http.Request) {
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /_emulator/state", func(w http.ResponseWriter, _ *http.Request) {
		b, err := s.SaveState()
		if err != nil {
			controlError(w, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	})
	mux.HandleFunc("PUT /_emulator/state", func(w http.ResponseWriter, r *http.Request) {
		var raw json.RawMessage
		if decodeJSON(r, &raw) != nil {
			controlError(w, fmt.Errorf("body must be saved state"))
			return
		}
		controlResult(w, nil, s.LoadState(raw))
	})
}

func controlError(w http.ResponseWriter, err error) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
}

func controlResult(w http.ResponseWriter, v any, err error) {
	switch {
	case err == errNotFound:
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
	case err != nil:
		controlError(w, err)
	case v == nil:
		w.WriteHeader(http.StatusNoContent)
	default:
		writeJSON(w, http.StatusOK, v)
	}
}

// DeleteTenant marks a tenant deleted: the identity platform answers
// AADSTS90002 for it from now on.
func (s *Server) DeleteTenant(id string) error {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	t := s.store.tenantByRef(id)
	if t == nil {
		return errNotFound
	}
	t.Deleted = true
	return nil
}

// SetConsentAdmin chooses who is signed in when the tenant's admin consent
// or authorize page is opened.
func (s *Server) SetConsentAdmin(tenantID, upn string) error {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	t := s.store.tenantByRef(tenantID)
	if t == nil || t.userByUPN(upn) == nil {
		return errNotFound
	}
	t.ConsentAdmin = upn
	return nil
}

// Consent grants admin consent for every permission the app requires in a
// tenant, as upn (the tenant's consent admin when empty) would on the
// consent page; the same role rules apply.
func (s *Server) Consent(tenantID, clientID, upn string) error {
	now := s.now()
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	t := s.store.tenantByRef(tenantID)
	if t == nil {
		return fmt.Errorf("tenant %s: %w", tenantID, errNotFound)
	}
	app := s.store.apps[strings.ToLower(clientID)]
	if app == nil {
		return fmt.Errorf("app %s: %w", clientID, errNotFound)
	}
	if upn == "" {
		upn = t.ConsentAdmin
	}
	u := t.userByUPN(upn)
	if u == nil {
		return fmt.Errorf("user %s in %s: %w", upn, tenantID, errNotFound)
	}
	graphRoles := false
	for _, rra := range app.RequiredResourceAccess {
		for _, ra := range rra.ResourceAccess {
			graphRoles = graphRoles || (ra.Type == "Role" && rra.ResourceAppID == graphAppID)
		}
	}
	if why := consentRefusal(u.Roles, graphRoles); why != "" {
		return fmt.Errorf("%s cannot consent: %s", upn, why)
	}
	s.grantConsentLocked(t, app, nil, now)
	return nil
}

// Revoke removes the app's app role assignments and delegated grants in a
// tenant, as an admin would under Enterprise applications > Permissions.
// The service principal stays.
func (s *Server) Revoke(tenantID, clientID string) error {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	t := s.store.tenantByRef(tenantID)
	if t == nil {
		return errNotFound
	}
	sp := t.spByAppID(clientID)
	if sp == nil {
		return errNotFound
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
}

// SetReplicationDelay makes reads of an object answer 404 for d (emulator
// clock) after it was created, as Entra's replicas do.
func (s *Server) SetReplicationDelay(d time.Duration) {
	s.mu.Lock()
	s.replicationDelay = d
	s.mu.Unlock()
}

func (s *Server) markCreated(id string, at time.Time) {
	s.mu.Lock()
	if s.replicationDelay > 0 {
		s.createdAt[id] = at
	}
	s.mu.Unlock()
}

// replicating reports whether a read of the object should still miss.
func (s *Server) replicating(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.createdAt[id]
	if !ok {
		return false
	}
	if s.now().Sub(at) >= s.replicationDelay {
		delete(s.createdAt, id)
		return false
	}
	return true
}

// Reset drops all state and loads the default seed again.
func (s *Server) Reset() {
	s.store.mu.Lock()
	s.store.tenants, s.store.domains, s.store.apps = map[string]*tenant{}, map[string]string{}, map[string]*application{}
	s.store.mu.Unlock()
	s.ClearFaults()
	s.ResetCounters()
	s.seedDefaults()
}

type savedState struct {
	Offset  time.Duration      `json:"clockOffset"`
	Tenants map[string]*tenant `json:"tenants"`
	// Keys are saved so that a server started with them (Options.Keys,
	// KeysFromState) keeps its CA and token-signing key; LoadState leaves
	// a running server's keys alone, as its clients already trust them.
	Keys *Keys `json:"keys,omitempty"`
}

// SaveState serialises the directory (tenants and everything in them).
func (s *Server) SaveState() ([]byte, error) {
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	s.clock.mu.Lock()
	off := s.clock.offset
	s.clock.mu.Unlock()
	return json.MarshalIndent(savedState{Offset: off, Tenants: s.store.tenants, Keys: s.keys}, "", " ")
}

// LoadState replaces the directory with saved state.
func (s *Server) LoadState(b []byte) error {
	var st savedState
	if err := json.Unmarshal(b, &st); err != nil {
		return err
	}
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	s.store.tenants, s.store.domains, s.store.apps = st.Tenants, map[string]string{}, map[string]*application{}
	for id, t := range st.Tenants {
		for _, d := range t.Domains {
			s.store.domains[d.Name] = id
		}
		for _, a := range t.Applications {
			s.store.apps[a.AppID] = a
		}
	}
	s.clock.mu.Lock()
	s.clock.offset = st.Offset
	s.clock.mu.Unlock()
	return nil
}

// LoadStateFile loads state saved to a file.
func (s *Server) LoadStateFile(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return s.LoadState(b)
}

// TenantSummary is one tenant as GET /_emulator/tenants lists it: what a
// user needs to point a configuration at it and to sign in as its people.
type TenantSummary struct {
	ID            string        `json:"id"`
	DisplayName   string        `json:"displayName"`
	Domains       []string      `json:"domains"`
	ConsentAdmin  string        `json:"consentAdmin,omitempty"`
	Users         []UserSeed    `json:"users"`
	Applications  []string      `json:"applications"` // client IDs registered here
	Relationships []GDAPSummary `json:"relationships,omitempty"`
}

// GDAPSummary is a relationship held by a partner tenant, roles by name.
type GDAPSummary struct {
	CustomerTenantID string    `json:"customerTenantId"`
	CustomerName     string    `json:"customerName"`
	Roles            []string  `json:"roles"`
	Status           string    `json:"status"`
	EndDateTime      time.Time `json:"endDateTime"`
	Members          []string  `json:"members"` // UPNs
}

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
	now := s.now()
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	out := []TenantSummary{}
	for _, t := range s.store.tenants {
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
				if u := t.userByID(m); u != nil {
					m = u.UPN
				}
				g.Members = append(g.Members, m)
			}
			ts.Relationships = append(ts.Relationships, g)
		}
		out = append(out, ts)
	}
	slices.SortFunc(out, func(a, b TenantSummary) int { return strings.Compare(a.ID, b.ID) })
	return out
}
