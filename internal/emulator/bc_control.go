package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
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

// BCEnvironmentSpec seeds one environment.
type BCEnvironmentSpec struct {
	Name         string   `json:"name"`
	Type         string   `json:"type"`        // Production (default) | Sandbox
	CountryCode  string   `json:"countryCode"` // default US
	Version      string   `json:"version"`     // versionDetails.version, default 27.0
	Status       string   `json:"status"`      // default Active
	RingName     string   `json:"ringName"`    // default PROD
	LocationName string   `json:"locationName"`
	GeoName      string   `json:"geoName"`
	Companies    []string `json:"companies"` // default: the country's CRONUS company
}

// BCPermission is one permission set assignment; Company "" means all
// companies.
type BCPermission struct {
	RoleID  string `json:"roleId"`
	Company string `json:"company"`
}

// BCEntraAppSpec is what a person enters on the "Microsoft Entra Application
// Card" (automation-apis-using-s2s-authentication.md, Task 2).
type BCEntraAppSpec struct {
	ClientID           string         `json:"clientId"`
	Description        string         `json:"description"`
	ContactInformation string         `json:"contactInformation"`
	State              string         `json:"state"` // Enabled | Disabled (default)
	PermissionSets     []BCPermission `json:"permissionSets"`
}

// BCEntraAppState is the card and its user, for assertions.
type BCEntraAppState struct {
	ClientID       string         `json:"clientId"`
	Description    string         `json:"description"`
	State          string         `json:"state"`
	UserSecurityID string         `json:"userSecurityId,omitempty"`
	UserName       string         `json:"userName,omitempty"`
	UserState      string         `json:"userState,omitempty"`
	PermissionSets []BCPermission `json:"permissionSets"`
}

// ErrBCNotFound is returned by control hooks for a missing tenant,
// environment or card.
var ErrBCNotFound = errors.New("not found")

// bcTenantFor resolves a tenant ID or domain. Caller holds store.mu.
func (s *Server) bcTenantFor(tenantID string) (*tenant, error) {
	id := strings.ToLower(tenantID)
	if d, ok := s.store.domains[id]; ok {
		id = d
	}
	t := s.store.tenants[id]
	if t == nil {
		return nil, fmt.Errorf("tenant %s: %w", tenantID, ErrBCNotFound)
	}
	return t, nil
}

func (s *Server) bcEnvFor(tenantID, env string) (*tenant, *bcEnvironment, error) {
	t, err := s.bcTenantFor(tenantID)
	if err != nil {
		return nil, nil, err
	}
	e := t.BC.environment(env)
	if e == nil {
		return nil, nil, fmt.Errorf("environment %s in tenant %s: %w", env, tenantID, ErrBCNotFound)
	}
	return t, e, nil
}

// SeedBCEnvironment creates or replaces an environment with its companies,
// the standard permission sets and one enabled full user (the admin who set
// the environment up; BC refuses to enable an Entra app without one).
func (s *Server) SeedBCEnvironment(tenantID string, spec BCEnvironmentSpec) error {
	if spec.Name == "" {
		return errors.New("environment name is required")
	}
	def := func(v *string, d string) {
		if *v == "" {
			*v = d
		}
	}
	def(&spec.Type, "Production")
	def(&spec.CountryCode, "US")
	def(&spec.Version, "27.0")
	def(&spec.Status, "Active")
	def(&spec.RingName, "PROD")
	def(&spec.LocationName, "West Europe")
	def(&spec.GeoName, "Europe")
	if spec.Type != "Production" && spec.Type != "Sandbox" {
		return fmt.Errorf("environment type %q: want Production or Sandbox", spec.Type)
	}
	if len(spec.Companies) == 0 {
		spec.Companies = []string{bcDefaultCompanyName(spec.CountryCode)}
	}
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	t, err := s.bcTenantFor(tenantID)
	if err != nil {
		return err
	}
	now := s.now()
	env := &bcEnvironment{
		Name: spec.Name, FriendlyName: spec.Name, Type: spec.Type, CountryCode: strings.ToUpper(spec.CountryCode),
		ApplicationFamily: bcFamily, Status: spec.Status, LocationName: spec.LocationName, GeoName: spec.GeoName,
		RingName: spec.RingName, Version: spec.Version, AppSourceAppsCadence: "WithEnvironmentUpdates",
		GracePeriodStart: now.AddDate(0, 5, 0).Truncate(24 * time.Hour), EnforcedUpdateStart: now.AddDate(0, 6, 0).Truncate(24 * time.Hour),
		PermissionSets: bcDefaultPermissionSets(),
		EntraApps:      map[string]*bcEntraApp{},
	}
	for _, name := range spec.Companies {
		env.Companies = append(env.Companies, &bcCompany{ID: bcNewGUID(), Name: name, DisplayName: name,
			SystemVersion: "27.0.38460.40120"})
	}
	admin := &bcUser{SecurityID: bcNewGUID(), UserName: "ADMIN", DisplayName: "Administrator", State: "Enabled",
		LicenseType: "Full User"}
	admin.Permissions = []*bcUserPermission{{ID: bcNewGUID(), RoleID: "SUPER", Scope: "System",
		AppID: "00000000-0000-0000-0000-000000000000", DisplayName: "This role has all permissions."}}
	env.Users = []*bcUser{admin}

	b := t.bc()
	if i := slices.IndexFunc(b.Environments, func(e *bcEnvironment) bool { return strings.EqualFold(e.Name, spec.Name) }); i >= 0 {
		b.Environments[i] = env
	} else {
		b.Environments = append(b.Environments, env)
	}
	return nil
}

// RemoveBCEnvironment deletes an environment.
func (s *Server) RemoveBCEnvironment(tenantID, name string) error {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	t, _, err := s.bcEnvFor(tenantID, name)
	if err != nil {
		return err
	}
	t.BC.Environments = slices.DeleteFunc(t.BC.Environments, func(e *bcEnvironment) bool { return strings.EqualFold(e.Name, name) })
	return nil
}

// AuthorizeBCApp plays an admin who pastes the client ID on the admin
// center's "Authorized Microsoft Entra apps" page.
func (s *Server) AuthorizeBCApp(tenantID, clientID string) error {
	if !bcIsGUID(clientID) {
		return fmt.Errorf("client ID %q is not a GUID", clientID)
	}
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	t, err := s.bcTenantFor(tenantID)
	if err != nil {
		return err
	}
	if b := t.bc(); !b.isAuthorized(clientID) {
		b.AuthorizedApps = append(b.AuthorizedApps, strings.ToLower(clientID))
	}
	return nil
}

// RemoveBCAuthorizedApp plays an admin who removes the app in the admin
// center (drift for the provider).
func (s *Server) RemoveBCAuthorizedApp(tenantID, clientID string) error {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	t, err := s.bcTenantFor(tenantID)
	if err != nil {
		return err
	}
	if t.BC != nil {
		t.BC.AuthorizedApps = slices.DeleteFunc(t.BC.AuthorizedApps, func(id string) bool { return strings.EqualFold(id, clientID) })
	}
	return nil
}

// BCAuthorizedApps lists the authorized client IDs of a tenant.
func (s *Server) BCAuthorizedApps(tenantID string) ([]string, error) {
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	t, err := s.bcTenantFor(tenantID)
	if err != nil {
		return nil, err
	}
	out := []string{}
	if t.BC != nil {
		out = append(out, t.BC.AuthorizedApps...)
	}
	return out, nil
}

// CreateBCEntraApp plays the person who creates the card in the BC client:
// New, Client ID, Description, State, then permission sets in the user
// subform. As in table 9012, the app's user is created on the first switch
// to Enabled (user name = the description; a Code[50] field, so upper case),
// so permission sets need State Enabled.
func (s *Server) CreateBCEntraApp(tenantID, env string, spec BCEntraAppSpec) (BCEntraAppState, error) {
	if !bcIsGUID(spec.ClientID) {
		return BCEntraAppState{}, fmt.Errorf("client ID %q is not a GUID", spec.ClientID)
	}
	if len(spec.Description) > 50 {
		return BCEntraAppState{}, fmt.Errorf("description is %d characters; the field holds 50", len(spec.Description))
	}
	if spec.State == "" {
		spec.State = "Disabled" // InitValue = Disabled
	}
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	_, e, err := s.bcEnvFor(tenantID, env)
	if err != nil {
		return BCEntraAppState{}, err
	}
	id := strings.ToLower(spec.ClientID)
	if e.EntraApps[id] != nil {
		return BCEntraAppState{}, fmt.Errorf("the Microsoft Entra Application %s already exists", id)
	}
	if spec.State == "Disabled" && len(spec.PermissionSets) > 0 {
		return BCEntraAppState{}, errors.New("permission sets can be assigned once the app was enabled (its user exists)")
	}
	app := &bcEntraApp{ClientID: id, Description: spec.Description, ContactInformation: spec.ContactInformation, State: "Disabled"}
	e.EntraApps[id] = app
	if err := bcSetAppState(e, app, spec.State); err != nil {
		delete(e.EntraApps, id)
		return BCEntraAppState{}, err
	}
	u := e.appUser(id)
	for _, p := range spec.PermissionSets {
		if _, oe := bcInsertPermission(e, u, strings.ToUpper(p.RoleID), p.Company, nil, nil); oe != nil {
			return BCEntraAppState{}, errors.New(oe.Message)
		}
	}
	return bcAppState(e, app), nil
}

// bcSetAppState is State's OnValidate in table 9012. Caller holds store.mu.
func bcSetAppState(e *bcEnvironment, app *bcEntraApp, state string) error {
	switch state {
	case "Enabled", "Disabled":
	default:
		return fmt.Errorf("state %q: want Enabled or Disabled", state)
	}
	u := e.appUser(app.ClientID)
	if u == nil && state == "Enabled" {
		if app.Description == "" {
			return errors.New("Description must have a value in Microsoft Entra Application: Client Id=" + app.ClientID + ". It cannot be zero or empty.") //nolint:staticcheck // Business Central's own wording
		}
		if !slices.ContainsFunc(e.Users, func(u *bcUser) bool { return u.LicenseType == "Full User" && u.State == "Enabled" }) {
			return errors.New("Register a user before enabling the Microsoft Entra Application") //nolint:staticcheck // Business Central's own wording
		}
		name := strings.ToUpper(app.Description)
		if slices.ContainsFunc(e.Users, func(u *bcUser) bool { return u.UserName == name }) {
			return fmt.Errorf("a user named %s already exists", name)
		}
		u = &bcUser{SecurityID: bcNewGUID(), UserName: name, DisplayName: app.Description, LicenseType: "Application",
			ApplicationID: app.ClientID}
		e.Users = append(e.Users, u)
		app.UserID = u.SecurityID
	}
	app.State = state
	if u != nil && u.State != state {
		u.State = state
		u.Version++
	}
	return nil
}

func bcAppState(e *bcEnvironment, app *bcEntraApp) BCEntraAppState {
	st := BCEntraAppState{ClientID: app.ClientID, Description: app.Description, State: app.State, PermissionSets: []BCPermission{}}
	if u := e.appUser(app.ClientID); u != nil {
		st.UserSecurityID, st.UserName, st.UserState = u.SecurityID, u.UserName, u.State
		for _, p := range u.Permissions {
			st.PermissionSets = append(st.PermissionSets, BCPermission{RoleID: p.RoleID, Company: p.Company})
		}
	}
	return st
}

// SetBCEntraAppState plays the person who switches the card's State.
func (s *Server) SetBCEntraAppState(tenantID, env, clientID, state string) (BCEntraAppState, error) {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	_, e, err := s.bcEnvFor(tenantID, env)
	if err != nil {
		return BCEntraAppState{}, err
	}
	app := e.EntraApps[strings.ToLower(clientID)]
	if app == nil {
		return BCEntraAppState{}, fmt.Errorf("the Microsoft Entra Application %s: %w", clientID, ErrBCNotFound)
	}
	if err := bcSetAppState(e, app, state); err != nil {
		return BCEntraAppState{}, err
	}
	return bcAppState(e, app), nil
}

// DeleteBCEntraApp deletes the card; as in table 9012 OnDelete, its user goes
// with it.
func (s *Server) DeleteBCEntraApp(tenantID, env, clientID string) error {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	_, e, err := s.bcEnvFor(tenantID, env)
	if err != nil {
		return err
	}
	id := strings.ToLower(clientID)
	if e.EntraApps[id] == nil {
		return fmt.Errorf("the Microsoft Entra Application %s: %w", clientID, ErrBCNotFound)
	}
	if u := e.appUser(id); u != nil {
		e.Users = slices.DeleteFunc(e.Users, func(x *bcUser) bool { return x == u })
	}
	delete(e.EntraApps, id)
	return nil
}

// BCEntraApp reads a card and its user.
func (s *Server) BCEntraApp(tenantID, env, clientID string) (BCEntraAppState, error) {
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	_, e, err := s.bcEnvFor(tenantID, env)
	if err != nil {
		return BCEntraAppState{}, err
	}
	app := e.EntraApps[strings.ToLower(clientID)]
	if app == nil {
		return BCEntraAppState{}, fmt.Errorf("the Microsoft Entra Application %s: %w", clientID, ErrBCNotFound)
	}
	return bcAppState(e, app), nil
}

// ThrottleBC makes the next count BC requests with a token of this tenant
// answer 429 with Retry-After: retryAfterSeconds.
func (s *Server) ThrottleBC(tenantID string, count, retryAfterSeconds int) error {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	t, err := s.bcTenantFor(tenantID)
	if err != nil {
		return err
	}
	t.bc().Throttle = bcThrottle{Count: count, RetryAfterSeconds: retryAfterSeconds}
	return nil
}

// SetBCConsentDelay makes the admin center report a new AdminCenter.ReadWrite.All
// consent in this tenant only after d on the emulator's clock.
func (s *Server) SetBCConsentDelay(tenantID string, d time.Duration) error {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	t, err := s.bcTenantFor(tenantID)
	if err != nil {
		return err
	}
	t.bc().ConsentDelay = d
	return nil
}

// bcControlRoutes registers the HTTP form of the hooks above.
func (s *Server) bcControlRoutes(mux *http.ServeMux) {
	const base = "/_emulator/bc/tenants/{tenant}"
	mux.HandleFunc("PUT "+base+"/environments/{env}", func(w http.ResponseWriter, r *http.Request) {
		var spec BCEnvironmentSpec
		if !bcDecodeControl(w, r, &spec) {
			return
		}
		spec.Name = r.PathValue("env")
		bcControlResult(w, nil, s.SeedBCEnvironment(r.PathValue("tenant"), spec))
	})
	mux.HandleFunc("DELETE "+base+"/environments/{env}", func(w http.ResponseWriter, r *http.Request) {
		bcControlResult(w, nil, s.RemoveBCEnvironment(r.PathValue("tenant"), r.PathValue("env")))
	})
	mux.HandleFunc("GET "+base+"/authorizedApps", func(w http.ResponseWriter, r *http.Request) {
		ids, err := s.BCAuthorizedApps(r.PathValue("tenant"))
		bcControlResult(w, ids, err)
	})
	mux.HandleFunc("PUT "+base+"/authorizedApps/{clientId}", func(w http.ResponseWriter, r *http.Request) {
		bcControlResult(w, nil, s.AuthorizeBCApp(r.PathValue("tenant"), r.PathValue("clientId")))
	})
	mux.HandleFunc("DELETE "+base+"/authorizedApps/{clientId}", func(w http.ResponseWriter, r *http.Request) {
		bcControlResult(w, nil, s.RemoveBCAuthorizedApp(r.PathValue("tenant"), r.PathValue("clientId")))
	})
	app := base + "/environments/{env}/entraApps/{clientId}"
	mux.HandleFunc("PUT "+app, func(w http.ResponseWriter, r *http.Request) {
		var spec BCEntraAppSpec
		if !bcDecodeControl(w, r, &spec) {
			return
		}
		spec.ClientID = r.PathValue("clientId")
		st, err := s.CreateBCEntraApp(r.PathValue("tenant"), r.PathValue("env"), spec)
		bcControlResult(w, st, err)
	})
	mux.HandleFunc("PATCH "+app, func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			State string `json:"state"`
		}
		if !bcDecodeControl(w, r, &in) {
			return
		}
		st, err := s.SetBCEntraAppState(r.PathValue("tenant"), r.PathValue("env"), r.PathValue("clientId"), in.State)
		bcControlResult(w, st, err)
	})
	mux.HandleFunc("GET "+app, func(w http.ResponseWriter, r *http.Request) {
		st, err := s.BCEntraApp(r.PathValue("tenant"), r.PathValue("env"), r.PathValue("clientId"))
		bcControlResult(w, st, err)
	})
	mux.HandleFunc("DELETE "+app, func(w http.ResponseWriter, r *http.Request) {
		bcControlResult(w, nil, s.DeleteBCEntraApp(r.PathValue("tenant"), r.PathValue("env"), r.PathValue("clientId")))
	})
	mux.HandleFunc("PUT "+base+"/consentDelay", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Seconds int `json:"seconds"`
		}
		if !bcDecodeControl(w, r, &in) {
			return
		}
		bcControlResult(w, nil, s.SetBCConsentDelay(r.PathValue("tenant"), time.Duration(in.Seconds)*time.Second))
	})
	mux.HandleFunc("POST "+base+"/throttle", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Count             int `json:"count"`
			RetryAfterSeconds int `json:"retryAfterSeconds"`
		}
		if !bcDecodeControl(w, r, &in) {
			return
		}
		bcControlResult(w, nil, s.ThrottleBC(r.PathValue("tenant"), in.Count, in.RetryAfterSeconds))
	})
}

func bcDecodeControl(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		bcWriteJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid JSON body: " + err.Error()})
		return false
	}
	return true
}

// bcControlResult answers 404 / 400 for errors, 200 with v, or 204.
func bcControlResult(w http.ResponseWriter, v any, err error) {
	switch {
	case errors.Is(err, ErrBCNotFound):
		bcWriteJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
	case err != nil:
		bcWriteJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
	case v == nil:
		w.WriteHeader(http.StatusNoContent)
	default:
		bcWriteJSON(w, http.StatusOK, v)
	}
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
