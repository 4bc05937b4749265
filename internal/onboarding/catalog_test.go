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
		// Business Central's few names are listed; Graph's hundreds are not.
		{"Dynamics 365 Business Central", "Nonsense.Whatever", Delegated, `its delegated permissions are "Financials.ReadWrite.All", "user_impersonation".`},
		{"Microsoft Graph", "Nonsense.Whatever", Delegated, "none of its 807 delegated permissions is close to that name."},
		// The snapshot is every permission, not the few the seeds use.
		{"Microsoft Graph", "Sites.Read.Al", Application, `did you mean "Sites.Read.All"`},
		// Wrong kind, on an API with too many names to list: the closest of the right kind, and why kinds differ.
		{"Microsoft Graph", "User.ReadWrite", Application, `User.ReadWrite is a delegated permission of Microsoft Graph, not an application permission; its closest application permissions are "User.ReadWrite.All"`},
		{"Microsoft Graph", "User.ReadWrite", Application, "a delegated permission (scope) acts for a signed-in user"},
	}
	for _, c := range cases {
		api, _ := LookupAPI(c.api)
		if _, err := api.Resolve(c.name, c.kind); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %s: %v, want %q", c.api, c.name, err, c.want)
		}
	}
	graph, _ := LookupAPI("graph")
	for name, id := range map[string]string{"Sites.Read.All": "332a536c-c7ef-4017-ab91-336970924f0d", "Mail.Send": "b633e1c5-b582-4048-a93e-9f11b44c7e96", "Files.Read.All": "01d4889c-1287-42c6-ac1f-5d1e02578ef6"} {
		if p, err := graph.Resolve(name, Application); err != nil || p.ID != id {
			t.Errorf("%s: %+v %v, want Microsoft's ID %s", name, p, err, id)
		}
	}
	if p, err := graph.Resolve("Mail.Send", Delegated); err != nil || p.ID != "e383f46e-2787-4529-855e-0e479a3ffac0" {
		t.Errorf("delegated Mail.Send: %+v %v", p, err)
	}
	if graph.SnapshotDate != "2026-08-20" || !strings.Contains(graph.SnapshotNote(), "snapshot of Microsoft Graph's permissions of 2026-08-20") {
		t.Errorf("snapshot date %q, note %q", graph.SnapshotDate, graph.SnapshotNote())
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
