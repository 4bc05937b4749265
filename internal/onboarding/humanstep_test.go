package onboarding

import (
	"strings"
	"testing"
	"time"
)

func TestHumanSteps(t *testing.T) {
	for _, c := range []struct {
		name       string
		got        string
		want, deny []string
	}{
		{"home tenant: apply does it", ConsentStep(GrantByAutomation, "https://login/x", "a@b"),
			[]string{"terraform apply grants it", "AppRoleAssignment.ReadWrite.All"}, []string{"https://login/x"}},
		{"customer: send the URL, to the admin named", ConsentStep(GrantByHuman, "https://login/x", "it@fabrikam.com"),
			[]string{"Send this URL to a Global Administrator or Cloud Application Administrator of the tenant (it@fabrikam.com):\n\n  https://login/x\n", "A Dynamics 365 Administrator cannot grant it"}, nil},
		{"partner could not: the same URL", ConsentStep(GrantByPartner, "https://login/x", ""),
			[]string{"of the tenant:\n\n  https://login/x"}, []string{"()"}},
		{"the card's step names D365 AUTOMATION", CardStep("t1", "Production", "c1", "Mosaic Business Central"),
			[]string{"https://businesscentral.dynamics.com/t1/Production", "Client ID: c1; Description: Mosaic Business Central (exactly", "add D365 AUTOMATION"}, nil},
		{"card missing error quotes Business Central", second(CardMissingError("t1", "Sandbox", "c1", "d", "401 Unauthorized")),
			[]string{"Business Central said: 401 Unauthorized)", "Automation.ReadWrite.All"}, nil},
		{"tenant label prefers the company name", TenantLabel("t1", "Fabrikam Ltd", "Fabrikam"), []string{"Fabrikam Ltd (t1)"}, nil},
		{"tenant label falls back to Entra's name", TenantLabel("t1", "", "Fabrikam"), []string{"Fabrikam (t1)"}, nil},
		{"plan warning lists what is missing", second(ConsentPlanWarning(ConsentPartial, "Fabrikam (t1)", "c1", []string{"Microsoft Graph/User.Read.All"}, "STEP")),
			[]string{"Fabrikam (t1): consent partial. App c1 lacks consent for: Microsoft Graph/User.Read.All.\n\nSTEP"}, nil},
		{"apply warning: the partner's reason once, one full stop", second(ConsentApplyWarning("Fabrikam (t1)", "c1", []string{"Microsoft Graph/User.Read.All"},
			"Partner admin has no access to the tenant.", "STEP")),
			[]string{"Fabrikam (t1): app c1 is not fully consented (missing: Microsoft Graph/User.Read.All). The partner credential could not grant it: Partner admin has no access to the tenant.\n\nSTEP"},
			[]string{"..", "AADSTS"}},
		{"summaries name no tenant, so Terraform folds them into one", first(ConsentPlanWarning(ConsentMissing, "Fabrikam (t1)", "c1", nil, "STEP")) +
			first(ConsentApplyWarning("Northwind (t2)", "c1", nil, "", "STEP")) + first(ConsentNotReadYet("Tailspin (t3)", "t3", "c1")),
			[]string{"Admin consent neededAdmin consent neededConsent not read yet"}, []string{"Fabrikam", "Northwind", "Tailspin"}},
		{"a foreign app is adopted by import, shown in full", second(AppExistsError("u1", "obj1", "c1", "Payroll", ClaimRefuseForeign)),
			[]string{"unique name \"u1\"", "client ID c1", "not created by this provider", "import {\n  to = onboard_entra_app.<name>\n  id = \"obj1\"\n}", "its own unique_name"},
			[]string{"Another onboard configuration"}},
		{"another configuration's app says so", second(AppExistsError("u1", "obj1", "c1", "Payroll", ClaimRefuseOwned)),
			[]string{"Another onboard configuration"}, []string{"not created by this provider"}},
		{"restorable app: same client ID, consent kept", second(AppDeletedWarning("Payroll", "c1", true, true, time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC))),
			[]string{"until 2027-01-31T00:00:00Z", "Apply restores it with the same client ID", "restore_soft_deleted = false"}, []string{"consent again"}},
		{"opted out: customers consent again", second(AppDeletedWarning("Payroll", "c1", true, false, time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC))),
			[]string{"restore_soft_deleted is false", "new client ID", "must consent again", "onboard_customer_tenant with client_id c1"}, nil},
		{"gone: customers consent again", second(AppDeletedWarning("Payroll", "c1", false, true, time.Time{})),
			[]string{"no longer in the home tenant's deleted items", "must consent again"}, []string{"0001"}},
		{"customer of a missing app is named", second(CustomerAppMissing("Fabrikam (t1)", "c1", "h1")),
			[]string{"client ID c1", "home tenant h1", "Fabrikam (t1)'s administrator must consent again"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, w := range c.want {
				if !strings.Contains(c.got, w) {
					t.Errorf("%q lacks %q", c.got, w)
				}
			}
			for _, d := range c.deny {
				if strings.Contains(c.got, d) {
					t.Errorf("%q has %q", c.got, d)
				}
			}
		})
	}
}

func first(s, _ string) string  { return s }
func second(_, s string) string { return s }

func TestSentence(t *testing.T) {
	for in, want := range map[string]string{"": "", "No access": "No access.", "No access.": "No access.", " Ends. ": "Ends.",
		"Insufficient privileges (request-id 1).": "Insufficient privileges (request-id 1).", "Denied (see the docs.)": "Denied (see the docs.)"} {
		if got := Sentence(in); got != want {
			t.Errorf("Sentence(%q) = %q, want %q", in, got, want)
		}
	}
}
