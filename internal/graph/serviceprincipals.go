package graph

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/microsoftgraph/msgraph-sdk-go/directory"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/serviceprincipals"
	"github.com/microsoftgraph/msgraph-sdk-go/serviceprincipalswithappid"
)

// ServicePrincipal is an app's instance in a tenant.
type ServicePrincipal struct {
	ID                     string
	AppID                  string
	DisplayName            string
	AppOwnerOrganizationID string
	AppRoles               []AppRole
	OAuth2PermissionScopes []PermissionScope
}

// AppRole is an application permission an API offers (or a role users are
// assigned, by AllowedMemberTypes).
type AppRole struct {
	ID, Value, DisplayName, Description string
	AllowedMemberTypes                  []string
	IsEnabled                           bool
}

func fromAppRole(r models.AppRoleable) AppRole {
	ar := AppRole{Value: str(r.GetValue()), DisplayName: str(r.GetDisplayName()), Description: str(r.GetDescription()), AllowedMemberTypes: r.GetAllowedMemberTypes()}
	if r.GetId() != nil {
		ar.ID = r.GetId().String()
	}
	if r.GetIsEnabled() != nil {
		ar.IsEnabled = *r.GetIsEnabled()
	}
	return ar
}

// PermissionScope is a delegated permission an API offers; Type is "User"
// (users may consent for themselves) or "Admin".
type PermissionScope struct {
	ID, Value, Type                                  string
	AdminConsentDisplayName, AdminConsentDescription string
	UserConsentDisplayName, UserConsentDescription   string
	IsEnabled                                        bool
}

func fromPermissionScope(s models.PermissionScopeable) PermissionScope {
	ps := PermissionScope{Value: str(s.GetValue()), Type: str(s.GetTypeEscaped()),
		AdminConsentDisplayName: str(s.GetAdminConsentDisplayName()), AdminConsentDescription: str(s.GetAdminConsentDescription()),
		UserConsentDisplayName: str(s.GetUserConsentDisplayName()), UserConsentDescription: str(s.GetUserConsentDescription())}
	if s.GetId() != nil {
		ps.ID = s.GetId().String()
	}
	if s.GetIsEnabled() != nil {
		ps.IsEnabled = *s.GetIsEnabled()
	}
	return ps
}

func fromSP(m models.ServicePrincipalable) ServicePrincipal {
	sp := ServicePrincipal{ID: str(m.GetId()), AppID: str(m.GetAppId()), DisplayName: str(m.GetDisplayName())}
	if m.GetAppOwnerOrganizationId() != nil {
		sp.AppOwnerOrganizationID = m.GetAppOwnerOrganizationId().String()
	}
	for _, r := range m.GetAppRoles() {
		sp.AppRoles = append(sp.AppRoles, fromAppRole(r))
	}
	for _, s := range m.GetOauth2PermissionScopes() {
		sp.OAuth2PermissionScopes = append(sp.OAuth2PermissionScopes, fromPermissionScope(s))
	}
	return sp
}

// spFields are what finding a service principal needs. Without $select an
// API's service principal answers with every permission it offers (Graph's:
// over 1,500, about 1 MB), read in every customer tenant: most of a large
// run's peak memory (bench-results.md).
var spFields = []string{"id", "appId", "displayName", "appOwnerOrganizationId"}

// GetServicePrincipalByAppID finds the tenant's service principal of an app:
// its ID and names, not its permissions (GetAPIPermissions reads those).
func (c *Client) GetServicePrincipalByAppID(ctx context.Context, appID string) (ServicePrincipal, error) {
	m, err := serviceprincipalswithappid.NewServicePrincipalsWithAppIdRequestBuilderInternal(c.base, c.adapter, &appID).Get(ctx,
		&serviceprincipalswithappid.ServicePrincipalsWithAppIdRequestBuilderGetRequestConfiguration{
			QueryParameters: &serviceprincipalswithappid.ServicePrincipalsWithAppIdRequestBuilderGetQueryParameters{Select: spFields}})
	if err != nil {
		return ServicePrincipal{}, wrap(err)
	}
	return fromSP(m), nil
}

// apiFields are what an API's permissions need: Graph's service principal
// alone carries over 1,500 permissions, so nothing else is asked for.
var apiFields = []string{"appId", "displayName", "appOwnerOrganizationId", "appRoles", "oauth2PermissionScopes"}

// GetAPIPermissions reads what an API offers in the tenant: the app roles
// and delegated scopes of its service principal
// (GET /servicePrincipals(appId='…')?$select=appRoles,oauth2PermissionScopes,displayName,appId).
func (c *Client) GetAPIPermissions(ctx context.Context, appID string) (ServicePrincipal, error) {
	m, err := serviceprincipalswithappid.NewServicePrincipalsWithAppIdRequestBuilderInternal(c.base, c.adapter, &appID).Get(ctx,
		&serviceprincipalswithappid.ServicePrincipalsWithAppIdRequestBuilderGetRequestConfiguration{
			QueryParameters: &serviceprincipalswithappid.ServicePrincipalsWithAppIdRequestBuilderGetQueryParameters{Select: apiFields}})
	if err != nil {
		return ServicePrincipal{}, wrap(err)
	}
	return fromSP(m), nil
}

// ListServicePrincipalsByDisplayName lists the tenant's service principals
// with exactly this display name (Graph compares it case-insensitively), with
// their permissions.
func (c *Client) ListServicePrincipalsByDisplayName(ctx context.Context, name string) ([]ServicePrincipal, error) {
	filter := "displayName eq '" + strings.ReplaceAll(name, "'", "''") + "'"
	resp, err := serviceprincipals.NewServicePrincipalsRequestBuilderInternal(c.base, c.adapter).Get(ctx,
		&serviceprincipals.ServicePrincipalsRequestBuilderGetRequestConfiguration{
			QueryParameters: &serviceprincipals.ServicePrincipalsRequestBuilderGetQueryParameters{Filter: &filter, Select: apiFields}})
	if err != nil {
		return nil, wrap(err)
	}
	var out []ServicePrincipal
	for _, m := range resp.GetValue() {
		out = append(out, fromSP(m))
	}
	return out, nil
}

// EnsureServicePrincipal returns the app's service principal in the tenant,
// creating it when missing. Creating one right after the app can fail until
// the app has replicated; that is waited out.
func (c *Client) EnsureServicePrincipal(ctx context.Context, appID string) (ServicePrincipal, error) {
	sp, err := c.GetServicePrincipalByAppID(ctx, appID)
	if err == nil || !IsNotFound(err) {
		return sp, err
	}
	b := serviceprincipals.NewServicePrincipalsRequestBuilderInternal(c.base, c.adapter)
	// A repeat after a lost answer meets the 409 below: safe to retry.
	ctx = markRepeatable(ctx)
	err = c.retryWhile(ctx, messageContains("does not reference a valid application object"), func() error {
		m := models.NewServicePrincipal()
		m.SetAppId(&appID)
		created, err := b.Post(ctx, m, nil)
		if err == nil {
			sp = fromSP(created)
			return nil
		}
		err = wrap(err)
		var e *APIError
		if asAPIError(err, &e) && e.StatusCode == 409 {
			// It exists: created by an earlier attempt whose answer was
			// lost, or so recently that reads still miss it.
			return c.retryWhile(ctx, IsNotFound, func() error {
				sp, err = c.GetServicePrincipalByAppID(ctx, appID)
				return err
			})
		}
		return err
	})
	return sp, err
}

// RestoreDeletedServicePrincipal brings back the app's service principal
// from the tenant's deleted items (the newest, if several), with its object
// ID and the permissions granted to it there. Restoring an application
// does not restore its service principal: "You must call this API to
// explicitly restore the deleted service principal"
// (https://learn.microsoft.com/graph/api/directory-deleteditems-restore).
// It reports false when there is none to restore.
func (c *Client) RestoreDeletedServicePrincipal(ctx context.Context, appID string) (ServicePrincipal, bool, error) {
	filter := "appId eq '" + strings.ReplaceAll(appID, "'", "''") + "'"
	resp, err := directory.NewDirectoryRequestBuilderInternal(c.base, c.adapter).DeletedItems().GraphServicePrincipal().Get(ctx,
		&directory.DeletedItemsGraphServicePrincipalRequestBuilderGetRequestConfiguration{
			QueryParameters: &directory.DeletedItemsGraphServicePrincipalRequestBuilderGetQueryParameters{Filter: &filter}})
	if err != nil {
		return ServicePrincipal{}, false, wrap(err)
	}
	var newest models.ServicePrincipalable
	for _, m := range resp.GetValue() {
		if newest == nil || later(m.GetDeletedDateTime(), newest.GetDeletedDateTime()) {
			newest = m
		}
	}
	if newest == nil {
		return ServicePrincipal{}, false, nil
	}
	id := str(newest.GetId())
	// A repeat after a lost answer is a 404: read what the first restored.
	m, err := c.deletedItems().ByDirectoryObjectId(id).Restore().Post(markRepeatable(ctx), nil)
	if err != nil {
		if IsNotFound(wrap(err)) {
			sp, gerr := c.GetServicePrincipalByAppID(ctx, appID)
			if IsNotFound(gerr) {
				return ServicePrincipal{}, false, nil
			}
			return sp, gerr == nil, gerr
		}
		return ServicePrincipal{}, false, wrap(err)
	}
	sp, ok := m.(models.ServicePrincipalable)
	if !ok {
		return ServicePrincipal{}, false, errors.New("the restored item " + id + " is not a service principal")
	}
	return fromSP(sp), true, nil
}

func later(a, b *time.Time) bool { return a != nil && (b == nil || a.After(*b)) }

// DeleteServicePrincipal deletes a service principal; missing is fine.
func (c *Client) DeleteServicePrincipal(ctx context.Context, id string) error {
	err := wrap(serviceprincipals.NewServicePrincipalsRequestBuilderInternal(c.base, c.adapter).ByServicePrincipalId(id).Delete(ctx, nil))
	if IsNotFound(err) {
		return nil
	}
	return err
}
