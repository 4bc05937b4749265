package onboarding

import (
	"fmt"
	"strings"
	"testing"
)

func TestCheckPermissionValue(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Payroll.Read", ""},
		{"user_impersonation", ""},
		{"api://x/Read:All[1]", ""},
		{"", "it is empty"},
		{"Payroll Read", "it contains a space"},
		{".Read", "starts with \".\""},
		{"Read\"All", "it contains \"\\\"\""},
		{"Lohn.Lesen.Ä", "it contains \"Ä\""},
		{strings.Repeat("a", 121), "longer than 120"},
	} {
		got := CheckPermissionValue(c.in, "Payroll.Read")
		if (c.want == "") != (got == "") || !strings.Contains(got, strings.ReplaceAll(c.want, `\"`, `"`)) {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
		}
		if got != "" && !strings.Contains(got, `e.g. "Payroll.Read"`) {
			t.Errorf("%q: no example in %q", c.in, got)
		}
	}
}

func TestCheckSPARedirectURI(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://app.contoso.com/", ""},
		{"http://localhost:3000", ""},
		{"http://127.0.0.1:5173/callback", ""},
		{"http://app.contoso.com/", "cleartext"},
		{"https://app.contoso.com/#/callback", "fragment"},
		{"msal1234://auth", "not for browsers"},
		{"/callback", "not an absolute URI"},
		{"https://contoso.com/" + strings.Repeat("a", 250), "256"},
	} {
		got := CheckSPARedirectURI(c.in)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCheckBrandingURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://contoso.com/privacy", ""},
		{"http://contoso.com/privacy", "must use https"},
		{"contoso.com/privacy", "absolute https URL"},
		{" https://contoso.com", "absolute https URL"},
	} {
		got := CheckBrandingURL(c.in, "https://contoso.com/privacy")
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
		}
	}
}

func TestDuplicateEntitlements(t *testing.T) {
	role := func(id, v string) Entitlement { return Entitlement{"app_role", id, v, true} }
	scope := func(id, v string) Entitlement { return Entitlement{"oauth2_permission_scope", id, v, true} }
	for i, c := range []struct {
		in   []Entitlement
		want string
	}{
		{[]Entitlement{role("1", "Read.All"), scope("2", "Read")}, ""},
		{[]Entitlement{role("1", "Read"), scope("2", "Read")}, `oauth2_permission_scope: The value "Read" is used by an app_role`},
		{[]Entitlement{role("1", "A"), role("1", "B")}, "app_role: Two app_role blocks have ID 1"},
		{[]Entitlement{scope("a", "A"), scope("A", "B")}, "Two oauth2_permission_scope blocks"},
		{[]Entitlement{role("1", "A"), scope("1", "B")}, "different values"},
		{[]Entitlement{role("1", "A"), {Kind: "oauth2_permission_scope", ID: "2", Value: "A"}}, ""}, // unknown at plan
	} {
		got := ""
		for _, p := range DuplicateEntitlements(c.in) {
			got += p.Kind + ": " + p.Detail
		}
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%d: got %q, want %q", i, got, c.want)
		}
	}
}

func TestOwnerChanges(t *testing.T) {
	for _, c := range []struct {
		current, planned, prior []string
		add, remove             string
	}{
		// The automation identity (auto) is never listed, so never removed.
		{[]string{"auto"}, []string{"u1"}, nil, "[u1]", "[]"},
		{[]string{"auto", "u1"}, []string{"U1", "u2"}, []string{"u1"}, "[u2]", "[]"},
		{[]string{"auto", "u1", "u2"}, []string{"u2"}, []string{"u1", "u2"}, "[]", "[u1]"},
		// Removed outside Terraform already: nothing to remove.
		{[]string{"auto"}, nil, []string{"u1"}, "[]", "[]"},
		// A portal-added owner stays.
		{[]string{"auto", "portal"}, nil, nil, "[]", "[]"},
	} {
		add, remove := OwnerChanges(c.current, c.planned, c.prior)
		if fmt.Sprint(nonNil(add)) != c.add || fmt.Sprint(nonNil(remove)) != c.remove {
			t.Errorf("%v %v %v: add %v remove %v", c.current, c.planned, c.prior, add, remove)
		}
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
