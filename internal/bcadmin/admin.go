package bcadmin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// AuthorizedApp is an entry of the admin center's "Authorized Microsoft Entra
// apps". IsAdminConsentGranted is BC's view of whether the tenant consented
// the app's AdminCenter.ReadWrite.All; BC documents "a short delay" before a
// new consent shows.
type AuthorizedApp struct {
	AppID                 string `json:"appId"`
	IsAdminConsentGranted bool   `json:"isAdminConsentGranted"`
}

// ListAuthorizedApps reads GET /admin/{v}/authorizedAadApps in tenantID.
// Needs a delegated admin token.
func (c *Client) ListAuthorizedApps(ctx context.Context, tenantID string) ([]AuthorizedApp, error) {
	body, _, err := c.do(ctx, request{method: http.MethodGet, url: c.adminURL(c.version, "/authorizedAadApps"),
		tenantID: tenantID, kind: delegatedCredential, idempotent: true})
	if err != nil {
		return nil, err
	}
	// A bare JSON array, not {"value": [...]}.
	var apps []AuthorizedApp
	if err := json.Unmarshal(body, &apps); err != nil {
		return nil, fmt.Errorf("bcadmin: authorizedAadApps: %w", err)
	}
	return apps, nil
}

// GetAuthorizedApp finds clientID among the authorized apps (GUIDs compared
// case-insensitively); ErrNotFound when it isn't authorized. Needs a
// delegated admin token.
func (c *Client) GetAuthorizedApp(ctx context.Context, tenantID, clientID string) (AuthorizedApp, error) {
	apps, err := c.ListAuthorizedApps(ctx, tenantID)
	if err != nil {
		return AuthorizedApp{}, err
	}
	for _, a := range apps {
		if strings.EqualFold(a.AppID, clientID) {
			return a, nil
		}
	}
	return AuthorizedApp{}, fmt.Errorf("bcadmin: app %s is not authorized in the Business Central admin center of tenant %s: %w", clientID, tenantID, ErrNotFound)
}

// AuthorizeApp authorizes clientID in tenantID's admin center (PUT
// /admin/{v}/authorizedAadApps/{appClientId}). It grants no consent and
// assigns no permission sets. Idempotent. Needs a delegated admin token;
// a refusal matches ErrDelegatedAdminRequired.
func (c *Client) AuthorizeApp(ctx context.Context, tenantID, clientID string) (AuthorizedApp, error) {
	body, _, err := c.do(ctx, request{method: http.MethodPut,
		url:      c.adminURL(c.version, "/authorizedAadApps/"+url.PathEscape(clientID)),
		tenantID: tenantID, kind: delegatedCredential, idempotent: true})
	if err != nil {
		return AuthorizedApp{}, err
	}
	var a AuthorizedApp
	if err := json.Unmarshal(body, &a); err != nil {
		return AuthorizedApp{}, fmt.Errorf("bcadmin: authorize app: %w", err)
	}
	return a, nil
}

// RemoveAuthorizedApp removes clientID from tenantID's authorized apps. It
// revokes no consent and removes no permission sets. An app that isn't
// authorized counts as removed. Needs a delegated admin token (the docs'
// per-endpoint note names only GET and PUT, but the page-wide note before
// 2025 covered DELETE too).
func (c *Client) RemoveAuthorizedApp(ctx context.Context, tenantID, clientID string) error {
	_, _, err := c.do(ctx, request{method: http.MethodDelete,
		url:      c.adminURL(c.version, "/authorizedAadApps/"+url.PathEscape(clientID)),
		tenantID: tenantID, kind: delegatedCredential, idempotent: true})
	if isNotFound(err) {
		return nil
	}
	return err
}

// ListManageableTenants lists the tenants where the calling app is
// authorized in the admin center (GET
// /admin/v2.24+/authorizedAadApps/manageableTenants). It says nothing about
// consent there. App-only: tenantID is any tenant where the app is
// authorized and consented (its own home tenant, typically).
func (c *Client) ListManageableTenants(ctx context.Context, tenantID string) ([]string, error) {
	// Introduced in 2.24: older pinned versions don't have it.
	version := c.version
	if c.minor < 24 {
		version = "v2.24"
	}
	body, _, err := c.do(ctx, request{method: http.MethodGet, url: c.adminURL(version, "/authorizedAadApps/manageableTenants"),
		tenantID: tenantID, kind: appCredential, idempotent: true})
	if err != nil {
		return nil, err
	}
	var out struct {
		Value []struct {
			EntraTenantID string `json:"entraTenantId"`
		} `json:"value"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, fmt.Errorf("bcadmin: manageableTenants: %w", err)
	}
	ids := make([]string, 0, len(out.Value))
	for _, v := range out.Value {
		ids = append(ids, v.EntraTenantID)
	}
	return ids, nil
}

// Environment is an admin center environment (fields as documented in
// administration-center-api_environments.md).
type Environment struct {
	Name              string         `json:"name"`
	FriendlyName      string         `json:"friendlyName"`
	Type              string         `json:"type"` // Production | Sandbox
	CountryCode       string         `json:"countryCode"`
	ApplicationFamily string         `json:"applicationFamily"`
	AADTenantID       string         `json:"aadTenantId"`
	Status            string         `json:"status"` // Active, NotReady, Upgrading, SoftDeleted, ...
	WebClientLoginURL string         `json:"webClientLoginUrl"`
	WebServiceURL     string         `json:"webServiceUrl"`
	LocationName      string         `json:"locationName"`
	GeoName           string         `json:"geoName"`
	RingName          string         `json:"ringName"`
	VersionDetails    VersionDetails `json:"versionDetails"`
	// ApplicationVersion is only sent by API versions up to 2.8.
	ApplicationVersion string `json:"applicationVersion"`
}

// VersionDetails of an environment.
type VersionDetails struct {
	Version                       string `json:"version"`
	GracePeriodStartDate          string `json:"gracePeriodStartDate"`
	EnforcedUpdatePeriodStartDate string `json:"enforcedUpdatePeriodStartDate"`
}

// Version is the environment's application version from whichever field
// this API version fills.
func (e Environment) Version() string {
	if e.VersionDetails.Version != "" {
		return e.VersionDetails.Version
	}
	return e.ApplicationVersion
}

const family = "BusinessCentral"

// ListEnvironments lists tenantID's Business Central environments (GET
// /admin/{v}/applications/BusinessCentral/environments). App-only (with
// AdminCenter.ReadWrite.All, authorized in that admin center) or delegated.
func (c *Client) ListEnvironments(ctx context.Context, tenantID string) ([]Environment, error) {
	body, _, err := c.do(ctx, request{method: http.MethodGet,
		url:      c.adminURL(c.version, "/applications/"+family+"/environments"),
		tenantID: tenantID, kind: anyCredential, idempotent: true})
	if err != nil {
		return nil, err
	}
	var out struct {
		Value []Environment `json:"value"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, fmt.Errorf("bcadmin: environments: %w", err)
	}
	return out.Value, nil
}

// GetEnvironment reads one environment; ErrNotFound when it doesn't exist.
// The docs' sample wraps the answer in "value" while the text says "a
// single environment"; both forms are accepted.
func (c *Client) GetEnvironment(ctx context.Context, tenantID, name string) (Environment, error) {
	body, _, err := c.do(ctx, request{method: http.MethodGet,
		url:      c.adminURL(c.version, "/applications/"+family+"/environments/"+url.PathEscape(name)),
		tenantID: tenantID, kind: anyCredential, idempotent: true})
	if err != nil {
		return Environment{}, err
	}
	var wrapped struct {
		Value []Environment `json:"value"`
	}
	if json.Unmarshal(body, &wrapped) == nil && len(wrapped.Value) > 0 {
		return wrapped.Value[0], nil
	}
	var e Environment
	if err := json.Unmarshal(body, &e); err != nil {
		return Environment{}, fmt.Errorf("bcadmin: environment %s: %w", name, err)
	}
	return e, nil
}
