package store

import (
	"slices"
	"strings"
	"time"
)

// The resources the emulator issues tokens for: the resource identifier URI
// and the resource's first-party app ID (a scope may name either).
const (
	GraphResource = "https://graph.microsoft.com"
	GraphAppID    = "00000003-0000-0000-c000-000000000000"
	BCResource    = "https://api.businesscentral.dynamics.com"
	BCAppID       = "996def3d-b36c-4153-8607-a6fd3c01b89f"
)

var resources = []struct{ URI, AppID string }{
	{GraphResource, GraphAppID},
	{BCResource, BCAppID},
}

// ResourceByScopePrefix resolves a resource URI or app ID (a scope without
// its permission) to both.
func ResourceByScopePrefix(s string) (uri, appID string, ok bool) {
	s = strings.TrimSuffix(strings.ToLower(s), "/")
	for _, r := range resources {
		if s == strings.ToLower(r.URI) || s == r.AppID {
			return r.URI, r.AppID, true
		}
	}
	return "", "", false
}

// ConsentRefusal says why a signed-in user cannot grant tenant-wide consent
// for these permissions, or "" when they can. Microsoft's rule: Global
// Administrator and Privileged Role Administrator may consent to anything;
// Cloud Application Administrator and Application Administrator may consent
// to delegated permissions and to application permissions of any API except
// Microsoft Graph (granting Graph app roles needs Privileged Role
// Administrator). Other roles (Dynamics 365 Administrator included) cannot.
func ConsentRefusal(roles []string, graphAppRoles bool) string {
	if slices.Contains(roles, RoleGlobalAdmin) || slices.Contains(roles, RolePrivilegedRoleAdmin) {
		return ""
	}
	if slices.Contains(roles, RoleCloudAppAdmin) || slices.Contains(roles, RoleAppAdmin) {
		if graphAppRoles {
			return "Granting application permissions of Microsoft Graph requires the Global Administrator or Privileged Role Administrator role."
		}
		return ""
	}
	return "The signed-in user does not have a role that can grant tenant-wide admin consent (Global Administrator, Privileged Role Administrator, Cloud Application Administrator or Application Administrator)."
}

// RequiresGraphAppRoles reports whether the app requires Microsoft Graph
// application permissions (among the resources in only, when set).
func RequiresGraphAppRoles(app *Application, only []string) bool {
	for _, rra := range app.RequiredResourceAccess {
		if only != nil && !slices.Contains(only, rra.ResourceAppID) {
			continue
		}
		for _, ra := range rra.ResourceAccess {
			if ra.Type == "Role" && rra.ResourceAppID == GraphAppID {
				return true
			}
		}
	}
	return false
}

// GrantConsent does what admin consent does in a tenant: instantiate the
// app, assign every app role it requires and record one AllPrincipals grant
// per resource for its delegated scopes (only the resources in only, when
// set). It returns the granted permissions as "<resource>/<value>".
func (tx *Tx) GrantConsent(t *Tenant, app *Application, only []string, now time.Time) []string {
	tx.mustWrite()
	client := t.SPByAppID(app.AppID)
	if client == nil {
		client = tx.AddServicePrincipal(t, app)
		client.CreatedDateTime = now
		tx.MarkCreated(client.ID)
	}
	var granted []string
	for _, rra := range app.RequiredResourceAccess {
		if only != nil && !slices.Contains(only, rra.ResourceAppID) {
			continue
		}
		res := t.SPByAppID(rra.ResourceAppID)
		if res == nil {
			if fp := FirstPartyApp(rra.ResourceAppID); fp != nil {
				res = tx.AddServicePrincipal(t, fp)
			} else if ra := tx.App(rra.ResourceAppID); ra != nil {
				res = tx.AddServicePrincipal(t, ra)
			} else {
				continue
			}
		}
		resURI := res.AppID
		if u, _, ok := ResourceByScopePrefix(res.AppID); ok {
			resURI = u
		}
		var scopes []string
		for _, ra := range rra.ResourceAccess {
			switch ra.Type {
			case "Role":
				for _, role := range res.AppRoles {
					if role.ID != ra.ID {
						continue
					}
					if !t.HasAssignment(client.ID, res.ID, role.ID) {
						a := &AppRoleAssignment{ID: NewOpaqueID(), AppRoleID: role.ID, PrincipalID: client.ID, PrincipalType: "ServicePrincipal",
							PrincipalDisplayName: client.DisplayName, ResourceID: res.ID, ResourceDisplayName: res.DisplayName, CreatedDateTime: now}
						t.AppRoleAssignments[a.ID] = a
					}
					granted = append(granted, resURI+"/"+role.Value)
				}
			case "Scope":
				for _, sc := range res.OAuth2PermissionScopes {
					if sc.ID == ra.ID {
						scopes = append(scopes, sc.Value)
						granted = append(granted, resURI+"/"+sc.Value)
					}
				}
			}
		}
		if len(scopes) > 0 {
			var grant *PermissionGrant
			for _, g := range t.PermissionGrants {
				if g.ClientID == client.ID && g.ResourceID == res.ID && g.ConsentType == "AllPrincipals" {
					grant = g
				}
			}
			if grant == nil {
				grant = &PermissionGrant{ID: NewOpaqueID(), ClientID: client.ID, ConsentType: "AllPrincipals", ResourceID: res.ID}
				t.PermissionGrants[grant.ID] = grant
			}
			have := strings.Fields(grant.Scope)
			for _, sc := range scopes {
				if !slices.Contains(have, sc) {
					have = append(have, sc)
				}
			}
			grant.Scope = strings.Join(have, " ")
		}
	}
	return granted
}

// GrantedRoles lists the app role values the client app holds on a resource
// in a tenant: what the roles claim of an app-only token carries.
func (t *Tenant) GrantedRoles(clientAppID, resourceAppID string) []string {
	client := t.SPByAppID(clientAppID)
	resource := t.SPByAppID(resourceAppID)
	if client == nil || resource == nil {
		return nil
	}
	var roles []string
	for _, a := range t.AppRoleAssignments {
		if a.PrincipalID != client.ID || a.ResourceID != resource.ID {
			continue
		}
		for _, r := range resource.AppRoles {
			if r.ID == a.AppRoleID && !slices.Contains(roles, r.Value) {
				roles = append(roles, r.Value)
			}
		}
	}
	slices.Sort(roles)
	return roles
}

// GrantedScopes lists the delegated scopes the client holds on a resource
// for a user (AllPrincipals grants, or Principal grants for that user).
func (t *Tenant) GrantedScopes(clientAppID, resourceAppID, userID string) []string {
	client := t.SPByAppID(clientAppID)
	resource := t.SPByAppID(resourceAppID)
	if client == nil || resource == nil {
		return nil
	}
	var scopes []string
	for _, g := range t.PermissionGrants {
		if g.ClientID != client.ID || g.ResourceID != resource.ID {
			continue
		}
		if g.ConsentType == "Principal" && g.PrincipalID != userID {
			continue
		}
		for _, sc := range strings.Fields(g.Scope) {
			if !slices.Contains(scopes, sc) {
				scopes = append(scopes, sc)
			}
		}
	}
	slices.Sort(scopes)
	return scopes
}
