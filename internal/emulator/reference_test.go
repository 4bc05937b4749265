package emulator

import (
	"net/http"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The emulator's reference page (docs/guides/emulator-reference.md,
// generated from templates/guides) is what users test with; these tests fail
// when it and the emulator disagree. scripts/docs-check.sh runs them too.
const referencePage = "../../docs/guides/emulator-reference.md"

func readReference(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(referencePage)
	if err != nil {
		t.Fatalf("the emulator reference: %v", err)
	}
	return string(b)
}

// Every control-API route the reference names is served: neither the mux's
// own 404 (no such route) nor 405 (no such method on it).
func TestReferenceRoutesAnswer(t *testing.T) {
	page := readReference(t)
	routes := regexp.MustCompile("`(GET|POST|PUT|PATCH|DELETE) (/_emulator/[^`]*)`").FindAllStringSubmatch(page, -1)
	if len(routes) < 30 {
		t.Fatalf("found %d control routes in %s; the tables changed shape?", len(routes), referencePage)
	}
	s := newTestServer(t)
	fill := strings.NewReplacer("{id}", FabrikamTenantID, "{tenant}", FabrikamTenantID, "{env}", "Production", "{clientId}", DefaultAutomationClientID)
	for _, m := range routes {
		method, path := m[1], fill.Replace(m[2])
		var body any
		if method != http.MethodGet && method != http.MethodDelete {
			body = map[string]any{}
		}
		r := call(t, s, method, path, "", body)
		if r.Status == http.StatusMethodNotAllowed || (r.Status == http.StatusNotFound && r.Raw == "404 page not found\n") {
			t.Errorf("%s %s (documented as %s): %d %s", method, path, m[2], r.Status, strings.TrimSpace(r.Raw))
		}
	}
}

// The default tenants, their domains and people, the automation identity
// and the partner's GDAP roles, as the reference lists them.
func TestReferenceListsDefaults(t *testing.T) {
	page := readReference(t)
	s := newTestServer(t)
	want := []string{"`" + DefaultAutomationClientID + "`", "`" + DefaultAutomationClientSecret + "`"}
	for _, ts := range s.Tenants() {
		want = append(want, ts.DisplayName, "`"+ts.ID+"`")
		for _, d := range ts.Domains {
			want = append(want, "`"+d+"`")
		}
		for _, u := range ts.Users {
			want = append(want, "`"+u.UPN+"`")
			for _, r := range u.Roles {
				want = append(want, "`"+u.UPN+"` ("+r)
			}
		}
		for _, g := range ts.Relationships {
			want = append(want, "| "+g.CustomerName+" | "+strings.Join(g.Roles, ", ")+" | "+g.Status+" |")
		}
	}
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("%s does not list %q", referencePage, w)
		}
	}
}

// Every field of a seed file is documented.
func TestReferenceDocumentsSeedFields(t *testing.T) {
	page := readReference(t)
	for _, v := range []any{TenantSeed{}, UserSeed{}, GDAPSeed{}, PartnerGDAPSeed{}, Inventory{}, SkuSeed{}, SecureScoreSeed{}} {
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			if name != "" && !strings.Contains(page, "`"+name+"`") {
				t.Errorf("%s: field %s.%s (%q) is not documented", referencePage, typ.Name(), typ.Field(i).Name, name)
			}
		}
	}
}

// examples/emulator/seed.json, which the guide uses, seeds three customers
// with GDAP from the default partner admin.
func TestExampleSeedFile(t *testing.T) {
	s := newTestServer(t)
	if err := s.SeedFile("../../examples/emulator/seed.json"); err != nil {
		t.Fatal(err)
	}
	var customers []string
	for _, ts := range s.Tenants() {
		if ts.ID != DefaultHomeTenantID {
			continue
		}
		for _, g := range ts.Relationships {
			if slices.Contains(g.Members, DefaultPartnerAdminUPN) {
				customers = append(customers, g.CustomerName)
			}
		}
		if !slices.Contains(ts.Applications, DefaultAutomationClientID) {
			t.Errorf("the seed lost the automation identity: %v", ts.Applications)
		}
	}
	for _, c := range []string{"Adatum Corporation", "Litware", "Woodgrove Bank"} {
		if !slices.Contains(customers, c) {
			t.Errorf("no GDAP relationship to %s: %v", c, customers)
		}
	}
}
