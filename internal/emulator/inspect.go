package emulator

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Inspection and "portal" edits for tests: what an admin would see or change
// in the Entra admin center, without going through Graph.

// AppView is a snapshot of an app registration.
type AppView struct {
	ID, AppID, UniqueName, DisplayName, SignInAudience string
	WebRedirectURIs                                    []string
	Secrets                                            []SecretView
	// RequiredResourceAccess maps resource app ID to "Role:<id>"/"Scope:<id>".
	RequiredResourceAccess map[string][]string
}

// SecretView is a client secret without its value.
type SecretView struct {
	KeyID, DisplayName string
	Start, End         time.Time
}

// Apps lists a tenant's app registrations, oldest first.
func (s *Server) Apps(tenantID string) []AppView {
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	t := s.store.tenantByRef(tenantID)
	if t == nil {
		return nil
	}
	var out []AppView
	for _, a := range t.Applications {
		v := AppView{ID: a.ID, AppID: a.AppID, UniqueName: a.UniqueName, DisplayName: a.DisplayName, SignInAudience: a.SignInAudience,
			WebRedirectURIs: append([]string(nil), a.WebRedirectURIs...), RequiredResourceAccess: map[string][]string{}}
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
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	t := s.store.tenantByRef(tenantID)
	if t == nil || t.Applications[strings.ToLower(objectID)] == nil {
		return errNotFound
	}
	a := t.Applications[strings.ToLower(objectID)]
	updated := *a
	if msg := applyAppProps(&updated, body, false); msg != "" {
		return fmt.Errorf("%s", msg)
	}
	*a = updated
	return nil
}

// RemoveSecret deletes a client secret as an admin would in the portal.
func (s *Server) RemoveSecret(tenantID, objectID, keyID string) error {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	t := s.store.tenantByRef(tenantID)
	if t == nil || t.Applications[strings.ToLower(objectID)] == nil {
		return errNotFound
	}
	a := t.Applications[strings.ToLower(objectID)]
	for i, p := range a.PasswordCredentials {
		if strings.EqualFold(p.KeyID, keyID) {
			a.PasswordCredentials = append(a.PasswordCredentials[:i], a.PasswordCredentials[i+1:]...)
			return nil
		}
	}
	return errNotFound
}

// SecretValue returns a secret's text, as the person who created it would
// have copied it; tests use it to sign in as the app.
func (s *Server) SecretValue(tenantID, objectID, keyID string) (string, error) {
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	t := s.store.tenantByRef(tenantID)
	if t == nil || t.Applications[strings.ToLower(objectID)] == nil {
		return "", errNotFound
	}
	for _, p := range t.Applications[strings.ToLower(objectID)].PasswordCredentials {
		if strings.EqualFold(p.KeyID, keyID) {
			return p.SecretText, nil
		}
	}
	return "", errNotFound
}

// RegisterApp creates an app registration (and its service principal) as if
// someone had created it earlier, e.g. an apply that crashed after Graph
// created the app. It returns the object ID and client ID.
func (s *Server) RegisterApp(tenantID, uniqueName, displayName string) (string, string, error) {
	now := s.now()
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	t := s.store.tenantByRef(tenantID)
	if t == nil {
		return "", "", errNotFound
	}
	a := &application{TenantID: t.ID, ID: newGUID(), AppID: newGUID(), UniqueName: uniqueName, DisplayName: displayName,
		SignInAudience: "AzureADMyOrg", PublisherDomain: t.defaultDomain(), CreatedDateTime: now}
	t.Applications[a.ID] = a
	s.store.apps[a.AppID] = a
	sp := s.store.addServicePrincipal(t, a)
	sp.CreatedDateTime = now
	return a.ID, a.AppID, nil
}

// AddFederatedCredential adds a federated identity credential to an app, as
// an admin would for a CI pipeline.
func (s *Server) AddFederatedCredential(tenantID, objectID, issuer, subject, audience string) error {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	t := s.store.tenantByRef(tenantID)
	if t == nil || t.Applications[strings.ToLower(objectID)] == nil {
		return errNotFound
	}
	a := t.Applications[strings.ToLower(objectID)]
	a.FederatedCredentials = append(a.FederatedCredentials, federatedCredential{ID: newGUID(), Name: "ci-" + newGUID()[:8], Issuer: issuer, Subject: subject, Audiences: []string{audience}})
	return nil
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
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	var v GrantsView
	t := s.store.tenantByRef(tenantID)
	if t == nil {
		return v
	}
	mine := map[string]bool{}
	for id, sp := range t.ServicePrincipals {
		if strings.EqualFold(sp.AppID, clientID) {
			v.ServicePrincipals++
			mine[id] = true
		}
	}
	roleValue := func(res *servicePrincipal, roleID string) string {
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
	sort.Strings(v.AppRoles)
	sort.Strings(v.DelegatedGrants)
	return v
}

// AddSecret adds a client secret as someone would in the portal (or another
// tool, such as the azuread provider); it returns the key ID and the value.
func (s *Server) AddSecret(tenantID, objectID, displayName string, end time.Time) (string, string, error) {
	now := s.now()
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	t := s.store.tenantByRef(tenantID)
	if t == nil || t.Applications[strings.ToLower(objectID)] == nil {
		return "", "", errNotFound
	}
	a := t.Applications[strings.ToLower(objectID)]
	text := newSecretText()
	p := passwordCredential{KeyID: newGUID(), DisplayName: displayName, Hint: text[:3], SecretText: text, StartDateTime: now.Truncate(time.Second), EndDateTime: end.UTC()}
	a.PasswordCredentials = append(a.PasswordCredentials, p)
	return p.KeyID, text, nil
}

// DeleteServicePrincipal deletes an app's enterprise application (service
// principal) in a tenant, with what was granted to it, as an admin would in
// the portal.
func (s *Server) DeleteServicePrincipal(tenantID, appID string) error {
	s.store.mu.Lock()
	defer s.store.mu.Unlock()
	t := s.store.tenantByRef(tenantID)
	if t == nil {
		return errNotFound
	}
	sp := t.spByAppID(appID)
	if sp == nil {
		return errNotFound
	}
	deleteSPLocked(t, sp.ID)
	return nil
}
