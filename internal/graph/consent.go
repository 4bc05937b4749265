package graph

import (
	"context"
	"errors"
	"strings"

	"github.com/google/uuid"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/oauth2permissiongrants"
	"github.com/microsoftgraph/msgraph-sdk-go/serviceprincipals"
)

// AppRoleAssignment is an application permission granted to a principal.
type AppRoleAssignment struct {
	ID, AppRoleID, PrincipalID, ResourceID string
}

// PermissionGrant is a delegated permission grant (oauth2PermissionGrant).
type PermissionGrant struct {
	ID, ClientID, ConsentType, PrincipalID, ResourceID, Scope string
}

func (c *Client) sp(id string) *serviceprincipals.ServicePrincipalItemRequestBuilder {
	return serviceprincipals.NewServicePrincipalsRequestBuilderInternal(c.base, c.adapter).ByServicePrincipalId(id)
}

func uuidString(u *uuid.UUID) string {
	if u == nil {
		return ""
	}
	return u.String()
}

// ListAppRoleAssignments lists the app roles granted to a (client) service
// principal.
func (c *Client) ListAppRoleAssignments(ctx context.Context, clientSPID string) ([]AppRoleAssignment, error) {
	resp, err := c.sp(clientSPID).AppRoleAssignments().Get(ctx, nil)
	if err != nil {
		return nil, wrap(err)
	}
	var out []AppRoleAssignment
	for _, a := range resp.GetValue() {
		out = append(out, AppRoleAssignment{ID: str(a.GetId()), AppRoleID: uuidString(a.GetAppRoleId()), PrincipalID: uuidString(a.GetPrincipalId()), ResourceID: uuidString(a.GetResourceId())})
	}
	return out, nil
}

// AssignAppRole grants an application permission of a resource to a
// principal. A principal created moments ago may not have replicated yet
// ("Not a valid reference update"); that is waited out. An assignment that
// already exists counts as done.
func (c *Client) AssignAppRole(ctx context.Context, resourceSPID, principalSPID, appRoleID string) error {
	pid, err1 := uuid.Parse(principalSPID)
	rid, err2 := uuid.Parse(resourceSPID)
	role, err3 := uuid.Parse(appRoleID)
	if err := errors.Join(err1, err2, err3); err != nil {
		return err
	}
	m := models.NewAppRoleAssignment()
	m.SetPrincipalId(&pid)
	m.SetResourceId(&rid)
	m.SetAppRoleId(&role)
	// A repeat after a lost answer meets "already exists", which is done.
	ctx = markRepeatable(ctx)
	err := c.retryWhile(ctx, func(err error) bool { return IsNotFound(err) || messageContains("Not a valid reference update")(err) }, func() error {
		_, err := c.sp(resourceSPID).AppRoleAssignedTo().Post(ctx, m, nil)
		return wrap(err)
	})
	if messageContains("already exists")(err) {
		return nil
	}
	return err
}

// DeleteAppRoleAssignment revokes an app role assignment; gone is fine.
func (c *Client) DeleteAppRoleAssignment(ctx context.Context, resourceSPID, assignmentID string) error {
	err := wrap(c.sp(resourceSPID).AppRoleAssignedTo().ByAppRoleAssignmentId(assignmentID).Delete(ctx, nil))
	if IsNotFound(err) {
		return nil
	}
	return err
}

func (c *Client) grants() *oauth2permissiongrants.Oauth2PermissionGrantsRequestBuilder {
	return oauth2permissiongrants.NewOauth2PermissionGrantsRequestBuilderInternal(c.base, c.adapter)
}

// ListPermissionGrants lists the delegated grants of a client service
// principal.
func (c *Client) ListPermissionGrants(ctx context.Context, clientSPID string) ([]PermissionGrant, error) {
	filter := "clientId eq '" + strings.ReplaceAll(clientSPID, "'", "''") + "'"
	resp, err := c.grants().Get(ctx, &oauth2permissiongrants.Oauth2PermissionGrantsRequestBuilderGetRequestConfiguration{
		QueryParameters: &oauth2permissiongrants.Oauth2PermissionGrantsRequestBuilderGetQueryParameters{Filter: &filter}})
	if err != nil {
		return nil, wrap(err)
	}
	var out []PermissionGrant
	for _, g := range resp.GetValue() {
		out = append(out, PermissionGrant{ID: str(g.GetId()), ClientID: str(g.GetClientId()), ConsentType: str(g.GetConsentType()),
			PrincipalID: str(g.GetPrincipalId()), ResourceID: str(g.GetResourceId()), Scope: str(g.GetScope())})
	}
	return out, nil
}

// GrantScopes makes sure the client holds these delegated scopes on the
// resource for all users (one AllPrincipals grant, as admin consent does).
func (c *Client) GrantScopes(ctx context.Context, clientSPID, resourceSPID string, scopes []string) error {
	err := c.grantScopes(ctx, clientSPID, resourceSPID, scopes)
	if messageContains("Permission entry already exists")(err) {
		// An earlier attempt whose answer was lost made the grant: merge
		// into it.
		return c.grantScopes(ctx, clientSPID, resourceSPID, scopes)
	}
	return err
}

func (c *Client) grantScopes(ctx context.Context, clientSPID, resourceSPID string, scopes []string) error {
	existing, err := c.ListPermissionGrants(ctx, clientSPID)
	if err != nil {
		return err
	}
	for _, g := range existing {
		if g.ConsentType != "AllPrincipals" || !strings.EqualFold(g.ResourceID, resourceSPID) {
			continue
		}
		have := strings.Fields(g.Scope)
		merged := append([]string(nil), have...)
		for _, s := range scopes {
			if !containsFold(have, s) {
				merged = append(merged, s)
			}
		}
		if len(merged) == len(have) {
			return nil
		}
		body := models.NewOAuth2PermissionGrant()
		body.SetScope(ptr(strings.Join(merged, " ")))
		_, err := c.grants().ByOAuth2PermissionGrantId(g.ID).Patch(ctx, body, nil)
		return wrap(err)
	}
	body := models.NewOAuth2PermissionGrant()
	body.SetClientId(&clientSPID)
	body.SetConsentType(ptr("AllPrincipals"))
	body.SetResourceId(&resourceSPID)
	body.SetScope(ptr(strings.Join(scopes, " ")))
	ctx = markRepeatable(ctx) // a repeat meets "Permission entry already exists": GrantScopes merges
	return c.retryWhile(ctx, func(err error) bool {
		return IsNotFound(err) || messageContains("does not exist or one of its queried reference-property objects are not present")(err)
	}, func() error {
		_, err := c.grants().Post(ctx, body, nil)
		return wrap(err)
	})
}

// DeletePermissionGrant removes a delegated grant; gone is fine.
func (c *Client) DeletePermissionGrant(ctx context.Context, id string) error {
	err := wrap(c.grants().ByOAuth2PermissionGrantId(id).Delete(ctx, nil))
	if IsNotFound(err) {
		return nil
	}
	return err
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
