package graph

import (
	"context"
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/devices"
	"github.com/microsoftgraph/msgraph-sdk-go/groups"
	"github.com/microsoftgraph/msgraph-sdk-go/organization"
	"github.com/microsoftgraph/msgraph-sdk-go/subscribedskus"
	"github.com/microsoftgraph/msgraph-sdk-go/users"
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

// GetOrganization reads the caller's tenant.
func (c *Client) GetOrganization(ctx context.Context) (Organization, error) {
	resp, err := organization.NewOrganizationRequestBuilderInternal(c.base, c.adapter).Get(ctx, nil)
	if err != nil {
		return Organization{}, wrap(err)
	}
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

// Count counts users, groups or devices with one request ($count=true,
// $top=1), however large the tenant.
func (c *Client) Count(ctx context.Context, collection string) (int, error) {
	yes, one := true, int32(1)
	var n *int64
	var err error
	switch collection {
	case "users":
		var r interface{ GetOdataCount() *int64 }
		r, err = users.NewUsersRequestBuilderInternal(c.base, c.adapter).Get(ctx, &users.UsersRequestBuilderGetRequestConfiguration{
			Headers: eventual(), QueryParameters: &users.UsersRequestBuilderGetQueryParameters{Count: &yes, Top: &one}})
		if err == nil {
			n = r.GetOdataCount()
		}
	case "groups":
		var r interface{ GetOdataCount() *int64 }
		r, err = groups.NewGroupsRequestBuilderInternal(c.base, c.adapter).Get(ctx, &groups.GroupsRequestBuilderGetRequestConfiguration{
			Headers: eventual(), QueryParameters: &groups.GroupsRequestBuilderGetQueryParameters{Count: &yes, Top: &one}})
		if err == nil {
			n = r.GetOdataCount()
		}
	case "devices":
		var r interface{ GetOdataCount() *int64 }
		r, err = devices.NewDevicesRequestBuilderInternal(c.base, c.adapter).Get(ctx, &devices.DevicesRequestBuilderGetRequestConfiguration{
			Headers: eventual(), QueryParameters: &devices.DevicesRequestBuilderGetQueryParameters{Count: &yes, Top: &one}})
		if err == nil {
			n = r.GetOdataCount()
		}
	default:
		return 0, &APIError{StatusCode: 400, Code: "BadRequest", Message: "cannot count " + collection}
	}
	if err != nil {
		return 0, wrap(err)
	}
	if n == nil {
		return 0, &APIError{StatusCode: 500, Code: "NoCount", Message: "Graph returned no @odata.count for " + collection}
	}
	return int(*n), nil
}

// SubscribedSku is a license subscription of the tenant.
type SubscribedSku struct {
	SkuPartNumber string
	ConsumedUnits int
	// EnabledUnits are the prepaid units in the enabled state.
	EnabledUnits int
}

// ListSubscribedSkus lists the tenant's license subscriptions.
func (c *Client) ListSubscribedSkus(ctx context.Context) ([]SubscribedSku, error) {
	resp, err := subscribedskus.NewSubscribedSkusRequestBuilderInternal(c.base, c.adapter).Get(ctx, nil)
	if err != nil {
		return nil, wrap(err)
	}
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
	return out, nil
}
