package graph

import (
	"context"
	"strings"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// DelegatedAdminRelationship is a GDAP relationship seen from the partner.
type DelegatedAdminRelationship struct {
	ID, DisplayName, Status        string
	CustomerTenantID, CustomerName string
	RoleDefinitionIDs              []string
	EndDateTime                    time.Time
}

// ListDelegatedAdminRelationships lists the partner's GDAP relationships.
// Microsoft serves it only to a signed-in partner user (delegated token).
func (c *Client) ListDelegatedAdminRelationships(ctx context.Context) ([]DelegatedAdminRelationship, error) {
	b := c.tenantRelationships().DelegatedAdminRelationships()
	resp, err := b.Get(ctx, nil)
	if err != nil {
		return nil, wrap(err)
	}
	var out []DelegatedAdminRelationship
	// Every page: a partner with more customers than one page holds them on
	// @odata.nextLink pages.
	for {
		out = append(out, delegatedAdminRelationships(resp.GetValue())...)
		next := resp.GetOdataNextLink()
		if next == nil || *next == "" {
			return out, nil
		}
		if resp, err = b.WithUrl(*next).Get(ctx, nil); err != nil {
			return nil, wrap(err)
		}
	}
}

func delegatedAdminRelationships(page []models.DelegatedAdminRelationshipable) []DelegatedAdminRelationship {
	var out []DelegatedAdminRelationship
	for _, r := range page {
		rel := DelegatedAdminRelationship{ID: str(r.GetId()), DisplayName: str(r.GetDisplayName())}
		if s := r.GetStatus(); s != nil {
			rel.Status = s.String()
		}
		if cu := r.GetCustomer(); cu != nil {
			rel.CustomerTenantID, rel.CustomerName = strings.ToLower(str(cu.GetTenantId())), str(cu.GetDisplayName())
		}
		if ad := r.GetAccessDetails(); ad != nil {
			for _, ur := range ad.GetUnifiedRoles() {
				rel.RoleDefinitionIDs = append(rel.RoleDefinitionIDs, str(ur.GetRoleDefinitionId()))
			}
		}
		if e := r.GetEndDateTime(); e != nil {
			rel.EndDateTime = e.UTC()
		}
		out = append(out, rel)
	}
	return out
}
