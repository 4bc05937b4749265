package graph

import (
	"context"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/tenantrelationships"
)

// TenantInformation is what any tenant can learn about another
// (CrossTenantInformation.ReadBasic.All).
type TenantInformation struct {
	TenantID          string
	DisplayName       string
	DefaultDomainName string
}

func fromTenantInfo(m models.TenantInformationable) TenantInformation {
	return TenantInformation{TenantID: str(m.GetTenantId()), DisplayName: str(m.GetDisplayName()), DefaultDomainName: str(m.GetDefaultDomainName())}
}

func (c *Client) tenantRelationships() *tenantrelationships.TenantRelationshipsRequestBuilder {
	return tenantrelationships.NewTenantRelationshipsRequestBuilderInternal(c.base, c.adapter)
}

// FindTenantByDomain resolves a verified domain to its tenant.
func (c *Client) FindTenantByDomain(ctx context.Context, domain string) (TenantInformation, error) {
	m, err := c.tenantRelationships().FindTenantInformationByDomainNameWithDomainName(&domain).Get(ctx, nil)
	if err != nil {
		return TenantInformation{}, wrap(err)
	}
	return fromTenantInfo(m), nil
}

// FindTenantByID reads a tenant's name and default domain.
func (c *Client) FindTenantByID(ctx context.Context, tenantID string) (TenantInformation, error) {
	m, err := c.tenantRelationships().FindTenantInformationByTenantIdWithTenantId(&tenantID).Get(ctx, nil)
	if err != nil {
		return TenantInformation{}, wrap(err)
	}
	return fromTenantInfo(m), nil
}
