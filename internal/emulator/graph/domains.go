package graph

import (
	"net/http"
	"strings"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/route"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// The tenant's organization object and its domains:
// https://learn.microsoft.com/en-us/graph/api/organization-get,
// https://learn.microsoft.com/en-us/graph/api/domain-list and
// https://learn.microsoft.com/en-us/graph/api/domain-get.

// domain-list permissions: Domain.Read.All (least), Directory.Read.All,
// Domain.ReadWrite.All, Directory.ReadWrite.All.
var domainsRead = access{App: []string{"Domain.Read.All", "Domain.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"},
	Delegated: []string{"Domain.Read.All", "Domain.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All", "Directory.AccessAsUser.All"}}

func orgJSON(t *store.Tenant, apps int) map[string]any {
	domains := []map[string]any{}
	for _, d := range t.Domains {
		domains = append(domains, map[string]any{"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": d.IsDefault, "isInitial": d.IsInitial, "name": d.Name, "type": "Managed"})
	}
	return documented(organizationDefaults, map[string]any{"id": t.ID, "displayName": t.DisplayName, "tenantType": t.TenantType,
		"countryLetterCode": t.CountryLetterCode, "createdDateTime": ts(t.CreatedDateTime), "verifiedDomains": domains,
		// The directory's object quota: 50,000 for a tenant without a
		// verified custom domain (organization resource, directorySizeQuota).
		"directorySizeQuota": map[string]any{"used": apps + len(t.Users), "total": 50000}})
}

func (s *Service) getOrganization(r *request) (*route.Response, error) {
	var org map[string]any
	err := s.store.View(func(tx *store.Tx) error {
		t := r.tenant(tx)
		if !strings.EqualFold(r.PathValue("id"), t.ID) {
			return notFound(r.PathValue("id"))
		}
		org = orgJSON(t, len(t.Applications)+len(t.ServicePrincipals))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return entity(r.Request, "organization", org), nil
}

func domainJSON(d store.Domain) map[string]any {
	return map[string]any{"id": d.Name, "authenticationType": "Managed", "availabilityStatus": nil, "isAdminManaged": true,
		"isDefault": d.IsDefault, "isInitial": d.IsInitial, "isRoot": true, "isVerified": true,
		"passwordNotificationWindowInDays": nil, "passwordValidityPeriodInDays": nil, "state": nil,
		"supportedServices": []string{"Email", "OfficeCommunicationsOnline"}}
}

func (s *Service) listDomains(r *request) (*route.Response, error) {
	var items []map[string]any
	_ = s.store.View(func(tx *store.Tx) error {
		for _, d := range r.tenant(tx).Domains {
			items = append(items, domainJSON(d))
		}
		return nil
	})
	body, err := s.page(r.Request, "domains", items)
	if err != nil {
		return nil, err
	}
	return route.JSON(http.StatusOK, body), nil
}

func (s *Service) getDomain(r *request) (*route.Response, error) {
	var out map[string]any
	err := s.store.View(func(tx *store.Tx) error {
		for _, d := range r.tenant(tx).Domains {
			if strings.EqualFold(d.Name, r.PathValue("id")) {
				out = domainJSON(d)
				return nil
			}
		}
		return notFound(r.PathValue("id"))
	})
	if err != nil {
		return nil, err
	}
	return entity(r.Request, "domains", out), nil
}

func countApplications(r *request, tx *store.Tx) int {
	n := 0
	for _, a := range r.tenant(tx).Applications {
		if !tx.Replicating(a.ID) {
			n++
		}
	}
	return n
}

func countServicePrincipals(r *request, tx *store.Tx) int {
	n := 0
	for _, sp := range r.tenant(tx).ServicePrincipals {
		if !tx.Replicating(sp.ID) {
			n++
		}
	}
	return n
}
