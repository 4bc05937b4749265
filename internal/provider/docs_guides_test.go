package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// guideModule is the blocks of one page that make one configuration, with
// what the page says exists around them (context: declarations the page
// names but does not show, such as its variables or the example it extends).
type guideModule struct {
	blocks  []int
	context string
	files   map[string]string // beside it, e.g. the CSV a block reads
	// minTF is the oldest Terraform (major, minor) that knows the syntax.
	minTF [2]int
	// apply: the configuration is whole, so it is also applied against the
	// emulator (with the partner admin's refresh token, as `make emulator`
	// sets it) and must succeed; plan is then what
	// `plan -detailed-exitcode` must exit with (0: nothing left to do).
	apply bool
	plan  int
}

// docPages are the pages whose ```terraform blocks are validated: the
// README, the provider's page and every guide, as a user reads them.
var docPages = []string{"README.md", "docs/index.md", "docs/guides/*.md"}

// orbit is what the guides that extend examples/msp-multitenant refer to.
const orbitContext = `
locals {
  customers = { "Fabrikam" = { TenantId = "fabrikam.onmicrosoft.com" } }
}

resource "onboard_entra_app" "orbit" {
  display_name     = "Qezaro Orbit"
  sign_in_audience = "AzureADMultipleOrgs"
}
`

const orbitSecretContext = orbitContext + `
resource "onboard_client_secret" "orbit" {
  application_id = onboard_entra_app.orbit.id
}
`

// guideModules says how a page's blocks group into configurations; a page
// not listed here is one configuration made of all its blocks.
var guideModules = map[string][]guideModule{
	"README.md":                      {{blocks: []int{0}, apply: true}},
	"docs/index.md":                  {{blocks: []int{0}, apply: true}, {blocks: []int{1}}, {blocks: []int{2}}},
	"docs/guides/graph-user-sync.md": {{blocks: []int{0, 1, 2, 3, 4}, apply: true}},
	"docs/guides/vendor-service-without-secrets.md": {{blocks: []int{0}, apply: true}},
	// Fabrikam's GDAP roles cannot grant every permission: consent stays
	// partial, and plan says so (exit 2), as the guide shows.
	"docs/guides/connect-customer-by-domain-with-gdap.md": {{blocks: []int{0, 1, 2, 3}, apply: true, plan: 2}},
	// Two ways to configure the provider: each on its own.
	"docs/guides/authentication.md": {
		{blocks: []int{0}, context: `variable "pfx_password" {
  type      = string
  sensitive = true
}`},
		{blocks: []int{1}, context: `variable "partner_refresh_token" {
  type      = string
  sensitive = true
}`},
	},
	// Fragments of examples/msp-multitenant.
	"docs/guides/drift-checks-in-pull-requests.md": {
		{blocks: []int{1, 2, 3}, context: orbitSecretContext},
	},
	"docs/guides/keeping-secrets-out-of-state.md": {
		{blocks: []int{0, 1}, context: orbitContext, minTF: [2]int{1, 11}},
		{blocks: []int{3}, context: orbitContext, minTF: [2]int{1, 11}},
	},
	// The resources and their moved blocks (from another provider's types:
	// Terraform 1.8), then each way of importing.
	"docs/guides/migrating-from-azuread.md": {
		{blocks: []int{0}, minTF: [2]int{1, 8}},
		{blocks: []int{0, 1}, minTF: [2]int{1, 8}},
		{blocks: []int{0, 2}, minTF: [2]int{1, 12}}, // import by identity
	},
	"docs/guides/msp-multi-tenant-onboarding.md": {
		{blocks: []int{0, 1, 2, 3, 4}, files: map[string]string{"customers.csv": "companyname,TenantId,AdminEmail,CategoryName\n" +
			"Northwind Traders,northwind.onmicrosoft.com,admin@northwind.onmicrosoft.com,Gold\n"}, apply: true},
	},
	"docs/guides/sharding-large-msps.md": {
		{blocks: []int{0}, context: `variable "client_id" {
  type = string
}
resource "onboard_customer_tenant" "customer" {
  for_each  = toset(["contoso.onmicrosoft.com"])
  client_id = var.client_id
  tenant    = each.key
}`},
		{blocks: []int{1}, context: `variable "customers_csv" {
  type = string
}
variable "shard_count" {
  type = number
}
variable "shard_index" {
  type = number
}`},
	},
	"docs/guides/sharing-a-home-tenant.md": {
		{blocks: []int{0}},
		{blocks: []int{1}, context: `resource "onboard_entra_app" "payroll" {
  display_name = "Payroll"
}`},
		{blocks: []int{2}, context: orbitSecretContext + `
data "onboard_sync" "all" {
  client_id            = onboard_entra_app.orbit.client_id
  client_secret_key_id = onboard_client_secret.orbit.key_id
  customers            = { for name, c in local.customers : name => c.TenantId }
}`},
	},
}

// guideBlockSkips are the blocks not validated, and why.
var guideBlockSkips = map[string]string{
	"docs/guides/keeping-secrets-out-of-state.md#2":  "needs the azurerm provider (azurerm_key_vault_secret)",
	"docs/guides/keeping-secrets-out-of-state.md#4":  "needs the azurerm provider (azurerm_key_vault_certificate, ephemeral azurerm_key_vault_secret)",
	"docs/guides/drift-checks-in-pull-requests.md#0": "one argument line, not a configuration: the pattern the guide warns against",
}

var terraformBlock = regexp.MustCompile("(?ms)^```terraform\n(.*?)^```")

// Every ```terraform block of the README, docs/index.md and the guides is
// valid Terraform for this provider: grouped into the configurations the
// page builds (guideModules), each validated with `terraform validate`.
func TestAccDocsGuidesValidate(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 (runs terraform validate)")
	}
	major, minor := terraformVersion(t)
	srv := acctest.Emulator(t)
	rt, err := srv.IssueRefreshToken(emulator.DefaultPartnerAdminUPN, "04b07795-8ddb-461a-bbee-02f9e1bf7b46")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("ONBOARD_PARTNER_REFRESH_TOKEN", rt)
	var pages []string
	for _, p := range docPages {
		m, err := filepath.Glob(filepath.Join("../..", p))
		if err != nil || len(m) == 0 {
			t.Fatalf("%s: no page (%v)", p, err)
		}
		pages = append(pages, m...)
	}
	run, wait := concurrently(t, docsConcurrency)
	defer wait()
	for _, path := range pages {
		page, _ := filepath.Rel("../..", path)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var blocks []string
		for _, m := range terraformBlock.FindAllStringSubmatch(string(b), -1) {
			blocks = append(blocks, m[1])
		}
		if len(blocks) == 0 {
			continue
		}
		modules, ok := guideModules[page]
		if !ok {
			var all []int
			for i := range blocks {
				if guideBlockSkips[fmt.Sprintf("%s#%d", page, i)] == "" {
					all = append(all, i)
				}
			}
			modules = []guideModule{{blocks: all}}
		}
		// Every block is validated or skipped with a reason.
		for i := range blocks {
			key := fmt.Sprintf("%s#%d", page, i)
			in := guideBlockSkips[key] != ""
			for _, m := range modules {
				in = in || slices.Contains(m.blocks, i)
			}
			if !in {
				t.Errorf("%s (%s) is neither validated nor skipped with a reason:\n%s", key, firstLine(blocks[i]), blocks[i])
			}
		}
		for n, m := range modules {
			name := fmt.Sprintf("%s/%d", strings.TrimSuffix(filepath.Base(page), ".md"), n)
			run(name, func(t *testing.T) {
				if major < m.minTF[0] || major == m.minTF[0] && minor < m.minTF[1] {
					t.Skipf("needs Terraform %d.%d", m.minTF[0], m.minTF[1])
				}
				var config strings.Builder
				for _, i := range m.blocks {
					fmt.Fprintf(&config, "# %s, block %d\n%s\n", page, i, blocks[i])
				}
				files := map[string]string{"main.tf": config.String()}
				for k, v := range m.files {
					files[k] = v
				}
				if m.context != "" {
					files["context.tf"] = m.context + "\n"
				}
				if !strings.Contains(config.String(), "required_providers") {
					files["versions.tf"] = "terraform {\n  required_providers {\n    onboard = { source = \"onboard-tf/onboard\" }\n  }\n}\n"
				}
				c := acctest.NewCLI(t, files)
				if out, code := c.Run("validate", "-no-color"); code != 0 {
					t.Fatalf("terraform validate exited %d:\n%s\n--- the configuration:\n%s", code, out, config.String())
				}
				if !m.apply {
					return
				}
				// Apps are named per page: two apps may not share a name.
				applied := config.String()
				for from, to := range uniqueAppNames(applied, name) {
					applied = strings.ReplaceAll(applied, fmt.Sprintf("%q", from), fmt.Sprintf("%q", to))
				}
				c.Write("main.tf", applied)
				mustApply(t, c)
				planExit(t, c, "the plan after apply", m.plan)
			})
		}
	}
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}
