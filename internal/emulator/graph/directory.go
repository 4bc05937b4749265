package graph

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/route"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// The tenant as a whole: organization, tenant relationships (cross-tenant
// lookup, GDAP), inventory counts and licenses.

func (s *Service) organization(r *request) (*route.Response, error) {
	var orgs []map[string]any
	_ = s.store.View(func(tx *store.Tx) error {
		t := r.tenant(tx)
		orgs = append(orgs, orgJSON(t, len(t.Applications)+len(t.ServicePrincipals)))
		return nil
	})
	body, err := s.page(r.Request, "organization", orgs)
	if err != nil {
		return nil, err
	}
	return route.JSON(http.StatusOK, body), nil
}

var reTenantFn = regexp.MustCompile(`^findTenantInformationBy(DomainName|TenantId)\((domainName|tenantId)='([^']*)'\)$`)

func (s *Service) findTenantInformation(r *request) (*route.Response, error) {
	m := reTenantFn.FindStringSubmatch(r.PathValue("fn"))
	if m == nil {
		return nil, Errorf(http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+r.PathValue("fn")+"'.")
	}
	var out map[string]any
	err := s.store.View(func(tx *store.Tx) error {
		t := tx.Tenant(m[3])
		// A deleted tenant is no longer discoverable.
		if t == nil || (m[1] == "TenantId") != strings.EqualFold(t.ID, m[3]) {
			return notFound(m[3])
		}
		out = map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.tenantInformation",
			"tenantId": t.ID, "federationBrandName": nil, "displayName": t.DisplayName, "defaultDomainName": t.DefaultDomain()}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return route.JSON(http.StatusOK, out), nil
}

func (s *Service) delegatedAdminCustomers(r *request) (*route.Response, error) {
	var items []map[string]any
	_ = s.store.View(func(tx *store.Tx) error {
		seen := map[string]bool{}
		for _, rel := range r.tenant(tx).Relationships {
			if seen[rel.CustomerTenantID] {
				continue
			}
			seen[rel.CustomerTenantID] = true
			items = append(items, map[string]any{"@odata.type": "#microsoft.graph.delegatedAdminCustomer", "id": rel.CustomerTenantID,
				"tenantId": rel.CustomerTenantID, "displayName": rel.CustomerName})
		}
		return nil
	})
	if err := gdapTopOK(r.Request); err != nil {
		return nil, err
	}
	body, err := s.page(r.Request, "delegatedAdminCustomers", items)
	if err != nil {
		return nil, err
	}
	return route.JSON(http.StatusOK, body), nil
}

func (s *Service) delegatedAdminRelationships(r *request) (*route.Response, error) {
	var items []map[string]any
	_ = s.store.View(func(tx *store.Tx) error {
		now := tx.Now()
		for _, rel := range r.tenant(tx).Relationships {
			status := rel.Status
			if status == "active" && now.After(rel.EndDateTime) {
				status = "expired"
			}
			roles := []map[string]string{}
			for _, id := range rel.Roles {
				roles = append(roles, map[string]string{"roleDefinitionId": id})
			}
			items = append(items, map[string]any{"@odata.type": "#microsoft.graph.delegatedAdminRelationship", "id": rel.ID, "displayName": rel.DisplayName,
				"duration": rel.Duration, "customer": map[string]any{"tenantId": rel.CustomerTenantID, "displayName": rel.CustomerName},
				"accessDetails": map[string]any{"unifiedRoles": roles}, "status": status, "autoExtendDuration": "PT0S",
				"createdDateTime": ts(rel.CreatedDateTime), "lastModifiedDateTime": ts(rel.CreatedDateTime), "activatedDateTime": ts(rel.ActivatedTime), "endDateTime": ts(rel.EndDateTime)})
		}
		return nil
	})
	f, err := parseFilter(r.URL.Query().Get("$filter"), "status", "customer/tenantId", "displayName")
	if err != nil {
		return nil, err
	}
	items = slices.DeleteFunc(items, func(m map[string]any) bool { return !f.match(m) })
	if err := gdapTopOK(r.Request); err != nil {
		return nil, err
	}
	body, err := s.page(r.Request, "delegatedAdminRelationships", items)
	if err != nil {
		return nil, err
	}
	return route.JSON(http.StatusOK, body), nil
}

// gdapTopOK enforces the GDAP lists' smaller page: "$top … maximum 300"
// (delegatedadminrelationship-list.md), not the directory's 999.
func gdapTopOK(r *http.Request) error {
	if v := r.URL.Query().Get("$top"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 300 {
			return badRequest("Invalid page size specified: '" + v + "'. Must be between 1 and 300 inclusive.")
		}
	}
	return nil
}

// count answers /{collection}/$count: a text/plain number, and only as an
// advanced query (ConsistencyLevel: eventual), as Graph requires.
func (s *Service) count(kind string) handler {
	return func(r *request) (*route.Response, error) {
		if !strings.EqualFold(r.Header.Get("ConsistencyLevel"), "eventual") {
			// The message aad-advanced-queries documents for /users/$count.
			return nil, badRequest("$count is not currently supported.")
		}
		var n int
		_ = s.store.View(func(tx *store.Tx) error { n = inventoryTotal(r.tenant(tx), kind); return nil })
		resp := &route.Response{Status: http.StatusOK, Raw: []byte(strconv.Itoa(n))}
		return resp.With("Content-Type", "text/plain"), nil
	}
}

func (s *Service) subscribedSkus(r *request) (*route.Response, error) {
	var items []map[string]any
	_ = s.store.View(func(tx *store.Tx) error {
		t := r.tenant(tx)
		if len(t.Counts.Skus) > 0 {
			items = seededSkus(t)
			return nil
		}
		n, users := t.Counts.SubscribedSkus, t.Counts.Users
		for i := 0; i < n; i++ {
			sku := wellKnownSkus[i%len(wellKnownSkus)]
			skuID := sku[1]
			if i >= len(wellKnownSkus) {
				// More SKUs than the well-known list: still GUIDs, still unique.
				skuID = stableGUID(t.ID + "/sku/" + strconv.Itoa(i))
			}
			// Graph's subscribedSku id is "{tenantId}_{skuId}".
			items = append(items, map[string]any{"id": t.ID + "_" + skuID, "skuPartNumber": sku[0], "skuId": skuID, "accountId": t.ID, "accountName": t.DisplayName,
				"capabilityStatus": "Enabled", "appliesTo": "User", "consumedUnits": users / max(n, 1),
				"prepaidUnits": map[string]int{"enabled": users, "suspended": 0, "warning": 0}})
		}
		return nil
	})
	body, _ := s.page(r.Request, "subscribedSkus", items)
	return route.JSON(http.StatusOK, body), nil
}

// wellKnownSkus are real skuPartNumber/skuId pairs from Microsoft's
// "Product names and service plan identifiers for licensing" list.
var wellKnownSkus = [][2]string{
	{"SPE_E3", "05e9a617-0261-4cee-bb44-138d3ef5d965"},
	{"SPE_E5", "06ebc4ee-1bb5-47dd-8120-11324bc54e06"},
	{"O365_BUSINESS_PREMIUM", "f245ecc8-75af-4f8e-b61f-27d8114de5f3"},
	{"EMS", "efccb6f7-5641-4e0e-bd10-b4976e1bf68e"},
	{"FLOW_FREE", "f30db892-07e9-47e9-837c-80727f46fd3d"},
	{"POWER_BI_STANDARD", "a403ebcc-fae0-4ca2-8c8c-7a907fd6c235"},
	{"DYN365_BUSCENTRAL_ESSENTIAL", "2880026b-2b0c-4251-8656-5d41ff11e3aa"},
}
