package onboarding

import (
	"strings"
	"testing"
	"time"
)

func TestResolve(t *testing.T) {
	bc, err := LookupAPI("Dynamics 365 Business Central")
	if err != nil || bc.AppID != "996def3d-b36c-4153-8607-a6fd3c01b89f" {
		t.Fatalf("lookup: %v %v", bc, err)
	}
	for _, alias := range []string{"business central", "996DEF3D-B36C-4153-8607-A6FD3C01B89F", "BC"} {
		if _, err := LookupAPI(alias); err != nil {
			t.Fatalf("%s: %v", alias, err)
		}
	}
	p, err := bc.Resolve("Automation.ReadWrite.All", Application)
	if err != nil || p.ID != "d365bc00-a990-0000-00bc-160000000001" {
		t.Fatalf("resolve: %v %v", p, err)
	}
	cases := []struct {
		api, name string
		kind      Kind
		want      string
	}{
		// Seed 001 asks for this as an application permission.
		{"Dynamics 365 Business Central", "Financials.ReadWrite.All", Application, `Financials.ReadWrite.All is a delegated permission of Dynamics 365 Business Central, not an application permission; its application permissions are "API.ReadWrite.All", "AdminCenter.ReadWrite.All", "Automation.ReadWrite.All", "app_access"`},
		{"Microsoft Graph", "User.Read.Al", Application, `did you mean "User.Read.All"`},
		{"Microsoft Graph", "Nonsense.Whatever", Delegated, "its delegated permissions are"},
	}
	for _, c := range cases {
		api, _ := LookupAPI(c.api)
		if _, err := api.Resolve(c.name, c.kind); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s: %v, want %q", c.api, c.name, err, c.want)
		}
	}
	if _, err := LookupAPI("Microsoft Grahp"); err == nil || !strings.Contains(err.Error(), `"Microsoft Graph"`) {
		t.Fatalf("unknown API: %v", err)
	}
	if _, err := LookupAPI("00000002-0000-0ff1-ce00-000000000000"); err != ErrUnknownAPI {
		t.Fatalf("unknown app ID: %v", err)
	}
}

func TestAdminConsentURLAndDurations(t *testing.T) {
	got := AdminConsentURL("", "contoso.onmicrosoft.com", "c1", "https://app.example.com/cb", "https://graph.microsoft.com")
	want := "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/adminconsent?client_id=c1&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"
	if got != want {
		t.Fatalf("got %s\nwant %s", got, want)
	}
	for in, d := range map[string]time.Duration{"720h": 720 * time.Hour, "30d": 720 * time.Hour, "0d": 0} {
		if got, err := ParseDuration(in); err != nil || got != d {
			t.Errorf("%s: %v %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "30 days", "-5h", "d"} {
		if _, err := ParseDuration(bad); err == nil || !strings.Contains(err.Error(), "720h") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
