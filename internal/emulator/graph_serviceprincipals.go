package emulator

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// Graph /servicePrincipals, appRoleAssignedTo / appRoleAssignments and
// /oauth2PermissionGrants (serviceprincipal-post-approleassignedto.md,
// oauth2permissiongrant-post.md).

func spJSON(sp *servicePrincipal) map[string]any {
	roles := sp.AppRoles
	if roles == nil {
		roles = []appRole{}
	}
	scopes := sp.OAuth2PermissionScopes
	if scopes == nil {
		scopes = []permissionScope{}
	}
	return map[string]any{
		"id": sp.ID, "appId": sp.AppID, "displayName": sp.DisplayName, "appDisplayName": sp.DisplayName,
		"appOwnerOrganizationId": sp.AppOwnerOrganizationID, "servicePrincipalType": sp.ServicePrincipalType,
		"accountEnabled": sp.AccountEnabled, "appRoleAssignmentRequired": sp.AppRoleAssignmentRequired,
		"servicePrincipalNames": strs(sp.ServicePrincipalNames), "tags": strs(sp.Tags), "signInAudience": sp.SignInAudience,
		"appRoles": roles, "oauth2PermissionScopes": scopes, "createdDateTime": ts(sp.CreatedDateTime), "deletedDateTime": nil,
	}
}

func araJSON(a *appRoleAssignment) map[string]any {
	return map[string]any{
		"id": a.ID, "deletedDateTime": nil, "appRoleId": a.AppRoleID, "createdDateTime": ts(a.CreatedDateTime),
		"principalDisplayName": a.PrincipalDisplayName, "principalId": a.PrincipalID, "principalType": a.PrincipalType,
		"resourceDisplayName": a.ResourceDisplayName, "resourceId": a.ResourceID,
	}
}

func grantJSON(g *permissionGrant) map[string]any {
	return map[string]any{"id": g.ID, "clientId": g.ClientID, "consentType": g.ConsentType, "principalId": nilIfEmpty(g.PrincipalID),
		"resourceId": g.ResourceID, "scope": g.Scope}
}

func (s *Server) graphServicePrincipalRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1.0/servicePrincipals", s.graph(spWrite, s.createServicePrincipal))
	mux.HandleFunc("GET /v1.0/servicePrincipals", s.graph(appsRead, s.listServicePrincipals))
	mux.HandleFunc("GET /v1.0/servicePrincipals/{ref}", s.graph(appsRead, s.getServicePrincipal))
	mux.HandleFunc("DELETE /v1.0/servicePrincipals/{ref}", s.graph(spWrite, s.ownedSP(s.deleteServicePrincipal)))
	mux.HandleFunc("GET /v1.0/servicePrincipals/{ref}/appRoleAssignedTo", s.graph(appsRead, s.listAssignments(false)))
	mux.HandleFunc("GET /v1.0/servicePrincipals/{ref}/appRoleAssignments", s.graph(appsRead, s.listAssignments(true)))
	mux.HandleFunc("POST /v1.0/servicePrincipals/{ref}/appRoleAssignedTo", s.graph(araWrite, s.createAssignment(false)))
	mux.HandleFunc("POST /v1.0/servicePrincipals/{ref}/appRoleAssignments", s.graph(araWrite, s.createAssignment(true)))
	mux.HandleFunc("DELETE /v1.0/servicePrincipals/{ref}/appRoleAssignedTo/{id}", s.graph(araWrite, s.deleteAssignment(false)))
	mux.HandleFunc("DELETE /v1.0/servicePrincipals/{ref}/appRoleAssignments/{id}", s.graph(araWrite, s.deleteAssignment(true)))
	mux.HandleFunc("GET /v1.0/servicePrincipals/{ref}/oauth2PermissionGrants", s.graph(grantRead, s.listGrantsOfSP))
	mux.HandleFunc("GET /v1.0/oauth2PermissionGrants", s.graph(grantRead, s.listGrants))
	mux.HandleFunc("GET /v1.0/oauth2PermissionGrants/{id}", s.graph(grantRead, s.getGrant))
	mux.HandleFunc("POST /v1.0/oauth2PermissionGrants", s.graph(grantWrite, s.createGrant))
	mux.HandleFunc("PATCH /v1.0/oauth2PermissionGrants/{id}", s.graph(grantWrite, s.patchGrant))
	mux.HandleFunc("DELETE /v1.0/oauth2PermissionGrants/{id}", s.graph(grantWrite, s.deleteGrant))
}

func spByRef(t *tenant, ref string) *servicePrincipal {
	if v, ok := keyRef(ref, "appId"); ok {
		return t.spByAppID(v)
	}
	return t.ServicePrincipals[strings.ToLower(ref)]
}

func deleteSPLocked(t *tenant, id string) {
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

func (s *Server) createServicePrincipal(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	var body struct {
		AppID string   `json:"appId"`
		Tags  []string `json:"tags"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.AppID == "" {
		s.badRequest(w, r, "Invalid value specified for property 'appId' of resource 'ServicePrincipal'.")
		return
	}
	now := s.now()
	s.store.mu.Lock()
	app := s.store.apps[strings.ToLower(body.AppID)]
	if app == nil {
		app = firstPartyApp(body.AppID)
	}
	switch {
	case ownedByOnly(p) && (app == nil || s.replicating(app.AppID) || app.TenantID != t.ID || !owns(app, p)):
		// Graph's answer under Application.ReadWrite.OwnedBy, also while a
		// freshly created app is still replicating (azuread retries on it).
		s.store.mu.Unlock()
		s.graphErr(w, r, http.StatusForbidden, "Authorization_RequestDenied", "When using this permission, the backing application of the service principal being created must in the local tenant")
		return
	case app == nil || s.replicating(app.AppID):
		s.store.mu.Unlock()
		s.badRequest(w, r, "The appId '"+body.AppID+"' of the service principal does not reference a valid application object.")
		return
	case app.TenantID != t.ID && app.SignInAudience == "AzureADMyOrg":
		s.store.mu.Unlock()
		s.badRequest(w, r, "The appId '"+body.AppID+"' of the service principal does not reference a valid application object.")
		return
	case t.spByAppID(app.AppID) != nil:
		s.store.mu.Unlock()
		s.graphErr(w, r, http.StatusConflict, "Request_MultipleObjectsWithSameKeyValue", "The service principal cannot be created, updated, or restored because the service principal name "+app.AppID+" is already in use.")
		return
	}
	sp := s.store.addServicePrincipal(t, app)
	sp.CreatedDateTime = now
	sp.Tags = body.Tags
	out := spJSON(sp)
	s.store.mu.Unlock()
	s.markCreated(sp.ID, now)
	out["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals/$entity"
	s.graphOK(w, r, http.StatusCreated, out)
}

func (s *Server) listServicePrincipals(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	f, msg := parseFilter(r.URL.Query().Get("$filter"), "appId", "displayName", "id")
	if !s.advancedQueryOK(w, r) {
		return
	}
	if msg != "" {
		s.graphErr(w, r, http.StatusBadRequest, "Request_UnsupportedQuery", msg)
		return
	}
	s.store.mu.RLock()
	var items []map[string]any
	for _, sp := range t.ServicePrincipals {
		j := spJSON(sp)
		if f.match(j) && !s.replicating(sp.ID) {
			items = append(items, j)
		}
	}
	s.store.mu.RUnlock()
	sortByCreated(items)
	body, msg := s.page(r, "servicePrincipals", items)
	if msg != "" {
		s.badRequest(w, r, msg)
		return
	}
	s.graphOK(w, r, http.StatusOK, body)
}

func (s *Server) getServicePrincipal(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	ref := r.PathValue("ref")
	s.store.mu.RLock()
	sp := spByRef(t, ref)
	var out map[string]any
	if sp != nil {
		out = spJSON(sp)
	}
	s.store.mu.RUnlock()
	if sp == nil || s.replicating(sp.ID) {
		s.notFound(w, r, strings.Trim(ref, "()"))
		return
	}
	out = selectOne(r, out)
	out["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals/$entity"
	s.graphOK(w, r, http.StatusOK, out)
}

func (s *Server) deleteServicePrincipal(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	s.store.mu.Lock()
	sp := spByRef(t, r.PathValue("ref"))
	if sp != nil {
		deleteSPLocked(t, sp.ID)
	}
	s.store.mu.Unlock()
	if sp == nil {
		s.notFound(w, r, r.PathValue("ref"))
		return
	}
	s.noContent(w, r)
}

// listAssignments lists assignments granted to the SP (appRoleAssignments,
// byPrincipal) or on the SP as a resource (appRoleAssignedTo).
func (s *Server) listAssignments(byPrincipal bool) graphHandler {
	return func(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
		s.store.mu.RLock()
		sp := spByRef(t, r.PathValue("ref"))
		var items []map[string]any
		if sp != nil {
			for _, a := range t.AppRoleAssignments {
				if (byPrincipal && a.PrincipalID == sp.ID) || (!byPrincipal && a.ResourceID == sp.ID) {
					items = append(items, araJSON(a))
				}
			}
		}
		s.store.mu.RUnlock()
		if sp == nil {
			s.notFound(w, r, r.PathValue("ref"))
			return
		}
		sortByCreated(items)
		nav := "appRoleAssignedTo"
		if byPrincipal {
			nav = "appRoleAssignments"
		}
		body, msg := s.page(r, "servicePrincipals('"+sp.ID+"')/"+nav, items)
		if msg != "" {
			s.badRequest(w, r, msg)
			return
		}
		s.graphOK(w, r, http.StatusOK, body)
	}
}

// createAssignment answers POST …/appRoleAssignedTo (the path names the
// resource SP) and …/appRoleAssignments (the path names the principal SP);
// the body must agree with the path.
func (s *Server) createAssignment(byPrincipal bool) graphHandler {
	return func(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
		s.store.mu.RLock()
		sp := spByRef(t, r.PathValue("ref"))
		s.store.mu.RUnlock()
		if sp == nil {
			s.notFound(w, r, r.PathValue("ref"))
			return
		}
		s.insertAssignment(w, r, p, t, sp, byPrincipal)
	}
}

func (s *Server) insertAssignment(w http.ResponseWriter, r *http.Request, p *principal, t *tenant, sp *servicePrincipal, byPrincipal bool) {
	var body struct {
		PrincipalID string `json:"principalId"`
		ResourceID  string `json:"resourceId"`
		AppRoleID   string `json:"appRoleId"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		s.badRequest(w, r, "Invalid request body.")
		return
	}
	now := s.now()
	s.store.mu.Lock()
	principalSP := t.ServicePrincipals[strings.ToLower(body.PrincipalID)]
	resource := t.ServicePrincipals[strings.ToLower(body.ResourceID)]
	var msg string
	var status int
	var out map[string]any
	pathID := body.ResourceID
	if byPrincipal {
		pathID = body.PrincipalID
	}
	switch {
	case !strings.EqualFold(pathID, sp.ID):
		status, msg = http.StatusBadRequest, "Not a valid reference update."
	case principalSP == nil || resource == nil || s.replicating(body.PrincipalID) || s.replicating(body.ResourceID):
		status, msg = http.StatusBadRequest, "Not a valid reference update."
	case !slices.ContainsFunc(resource.AppRoles, func(ar appRole) bool { return strings.EqualFold(ar.ID, body.AppRoleID) }):
		status, msg = http.StatusBadRequest, "Permission being assigned was not found on application '"+resource.AppID+"'."
	case hasAssignment(t, principalSP.ID, resource.ID, strings.ToLower(body.AppRoleID)):
		status, msg = http.StatusBadRequest, "Permission being assigned already exists on the object."
	case p.Delegated && resource.AppID == graphAppID && !slices.ContainsFunc(p.Wids, func(r string) bool { return r == roleGlobalAdmin || r == rolePrivilegedRoleAdmin }):
		// Granting Microsoft Graph app roles needs Privileged Role
		// Administrator (or Global Administrator) in delegated context.
		status = http.StatusForbidden
	default:
		a := &appRoleAssignment{ID: newOpaqueID(), AppRoleID: strings.ToLower(body.AppRoleID), PrincipalID: principalSP.ID, PrincipalType: "ServicePrincipal",
			PrincipalDisplayName: principalSP.DisplayName, ResourceID: resource.ID, ResourceDisplayName: resource.DisplayName, CreatedDateTime: now}
		t.AppRoleAssignments[a.ID] = a
		out = araJSON(a)
	}
	s.store.mu.Unlock()
	switch {
	case status == http.StatusForbidden:
		s.denied(w, r)
	case msg != "":
		s.badRequest(w, r, msg)
	default:
		nav := "appRoleAssignedTo"
		if byPrincipal {
			nav = "appRoleAssignments"
		}
		out["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals('" + sp.ID + "')/" + nav + "/$entity"
		s.graphOK(w, r, http.StatusCreated, out)
	}
}

// deleteAssignment removes an assignment only through the SP it belongs to:
// the resource for appRoleAssignedTo, the principal for appRoleAssignments.
func (s *Server) deleteAssignment(byPrincipal bool) graphHandler {
	return func(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
		id := r.PathValue("id")
		s.store.mu.Lock()
		sp := spByRef(t, r.PathValue("ref"))
		a := t.AppRoleAssignments[id]
		ok := sp != nil && a != nil && ((byPrincipal && a.PrincipalID == sp.ID) || (!byPrincipal && a.ResourceID == sp.ID))
		if ok {
			delete(t.AppRoleAssignments, id)
		}
		s.store.mu.Unlock()
		switch {
		case sp == nil:
			s.notFound(w, r, r.PathValue("ref"))
		case !ok:
			s.notFound(w, r, id)
		default:
			s.noContent(w, r)
		}
	}
}

func (s *Server) listGrantsOfSP(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	s.store.mu.RLock()
	sp := spByRef(t, r.PathValue("ref"))
	var items []map[string]any
	if sp != nil {
		for _, g := range t.PermissionGrants {
			if g.ClientID == sp.ID {
				items = append(items, grantJSON(g))
			}
		}
	}
	s.store.mu.RUnlock()
	if sp == nil {
		s.notFound(w, r, r.PathValue("ref"))
		return
	}
	body, _ := s.page(r, "oauth2PermissionGrants", items)
	s.graphOK(w, r, http.StatusOK, body)
}

func (s *Server) listGrants(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	f, msg := parseFilter(r.URL.Query().Get("$filter"), "clientId", "consentType", "resourceId", "principalId")
	if msg != "" {
		s.graphErr(w, r, http.StatusBadRequest, "Request_UnsupportedQuery", msg)
		return
	}
	s.store.mu.RLock()
	var items []map[string]any
	for _, g := range t.PermissionGrants {
		j := grantJSON(g)
		if f.match(j) {
			items = append(items, j)
		}
	}
	s.store.mu.RUnlock()
	body, msg := s.page(r, "oauth2PermissionGrants", items)
	if msg != "" {
		s.badRequest(w, r, msg)
		return
	}
	s.graphOK(w, r, http.StatusOK, body)
}

func (s *Server) getGrant(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	s.store.mu.RLock()
	g := t.PermissionGrants[r.PathValue("id")]
	var out map[string]any
	if g != nil {
		out = grantJSON(g)
	}
	s.store.mu.RUnlock()
	if g == nil {
		s.notFound(w, r, r.PathValue("id"))
		return
	}
	s.graphOK(w, r, http.StatusOK, out)
}

func (s *Server) createGrant(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	var body struct {
		ClientID    string  `json:"clientId"`
		ConsentType string  `json:"consentType"`
		PrincipalID *string `json:"principalId"`
		ResourceID  string  `json:"resourceId"`
		Scope       string  `json:"scope"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		s.badRequest(w, r, "Invalid request body.")
		return
	}
	s.store.mu.Lock()
	client := t.ServicePrincipals[strings.ToLower(body.ClientID)]
	resource := t.ServicePrincipals[strings.ToLower(body.ResourceID)]
	var msg string
	var out map[string]any
	principalID := ""
	if body.PrincipalID != nil {
		principalID = *body.PrincipalID
	}
	switch {
	case client == nil || resource == nil:
		msg = "Resource '" + body.ClientID + "' does not exist or one of its queried reference-property objects are not present."
	case body.ConsentType != "AllPrincipals" && body.ConsentType != "Principal":
		msg = "Invalid value specified for property 'consentType' of resource 'OAuth2PermissionGrant'."
	case (body.ConsentType == "AllPrincipals") != (principalID == ""):
		msg = "principalId must be null when consentType is AllPrincipals and set when it is Principal."
	default:
		for _, sc := range strings.Fields(body.Scope) {
			if !slices.ContainsFunc(resource.OAuth2PermissionScopes, func(ps permissionScope) bool { return ps.Value == sc }) {
				msg = "Invalid value specified for property 'scope' of resource 'OAuth2PermissionGrant': '" + sc + "' is not a scope of " + resource.DisplayName + "."
			}
		}
		for _, g := range t.PermissionGrants {
			if msg == "" && g.ClientID == client.ID && g.ResourceID == resource.ID && g.ConsentType == body.ConsentType && g.PrincipalID == principalID {
				msg = "Permission entry already exists."
			}
		}
		if msg == "" {
			g := &permissionGrant{ID: newOpaqueID(), ClientID: client.ID, ConsentType: body.ConsentType, PrincipalID: principalID, ResourceID: resource.ID, Scope: body.Scope}
			t.PermissionGrants[g.ID] = g
			out = grantJSON(g)
		}
	}
	s.store.mu.Unlock()
	if msg != "" {
		if client == nil || resource == nil {
			s.notFound(w, r, body.ClientID)
			return
		}
		s.badRequest(w, r, msg)
		return
	}
	out["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#oauth2PermissionGrants/$entity"
	s.graphOK(w, r, http.StatusCreated, out)
}

func (s *Server) patchGrant(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	var body struct {
		Scope *string `json:"scope"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Scope == nil {
		s.badRequest(w, r, "Only 'scope' can be updated on an oauth2PermissionGrant.")
		return
	}
	s.store.mu.Lock()
	g := t.PermissionGrants[r.PathValue("id")]
	msg := ""
	if g != nil {
		// The new scope must name the resource's delegated permissions, as
		// on create.
		if resource := t.ServicePrincipals[g.ResourceID]; resource != nil {
			for _, sc := range strings.Fields(*body.Scope) {
				if !slices.ContainsFunc(resource.OAuth2PermissionScopes, func(ps permissionScope) bool { return ps.Value == sc }) {
					msg = "Invalid value specified for property 'scope' of resource 'OAuth2PermissionGrant': '" + sc + "' is not a scope of " + resource.DisplayName + "."
				}
			}
		}
		if msg == "" {
			g.Scope = *body.Scope
		}
	}
	s.store.mu.Unlock()
	switch {
	case g == nil:
		s.notFound(w, r, r.PathValue("id"))
	case msg != "":
		s.badRequest(w, r, msg)
	default:
		s.noContent(w, r)
	}
}

func (s *Server) deleteGrant(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	s.store.mu.Lock()
	_, ok := t.PermissionGrants[r.PathValue("id")]
	delete(t.PermissionGrants, r.PathValue("id"))
	s.store.mu.Unlock()
	if !ok {
		s.notFound(w, r, r.PathValue("id"))
		return
	}
	s.noContent(w, r)
}
