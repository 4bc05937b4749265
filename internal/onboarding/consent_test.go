package onboarding

import (
	"slices"
	"strings"
	"testing"
)

var (
	userReadAll  = RequiredPermission{API: "Microsoft Graph", ResourceAppID: GraphAppID, Name: "User.Read.All", ID: "df021288-bdef-4463-88db-98f22de89214", Kind: Application}
	orgReadAll   = RequiredPermission{API: "Microsoft Graph", ResourceAppID: GraphAppID, Name: "Organization.Read.All", ID: "498476ce-e0fe-48b0-b801-37ba7e2685c6", Kind: Application}
	userRead     = RequiredPermission{API: "Microsoft Graph", ResourceAppID: GraphAppID, Name: "User.Read", ID: "e1fe6dd8-ba31-4d61-89e7-88639da4683d", Kind: Delegated}
	bcAutomation = RequiredPermission{API: "Dynamics 365 Business Central", ResourceAppID: BusinessCentralAppID, Name: "Automation.ReadWrite.All", ID: "d365bc00-a990-0000-00bc-160000000001", Kind: Application}
	bcAPI        = RequiredPermission{API: "Dynamics 365 Business Central", ResourceAppID: BusinessCentralAppID, Name: "API.ReadWrite.All", ID: "a42b0b75-311e-488d-b67e-8fe84f924341", Kind: Application}
	bcFinancials = RequiredPermission{API: "Dynamics 365 Business Central", ResourceAppID: BusinessCentralAppID, Name: "Financials.ReadWrite.All", ID: "2fb13c28-9d89-417f-9af2-ec3065bc16e6", Kind: Delegated}
)

// role is a grant as an app-only token's roles claim shows it: by name.
func role(p RequiredPermission) Grant {
	return Grant{ResourceAppID: p.ResourceAppID, Name: p.Name, Kind: Application}
}

// assignment is a grant as Graph's appRoleAssignments show it: by ID.
func assignment(p RequiredPermission) Grant {
	return Grant{ResourceAppID: p.ResourceAppID, ID: p.ID, Kind: Application}
}

func TestEvaluateConsent(t *testing.T) {
	for _, c := range []struct {
		name     string
		required []RequiredPermission
		grants   []Grant
		state    ConsentState
		missing  []string
	}{
		{"all granted, read from a token", []RequiredPermission{userReadAll, orgReadAll}, []Grant{role(orgReadAll), role(userReadAll)}, ConsentGranted, nil},
		{"all granted, read from Graph", []RequiredPermission{userReadAll, orgReadAll}, []Grant{assignment(userReadAll), assignment(orgReadAll)}, ConsentGranted, nil},
		{"nothing required counts as granted", nil, nil, ConsentGranted, nil},
		{"never consented", []RequiredPermission{userReadAll, orgReadAll}, nil, ConsentMissing,
			[]string{"Microsoft Graph/Organization.Read.All", "Microsoft Graph/User.Read.All"}},
		{"partial consent: a permission added to the app since", []RequiredPermission{userReadAll, orgReadAll}, []Grant{role(userReadAll)}, ConsentPartial,
			[]string{"Microsoft Graph/Organization.Read.All"}},
		{"revoked after grant: the token has no roles left", []RequiredPermission{userReadAll}, []Grant{}, ConsentMissing, []string{"Microsoft Graph/User.Read.All"}},
		{"permission renamed: Graph's assignment matches by ID", []RequiredPermission{userReadAll},
			[]Grant{{ResourceAppID: GraphAppID, ID: userReadAll.ID, Name: "User.ReadBasic.Everything", Kind: Application}}, ConsentGranted, nil},
		{"permission renamed: a token's role names the new name only", []RequiredPermission{userReadAll},
			[]Grant{{ResourceAppID: GraphAppID, Name: "User.ReadBasic.Everything", Kind: Application}}, ConsentMissing, []string{"Microsoft Graph/User.Read.All"}},
		{"a role of the same name on another API does not count", []RequiredPermission{bcAPI},
			[]Grant{{ResourceAppID: GraphAppID, Name: "API.ReadWrite.All", Kind: Application}}, ConsentMissing, []string{"Dynamics 365 Business Central/API.ReadWrite.All"}},
		{"a delegated grant does not cover an application permission", []RequiredPermission{userReadAll},
			[]Grant{{ResourceAppID: GraphAppID, Name: "User.Read.All", Kind: Delegated}}, ConsentMissing, []string{"Microsoft Graph/User.Read.All"}},
		{"delegated scope granted by name, case aside", []RequiredPermission{userRead},
			[]Grant{{ResourceAppID: strings.ToUpper(GraphAppID), Name: "user.read", Kind: Delegated}}, ConsentGranted, nil},
		{"an unknown permission shown by its ID is matched by ID", []RequiredPermission{{API: "Contoso API", ResourceAppID: "11111111-2222-3333-4444-555555555555", Name: "aaaaaaaa-0000-0000-0000-000000000001", ID: "aaaaaaaa-0000-0000-0000-000000000001", Kind: Application}},
			[]Grant{{ResourceAppID: "11111111-2222-3333-4444-555555555555", ID: "AAAAAAAA-0000-0000-0000-000000000001", Kind: Application}}, ConsentGranted, nil},
		{"two APIs, one consented", []RequiredPermission{userReadAll, bcAutomation}, []Grant{role(userReadAll)}, ConsentPartial,
			[]string{"Dynamics 365 Business Central/Automation.ReadWrite.All"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := EvaluateConsent(c.required, c.grants)
			if got.State != c.state || !slices.Equal(got.Missing, c.missing) || len(got.Granted)+len(got.Missing) != len(c.required) || len(got.MissingPermissions) != len(c.missing) {
				t.Fatalf("EvaluateConsent = %+v, want %s missing %q", got, c.state, c.missing)
			}
		})
	}
}

func TestChooseConsentSource(t *testing.T) {
	for _, c := range []struct {
		name                                       string
		hasSecret, homeTenant, partner, refreshing bool
		want                                       ConsentSource
	}{
		{"the app's own secret wins everywhere", true, false, true, false, ReadAsApp},
		{"the app's secret in the home tenant", true, true, false, true, ReadAsApp},
		{"home tenant without a secret", false, true, true, false, ReadAsAutomation},
		{"customer tenant through GDAP", false, false, true, false, ReadAsPartner},
		{"import without client_secret: read later", false, false, false, true, ReadLater},
		{"apply without any credential: configuration error", false, false, false, false, ReadImpossible},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ChooseConsentSource(c.hasSecret, c.homeTenant, c.partner, c.refreshing); got != c.want {
				t.Fatalf("got %d, want %d", got, c.want)
			}
		})
	}
}

func TestOnReadError(t *testing.T) {
	for _, c := range []struct {
		name       string
		code       int
		oauth      string
		refreshing bool
		want       ReadFailure
	}{
		{"wrong secret on refresh: unknown, plan goes on", 7000215, "invalid_client", true, MarkUnknown},
		{"expired secret on refresh: unknown", 7000222, "invalid_client", true, MarkUnknown},
		{"tenant unreachable (deleted) on refresh: unknown", 90002, "invalid_request", true, MarkUnknown},
		{"expired secret during apply: the resource fails", 7000222, "invalid_client", false, FailRead},
		{"login answering 5xx after retries on refresh: unknown (unreachable, never pending)", 50196, "temporarily_unavailable", true, MarkUnknown},
		{"login server_error on refresh: unknown", 0, "server_error", true, MarkUnknown},
		{"login 5xx during apply: the resource fails", 0, "temporarily_unavailable", false, FailRead},
		{"no token error at all: fails", 0, "", true, FailRead},
		{"consent missing is not unreadable", 65001, "invalid_grant", true, FailRead},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := OnReadError(c.code, c.oauth, c.refreshing); got != c.want {
				t.Fatalf("got %d, want %d", got, c.want)
			}
		})
	}
	if !AppAbsent(700016) || AppAbsent(7000215) {
		t.Fatal("AppAbsent: only AADSTS700016 says the app is not in the tenant")
	}
}

func TestPlanConsentAndApply(t *testing.T) {
	for _, c := range []struct {
		state    ConsentState
		plan     ConsentPlan
		recorded ConsentState
	}{
		{ConsentGranted, ConsentPlan{}, ConsentGranted},
		{ConsentPartial, ConsentPlan{Update: true, Warn: true}, ConsentPending},
		{ConsentMissing, ConsentPlan{Update: true, Warn: true}, ConsentPending},
		{ConsentPending, ConsentPlan{Update: true, Warn: true}, ConsentPending},
		{ConsentUnknown, ConsentPlan{Update: true}, ConsentPending},
	} {
		t.Run(string(c.state), func(t *testing.T) {
			if got := PlanConsent(c.state); got != c.plan {
				t.Errorf("PlanConsent = %+v, want %+v", got, c.plan)
			}
			if got, step := AfterApply(c.state); got != c.recorded || step != (c.recorded == ConsentPending) {
				t.Errorf("AfterApply = %s %v, want %s", got, step, c.recorded)
			}
		})
	}
}

func TestChooseGrantor(t *testing.T) {
	for _, c := range []struct {
		name             string
		home, hasPartner bool
		want             Grantor
	}{
		{"home tenant: the automation identity", true, true, GrantByAutomation},
		{"customer with a partner credential", false, true, GrantByPartner},
		{"customer without one: a human", false, false, GrantByHuman},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ChooseGrantor(c.home, c.hasPartner); got != c.want {
				t.Fatalf("got %d, want %d", got, c.want)
			}
		})
	}
}

func TestConsentRedirectAndResources(t *testing.T) {
	uris := []string{"https://b.example.com/cb", "https://a.example.com/cb"}
	for _, c := range []struct {
		name         string
		configured   string
		isSet        bool
		appURIs      []string
		appKnown     bool
		want         string
		unregistered bool
	}{
		{"configured and registered", "https://b.example.com/cb", true, uris, true, "https://b.example.com/cb", false},
		{"configured but not registered: AADSTS50011 ahead", "https://evil.example.com", true, uris, true, "https://evil.example.com", true},
		{"configured, app unreadable: not judged", "https://x.example.com", true, nil, false, "https://x.example.com", false},
		{"not configured: the app's first, sorted", "", false, uris, true, "https://a.example.com/cb", false},
		{"not configured, app without web URIs", "", false, nil, true, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, unreg := ConsentRedirect(c.configured, c.isSet, c.appURIs, c.appKnown)
			if got != c.want || unreg != c.unregistered {
				t.Fatalf("got %q %v, want %q %v", got, unreg, c.want, c.unregistered)
			}
		})
	}
	if !slices.Equal(uris, []string{"https://b.example.com/cb", "https://a.example.com/cb"}) {
		t.Fatal("ConsentRedirect sorted the caller's slice")
	}
	res := ConsentResources([]RequiredPermission{bcAPI, userReadAll, bcAutomation, userRead}, func(id string) string {
		return map[string]string{GraphAppID: "https://graph.microsoft.com", BusinessCentralAppID: "https://api.businesscentral.dynamics.com"}[id]
	})
	if !slices.Equal(res, []string{"https://api.businesscentral.dynamics.com", "https://graph.microsoft.com"}) {
		t.Fatalf("ConsentResources = %q", res)
	}
}

func TestTokenShowsAll(t *testing.T) {
	const graphID, bcID = "00000003-0000-0000-c000-000000000000", "996def3d-b36c-4153-8607-a6fd3c01b89f"
	required := []RequiredPermission{
		{ResourceAppID: graphID, Name: "User.Read.All", Kind: Application},
		{ResourceAppID: graphID, Name: "Group.Read.All", Kind: Application},
		{ResourceAppID: graphID, Name: "User.Read", Kind: Delegated}, // never in an app-only token
		{ResourceAppID: bcID, Name: "API.ReadWrite.All", Kind: Application},
	}
	for _, c := range []struct {
		name  string
		roles []string
		api   string
		want  bool
	}{
		{"every Graph role, any case", []string{"group.read.all", "User.Read.All"}, graphID, true},
		{"one Graph role missing: ask again", []string{"User.Read.All"}, graphID, false},
		{"no roles: ask again", nil, graphID, false},
		{"Business Central's role", []string{"API.ReadWrite.All"}, bcID, true},
		{"Graph's roles do not answer for Business Central", []string{"User.Read.All", "Group.Read.All"}, bcID, false},
		{"an API with nothing required", nil, "11111111-1111-1111-1111-111111111111", true},
	} {
		if got := TokenShowsAll(c.roles, required, c.api); got != c.want {
			t.Errorf("%s: TokenShowsAll(%v, %s) = %v, want %v", c.name, c.roles, c.api, got, c.want)
		}
	}
}
