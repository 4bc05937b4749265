package emulator

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
)

func newStore() *store {
	return &store{tenants: map[string]*tenant{}, domains: map[string]string{}, apps: map[string]*application{}}
}

func newTenant(id, name string) *tenant {
	return &tenant{
		ID: strings.ToLower(id), DisplayName: name, TenantType: "AAD", CountryLetterCode: "US",
		Applications:       map[string]*application{},
		ServicePrincipals:  map[string]*servicePrincipal{},
		AppRoleAssignments: map[string]*appRoleAssignment{},
		PermissionGrants:   map[string]*permissionGrant{},
	}
}

// newGUID returns a random (version 4) GUID in Microsoft's lower-case form.
func newGUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// newOpaqueID is the shape of appRoleAssignment and oauth2PermissionGrant
// IDs: base64url, not a GUID.
func newOpaqueID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// tenantByRef resolves a tenant GUID or any of its domains. Caller holds the
// store lock. Deleted tenants are not found.
func (st *store) tenantByRef(ref string) *tenant {
	ref = strings.ToLower(ref)
	t := st.tenants[ref]
	if t == nil {
		if id, ok := st.domains[ref]; ok {
			t = st.tenants[id]
		}
	}
	if t == nil || t.Deleted {
		return nil
	}
	return t
}

func (t *tenant) defaultDomain() string {
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

func (t *tenant) userByUPN(upn string) *user {
	for _, u := range t.Users {
		if strings.EqualFold(u.UPN, upn) {
			return u
		}
	}
	return nil
}

func (t *tenant) userByID(id string) *user {
	for _, u := range t.Users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

// addServicePrincipal instantiates an application (or a first-party app) in
// a tenant. Caller holds the store lock.
func (st *store) addServicePrincipal(t *tenant, app *application) *servicePrincipal {
	sp := &servicePrincipal{
		TenantID: t.ID, ID: newGUID(), AppID: app.AppID, DisplayName: app.DisplayName,
		AppOwnerOrganizationID: app.TenantID, ServicePrincipalType: "Application", AccountEnabled: true,
		ServicePrincipalNames: append([]string{app.AppID}, app.IdentifierURIs...), SignInAudience: app.SignInAudience,
		AppRoles: app.AppRoles, OAuth2PermissionScopes: app.OAuth2PermissionScopes,
	}
	t.ServicePrincipals[sp.ID] = sp
	return sp
}
