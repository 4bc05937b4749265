package emulator

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// Application.ReadWrite.OwnedBy: "Allows the app to create other
// applications, and fully manage those applications … It cannot update any
// apps that it is not an owner of." (permissions reference). A provider that
// works here only because the emulator ignored ownership would fail in a
// tenant whose admin granted the least-privileged permission.

// ownedByOnly reports whether an app-only caller writes applications only
// through Application.ReadWrite.OwnedBy.
func ownedByOnly(p *principal) bool {
	return !p.Delegated && slices.Contains(p.Roles, "Application.ReadWrite.OwnedBy") &&
		!slices.Contains(p.Roles, "Application.ReadWrite.All")
}

func owns(a *application, p *principal) bool {
	return slices.ContainsFunc(a.Owners, func(o string) bool { return strings.EqualFold(o, p.ObjectID) })
}

// ownedApp guards writes to /applications/{ref}…: an OwnedBy caller gets 403
// for an app it does not own. A missing app is left to the handler (404, or
// the uniqueName upsert's create).
func (s *Server) ownedApp(h graphHandler) graphHandler {
	return func(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
		if ownedByOnly(p) {
			s.store.mu.RLock()
			a := appByRef(t, r.PathValue("ref"))
			allowed := a == nil || owns(a, p)
			s.store.mu.RUnlock()
			if !allowed {
				s.denied(w, r)
				return
			}
		}
		h(w, r, p, t)
	}
}

func (s *Server) graphOwnerRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1.0/applications/{ref}/owners", s.graph(appsRead, s.listOwners))
	mux.HandleFunc("POST /v1.0/applications/{ref}/owners/$ref", s.graph(appsWrite, s.ownedApp(s.addOwner)))
	mux.HandleFunc("DELETE /v1.0/applications/{ref}/owners/{id}/$ref", s.graph(appsWrite, s.ownedApp(s.removeOwner)))
}

// ownerJSON renders an owner as the directoryObject Graph lists: a user or
// a service principal of the tenant. Caller holds the store lock.
func ownerJSON(t *tenant, id string) map[string]any {
	if sp := t.ServicePrincipals[strings.ToLower(id)]; sp != nil {
		j := spJSON(sp)
		j["@odata.type"] = "#microsoft.graph.servicePrincipal"
		return j
	}
	for _, u := range t.Users {
		if strings.EqualFold(u.ID, id) {
			return map[string]any{"@odata.type": "#microsoft.graph.user", "id": u.ID, "displayName": u.DisplayName, "userPrincipalName": u.UPN}
		}
	}
	return nil
}

func (s *Server) listOwners(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	s.store.mu.RLock()
	a := appByRef(t, r.PathValue("ref"))
	items := []map[string]any{}
	if a != nil {
		for _, o := range a.Owners {
			if j := ownerJSON(t, o); j != nil {
				items = append(items, j)
			}
		}
	}
	s.store.mu.RUnlock()
	if a == nil {
		s.notFound(w, r, strings.Trim(r.PathValue("ref"), "()"))
		return
	}
	body, msg := s.page(r, "directoryObjects", items)
	if msg != "" {
		s.badRequest(w, r, msg)
		return
	}
	s.graphOK(w, r, http.StatusOK, body)
}

// addOwner takes {"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{id}"}
// (application-post-owners.md); the last path segment names the object.
func (s *Server) addOwner(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	var body struct {
		ODataID string `json:"@odata.id"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.ODataID == "" {
		s.badRequest(w, r, "Invalid request body: @odata.id is required.")
		return
	}
	id := body.ODataID[strings.LastIndex(body.ODataID, "/")+1:]
	s.store.mu.Lock()
	a := appByRef(t, r.PathValue("ref"))
	status := http.StatusNoContent
	switch {
	case a == nil:
		status = http.StatusNotFound
	case ownerJSON(t, id) == nil:
		status = -1
	case slices.ContainsFunc(a.Owners, func(o string) bool { return strings.EqualFold(o, id) }):
		status = http.StatusBadRequest
	default:
		a.Owners = append(a.Owners, strings.ToLower(id))
	}
	s.store.mu.Unlock()
	switch status {
	case http.StatusNotFound:
		s.notFound(w, r, strings.Trim(r.PathValue("ref"), "()"))
	case -1:
		s.notFound(w, r, id)
	case http.StatusBadRequest:
		s.badRequest(w, r, "One or more added object references already exist for the following modified properties: 'owners'.")
	default:
		s.noContent(w, r)
	}
}

func (s *Server) removeOwner(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	id := r.PathValue("id")
	s.store.mu.Lock()
	a := appByRef(t, r.PathValue("ref"))
	found := false
	if a != nil {
		a.Owners = slices.DeleteFunc(a.Owners, func(o string) bool {
			if strings.EqualFold(o, id) {
				found = true
				return true
			}
			return false
		})
	}
	s.store.mu.Unlock()
	switch {
	case a == nil:
		s.notFound(w, r, strings.Trim(r.PathValue("ref"), "()"))
	case !found:
		s.notFound(w, r, id)
	default:
		s.noContent(w, r)
	}
}

// ownedSP guards DELETE /servicePrincipals/{ref} under OwnedBy. The
// emulator does not keep SP owners; the owner of the backing app (who, under
// OwnedBy, also created its SP) stands for them.
func (s *Server) ownedSP(h graphHandler) graphHandler {
	return func(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
		if ownedByOnly(p) {
			s.store.mu.RLock()
			sp := spByRef(t, r.PathValue("ref"))
			allowed := sp == nil
			if sp != nil {
				a := s.store.apps[strings.ToLower(sp.AppID)]
				allowed = a != nil && a.TenantID == t.ID && owns(a, p)
			}
			s.store.mu.RUnlock()
			if !allowed {
				s.denied(w, r)
				return
			}
		}
		h(w, r, p, t)
	}
}
