package graph

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/route"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// Graph /servicePrincipals, appRoleAssignedTo / appRoleAssignments and
// /oauth2PermissionGrants (serviceprincipal-post-approleassignedto.md,
// oauth2permissiongrant-post.md).

func spJSON(sp *store.ServicePrincipal) map[string]any {
	roles := sp.AppRoles
	if roles == nil {
		roles = []store.AppRole{}
	}
	scopes := sp.OAuth2PermissionScopes
	if scopes == nil {
		scopes = []store.PermissionScope{}
	}
	return documented(servicePrincipalDefaults, map[string]any{
		"id": sp.ID, "appId": sp.AppID, "displayName": sp.DisplayName, "appDisplayName": sp.DisplayName,
		"appOwnerOrganizationId": sp.AppOwnerOrganizationID, "servicePrincipalType": sp.ServicePrincipalType,
		"accountEnabled": sp.AccountEnabled, "appRoleAssignmentRequired": sp.AppRoleAssignmentRequired,
		"servicePrincipalNames": strs(sp.ServicePrincipalNames), "tags": strs(sp.Tags), "signInAudience": sp.SignInAudience,
		"appRoles": roles, "oauth2PermissionScopes": scopes, "createdDateTime": ts(sp.CreatedDateTime), "deletedDateTime": nil,
	})
}

func araJSON(a *store.AppRoleAssignment) map[string]any {
	return map[string]any{
		"id": a.ID, "deletedDateTime": nil, "appRoleId": a.AppRoleID, "createdDateTime": ts(a.CreatedDateTime),
		"principalDisplayName": a.PrincipalDisplayName, "principalId": a.PrincipalID, "principalType": a.PrincipalType,
		"resourceDisplayName": a.ResourceDisplayName, "resourceId": a.ResourceID,
	}
}

func grantJSON(g *store.PermissionGrant) map[string]any {
	return map[string]any{"id": g.ID, "clientId": g.ClientID, "consentType": g.ConsentType, "principalId": nilIfEmpty(g.PrincipalID),
		"resourceId": g.ResourceID, "scope": g.Scope}
}

func spByRef(t *store.Tenant, ref string) *store.ServicePrincipal {
	if v, ok := keyRef(ref, "appId"); ok {
		return t.SPByAppID(v)
	}
	return t.ServicePrincipals[strings.ToLower(ref)]
}

// invalidAppID is Graph's answer to a service principal for an app it
// cannot instantiate here.
func invalidAppID(appID string) error {
	return badRequest("The appId '" + appID + "' of the service principal does not reference a valid application object.")
}

func (s *Service) createServicePrincipal(r *request) (*route.Response, error) {
	var body struct {
		AppID string   `json:"appId"`
		Tags  []string `json:"tags"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.AppID == "" {
		return nil, badRequest("Invalid value specified for property 'appId' of resource 'ServicePrincipal'.")
	}
	var out map[string]any
	err := s.store.Update(func(tx *store.Tx) error {
		t := r.tenant(tx)
		app := tx.App(body.AppID)
		if app == nil {
			app = store.FirstPartyApp(body.AppID)
		}
		switch {
		case ownedByOnly(r.p) && (app == nil || tx.Replicating(app.AppID) || app.TenantID != t.ID || !owns(app, r.p)):
			// Graph's answer under Application.ReadWrite.OwnedBy, also while a
			// freshly created app is still replicating (azuread retries on it).
			return Errorf(http.StatusForbidden, "Authorization_RequestDenied", "When using this permission, the backing application of the service principal being created must in the local tenant")
		case app == nil || tx.Replicating(app.AppID):
			return invalidAppID(body.AppID)
		case app.TenantID != t.ID && app.SignInAudience == "AzureADMyOrg":
			return invalidAppID(body.AppID)
		case t.SPByAppID(app.AppID) != nil:
			return Errorf(http.StatusConflict, "Request_MultipleObjectsWithSameKeyValue", "The service principal cannot be created, updated, or restored because the service principal name "+app.AppID+" is already in use.")
		}
		sp := tx.AddServicePrincipal(t, app)
		sp.CreatedDateTime = tx.Now()
		sp.Tags = body.Tags
		tx.MarkCreated(sp.ID)
		out = spJSON(sp)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals/$entity"
	id, _ := out["id"].(string)
	return route.JSON(http.StatusCreated, out).With("Location", s.location(id, "ServicePrincipal")), nil
}

func (s *Service) listServicePrincipals(r *request) (*route.Response, error) {
	f, ferr := parseFilter(r.URL.Query().Get("$filter"), "appId", "displayName", "id")
	if err := advancedQueryOK(r.Request); err != nil {
		return nil, err
	}
	if ferr != nil {
		return nil, ferr
	}
	var items []map[string]any
	_ = s.store.View(func(tx *store.Tx) error {
		for _, sp := range r.tenant(tx).ServicePrincipals {
			if j := spJSON(sp); f.match(j) && !tx.Replicating(sp.ID) {
				items = append(items, j)
			}
		}
		return nil
	})
	return s.listed(r, "servicePrincipals", items)
}

func (s *Service) getServicePrincipal(r *request) (*route.Response, error) {
	ref := r.PathValue("ref")
	var out map[string]any
	err := s.store.View(func(tx *store.Tx) error {
		sp := spByRef(r.tenant(tx), ref)
		if sp == nil || tx.Replicating(sp.ID) {
			return notFound(strings.Trim(ref, "()"))
		}
		out = spJSON(sp)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return entity(r.Request, "servicePrincipals", out), nil
}

func (s *Service) deleteServicePrincipal(r *request) (*route.Response, error) {
	err := s.store.Update(func(tx *store.Tx) error {
		t := r.tenant(tx)
		sp := spByRef(t, r.PathValue("ref"))
		if sp == nil {
			return notFound(r.PathValue("ref"))
		}
		// Into deleted items for 30 days (directory-deleteditems-list.md).
		tx.SoftDeleteServicePrincipal(t, sp)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return route.Empty(http.StatusNoContent), nil
}

func assignmentsNav(byPrincipal bool) string {
	if byPrincipal {
		return "appRoleAssignments"
	}
	return "appRoleAssignedTo"
}

// listAssignments lists assignments granted to the SP (appRoleAssignments,
// byPrincipal) or on the SP as a resource (appRoleAssignedTo).
func (s *Service) listAssignments(byPrincipal bool) handler {
	return func(r *request) (*route.Response, error) {
		var items []map[string]any
		var spID string
		err := s.store.View(func(tx *store.Tx) error {
			t := r.tenant(tx)
			sp := spByRef(t, r.PathValue("ref"))
			if sp == nil {
				return notFound(r.PathValue("ref"))
			}
			spID = sp.ID
			for _, a := range t.AppRoleAssignments {
				if (byPrincipal && a.PrincipalID == sp.ID) || (!byPrincipal && a.ResourceID == sp.ID) {
					items = append(items, araJSON(a))
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		return s.listed(r, "servicePrincipals('"+spID+"')/"+assignmentsNav(byPrincipal), items)
	}
}

// createAssignment answers POST …/appRoleAssignedTo (the path names the
// resource SP) and …/appRoleAssignments (the path names the principal SP);
// the body must agree with the path.
func (s *Service) createAssignment(byPrincipal bool) handler {
	return func(r *request) (*route.Response, error) {
		var spID string
		err := s.store.View(func(tx *store.Tx) error {
			sp := spByRef(r.tenant(tx), r.PathValue("ref"))
			if sp == nil {
				return notFound(r.PathValue("ref"))
			}
			spID = sp.ID
			return nil
		})
		if err != nil {
			return nil, err
		}
		var body struct {
			PrincipalID string `json:"principalId"`
			ResourceID  string `json:"resourceId"`
			AppRoleID   string `json:"appRoleId"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			return nil, badRequest("Invalid request body.")
		}
		pathID := body.ResourceID
		if byPrincipal {
			pathID = body.PrincipalID
		}
		var out map[string]any
		err = s.store.Update(func(tx *store.Tx) error {
			t := r.tenant(tx)
			principalSP := t.ServicePrincipals[strings.ToLower(body.PrincipalID)]
			resource := t.ServicePrincipals[strings.ToLower(body.ResourceID)]
			switch {
			case !strings.EqualFold(pathID, spID):
				return badRequest("Not a valid reference update.")
			case principalSP == nil || resource == nil || tx.Replicating(body.PrincipalID) || tx.Replicating(body.ResourceID):
				return badRequest("Not a valid reference update.")
			case !slices.ContainsFunc(resource.AppRoles, func(ar store.AppRole) bool { return strings.EqualFold(ar.ID, body.AppRoleID) }):
				return badRequest("Permission being assigned was not found on application '" + resource.AppID + "'.")
			case t.HasAssignment(principalSP.ID, resource.ID, strings.ToLower(body.AppRoleID)):
				return badRequest("Permission being assigned already exists on the object.")
			case r.p.Delegated && resource.AppID == store.GraphAppID && !slices.ContainsFunc(r.p.Wids, func(w string) bool { return w == store.RoleGlobalAdmin || w == store.RolePrivilegedRoleAdmin }):
				// Granting Microsoft Graph app roles needs Privileged Role
				// Administrator (or Global Administrator) in delegated context.
				return denied()
			}
			a := &store.AppRoleAssignment{ID: store.NewOpaqueID(), AppRoleID: strings.ToLower(body.AppRoleID), PrincipalID: principalSP.ID, PrincipalType: "ServicePrincipal",
				PrincipalDisplayName: principalSP.DisplayName, ResourceID: resource.ID, ResourceDisplayName: resource.DisplayName, CreatedDateTime: tx.Now()}
			t.AppRoleAssignments[a.ID] = a
			out = araJSON(a)
			return nil
		})
		if err != nil {
			return nil, err
		}
		out["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals('" + spID + "')/" + assignmentsNav(byPrincipal) + "/$entity"
		id, _ := out["id"].(string)
		return route.JSON(http.StatusCreated, out).With("Location", s.url+"/v1.0/servicePrincipals/"+spID+"/"+assignmentsNav(byPrincipal)+"/"+id), nil
	}
}

// deleteAssignment removes an assignment only through the SP it belongs to:
// the resource for appRoleAssignedTo, the principal for appRoleAssignments.
func (s *Service) deleteAssignment(byPrincipal bool) handler {
	return func(r *request) (*route.Response, error) {
		id := r.PathValue("id")
		err := s.store.Update(func(tx *store.Tx) error {
			t := r.tenant(tx)
			sp := spByRef(t, r.PathValue("ref"))
			if sp == nil {
				return notFound(r.PathValue("ref"))
			}
			a := t.AppRoleAssignments[id]
			if a == nil || (byPrincipal && a.PrincipalID != sp.ID) || (!byPrincipal && a.ResourceID != sp.ID) {
				return notFound(id)
			}
			delete(t.AppRoleAssignments, id)
			return nil
		})
		if err != nil {
			return nil, err
		}
		return route.Empty(http.StatusNoContent), nil
	}
}

func (s *Service) listGrantsOfSP(r *request) (*route.Response, error) {
	var items []map[string]any
	err := s.store.View(func(tx *store.Tx) error {
		t := r.tenant(tx)
		sp := spByRef(t, r.PathValue("ref"))
		if sp == nil {
			return notFound(r.PathValue("ref"))
		}
		for _, g := range t.PermissionGrants {
			if g.ClientID == sp.ID {
				items = append(items, grantJSON(g))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	body, _ := s.page(r.Request, "oauth2PermissionGrants", items)
	return route.JSON(http.StatusOK, body), nil
}

func (s *Service) listGrants(r *request) (*route.Response, error) {
	f, err := parseFilter(r.URL.Query().Get("$filter"), "clientId", "consentType", "resourceId", "principalId")
	if err != nil {
		return nil, err
	}
	var items []map[string]any
	_ = s.store.View(func(tx *store.Tx) error {
		for _, g := range r.tenant(tx).PermissionGrants {
			if j := grantJSON(g); f.match(j) {
				items = append(items, j)
			}
		}
		return nil
	})
	body, err := s.page(r.Request, "oauth2PermissionGrants", items)
	if err != nil {
		return nil, err
	}
	return route.JSON(http.StatusOK, body), nil
}

func (s *Service) getGrant(r *request) (*route.Response, error) {
	var out map[string]any
	err := s.store.View(func(tx *store.Tx) error {
		g := r.tenant(tx).PermissionGrants[r.PathValue("id")]
		if g == nil {
			return notFound(r.PathValue("id"))
		}
		out = grantJSON(g)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return entity(r.Request, "oauth2PermissionGrants", out), nil
}

// checkScopes: a grant's scope must name the resource's delegated
// permissions.
func checkScopes(resource *store.ServicePrincipal, scope string) error {
	var err error
	for _, sc := range strings.Fields(scope) {
		if !slices.ContainsFunc(resource.OAuth2PermissionScopes, func(ps store.PermissionScope) bool { return ps.Value == sc }) {
			err = badRequest("Invalid value specified for property 'scope' of resource 'OAuth2PermissionGrant': '" + sc + "' is not a scope of " + resource.DisplayName + ".")
		}
	}
	return err
}

func (s *Service) createGrant(r *request) (*route.Response, error) {
	var body struct {
		ClientID    string  `json:"clientId"`
		ConsentType string  `json:"consentType"`
		PrincipalID *string `json:"principalId"`
		ResourceID  string  `json:"resourceId"`
		Scope       string  `json:"scope"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return nil, badRequest("Invalid request body.")
	}
	principalID := ""
	if body.PrincipalID != nil {
		principalID = *body.PrincipalID
	}
	var out map[string]any
	err := s.store.Update(func(tx *store.Tx) error {
		t := r.tenant(tx)
		client := t.ServicePrincipals[strings.ToLower(body.ClientID)]
		resource := t.ServicePrincipals[strings.ToLower(body.ResourceID)]
		switch {
		case client == nil || resource == nil:
			return notFound(body.ClientID)
		case body.ConsentType != "AllPrincipals" && body.ConsentType != "Principal":
			return badRequest("Invalid value specified for property 'consentType' of resource 'OAuth2PermissionGrant'.")
		case (body.ConsentType == "AllPrincipals") != (principalID == ""):
			return badRequest("principalId must be null when consentType is AllPrincipals and set when it is Principal.")
		}
		if err := checkScopes(resource, body.Scope); err != nil {
			return err
		}
		for _, g := range t.PermissionGrants {
			if g.ClientID == client.ID && g.ResourceID == resource.ID && g.ConsentType == body.ConsentType && g.PrincipalID == principalID {
				return badRequest("Permission entry already exists.")
			}
		}
		g := &store.PermissionGrant{ID: store.NewOpaqueID(), ClientID: client.ID, ConsentType: body.ConsentType, PrincipalID: principalID, ResourceID: resource.ID, Scope: body.Scope}
		t.PermissionGrants[g.ID] = g
		out = grantJSON(g)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#oauth2PermissionGrants/$entity"
	id, _ := out["id"].(string)
	return route.JSON(http.StatusCreated, out).With("Location", s.url+"/v1.0/oauth2PermissionGrants/"+id), nil
}

func (s *Service) patchGrant(r *request) (*route.Response, error) {
	var body struct {
		Scope *string `json:"scope"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Scope == nil {
		return nil, badRequest("Only 'scope' can be updated on an oauth2PermissionGrant.")
	}
	err := s.store.Update(func(tx *store.Tx) error {
		t := r.tenant(tx)
		g := t.PermissionGrants[r.PathValue("id")]
		if g == nil {
			return notFound(r.PathValue("id"))
		}
		// The new scope must name the resource's delegated permissions, as
		// on create.
		if resource := t.ServicePrincipals[g.ResourceID]; resource != nil {
			if err := checkScopes(resource, *body.Scope); err != nil {
				return err
			}
		}
		g.Scope = *body.Scope
		return nil
	})
	if err != nil {
		return nil, err
	}
	return route.Empty(http.StatusNoContent), nil
}

func (s *Service) deleteGrant(r *request) (*route.Response, error) {
	err := s.store.Update(func(tx *store.Tx) error {
		t := r.tenant(tx)
		if _, ok := t.PermissionGrants[r.PathValue("id")]; !ok {
			return notFound(r.PathValue("id"))
		}
		delete(t.PermissionGrants, r.PathValue("id"))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return route.Empty(http.StatusNoContent), nil
}
