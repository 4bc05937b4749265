package businesscentral

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// Control hooks: seed what a tenant has in Business Central, and play the
// people who click in the admin center and in the BC client. The root
// emulator package exposes them as Server methods and the control API
// serves them over HTTP.

// EnvironmentSpec seeds one environment.
type EnvironmentSpec struct {
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

// Permission is one permission set assignment; Company "" means all
// companies.
type Permission struct {
	RoleID  string `json:"roleId"`
	Company string `json:"company"`
}

// EntraAppSpec is what a person enters on the "Microsoft Entra Application
// Card" (automation-apis-using-s2s-authentication.md, Task 2).
type EntraAppSpec struct {
	ClientID           string       `json:"clientId"`
	Description        string       `json:"description"`
	ContactInformation string       `json:"contactInformation"`
	State              string       `json:"state"` // Enabled | Disabled (default)
	PermissionSets     []Permission `json:"permissionSets"`
}

// EntraAppState is the card and its user, for assertions.
type EntraAppState struct {
	ClientID       string       `json:"clientId"`
	Description    string       `json:"description"`
	State          string       `json:"state"`
	UserSecurityID string       `json:"userSecurityId,omitempty"`
	UserName       string       `json:"userName,omitempty"`
	UserState      string       `json:"userState,omitempty"`
	PermissionSets []Permission `json:"permissionSets"`
}

// tenantFor resolves a tenant ID or domain, deleted or not.
func tenantFor(tx *store.Tx, tenantID string) (*store.Tenant, error) {
	id := strings.ToLower(tenantID)
	if d, ok := tx.DomainTenant(id); ok {
		id = d
	}
	t := tx.TenantByID(id)
	if t == nil {
		return nil, store.NotFound("tenant " + tenantID)
	}
	return t, nil
}

func envFor(tx *store.Tx, tenantID, env string) (*store.Tenant, *store.BCEnvironment, error) {
	t, err := tenantFor(tx, tenantID)
	if err != nil {
		return nil, nil, err
	}
	e := t.BC.Environment(env)
	if e == nil {
		return nil, nil, store.NotFound("environment " + env + " in tenant " + tenantID)
	}
	return t, e, nil
}

// SeedEnvironment creates or replaces an environment with its companies,
// the standard permission sets and one enabled full user (the admin who set
// the environment up; BC refuses to enable an Entra app without one).
func (s *Service) SeedEnvironment(tenantID string, spec EnvironmentSpec) error {
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
		spec.Companies = []string{defaultCompanyName(spec.CountryCode)}
	}
	return s.store.Update(func(tx *store.Tx) error {
		t, err := tenantFor(tx, tenantID)
		if err != nil {
			return err
		}
		now := tx.Now()
		env := &store.BCEnvironment{
			Name: spec.Name, FriendlyName: spec.Name, Type: spec.Type, CountryCode: strings.ToUpper(spec.CountryCode),
			ApplicationFamily: family, Status: spec.Status, LocationName: spec.LocationName, GeoName: spec.GeoName,
			RingName: spec.RingName, Version: spec.Version, AppSourceAppsCadence: "WithEnvironmentUpdates",
			GracePeriodStart: now.AddDate(0, 5, 0).Truncate(24 * time.Hour), EnforcedUpdateStart: now.AddDate(0, 6, 0).Truncate(24 * time.Hour),
			PermissionSets: defaultPermissionSets(),
			EntraApps:      map[string]*store.BCEntraApp{},
		}
		for _, name := range spec.Companies {
			env.Companies = append(env.Companies, &store.BCCompany{ID: store.NewGUID(), Name: name, DisplayName: name,
				SystemVersion: "27.0.38460.40120"})
		}
		admin := &store.BCUser{SecurityID: store.NewGUID(), UserName: "ADMIN", DisplayName: "Administrator", State: "Enabled",
			LicenseType: "Full User"}
		admin.Permissions = []*store.BCUserPermission{{ID: store.NewGUID(), RoleID: "SUPER", Scope: "System",
			AppID: "00000000-0000-0000-0000-000000000000", DisplayName: "This role has all permissions."}}
		env.Users = []*store.BCUser{admin}

		b := t.BCState()
		if i := slices.IndexFunc(b.Environments, func(e *store.BCEnvironment) bool { return strings.EqualFold(e.Name, spec.Name) }); i >= 0 {
			b.Environments[i] = env
		} else {
			b.Environments = append(b.Environments, env)
		}
		return nil
	})
}

// RemoveEnvironment deletes an environment.
func (s *Service) RemoveEnvironment(tenantID, name string) error {
	return s.store.Update(func(tx *store.Tx) error {
		t, _, err := envFor(tx, tenantID, name)
		if err != nil {
			return err
		}
		t.BC.Environments = slices.DeleteFunc(t.BC.Environments, func(e *store.BCEnvironment) bool { return strings.EqualFold(e.Name, name) })
		return nil
	})
}

// AuthorizeApp plays an admin who pastes the client ID on the admin
// center's "Authorized Microsoft Entra apps" page.
func (s *Service) AuthorizeApp(tenantID, clientID string) error {
	if !IsGUID(clientID) {
		return fmt.Errorf("client ID %q is not a GUID", clientID)
	}
	return s.store.Update(func(tx *store.Tx) error {
		t, err := tenantFor(tx, tenantID)
		if err != nil {
			return err
		}
		if b := t.BCState(); !b.IsAuthorized(clientID) {
			b.AuthorizedApps = append(b.AuthorizedApps, strings.ToLower(clientID))
		}
		return nil
	})
}

// RemoveAuthorizedApp plays an admin who removes the app in the admin
// center (drift for the provider).
func (s *Service) RemoveAuthorizedApp(tenantID, clientID string) error {
	return s.store.Update(func(tx *store.Tx) error {
		t, err := tenantFor(tx, tenantID)
		if err != nil {
			return err
		}
		if t.BC != nil {
			t.BC.AuthorizedApps = slices.DeleteFunc(t.BC.AuthorizedApps, func(id string) bool { return strings.EqualFold(id, clientID) })
		}
		return nil
	})
}

// AuthorizedApps lists the authorized client IDs of a tenant.
func (s *Service) AuthorizedApps(tenantID string) ([]string, error) {
	return store.ViewValue(s.store, func(tx *store.Tx) ([]string, error) {
		t, err := tenantFor(tx, tenantID)
		if err != nil {
			return nil, err
		}
		out := []string{}
		if t.BC != nil {
			out = append(out, t.BC.AuthorizedApps...)
		}
		return out, nil
	})
}

// CreateEntraApp plays the person who creates the card in the BC client:
// New, Client ID, Description, State, then permission sets in the user
// subform. As in table 9012, the app's user is created on the first switch
// to Enabled (user name = the description; a Code[50] field, so upper case),
// so permission sets need State Enabled.
func (s *Service) CreateEntraApp(tenantID, env string, spec EntraAppSpec) (EntraAppState, error) {
	if !IsGUID(spec.ClientID) {
		return EntraAppState{}, fmt.Errorf("client ID %q is not a GUID", spec.ClientID)
	}
	if len(spec.Description) > 50 {
		return EntraAppState{}, fmt.Errorf("description is %d characters; the field holds 50", len(spec.Description))
	}
	if spec.State == "" {
		spec.State = "Disabled" // InitValue = Disabled
	}
	return store.UpdateValue(s.store, func(tx *store.Tx) (EntraAppState, error) {
		_, e, err := envFor(tx, tenantID, env)
		if err != nil {
			return EntraAppState{}, err
		}
		id := strings.ToLower(spec.ClientID)
		if e.EntraApps[id] != nil {
			return EntraAppState{}, fmt.Errorf("the Microsoft Entra Application %s already exists", id)
		}
		if spec.State == "Disabled" && len(spec.PermissionSets) > 0 {
			return EntraAppState{}, errors.New("permission sets can be assigned once the app was enabled (its user exists)")
		}
		app := &store.BCEntraApp{ClientID: id, Description: spec.Description, ContactInformation: spec.ContactInformation, State: "Disabled"}
		e.EntraApps[id] = app
		if err := setAppState(e, app, spec.State); err != nil {
			delete(e.EntraApps, id)
			return EntraAppState{}, err
		}
		u := e.AppUser(id)
		for _, p := range spec.PermissionSets {
			if _, oe := insertPermission(e, u, strings.ToUpper(p.RoleID), p.Company, nil, nil); oe != nil {
				return EntraAppState{}, oe
			}
		}
		return appState(e, app), nil
	})
}

// setAppState is State's OnValidate in table 9012.
func setAppState(e *store.BCEnvironment, app *store.BCEntraApp, state string) error {
	switch state {
	case "Enabled", "Disabled":
	default:
		return fmt.Errorf("state %q: want Enabled or Disabled", state)
	}
	u := e.AppUser(app.ClientID)
	if u == nil && state == "Enabled" {
		if app.Description == "" {
			return errors.New("Description must have a value in Microsoft Entra Application: Client Id=" + app.ClientID + ". It cannot be zero or empty.") //nolint:staticcheck // Business Central's own wording
		}
		if !slices.ContainsFunc(e.Users, func(u *store.BCUser) bool { return u.LicenseType == "Full User" && u.State == "Enabled" }) {
			return errors.New("Register a user before enabling the Microsoft Entra Application") //nolint:staticcheck // Business Central's own wording
		}
		name := strings.ToUpper(app.Description)
		if slices.ContainsFunc(e.Users, func(u *store.BCUser) bool { return u.UserName == name }) {
			return fmt.Errorf("a user named %s already exists", name)
		}
		u = &store.BCUser{SecurityID: store.NewGUID(), UserName: name, DisplayName: app.Description, LicenseType: "Application",
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

func appState(e *store.BCEnvironment, app *store.BCEntraApp) EntraAppState {
	st := EntraAppState{ClientID: app.ClientID, Description: app.Description, State: app.State, PermissionSets: []Permission{}}
	if u := e.AppUser(app.ClientID); u != nil {
		st.UserSecurityID, st.UserName, st.UserState = u.SecurityID, u.UserName, u.State
		for _, p := range u.Permissions {
			st.PermissionSets = append(st.PermissionSets, Permission{RoleID: p.RoleID, Company: p.Company})
		}
	}
	return st
}

// SetEntraAppState plays the person who switches the card's State.
func (s *Service) SetEntraAppState(tenantID, env, clientID, state string) (EntraAppState, error) {
	return store.UpdateValue(s.store, func(tx *store.Tx) (EntraAppState, error) {
		_, e, err := envFor(tx, tenantID, env)
		if err != nil {
			return EntraAppState{}, err
		}
		app := e.EntraApps[strings.ToLower(clientID)]
		if app == nil {
			return EntraAppState{}, store.NotFound("the Microsoft Entra Application " + clientID)
		}
		if err := setAppState(e, app, state); err != nil {
			return EntraAppState{}, err
		}
		return appState(e, app), nil
	})
}

// DeleteEntraApp deletes the card; as in table 9012 OnDelete, its user goes
// with it.
func (s *Service) DeleteEntraApp(tenantID, env, clientID string) error {
	return s.store.Update(func(tx *store.Tx) error {
		_, e, err := envFor(tx, tenantID, env)
		if err != nil {
			return err
		}
		id := strings.ToLower(clientID)
		if e.EntraApps[id] == nil {
			return store.NotFound("the Microsoft Entra Application " + clientID)
		}
		if u := e.AppUser(id); u != nil {
			e.Users = slices.DeleteFunc(e.Users, func(x *store.BCUser) bool { return x == u })
		}
		delete(e.EntraApps, id)
		return nil
	})
}

// EntraApp reads a card and its user.
func (s *Service) EntraApp(tenantID, env, clientID string) (EntraAppState, error) {
	return store.ViewValue(s.store, func(tx *store.Tx) (EntraAppState, error) {
		_, e, err := envFor(tx, tenantID, env)
		if err != nil {
			return EntraAppState{}, err
		}
		app := e.EntraApps[strings.ToLower(clientID)]
		if app == nil {
			return EntraAppState{}, store.NotFound("the Microsoft Entra Application " + clientID)
		}
		return appState(e, app), nil
	})
}

// Throttle makes the next count BC requests with a token of this tenant
// answer 429 with Retry-After: retryAfterSeconds.
func (s *Service) Throttle(tenantID string, count, retryAfterSeconds int) error {
	return s.store.Update(func(tx *store.Tx) error {
		t, err := tenantFor(tx, tenantID)
		if err != nil {
			return err
		}
		t.BCState().Throttle = store.BCThrottle{Count: count, RetryAfterSeconds: retryAfterSeconds}
		return nil
	})
}

// SetConsentDelay makes the admin center report a new AdminCenter.ReadWrite.All
// consent in this tenant only after d on the emulator's clock.
func (s *Service) SetConsentDelay(tenantID string, d time.Duration) error {
	return s.store.Update(func(tx *store.Tx) error {
		t, err := tenantFor(tx, tenantID)
		if err != nil {
			return err
		}
		t.BCState().ConsentDelay = d
		return nil
	})
}
