package onboarding

import (
	"slices"
	"testing"
)

func TestBusinessCentralConsent(t *testing.T) {
	renamedAPI := bcAutomation
	renamedAPI.API = "Dynamics 365 Business Central (Financials)" // as a service principal may name it
	for _, c := range []struct {
		name            string
		required        []RequiredPermission
		grants          []Grant
		needed, granted bool
	}{
		{"no Business Central permission required", []RequiredPermission{userReadAll}, nil, false, false},
		{"only a delegated Business Central permission: not read app-only", []RequiredPermission{bcFinancials}, nil, false, false},
		{"granted", []RequiredPermission{userReadAll, bcAutomation}, []Grant{role(bcAutomation)}, true, true},
		{"partial consent: Graph granted, Business Central not", []RequiredPermission{userReadAll, bcAutomation}, []Grant{role(userReadAll)}, true, false},
		{"partial consent within Business Central", []RequiredPermission{bcAPI, bcAutomation}, []Grant{role(bcAPI)}, true, false},
		{"revoked after grant", []RequiredPermission{bcAutomation}, nil, true, false},
		// The permission-name prefix this replaced said granted here.
		{"API shown under another name: decided by app ID", []RequiredPermission{renamedAPI}, nil, true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			needed, granted := BusinessCentralConsent(c.required, EvaluateConsent(c.required, c.grants))
			if needed != c.needed || granted != c.granted {
				t.Fatalf("got needed=%v granted=%v, want %v %v", needed, granted, c.needed, c.granted)
			}
		})
	}
}

func TestBCAuthorizedFromEnvironments(t *testing.T) {
	for _, c := range []struct {
		name              string
		o                 Outcome
		authorized, known bool
	}{
		{"environments listed", OutcomeOK, true, true},
		{"401: not authorized in the admin center", OutcomeUnauthorized, false, true},
		{"5xx or timeout tells nothing", OutcomeFailed, false, false},
		{"404 tells nothing", OutcomeNotFound, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if a, k := BCAuthorizedFromEnvironments(c.o); a != c.authorized || k != c.known {
				t.Fatalf("got %v %v", a, k)
			}
		})
	}
}

func TestReadBCAuthorization(t *testing.T) {
	for _, c := range []struct {
		name               string
		hasSecret          bool
		manageable         Outcome
		listed, hasPartner bool
		want               BCAuthorization
	}{
		{"listed by manageableTenants", true, OutcomeOK, true, false, AuthorizationKept},
		{"listed, partner too: no second call", true, OutcomeOK, true, true, AuthorizationKept},
		{"not listed, no partner: removed", true, OutcomeOK, false, false, AuthorizationGone},
		{"401 to the app, no partner: removed", true, OutcomeUnauthorized, false, false, AuthorizationGone},
		{"tenant unreachable (5xx), no partner: an error, not removed", true, OutcomeFailed, false, false, AuthorizationFailed},
		{"not listed, partner: ask the admin center", true, OutcomeOK, false, true, AuthorizationAskPartner},
		{"manageableTenants failed, partner: ask the admin center", true, OutcomeFailed, false, true, AuthorizationAskPartner},
		{"no secret, partner", false, OutcomeOK, false, true, AuthorizationAskPartner},
		{"no secret, no partner: unchecked", false, OutcomeOK, false, false, AuthorizationUnchecked},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ReadBCAuthorization(c.hasSecret, c.manageable, c.listed, c.hasPartner); got != c.want {
				t.Fatalf("got %d, want %d", got, c.want)
			}
		})
	}
	for o, want := range map[Outcome]BCAuthorization{OutcomeOK: AuthorizationKept, OutcomeNotFound: AuthorizationGone, OutcomeUnauthorized: AuthorizationFailed, OutcomeFailed: AuthorizationFailed} {
		if got := BCAuthorizationFromAdminCenter(o); got != want {
			t.Errorf("BCAuthorizationFromAdminCenter(%d) = %d, want %d", o, got, want)
		}
	}
}

func TestCardMissing(t *testing.T) {
	for _, c := range []struct {
		name    string
		o       Outcome
		appOnly bool
		want    bool
	}{
		{"card present", OutcomeOK, true, false},
		{"no app user", OutcomeNotFound, false, true},
		{"disabled or missing card shuts the app out: 401 app-only", OutcomeUnauthorized, true, true},
		{"401 to the partner is not about the card", OutcomeUnauthorized, false, false},
		{"5xx is an error, not a missing card", OutcomeFailed, true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := CardMissing(c.o, c.appOnly); got != c.want {
				t.Fatalf("got %v", got)
			}
		})
	}
}

func TestPermissionSetChanges(t *testing.T) {
	auto, login, local := PermissionSet{RoleID: "D365 AUTOMATION"}, PermissionSet{RoleID: "LOGIN"}, PermissionSet{RoleID: "LOCAL"}
	for _, c := range []struct {
		name       string
		want, have []PermissionSet
		remove     []int
		add        []PermissionSet
	}{
		{"in sync", []PermissionSet{auto, login}, []PermissionSet{login, auto}, nil, nil},
		{"card created with D365 AUTOMATION only", []PermissionSet{auto, local, login}, []PermissionSet{auto}, nil, []PermissionSet{local, login}},
		{"one removed from configuration", []PermissionSet{auto, login}, []PermissionSet{auto, local, login}, []int{1}, nil},
		{"case of role and company aside", []PermissionSet{{RoleID: "login", Company: "CRONUS"}}, []PermissionSet{{RoleID: "LOGIN", Company: "cronus"}}, nil, nil},
		{"same role, other company", []PermissionSet{{RoleID: "LOGIN", Company: "CRONUS"}}, []PermissionSet{login}, []int{0}, []PermissionSet{{RoleID: "LOGIN", Company: "CRONUS"}}},
		{"destroy removes all", nil, []PermissionSet{auto, login}, []int{0, 1}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			remove, add := PermissionSetChanges(c.want, c.have)
			if !slices.Equal(remove, c.remove) || !slices.Equal(add, c.add) {
				t.Fatalf("got remove %v add %v, want %v %v", remove, add, c.remove, c.add)
			}
		})
	}
	if !NeedsAutomationPermissionSet("Your current permissions prevented the action. (TableData 2000000053 Access Control Insert: Base Application)") || NeedsAutomationPermissionSet("The record already exists") {
		t.Fatal("NeedsAutomationPermissionSet")
	}
}
