package graph

import (
	"net/http"
	"strings"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/route"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// Soft-deleted applications and service principals in
// directory/deletedItems (api-reference/v1.0/resources/directory.md): a
// deleted app stays restorable for 30 days with its object ID and client
// ID, which is what keeps every customer's consent to it. Restoring an app
// does not restore its service principal: "You must call this API to
// explicitly restore the deleted service principal"
// (https://learn.microsoft.com/graph/api/directory-deleteditems-restore).
// Pages: directory-deleteditems-list.md (GET .../microsoft.graph.application
// or .../microsoft.graph.servicePrincipal, 200 collection),
// directory-deleteditems-get.md (200 directoryObject),
// directory-deleteditems-restore.md (POST .../restore, 200 with the restored
// object) and directory-deleteditems-delete.md (permanent, 204). An ID
// that is not in deleted items is Graph's 404 Request_ResourceNotFound.

func deletedAppJSON(a *store.Application) map[string]any {
	j := appJSON(a)
	j["@odata.type"] = "#microsoft.graph.application"
	j["deletedDateTime"] = ts(a.DeletedDateTime)
	return j
}

func (s *Service) listDeletedApplications(r *request) (*route.Response, error) {
	f, ferr := parseFilter(r.URL.Query().Get("$filter"), "appId", "displayName", "id", "uniqueName")
	if err := advancedQueryOK(r.Request); err != nil {
		return nil, err
	}
	if ferr != nil {
		return nil, ferr
	}
	var items []map[string]any
	_ = s.store.View(func(tx *store.Tx) error {
		for _, a := range tx.DeletedApps(r.tenant(tx)) {
			if j := deletedAppJSON(a); f.match(j) {
				items = append(items, j)
			}
		}
		return nil
	})
	// The cast's collection is the set the context names, as
	// directory-deleteditems-list.md shows for groups ("$metadata#groups").
	return s.listed(r, "applications", items)
}

func deletedSPJSON(d *store.DeletedServicePrincipal) map[string]any {
	j := spJSON(d.ServicePrincipal)
	j["@odata.type"] = "#microsoft.graph.servicePrincipal"
	j["deletedDateTime"] = ts(d.DeletedDateTime)
	return j
}

func (s *Service) listDeletedServicePrincipals(r *request) (*route.Response, error) {
	f, ferr := parseFilter(r.URL.Query().Get("$filter"), "appId", "displayName", "id")
	if err := advancedQueryOK(r.Request); err != nil {
		return nil, err
	}
	if ferr != nil {
		return nil, ferr
	}
	var items []map[string]any
	_ = s.store.View(func(tx *store.Tx) error {
		for _, d := range tx.DeletedSPs(r.tenant(tx)) {
			if j := deletedSPJSON(d); f.match(j) {
				items = append(items, j)
			}
		}
		return nil
	})
	return s.listed(r, "directory/deletedItems/microsoft.graph.servicePrincipal", items)
}

func (s *Service) getDeletedItem(r *request) (*route.Response, error) {
	id := r.PathValue("id")
	out, err := store.ViewValue(s.store, func(tx *store.Tx) (map[string]any, error) {
		t := r.tenant(tx)
		if d := tx.DeletedSP(t, id); d != nil {
			return deletedSPJSON(d), nil
		}
		a := tx.DeletedApp(t, id)
		if a == nil {
			return nil, notFound(id)
		}
		return deletedAppJSON(a), nil
	})
	if err != nil {
		return nil, err
	}
	return entity(r.Request, "directoryObjects", out), nil
}

// restoreDeletedItem brings the app back as it was, object ID and client ID
// included; its service principal is not restored with it, but can be on
// its own, while no other service principal holds its app ID
// (directory-deleteditems-restore.md).
func (s *Service) restoreDeletedItem(r *request) (*route.Response, error) {
	id := r.PathValue("id")
	out, err := store.UpdateValue(s.store, func(tx *store.Tx) (map[string]any, error) {
		t := r.tenant(tx)
		if d := tx.DeletedSP(t, id); d != nil {
			if t.SPByAppID(d.AppID) != nil {
				return nil, Errorf(http.StatusConflict, "Request_MultipleObjectsWithSameKeyValue",
					"The service principal cannot be created, updated, or restored because the service principal name "+d.AppID+" is already in use.")
			}
			tx.RestoreSP(t, d)
			j := spJSON(d.ServicePrincipal)
			j["@odata.type"] = "#microsoft.graph.servicePrincipal"
			return j, nil
		}
		a := tx.DeletedApp(t, id)
		if a == nil {
			return nil, notFound(id)
		}
		if a.UniqueName != "" && appByRef(t, "(uniqueName='"+a.UniqueName+"')") != nil {
			return nil, badRequest("Another object with the same value for property uniqueName already exists.")
		}
		tx.RestoreApp(t, a)
		return appJSON(a), nil
	})
	if err != nil {
		return nil, err
	}
	out["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#directoryObjects/$entity"
	if out["@odata.type"] == nil {
		out["@odata.type"] = "#microsoft.graph.application"
	}
	return route.JSON(http.StatusOK, out), nil
}

func (s *Service) purgeDeletedItem(r *request) (*route.Response, error) {
	id := r.PathValue("id")
	err := s.store.Update(func(tx *store.Tx) error {
		t := r.tenant(tx)
		if d := tx.DeletedSP(t, id); d != nil {
			tx.PurgeSP(t, d)
			return nil
		}
		a := tx.DeletedApp(t, id)
		if a == nil {
			return notFound(id)
		}
		tx.PurgeApp(t, a)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return route.Empty(http.StatusNoContent), nil
}

// verifiedIdentifierURI is Entra's rule for identifierUris: the api:// forms
// (api://{appId}, api://{tenantId}/{appId}, api://{domain}/...), or an
// https URI whose host is a verified domain of the tenant or a subdomain of
// one (https://learn.microsoft.com/entra/identity-platform/identifier-uri-restrictions).
// A URN has no host to verify: SAML apps are identified by one
// ("urn:amazon:webservices"), and the azuread provider accepts "urn:" with
// a namespace and a name (internal/validate IsAppUri); refused otherwise
// with HostNameNotOnVerifiedDomain, the error Graph answers (its message as
// in microsoftgraph/microsoft-graph-docs-contrib#9317).
func verifiedIdentifierURI(t *store.Tenant, u string) bool {
	if strings.HasPrefix(u, "api://") {
		return len(u) > len("api://")
	}
	if parts := strings.Split(u, ":"); len(parts) >= 3 && strings.EqualFold(parts[0], "urn") && parts[1] != "" && parts[2] != "" {
		return true
	}
	host, ok := strings.CutPrefix(u, "https://")
	if !ok {
		return false
	}
	host, _, _ = strings.Cut(host, "/")
	host = strings.ToLower(host)
	for _, d := range t.Domains {
		if host == d.Name || strings.HasSuffix(host, "."+d.Name) {
			return true
		}
	}
	return false
}
