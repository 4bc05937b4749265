package provider_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// docExample is one configuration the documentation shows: a file of
// examples/ that tfplugindocs copies into docs/ as it is.
type docExample struct {
	dir  string // under examples/
	file string // the configuration; import.sh beside it is read for import
	// setup prepares what the example says must exist first (a file it
	// reads, a Business Central environment), before init.
	setup func(t *testing.T, srv *emulator.Server, c *acctest.CLI, names map[string]string)
	// firstApply, when set, is what the first apply must stop with (a human
	// step); human then plays that step before the second apply.
	firstApply *regexp.Regexp
	human      func(t *testing.T, srv *emulator.Server, c *acctest.CLI, names map[string]string)
}

// docExamples are every example a resource, data source or the quickstart
// page shows. Each is applied as a user would copy it: the file alone, with
// the provider configuration of docs/index.md (examples/provider/provider.tf)
// beside it when it has no terraform block of its own.
var docExamples = []docExample{
	{dir: "resources/onboard_entra_app", file: "resource.tf"},
	{dir: "resources/onboard_client_secret", file: "resource.tf"},
	{dir: "resources/onboard_client_certificate", file: "resource.tf", setup: writeSyncCertificate},
	{dir: "resources/onboard_federated_credential", file: "resource.tf"},
	{dir: "resources/onboard_api_permission", file: "resource.tf"},
	{dir: "resources/onboard_customer_tenant", file: "resource.tf"},
	{dir: "resources/onboard_bc_authorized_app", file: "resource.tf"},
	{
		dir: "resources/onboard_bc_environment_app", file: "resource.tf",
		setup: func(t *testing.T, srv *emulator.Server, _ *acctest.CLI, _ map[string]string) {
			// The home tenant has no Business Central by default (the
			// emulator reference: PUT .../bc/tenants/{tenant}/environments/Production).
			if err := srv.SeedBCEnvironment(emulator.DefaultHomeTenantID, emulator.BCEnvironmentSpec{Name: "Production"}); err != nil {
				t.Fatal(err)
			}
		},
		firstApply: regexp.MustCompile(`no API that creates the "Microsoft Entra Applications"\s+card`),
		human: func(t *testing.T, srv *emulator.Server, c *acctest.CLI, names map[string]string) {
			// Someone creates the card in Business Central, as apply said.
			app := stateResource(t, c, "onboard_entra_app.bc_connector")
			if _, err := srv.CreateBCEntraApp(emulator.DefaultHomeTenantID, "Production", emulator.BCEntraAppSpec{
				ClientID: app["client_id"].(string), Description: names["Mosaic Business Central"], State: "Enabled",
				PermissionSets: []emulator.BCPermission{{RoleID: "D365 AUTOMATION"}}}); err != nil {
				t.Fatal(err)
			}
		},
	},
	{dir: "data-sources/onboard_entra_app", file: "data-source.tf"},
	{dir: "data-sources/onboard_customer_tenants", file: "data-source.tf"},
	{dir: "data-sources/onboard_sync", file: "data-source.tf"},
	{dir: "functions/admin_consent_url", file: "function.tf"},
	{dir: "functions/permission_id", file: "function.tf"},
	{dir: "quickstart", file: "main.tf"},
}

// docExampleSkips are the examples left out, with why.
var docExampleSkips = map[string]string{}

// Every example the documentation shows, applied against the emulator with
// the partner admin's refresh token `make emulator` writes: apply succeeds
// (after the human step the example names, played by the emulator), the
// customers' administrators consent where apply could not, and the next
// plan is empty. Then each resource import.sh names is forgotten and
// imported again with an ID of import.sh's shape, and the next plan is
// empty too, or shows exactly what afterImport says (and import.sh tells).
func TestAccDocsExamples(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	srv := acctest.Emulator(t)
	rt, err := srv.IssueRefreshToken(emulator.DefaultPartnerAdminUPN, "04b07795-8ddb-461a-bbee-02f9e1bf7b46")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("ONBOARD_PARTNER_REFRESH_TOKEN", rt)
	major, minor := terraformVersion(t)
	writeOnly := major > 1 || major == 1 && minor >= 11
	functions := major > 1 || major == 1 && minor >= 8
	prelude, err := os.ReadFile("../../examples/provider/provider.tf")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, ex := range docExamples {
		listed[ex.dir] = true
	}
	for _, pattern := range []string{"../../examples/resources/*", "../../examples/data-sources/*", "../../examples/functions/*"} {
		dirs, _ := filepath.Glob(pattern)
		for _, d := range dirs {
			rel, _ := filepath.Rel("../../examples", d)
			if !listed[rel] && docExampleSkips[rel] == "" {
				t.Errorf("examples/%s is shown in docs/ but neither applied here nor skipped with a reason", rel)
			}
		}
	}
	run, wait := concurrently(t, docsConcurrency)
	defer wait()
	for n, ex := range docExamples {
		run(strings.ReplaceAll(ex.dir, "/", "_"), func(t *testing.T) {
			src := filepath.Join("../../examples", ex.dir)
			b, err := os.ReadFile(filepath.Join(src, ex.file))
			if err != nil {
				t.Fatal(err)
			}
			config := string(b)
			if !writeOnly && strings.Contains(config, "_wo ") {
				t.Skip("uses write-only arguments (Terraform 1.11)")
			}
			if !functions && strings.Contains(config, "provider::") {
				t.Skip("calls provider functions (Terraform 1.8)")
			}
			// Apps are named per example: the examples run at once against
			// one emulator, and two apps may not share a name.
			names := uniqueAppNames(config, fmt.Sprintf("docs %d", n))
			for from, to := range names {
				config = strings.ReplaceAll(config, fmt.Sprintf("%q", from), fmt.Sprintf("%q", to))
			}
			files := map[string]string{"main.tf": config}
			if !strings.Contains(config, "\nterraform {") && !strings.HasPrefix(config, "terraform {") {
				files["provider.tf"] = string(prelude)
			}
			others, _ := os.ReadDir(src)
			for _, o := range others {
				if n := o.Name(); n != ex.file && n != "import.sh" && n != "README.md" && !strings.HasSuffix(n, ".tf") {
					b, err := os.ReadFile(filepath.Join(src, n))
					if err != nil {
						t.Fatal(err)
					}
					files[n] = string(b)
				}
			}
			c := acctest.NewCLI(t, files)
			if ex.setup != nil {
				ex.setup(t, srv, c, names)
			}
			out, code := c.Run("apply", "-auto-approve", "-input=false", "-no-color")
			switch {
			case ex.firstApply != nil:
				if code == 0 || !ex.firstApply.MatchString(out) {
					t.Fatalf("first apply: exit %d, want it to stop with %s:\n%s", code, ex.firstApply, out)
				}
				ex.human(t, srv, c, names)
				mustApply(t, c)
			case code != 0:
				t.Fatalf("apply exited %d:\n%s", code, out)
			}
			// What apply could not grant, each customer's administrator
			// grants through the consent URL.
			// The next plan reads the consent afresh: nothing left to do.
			consentPending(t, srv, c)
			planExit(t, c, "the plan after apply", 0)

			importAgain(t, c, filepath.Join(src, "import.sh"))
		})
	}
}

// uniqueAppNames maps the display name of each onboard_entra_app a
// configuration declares to the same name with tag.
func uniqueAppNames(config, tag string) map[string]string {
	names := map[string]string{}
	for _, m := range regexp.MustCompile(`(?s)resource "onboard_entra_app" "[^"]+" \{.*?\n  display_name\s*=\s*"([^"]+)"`).FindAllStringSubmatch(config, -1) {
		names[m[1]] = fmt.Sprintf("%s (%s)", m[1], tag)
	}
	return names
}

// docsConcurrency is how many documentation configurations run at once:
// each is mostly Terraform CLI processes waiting on the provider and the
// emulator, so more than the test binary's -parallel (the CPU count).
const docsConcurrency = 6

// concurrently returns run, which starts a subtest in its own goroutine
// with at most n running at once, and wait, which returns once all have
// ended.
func concurrently(t *testing.T, n int) (run func(name string, f func(t *testing.T)), wait func()) {
	var wg sync.WaitGroup
	slots := make(chan struct{}, n)
	return func(name string, f func(t *testing.T)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			t.Run(name, f)
		}()
	}, wg.Wait
}

// importAgain forgets, then imports each resource import.sh names with the
// ID of the shape import.sh shows, and plans no change.
func importAgain(t *testing.T, c *acctest.CLI, script string) {
	t.Helper()
	b, err := os.ReadFile(script)
	if os.IsNotExist(err) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`(?m)^terraform import ('[^']+'|\S+) ("[^"]+"|\S+)$`)
	ms := line.FindAllStringSubmatch(string(b), -1)
	if len(ms) == 0 {
		t.Fatalf("%s has no `terraform import ADDRESS ID` line", script)
	}
	for _, m := range ms {
		addr, shown := strings.Trim(m[1], "'"), strings.Trim(m[2], `"`)
		typ, _, _ := strings.Cut(addr, ".")
		if why := importSkips[typ]; why != "" {
			t.Logf("%s: not imported again: %s", addr, why)
			continue
		}
		r := stateResource(t, c, addr)
		id := r["id"].(string)
		if strings.HasPrefix(addr, "onboard_bc_environment_app.") {
			id += "/" + r["description"].(string) // the card's description is part of the import ID
		}
		if got, want := idShape(id), idShape(shown); got != want {
			t.Fatalf("%s: import ID %q has the shape %s, import.sh shows %q (%s)", addr, id, got, shown, want)
		}
		if out, code := c.Run("state", "rm", "-no-color", addr); code != 0 {
			t.Fatalf("state rm %s: exit %d\n%s", addr, code, out)
		}
		if out, code := c.Run("import", "-input=false", "-no-color", addr, id); code != 0 {
			t.Fatalf("terraform import %s %s: exit %d\n%s", addr, id, code, out)
		}
		if got := stateResource(t, c, addr)["id"]; got != r["id"] {
			t.Errorf("%s: imported id %v, was %v", addr, got, r["id"])
		}
		if after, ok := afterImport[typ]; ok {
			out := planExit(t, c, "the plan after import", 2)
			if !after.plan.MatchString(out) {
				t.Errorf("%s: the plan after import does not show %s (%s):\n%s", addr, after.plan, after.why, out)
			}
			continue
		}
		planExit(t, c, "the plan after import", 0)
	}
}

// importSkips are the resource types whose import the test does not repeat,
// and why.
var importSkips = map[string]string{}

// afterImport is, per resource type, what the first plan after an import
// shows although nothing changed, because the API cannot give back what the
// configuration says (the page's Import section says so): the test fails
// when that changes, so the docs can say it no longer happens.
var afterImport = map[string]struct {
	plan *regexp.Regexp
	why  string
}{
	"onboard_entra_app": {regexp.MustCompile(`ownership_id\s+= "[^"]+" -> \(known after apply\)`),
		"the first apply after import writes the ownership tag"},
	"onboard_client_secret": {regexp.MustCompile(`lifetime\s+= "8760h" # forces replacement`),
		"Entra never gives back a secret's value, nor the lifetime it was made with: plan replaces it"},
	"onboard_client_certificate": {regexp.MustCompile(`certificate\s+= <<-EOT # forces replacement`),
		"the uploaded certificate is not read back: plan uploads it again"},
	"onboard_customer_tenant": {regexp.MustCompile(`tenant\s+= "[0-9a-f-]{36}" -> "fabrikam.onmicrosoft.com"\n`),
		"import sets tenant to the tenant ID: the same tenant's domain in the configuration is an update in place, no replacement"},
	"onboard_bc_authorized_app": {regexp.MustCompile(`\+ client_certificate_wo_version\s+= "[0-9a-f-]{36}"`),
		"import cannot know the write-only credential's version: the first apply records it, an update in place"},
	"onboard_bc_environment_app": {regexp.MustCompile(`\+ client_secret_wo_version\s+= "[0-9a-f-]{36}"`),
		"the import has no credential to read Business Central with (the example's secret is write-only): its refresh keeps the imported state with a warning, and the first apply records the version and reads"},
	"onboard_api_permission": {regexp.MustCompile(`api\s+= "00000003-0000-0000-c000-000000000000" -> "Microsoft Graph"`),
		"import sets api to the API's client ID: a name in the configuration is an update in place"},
}

var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// idShape is an import ID's segments: "guid" or "text" each.
func idShape(id string) string {
	var parts []string
	for _, p := range strings.Split(id, "/") {
		if guidRE.MatchString(p) {
			parts = append(parts, "guid")
		} else {
			parts = append(parts, "text")
		}
	}
	return strings.Join(parts, "/")
}

// consentPending plays, for each onboard_customer_tenant not yet granted,
// a Global Administrator of that tenant consenting through the consent URL.
func consentPending(t *testing.T, srv *emulator.Server, c *acctest.CLI) {
	t.Helper()
	for _, r := range stateResources(t, c) {
		if r.Type != "onboard_customer_tenant" || r.Values["consent_state"] == "granted" {
			continue
		}
		tenant, _ := r.Values["tenant_id"].(string)
		client, _ := r.Values["client_id"].(string)
		if err := srv.Consent(tenant, client, globalAdmin(t, srv, tenant)); err != nil {
			t.Fatalf("%s: consent as the customer's administrator: %v", r.Address, err)
		}
	}
}

// globalAdmin is a Global Administrator's UPN in a seeded tenant.
func globalAdmin(t *testing.T, srv *emulator.Server, tenantID string) string {
	t.Helper()
	for _, tn := range srv.Tenants() {
		if !strings.EqualFold(tn.ID, tenantID) {
			continue
		}
		for _, u := range tn.Users {
			if slices.Contains(u.Roles, "Global Administrator") {
				return u.UPN
			}
		}
	}
	t.Fatalf("tenant %s has no Global Administrator", tenantID)
	return ""
}

type shownResource struct {
	Address string         `json:"address"`
	Type    string         `json:"type"`
	Values  map[string]any `json:"values"`
}

// stateResources is every resource in the root module's state.
func stateResources(t *testing.T, c *acctest.CLI) []shownResource {
	t.Helper()
	out, code := c.Run("show", "-json", "-no-color")
	if code != 0 {
		t.Fatalf("terraform show -json: exit %d\n%s", code, out)
	}
	var shown struct {
		Values struct {
			RootModule struct {
				Resources []shownResource `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &shown); err != nil {
		t.Fatalf("terraform show -json: %v\n%s", err, out)
	}
	return shown.Values.RootModule.Resources
}

// stateResource is one resource's values, by address.
func stateResource(t *testing.T, c *acctest.CLI, addr string) map[string]any {
	t.Helper()
	var have []string
	for _, r := range stateResources(t, c) {
		if r.Address == addr {
			return r.Values
		}
		have = append(have, r.Address)
	}
	t.Fatalf("%s is not in state; it has %v", addr, have)
	return nil
}

// writeSyncCertificate puts the vendor's public certificate where the
// onboard_client_certificate example reads it (sync.crt).
func writeSyncCertificate(t *testing.T, srv *emulator.Server, c *acctest.CLI, _ map[string]string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := srv.Now()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "roger365-sync"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(365 * 24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c.Write("sync.crt", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
}

// terraformVersion is the major and minor version of the Terraform CLI
// the tests run.
func terraformVersion(t *testing.T) (major, minor int) {
	t.Helper()
	c := acctest.NewCLI(t, map[string]string{})
	out, code := c.Run("version", "-json")
	if code != 0 {
		t.Fatalf("terraform version: exit %d\n%s", code, out)
	}
	var ver struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal([]byte(out), &ver); err != nil {
		t.Fatalf("terraform version -json: %v\n%s", err, out)
	}
	parts := strings.SplitN(ver.Version, ".", 3)
	var err1, err2 error
	if len(parts) >= 2 {
		major, err1 = strconv.Atoi(parts[0])
		minor, err2 = strconv.Atoi(parts[1])
	}
	if len(parts) < 2 || err1 != nil || err2 != nil {
		t.Fatalf("terraform version %q", ver.Version)
	}
	return major, minor
}
