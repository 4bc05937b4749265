package graph

import (
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// Organization is the tenant as it describes itself.
type Organization struct {
	ID, DisplayName string
	// CountryLetterCode is ISO 3166-2, e.g. "US".
	CountryLetterCode string
	CreatedDateTime   time.Time
	Domains           []Domain
}

// Domain is a verified domain of a tenant.
type Domain struct {
	Name               string
	IsDefault, Initial bool
}

// organizationFrom reads the tenant's organization object from the
// answer to GET /organization.
func organizationFrom(resp models.OrganizationCollectionResponseable) (Organization, error) {
	orgs := resp.GetValue()
	if len(orgs) == 0 {
		return Organization{}, &APIError{StatusCode: 404, Code: "Request_ResourceNotFound", Message: "no organization"}
	}
	// A tenant has exactly one organization object.
	o := orgs[0]
	org := Organization{ID: str(o.GetId()), DisplayName: str(o.GetDisplayName()), CountryLetterCode: str(o.GetCountryLetterCode())}
	if t := o.GetCreatedDateTime(); t != nil {
		org.CreatedDateTime = t.UTC()
	}
	for _, d := range o.GetVerifiedDomains() {
		org.Domains = append(org.Domains, Domain{Name: str(d.GetName()), IsDefault: d.GetIsDefault() != nil && *d.GetIsDefault(), Initial: d.GetIsInitial() != nil && *d.GetIsInitial()})
	}
	return org, nil
}

// eventual asks for an advanced query, which $count needs.
func eventual() *abs.RequestHeaders {
	h := abs.NewRequestHeaders()
	h.Add("ConsistencyLevel", "eventual")
	return h
}

// SubscribedSku is a license subscription of the tenant.
type SubscribedSku struct {
	SkuPartNumber string
	ConsumedUnits int
	// EnabledUnits are the prepaid units in the enabled state.
	EnabledUnits int
}

// skusFrom reads the license subscriptions from the answer to
// GET /subscribedSkus.
func skusFrom(resp models.SubscribedSkuCollectionResponseable) []SubscribedSku {
	var out []SubscribedSku
	for _, s := range resp.GetValue() {
		sku := SubscribedSku{SkuPartNumber: str(s.GetSkuPartNumber())}
		if s.GetConsumedUnits() != nil {
			sku.ConsumedUnits = int(*s.GetConsumedUnits())
		}
		if p := s.GetPrepaidUnits(); p != nil && p.GetEnabled() != nil {
			sku.EnabledUnits = int(*p.GetEnabled())
		}
		out = append(out, sku)
	}
	return out
}
