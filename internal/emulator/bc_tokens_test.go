package emulator

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/onboard-tf/terraform-provider-onboard/internal/bcadmin"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// Business Central with real tokens from the emulator's identity platform:
// a multi-tenant vendor app consented in Fabrikam (app-only, roles from the
// consent), and the partner admin's delegated token through GDAP (Dynamics
// 365 Administrator in Fabrikam).

const (
	bcRoleIDAutomation = "d365bc00-a990-0000-00bc-160000000001"
	bcScopeUserImp     = "bce0976a-cb0b-473b-8800-84eda9f8e447"
	azureCLIClientID   = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
)

func TestBCWithRealTokens(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()

	id, appID := newApp(t, s, map[string]any{"displayName": "Contoso Connector", "signInAudience": "AzureADMultipleOrgs",
		"requiredResourceAccess": []map[string]any{{"resourceAppId": store.BCAppID, "resourceAccess": []map[string]any{
			{"id": bcRoleIDAdminCtr, "type": "Role"}, {"id": bcRoleIDAutomation, "type": "Role"}, {"id": bcScopeUserImp, "type": "Scope"}}}}})
	newServicePrincipal(t, s, appID)
	secret := call(t, s, "POST", "/v1.0/applications/"+id+"/addPassword", automationToken(t, s), map[string]any{}).Body["secretText"].(string)
	mustNil(t, s.Consent(FabrikamTenantID, appID, "admin@fabrikam.onmicrosoft.com"))

	appTok := appToken(t, s, FabrikamTenantID, appID, secret, store.BCResource)
	c := claims(t, appTok)
	roles, _ := c["roles"].([]any)
	if c["aud"] != store.BCResource || !slices.Contains(roles, any(bcRoleAdminCenter)) || !slices.Contains(roles, any(bcRoleAutomation)) {
		t.Fatalf("BC app token claims = %v", c)
	}

	rt, err := s.IssueRefreshToken(DefaultPartnerAdminUPN, azureCLIClientID)
	mustNil(t, err)
	delegated := func(tenant string) string {
		r := call(t, s, "POST", "/"+tenant+"/oauth2/v2.0/token", "", url.Values{"grant_type": {"refresh_token"},
			"client_id": {azureCLIClientID}, "refresh_token": {rt}, "scope": {store.BCResource + "/.default"}})
		if r.Status != http.StatusOK {
			t.Fatalf("delegated token: %d %s", r.Status, r.Raw)
		}
		return r.Body["access_token"].(string)
	}
	appSrc := bcadmin.TokenSourceFunc(func(_ context.Context, tenant, resource string) (string, error) {
		return appToken(t, s, tenant, appID, secret, resource), nil
	})
	userSrc := bcadmin.TokenSourceFunc(func(_ context.Context, tenant, _ string) (string, error) { return delegated(tenant), nil })
	newClient := func(app, user bcadmin.TokenSource) *bcadmin.Client {
		cl, err := bcadmin.New(bcadmin.Options{Endpoint: s.URL(), HTTPClient: s.HTTPClient(), Tokens: app, DelegatedTokens: user})
		mustNil(t, err)
		return cl
	}

	// The app-only token is refused for PUT authorizedAadApps.
	_, err = newClient(nil, appSrc).AuthorizeApp(ctx, FabrikamTenantID, appID)
	var apiErr *bcadmin.APIError
	if !errors.Is(err, bcadmin.ErrDelegatedAdminRequired) || !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusForbidden {
		t.Fatalf("app-only PUT: %v", err)
	}

	cl := newClient(appSrc, userSrc)
	a, err := cl.AuthorizeApp(ctx, FabrikamTenantID, appID)
	mustNil(t, err)
	if a.AppID != appID || !a.IsAdminConsentGranted {
		t.Fatalf("authorized = %+v", a)
	}
	ids, err := cl.ListManageableTenants(ctx, FabrikamTenantID)
	mustNil(t, err)
	if !slices.Equal(ids, []string{FabrikamTenantID}) {
		t.Fatalf("manageable tenants = %v", ids)
	}

	mustNil(t, s.SeedBCEnvironment(FabrikamTenantID, BCEnvironmentSpec{Name: "Production", CountryCode: "US", Version: "27.1"}))
	envs, err := cl.ListEnvironments(ctx, FabrikamTenantID)
	mustNil(t, err)
	// The default seed gives Fabrikam a production and a sandbox environment.
	if len(envs) != 2 || envs[0].Name != "Production" || envs[0].WebServiceURL != s.URL()+"/v2.0/"+FabrikamTenantID+"/Production" {
		t.Fatalf("environments = %+v", envs)
	}

	// The human step, then the automation API with the app's own token.
	_, err = cl.FindAppUser(ctx, FabrikamTenantID, "Production", appID, "Contoso Connector")
	if !errors.Is(err, bcadmin.ErrUnauthorized) {
		t.Fatalf("before the card: %v", err)
	}
	_, err = s.CreateBCEntraApp(FabrikamTenantID, "Production", BCEntraAppSpec{ClientID: appID, Description: "Contoso Connector",
		State: "Enabled", PermissionSets: []BCPermission{{RoleID: "D365 AUTOMATION"}}})
	mustNil(t, err)
	ea, err := cl.ReadEnvironmentApp(ctx, FabrikamTenantID, "Production", appID, "Contoso Connector")
	mustNil(t, err)
	if ea.User.UserName != "CONTOSO CONNECTOR" || len(ea.Permissions) != 1 {
		t.Fatalf("environment app = %+v", ea)
	}

	// Consent revoked in Entra: new app tokens carry no BC roles, and the
	// admin center refuses them; BC reports the consent as not granted.
	mustNil(t, s.Revoke(FabrikamTenantID, appID))
	if _, err := cl.ListEnvironments(ctx, FabrikamTenantID); !errors.Is(err, bcadmin.ErrForbidden) {
		t.Fatalf("environments after revoke: %v", err)
	}
	got, err := cl.GetAuthorizedApp(ctx, FabrikamTenantID, appID)
	mustNil(t, err)
	if got.IsAdminConsentGranted {
		t.Fatalf("after revoke = %+v", got)
	}

	// The BC state survives save and load.
	b, err := s.SaveState()
	mustNil(t, err)
	s.Reset()
	if _, err := s.BCEntraApp(FabrikamTenantID, "Production", appID); err == nil {
		t.Fatal("Reset kept BC state")
	}
	mustNil(t, s.LoadState(b))
	st, err := s.BCEntraApp(FabrikamTenantID, "Production", appID)
	mustNil(t, err)
	if st.UserName != "CONTOSO CONNECTOR" || st.State != "Enabled" {
		t.Fatalf("after load = %+v", st)
	}
}

func TestBCDefaultSeed(t *testing.T) {
	s := newTestServer(t)
	mustNil(t, s.seedBCDefaults())
	names := func(id string) []string {
		var out []string
		mustNil(t, s.store.View(func(tx *store.Tx) error {
			if b := tx.TenantByID(id).BC; b != nil {
				for _, e := range b.Environments {
					out = append(out, e.Name+"/"+e.Type+"/"+e.CountryCode)
				}
			}
			return nil
		}))
		return out
	}
	if got := names(FabrikamTenantID); !slices.Equal(got, []string{"Production/Production/US", "Sandbox/Sandbox/US"}) {
		t.Errorf("Fabrikam = %v", got)
	}
	if got := names(NorthwindTenantID); !slices.Equal(got, []string{"Production/Production/GB"}) {
		t.Errorf("Northwind = %v", got)
	}
	if got := names(TailspinTenantID); len(got) != 0 {
		t.Errorf("Tailspin = %v", got)
	}
}
