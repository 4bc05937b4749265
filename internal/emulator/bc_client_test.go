package emulator

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/bcadmin"
)

// The bcadmin client against the emulator's BC handlers. Tokens are the
// fixture's bearer names until the identity work's token minting lands; the
// HTTP, shapes and errors are the real ones.

func bcTokens(byTenant map[string]string) bcadmin.TokenSource {
	return bcadmin.TokenSourceFunc(func(_ context.Context, tenantID, resource string) (string, error) {
		if resource != bcadmin.Resource {
			return "", errors.New("wrong resource " + resource)
		}
		return byTenant[tenantID], nil
	})
}

func newBCClient(t *testing.T, f *bcFixture, app, delegated map[string]string) *bcadmin.Client {
	t.Helper()
	o := bcadmin.Options{Endpoint: f.srv.URL, HTTPClient: f.srv.Client(), RetryBaseDelay: time.Nanosecond}
	if app != nil {
		o.Tokens = bcTokens(app)
	}
	if delegated != nil {
		o.DelegatedTokens = bcTokens(delegated)
	}
	c, err := bcadmin.New(o)
	mustNil(t, err)
	return c
}

func TestBCClientAuthorizedAppsEndToEnd(t *testing.T) {
	f := newBCFixture(t)
	ctx := context.Background()

	appOnly := newBCClient(t, f, map[string]string{bcTestCustomer: "vendor", bcTestCustomer2: "vendor-in-2"}, nil)
	// No delegated credential configured: refused before any request.
	if _, err := appOnly.AuthorizeApp(ctx, bcTestCustomer, bcTestVendorApp); !errors.Is(err, bcadmin.ErrDelegatedAdminRequired) {
		t.Fatalf("AuthorizeApp without delegated credential: %v", err)
	}
	// An app token given as the delegated credential: BC refuses it.
	misused := newBCClient(t, f, nil, map[string]string{bcTestCustomer: "vendor"})
	_, err := misused.AuthorizeApp(ctx, bcTestCustomer, bcTestVendorApp)
	var apiErr *bcadmin.APIError
	if !errors.Is(err, bcadmin.ErrDelegatedAdminRequired) || !errors.As(err, &apiErr) || apiErr.StatusCode != 403 ||
		apiErr.Message != "The endpoint can't be used when authenticated as an app." {
		t.Fatalf("AuthorizeApp with an app token: %v", err)
	}

	both := newBCClient(t, f, map[string]string{bcTestCustomer: "vendor", bcTestCustomer2: "vendor-in-2"},
		map[string]string{bcTestCustomer: "d365admin"})
	a, err := both.AuthorizeApp(ctx, bcTestCustomer, bcTestVendorApp)
	mustNil(t, err)
	if a != (bcadmin.AuthorizedApp{AppID: bcTestVendorApp, IsAdminConsentGranted: true}) {
		t.Fatalf("AuthorizeApp = %+v", a)
	}
	got, err := both.GetAuthorizedApp(ctx, bcTestCustomer, bcTestVendorApp)
	mustNil(t, err)
	if !got.IsAdminConsentGranted {
		t.Fatalf("GetAuthorizedApp = %+v", got)
	}

	// manageableTenants (app-only) sees the tenant now.
	ids, err := both.ListManageableTenants(ctx, bcTestCustomer)
	mustNil(t, err)
	if len(ids) != 1 || ids[0] != bcTestCustomer {
		t.Fatalf("manageable tenants = %v", ids)
	}

	// Removed out of band in the admin center: drift.
	mustNil(t, f.s.RemoveBCAuthorizedApp(bcTestCustomer, bcTestVendorApp))
	if _, err := both.GetAuthorizedApp(ctx, bcTestCustomer, bcTestVendorApp); !errors.Is(err, bcadmin.ErrNotFound) {
		t.Fatalf("after removal: %v", err)
	}
	// Removing what is gone is fine.
	mustNil(t, both.RemoveAuthorizedApp(ctx, bcTestCustomer, bcTestVendorApp))
	// Not authorized any more: app-only admin calls get 401.
	if _, err := both.ListEnvironments(ctx, bcTestCustomer); !errors.Is(err, bcadmin.ErrUnauthorized) {
		t.Fatalf("environments when not authorized: %v", err)
	}
}

func TestBCClientEnvironmentAppEndToEnd(t *testing.T) {
	f := newBCFixture(t)
	ctx := context.Background()
	mustNil(t, f.s.SeedBCEnvironment(bcTestCustomer, BCEnvironmentSpec{Name: "Production", CountryCode: "US", Version: "26.5"}))
	mustNil(t, f.s.AuthorizeBCApp(bcTestCustomer, bcTestVendorApp))
	c := newBCClient(t, f, map[string]string{bcTestCustomer: "vendor"}, map[string]string{bcTestCustomer: "d365admin"})

	envs, err := c.ListEnvironments(ctx, bcTestCustomer)
	mustNil(t, err)
	if len(envs) != 1 || envs[0].Name != "Production" || envs[0].Type != "Production" || envs[0].Version() != "26.5" || envs[0].CountryCode != "US" {
		t.Fatalf("environments = %+v", envs)
	}
	env, err := c.GetEnvironment(ctx, bcTestCustomer, "production")
	mustNil(t, err)
	if env.Status != "Active" || env.AADTenantID != bcTestCustomer {
		t.Fatalf("environment = %+v", env)
	}
	if _, err := c.GetEnvironment(ctx, bcTestCustomer, "Nope"); !errors.Is(err, bcadmin.ErrNotFound) {
		t.Fatalf("missing environment: %v", err)
	}

	// No card yet: the app is rejected by the automation API.
	if _, err := c.ListCompanies(ctx, bcTestCustomer, "Production"); !errors.Is(err, bcadmin.ErrUnauthorized) {
		t.Fatalf("companies without card: %v", err)
	}

	// A person creates the card.
	_, err = f.s.CreateBCEntraApp(bcTestCustomer, "Production", BCEntraAppSpec{ClientID: bcTestVendorApp,
		Description: "Contoso Connector", State: "Enabled", PermissionSets: []BCPermission{{RoleID: "D365 AUTOMATION"}}})
	mustNil(t, err)

	u, err := c.FindAppUser(ctx, bcTestCustomer, "Production", bcTestVendorApp, "Contoso Connector")
	mustNil(t, err)
	if u.UserName != "CONTOSO CONNECTOR" || u.State != "Enabled" || u.CompanyID == "" {
		t.Fatalf("app user = %+v", u)
	}
	if _, err := c.FindAppUser(ctx, bcTestCustomer, "Production", bcTestOtherApp, "Other"); !errors.Is(err, bcadmin.ErrNotFound) {
		t.Fatalf("unknown app user: %v", err)
	}

	sets, err := c.ListPermissionSets(ctx, bcTestCustomer, "Production", u.CompanyID)
	mustNil(t, err)
	if len(sets) < 5 {
		t.Fatalf("permission sets = %v", sets)
	}

	p, err := c.AddUserPermission(ctx, bcTestCustomer, "Production", u.CompanyID, u.UserSecurityID, "LOCAL", "CRONUS USA, Inc.")
	mustNil(t, err)
	if p.RoleID != "LOCAL" || p.Company != "CRONUS USA, Inc." || p.ETag == "" {
		t.Fatalf("added = %+v", p)
	}
	if _, err := c.AddUserPermission(ctx, bcTestCustomer, "Production", u.CompanyID, u.UserSecurityID, "LOCAL", "CRONUS USA, Inc."); !errors.Is(err, bcadmin.ErrAlreadyExists) {
		t.Fatalf("duplicate: %v", err)
	}
	_, err = c.AddUserPermission(ctx, bcTestCustomer, "Production", u.CompanyID, u.UserSecurityID, "SUPER", "")
	var apiErr *bcadmin.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "Application_DialogException" {
		t.Fatalf("SUPER: %v", err)
	}

	ea, err := c.ReadEnvironmentApp(ctx, bcTestCustomer, "Production", bcTestVendorApp, "Contoso Connector")
	mustNil(t, err)
	roles := []string{}
	for _, p := range ea.Permissions {
		roles = append(roles, p.RoleID+"@"+p.Company)
	}
	if ea.User.State != "Enabled" || !reflect.DeepEqual(roles, []string{"D365 AUTOMATION@", "LOCAL@CRONUS USA, Inc."}) {
		t.Fatalf("environment app = %+v (%v)", ea, roles)
	}
	mustNil(t, c.RemoveUserPermission(ctx, bcTestCustomer, "Production", u.CompanyID, u.UserSecurityID, p.ID, p.ETag))
	mustNil(t, c.RemoveUserPermission(ctx, bcTestCustomer, "Production", u.CompanyID, u.UserSecurityID, p.ID, ""))
	st, err := f.s.BCEntraApp(bcTestCustomer, "Production", bcTestVendorApp)
	mustNil(t, err)
	if len(st.PermissionSets) != 1 || st.PermissionSets[0].RoleID != "D365 AUTOMATION" {
		t.Fatalf("emulator permissions = %+v", st.PermissionSets)
	}

	// A delegated admin can disable and re-enable the app's user.
	admin := newBCClient(t, f, nil, map[string]string{bcTestCustomer: "d365admin"})
	du, err := admin.SetUserState(ctx, bcTestCustomer, "Production", u.CompanyID, u.UserSecurityID, "Disabled", u.ETag)
	mustNil(t, err)
	if du.State != "Disabled" {
		t.Fatalf("disabled user = %+v", du)
	}
	if _, err := c.ListCompanies(ctx, bcTestCustomer, "Production"); !errors.Is(err, bcadmin.ErrUnauthorized) {
		t.Fatalf("app with disabled user: %v", err)
	}
	_, err = admin.SetUserState(ctx, bcTestCustomer, "Production", u.CompanyID, u.UserSecurityID, "Enabled", "")
	mustNil(t, err)

	// Throttled twice, then served: the client waits and retries.
	mustNil(t, f.s.ThrottleBC(bcTestCustomer, 2, 0))
	if _, err := c.ListCompanies(ctx, bcTestCustomer, "Production"); err != nil {
		t.Fatalf("after throttling: %v", err)
	}
}
