package graph

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/identity"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/route"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// Application.ReadWrite.OwnedBy: "Allows the app to create other
// applications, and fully manage those applications … It cannot update any
// apps that it is not an owner of." (permissions reference). A provider that
// works here only because the emulator ignored ownership would fail in a
// tenant whose admin granted the least-privileged permission.

// ownedByOnly reports whether an app-only caller writes applications only
// through Application.ReadWrite.OwnedBy.
func ownedByOnly(p *identity.Principal) bool {
	return !p.Delegated && slices.Contains(p.Roles, "Application.ReadWrite.OwnedBy") &&
		!slices.Contains(p.Roles, "Application.ReadWrite.All")
}

func owns(a *store.Application, p *identity.Principal) bool {
	return slices.ContainsFunc(a.Owners, func(o string) bool { return strings.EqualFold(o, p.ObjectID) })
}

// ownedApp guards writes to /applications/{ref}…: an OwnedBy caller gets 403
// for an app it does not own. A missing app is left to the handler (404, or
// the uniqueName upsert's create).
func (s *Service) ownedApp(h handler) handler {
	return func(r *request) (*route.Response, error) {
		if ownedByOnly(r.p) {
			allowed := false
			_ = s.store.View(func(tx *store.Tx) error {
				a := appByRef(r.tenant(tx), r.PathValue("ref"))
				allowed = a == nil || owns(a, r.p)
				return nil
			})
			if !allowed {
				return nil, denied()
			}
		}
		return h(r)
	}
}

// ownedSP guards DELETE /servicePrincipals/{ref} under OwnedBy. The
// emulator does not keep SP owners; the owner of the backing app (who, under
// OwnedBy, also created its SP) stands for them.
func (s *Service) ownedSP(h handler) handler {
	return func(r *request) (*route.Response, error) {
		if ownedByOnly(r.p) {
			allowed := false
			_ = s.store.View(func(tx *store.Tx) error {
				t := r.tenant(tx)
				sp := spByRef(t, r.PathValue("ref"))
				allowed = sp == nil
				if sp != nil {
					a := tx.App(sp.AppID)
					allowed = a != nil && a.TenantID == t.ID && owns(a, r.p)
				}
				return nil
			})
			if !allowed {
				return nil, denied()
			}
		}
		return h(r)
	}
}

// ownerJSON renders an owner as the directoryObject Graph lists: a user or
// a service principal of the tenant.
func ownerJSON(t *store.Tenant, id string) map[string]any {
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

func (s *Service) listOwners(r *request) (*route.Response, error) {
	items := []map[string]any{}
	err := s.store.View(func(tx *store.Tx) error {
		t := r.tenant(tx)
		a := appByRef(t, r.PathValue("ref"))
		if a == nil {
			return appNotFound(r.PathValue("ref"))
		}
		for _, o := range a.Owners {
			if j := ownerJSON(t, o); j != nil {
				items = append(items, j)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	body, err := s.page(r.Request, "directoryObjects", items)
	if err != nil {
		return nil, err
	}
	return route.JSON(http.StatusOK, body), nil
}

// addOwner takes {"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{id}"}
// (application-post-owners.md); the last path segment names the object.
func (s *Service) addOwner(r *request) (*route.Response, error) {
	var body struct {
		ODataID string `json:"@odata.id"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.ODataID == "" {
		return nil, badRequest("Invalid request body: @odata.id is required.")
	}
	id := body.ODataID[strings.LastIndex(body.ODataID, "/")+1:]
	err := s.store.Update(func(tx *store.Tx) error {
		t := r.tenant(tx)
		a := appByRef(t, r.PathValue("ref"))
		switch {
		case a == nil:
			return appNotFound(r.PathValue("ref"))
		case ownerJSON(t, id) == nil:
			return notFound(id)
		case slices.ContainsFunc(a.Owners, func(o string) bool { return strings.EqualFold(o, id) }):
			return badRequest("One or more added object references already exist for the following modified properties: 'owners'.")
		}
		a.Owners = append(a.Owners, strings.ToLower(id))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return route.Empty(http.StatusNoContent), nil
}

func (s *Service) removeOwner(r *request) (*route.Response, error) {
	id := r.PathValue("id")
	err := s.store.Update(func(tx *store.Tx) error {
		a := appByRef(r.tenant(tx), r.PathValue("ref"))
		if a == nil {
			return appNotFound(r.PathValue("ref"))
		}
		found := false
		a.Owners = slices.DeleteFunc(a.Owners, func(o string) bool {
			hit := strings.EqualFold(o, id)
			found = found || hit
			return hit
		})
		if !found {
			return notFound(id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return route.Empty(http.StatusNoContent), nil
}
