package emulator

import (
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/graph"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// Inspection and "portal" edits for tests: what an admin would see or change
// in the Entra admin center, without going through Graph.

// AppView is a snapshot of an app registration.
type AppView struct {
	ID, AppID, UniqueName, DisplayName, SignInAudience string
	WebRedirectURIs                                    []string
	Tags                                               []string
	Secrets                                            []SecretView
	// RequiredResourceAccess maps resource app ID to "Role:<id>"/"Scope:<id>".
	RequiredResourceAccess map[string][]string
	SPARedirectURIs        []string
	// Scopes are the delegated permissions the app exposes.
	Scopes         []store.PermissionScope
	Info           store.InformationalURL
	OptionalClaims *store.OptionalClaims
	// Owners are the owners' object IDs, in the order they were added.
	Owners []string
}

// SecretView is a client secret without its value.
type SecretView struct {
	KeyID, DisplayName string
	Start, End         time.Time
}

// Apps lists a tenant's app registrations, oldest first.
func (s *Server) Apps(tenantID string) []AppView {
	var out []AppView
	_ = s.store.View(func(tx *store.Tx) error {
		t := tx.Tenant(tenantID)
		if t == nil {
			return nil
		}
		for _, a := range t.Applications {
			v := AppView{ID: a.ID, AppID: a.AppID, UniqueName: a.UniqueName, DisplayName: a.DisplayName, SignInAudience: a.SignInAudience,
				WebRedirectURIs: append([]string(nil), a.WebRedirectURIs...), Tags: append([]string(nil), a.Tags...), RequiredResourceAccess: map[string][]string{},
				SPARedirectURIs: append([]string(nil), a.SPARedirectURIs...), Scopes: append([]store.PermissionScope(nil), a.OAuth2PermissionScopes...),
				Info: a.Info, OptionalClaims: a.OptionalClaims, Owners: append([]string(nil), a.Owners...)}
			for _, p := range a.PasswordCredentials {
				v.Secrets = append(v.Secrets, SecretView{KeyID: p.KeyID, DisplayName: p.DisplayName, Start: p.StartDateTime, End: p.EndDateTime})
			}
			for _, r := range a.RequiredResourceAccess {
				for _, ra := range r.ResourceAccess {
					v.RequiredResourceAccess[r.ResourceAppID] = append(v.RequiredResourceAccess[r.ResourceAppID], ra.Type+":"+ra.ID)
				}
				sort.Strings(v.RequiredResourceAccess[r.ResourceAppID])
			}
			out = append(out, v)
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// AppsNamed returns the tenant's apps with this display name.
func (s *Server) AppsNamed(tenantID, displayName string) []AppView {
	var out []AppView
	for _, a := range s.Apps(tenantID) {
		if a.DisplayName == displayName {
			out = append(out, a)
		}
	}
	return out
}

// app finds an app registration by object ID in a transaction.
func app(tx *store.Tx, tenantID, objectID string) (*store.Application, error) {
	t, err := tx.TenantErr(tenantID)
	if err != nil {
		return nil, err
	}
	a := t.Applications[strings.ToLower(objectID)]
	if a == nil {
		return nil, store.NotFound("application " + objectID)
	}
	return a, nil
}

// EditApp changes an app as an admin would in the portal; props are Graph
// application properties, e.g. {"displayName": "x"}.
func (s *Server) EditApp(tenantID, objectID string, props map[string]any) error {
	body := map[string]json.RawMessage{}
	for k, v := range props {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		body[k] = b
	}
	return s.store.Update(func(tx *store.Tx) error {
		a, err := app(tx, tenantID, objectID)
		if err != nil {
			return err
		}
		return graph.EditApplication(a, body)
	})
}

// AddAppOwner adds an owner (a user's or service principal's object ID) as
// an admin would in the portal.
func (s *Server) AddAppOwner(tenantID, objectID, ownerID string) error {
	return s.store.Update(func(tx *store.Tx) error {
		a, err := app(tx, tenantID, objectID)
		if err != nil {
			return err
		}
		a.Owners = append(a.Owners, strings.ToLower(ownerID))
		return nil
	})
}

// RemoveSecret deletes a client secret as an admin would in the portal.
func (s *Server) RemoveSecret(tenantID, objectID, keyID string) error {
	return s.store.Update(func(tx *store.Tx) error {
		a, err := app(tx, tenantID, objectID)
		if err != nil {
			return err
		}
		for i, p := range a.PasswordCredentials {
			if strings.EqualFold(p.KeyID, keyID) {
				a.PasswordCredentials = append(a.PasswordCredentials[:i], a.PasswordCredentials[i+1:]...)
				return nil
			}
		}
		return store.NotFound("secret " + keyID)
	})
}

// SecretValue returns a secret's text, as the person who created it would
// have copied it; tests use it to sign in as the app.
func (s *Server) SecretValue(tenantID, objectID, keyID string) (string, error) {
	return store.ViewValue(s.store, func(tx *store.Tx) (string, error) {
		a, err := app(tx, tenantID, objectID)
		if err != nil {
			return "", err
		}
		for _, p := range a.PasswordCredentials {
			if strings.EqualFold(p.KeyID, keyID) {
				return p.SecretText, nil
			}
		}
		return "", store.NotFound("secret " + keyID)
	})
}

// RegisterApp creates an app registration (and its service principal) as if
// someone had created it earlier, e.g. an apply that crashed after Graph
// created the app. It returns the object ID and client ID.
func (s *Server) RegisterApp(tenantID, uniqueName, displayName string) (string, string, error) {
	var id, appID string
	err := s.store.Update(func(tx *store.Tx) error {
		t, err := tx.TenantErr(tenantID)
		if err != nil {
			return err
		}
		now := tx.Now()
		a := &store.Application{TenantID: t.ID, ID: store.NewGUID(), AppID: store.NewGUID(), UniqueName: uniqueName, DisplayName: displayName,
			SignInAudience: "AzureADMyOrg", PublisherDomain: t.DefaultDomain(), CreatedDateTime: now}
		tx.PutApp(t, a)
		sp := tx.AddServicePrincipal(t, a)
		sp.CreatedDateTime = now
		id, appID = a.ID, a.AppID
		return nil
	})
	return id, appID, err
}

// AddFederatedCredential adds a federated identity credential to an app, as
// an admin would for a CI pipeline.
func (s *Server) AddFederatedCredential(tenantID, objectID, issuer, subject, audience string) error {
	return s.store.Update(func(tx *store.Tx) error {
		a, err := app(tx, tenantID, objectID)
		if err != nil {
			return err
		}
		a.FederatedCredentials = append(a.FederatedCredentials, store.FederatedCredential{ID: store.NewGUID(), Name: "ci-" + store.NewGUID()[:8], Issuer: issuer, Subject: subject, Audiences: []string{audience}})
		return nil
	})
}

// GrantsView is what a tenant holds for one client app: its service
// principals (more than one would be a duplicate), the application
// permissions assigned to it as "resource app ID/role value" (one entry per
// assignment, so a duplicate shows twice) and its delegated grants.
type GrantsView struct {
	ServicePrincipals int
	AppRoles          []string
	DelegatedGrants   []string // "resource app ID/scope scope"
}

// Grants shows what tenantID holds for the app clientID, sorted.
func (s *Server) Grants(tenantID, clientID string) GrantsView {
	var v GrantsView
	_ = s.store.View(func(tx *store.Tx) error {
		t := tx.Tenant(tenantID)
		if t == nil {
			return nil
		}
		mine := map[string]bool{}
		for id, sp := range t.ServicePrincipals {
			if strings.EqualFold(sp.AppID, clientID) {
				v.ServicePrincipals++
				mine[id] = true
			}
		}
		roleValue := func(res *store.ServicePrincipal, roleID string) string {
			for _, r := range res.AppRoles {
				if r.ID == roleID {
					return r.Value
				}
			}
			return roleID
		}
		for _, a := range t.AppRoleAssignments {
			if res := t.ServicePrincipals[a.ResourceID]; mine[a.PrincipalID] && res != nil {
				v.AppRoles = append(v.AppRoles, res.AppID+"/"+roleValue(res, a.AppRoleID))
			}
		}
		for _, g := range t.PermissionGrants {
			if res := t.ServicePrincipals[g.ResourceID]; mine[g.ClientID] && res != nil {
				v.DelegatedGrants = append(v.DelegatedGrants, res.AppID+"/"+g.Scope)
			}
		}
		return nil
	})
	sort.Strings(v.AppRoles)
	sort.Strings(v.DelegatedGrants)
	return v
}

// AddSecret adds a client secret as someone would in the portal (or another
// tool, such as the azuread provider); it returns the key ID and the value.
func (s *Server) AddSecret(tenantID, objectID, displayName string, end time.Time) (string, string, error) {
	var keyID, text string
	err := s.store.Update(func(tx *store.Tx) error {
		a, err := app(tx, tenantID, objectID)
		if err != nil {
			return err
		}
		text = graph.NewSecretText()
		p := store.PasswordCredential{KeyID: store.NewGUID(), DisplayName: displayName, Hint: text[:3], SecretText: text, StartDateTime: tx.Now().Truncate(time.Second), EndDateTime: end.UTC()}
		a.PasswordCredentials = append(a.PasswordCredentials, p)
		keyID = p.KeyID
		return nil
	})
	return keyID, text, err
}

// DeleteServicePrincipal deletes an app's enterprise application (service
// principal) in a tenant, with what was granted to it, as an admin would in
// the portal.
func (s *Server) DeleteServicePrincipal(tenantID, appID string) error {
	return s.store.Update(func(tx *store.Tx) error {
		t, err := tx.TenantErr(tenantID)
		if err != nil {
			return err
		}
		sp := t.SPByAppID(appID)
		if sp == nil {
			return store.NotFound("service principal of " + appID)
		}
		tx.SoftDeleteServicePrincipal(t, sp)
		return nil
	})
}

// DeleteApp deletes an app registration as a colleague would in the portal:
// it goes to deleted items (restorable for 30 days of the emulator's clock),
// and so does its service principal in the home tenant.
func (s *Server) DeleteApp(tenantID, objectID string) error {
	return s.store.Update(func(tx *store.Tx) error {
		a, err := app(tx, tenantID, objectID)
		if err != nil {
			return err
		}
		t := tx.Tenant(tenantID)
		tx.SoftDeleteApp(t, a)
		if sp := t.SPByAppID(a.AppID); sp != nil {
			tx.SoftDeleteServicePrincipal(t, sp)
		}
		return nil
	})
}

// PurgeApp deletes a soft-deleted app registration for good, as "Delete
// permanently" in the portal's deleted applications does.
func (s *Server) PurgeApp(tenantID, objectID string) error {
	return s.store.Update(func(tx *store.Tx) error {
		t, err := tx.TenantErr(tenantID)
		if err != nil {
			return err
		}
		a := tx.DeletedApp(t, objectID)
		if a == nil {
			return store.NotFound("deleted application " + objectID)
		}
		tx.PurgeApp(t, a)
		return nil
	})
}

// DeletedApps lists a tenant's restorable app registrations by object ID.
func (s *Server) DeletedApps(tenantID string) []string {
	out, _ := store.ViewValue(s.store, func(tx *store.Tx) ([]string, error) {
		var ids []string
		if t := tx.Tenant(tenantID); t != nil {
			for _, a := range tx.DeletedApps(t) {
				ids = append(ids, a.ID)
			}
		}
		sort.Strings(ids)
		return ids, nil
	})
	return out
}

// IssuedTokens returns every access token the identity platform has minted,
// oldest first: tests grep logs and state files for them.
func (s *Server) IssuedTokens() []string { return s.identity.IssuedTokens() }

// AppLogo returns the logo PUT to the app and its content type; empty when
// the app has none or does not exist.
func (s *Server) AppLogo(tenantID, objectID string) ([]byte, string) {
	var body []byte
	var ct string
	_ = s.store.View(func(tx *store.Tx) error {
		a, err := app(tx, tenantID, objectID)
		if err != nil {
			return err // no such app: no logo
		}
		body, ct = append([]byte(nil), a.Logo...), a.LogoContentType
		return nil
	})
	return body, ct
}
