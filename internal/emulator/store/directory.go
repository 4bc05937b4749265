package store

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
)

// Directory role template IDs (wids) the services' rules look at.
const (
	RoleGlobalAdmin          = "62e90394-69f5-4237-9190-012177145e10"
	RolePrivilegedRoleAdmin  = "e8611ab8-c189-46e8-94e1-60213ab1f814"
	RoleCloudAppAdmin        = "158c047a-c907-4556-b7ef-446551a6b5f7"
	RoleAppAdmin             = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
	RoleDynamics365Admin     = "44367163-eba1-44c3-98af-f5787879f96a"
	RoleGlobalReader         = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
	RoleBusinessCentralAdmin = "963797fb-eb3b-4cde-8ce3-5878b3f32a3f"
)

// RoleIDs maps the directory role names the control API accepts to their
// template IDs.
var RoleIDs = map[string]string{
	"Global Administrator":                        RoleGlobalAdmin,
	"Privileged Role Administrator":               RolePrivilegedRoleAdmin,
	"Cloud Application Administrator":             RoleCloudAppAdmin,
	"Application Administrator":                   RoleAppAdmin,
	"Dynamics 365 Administrator":                  RoleDynamics365Admin,
	"Global Reader":                               RoleGlobalReader,
	"Dynamics 365 Business Central Administrator": RoleBusinessCentralAdmin,
}

// NewTenant returns an empty tenant.
func NewTenant(id, name string) *Tenant {
	return &Tenant{
		ID: strings.ToLower(id), DisplayName: name, TenantType: "AAD", CountryLetterCode: "US",
		Applications:        map[string]*Application{},
		DeletedApplications: map[string]*Application{},
		ServicePrincipals:   map[string]*ServicePrincipal{},
		AppRoleAssignments:  map[string]*AppRoleAssignment{},
		PermissionGrants:    map[string]*PermissionGrant{},
	}
}

// NewGUID returns a random (version 4) GUID in Microsoft's lower-case form.
func NewGUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// NewOpaqueID is the shape of appRoleAssignment and oauth2PermissionGrant
// IDs: base64url, not a GUID.
func NewOpaqueID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// RandomHex returns n random bytes in hex.
func RandomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x", b)
}

// DefaultDomain is the tenant's default (else first) domain.
func (t *Tenant) DefaultDomain() string {
	for _, d := range t.Domains {
		if d.IsDefault {
			return d.Name
		}
	}
	if len(t.Domains) > 0 {
		return t.Domains[0].Name
	}
	return ""
}

// UserByUPN finds a seeded user by UPN, case-insensitively.
func (t *Tenant) UserByUPN(upn string) *User {
	for _, u := range t.Users {
		if strings.EqualFold(u.UPN, upn) {
			return u
		}
	}
	return nil
}

// UserByID finds a seeded user by object ID.
func (t *Tenant) UserByID(id string) *User {
	for _, u := range t.Users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

// SPByAppID finds the tenant's service principal of an app.
func (t *Tenant) SPByAppID(appID string) *ServicePrincipal {
	for _, sp := range t.ServicePrincipals {
		if strings.EqualFold(sp.AppID, appID) {
			return sp
		}
	}
	return nil
}

// FindUser finds a user by UPN in any tenant that is not deleted.
func (tx *Tx) FindUser(upn string) (*Tenant, *User) {
	for _, t := range tx.s.tenants {
		if u := t.UserByUPN(upn); u != nil && !t.Deleted {
			return t, u
		}
	}
	return nil, nil
}

// AddServicePrincipal instantiates an application (or a first-party app) in
// a tenant.
func (tx *Tx) AddServicePrincipal(t *Tenant, app *Application) *ServicePrincipal {
	tx.mustWrite()
	sp := &ServicePrincipal{
		TenantID: t.ID, ID: NewGUID(), AppID: app.AppID, DisplayName: app.DisplayName,
		AppOwnerOrganizationID: app.TenantID, ServicePrincipalType: "Application", AccountEnabled: true,
		ServicePrincipalNames: append([]string{app.AppID}, app.IdentifierURIs...), SignInAudience: app.SignInAudience,
		AppRoles: app.AppRoles, OAuth2PermissionScopes: app.OAuth2PermissionScopes,
	}
	t.ServicePrincipals[sp.ID] = sp
	return sp
}

// SyncServicePrincipals gives the app's service principals, in every
// tenant, the app's current app roles and scopes: Entra derives a service
// principal's from its application, so a role added to an API is at once
// one that clients can require and be granted.
func (tx *Tx) SyncServicePrincipals(app *Application) {
	tx.mustWrite()
	for _, t := range tx.Tenants() {
		for _, sp := range t.ServicePrincipals {
			if strings.EqualFold(sp.AppID, app.AppID) {
				sp.AppRoles, sp.OAuth2PermissionScopes = app.AppRoles, app.OAuth2PermissionScopes
			}
		}
	}
}

// DeleteServicePrincipal deletes a service principal with what was granted
// to it and on it, as Graph's DELETE does.
func (tx *Tx) DeleteServicePrincipal(t *Tenant, id string) {
	tx.mustWrite()
	delete(t.ServicePrincipals, id)
	for k, a := range t.AppRoleAssignments {
		if a.PrincipalID == id || a.ResourceID == id {
			delete(t.AppRoleAssignments, k)
		}
	}
	for k, g := range t.PermissionGrants {
		if g.ClientID == id || g.ResourceID == id {
			delete(t.PermissionGrants, k)
		}
	}
}

// HasAssignment reports whether principalID holds roleID on resourceID.
func (t *Tenant) HasAssignment(principalID, resourceID, roleID string) bool {
	for _, a := range t.AppRoleAssignments {
		if a.PrincipalID == principalID && a.ResourceID == resourceID && a.AppRoleID == roleID {
			return true
		}
	}
	return false
}
