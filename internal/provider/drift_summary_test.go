package provider_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// examples/ci/drift-summary.sh turns `terraform show -json` into the
// Markdown a drift job posts. These tests run it on the state of a real
// acceptance run (TestAccSync_inventory) and on a fixture captured from one.

const (
	driftSummaryScript  = "../../examples/ci/drift-summary.sh"
	driftSummaryFixture = "testdata/drift-summary-show.json"
)

func runDriftSummary(t *testing.T, showJSON []byte) string {
	t.Helper()
	if _, err := exec.LookPath("jq"); err != nil {
		t.Fatal("examples/ci/drift-summary.sh needs jq on PATH")
	}
	cmd := exec.Command("bash", driftSummaryScript)
	cmd.Stdin = strings.NewReader(string(showJSON))
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("drift-summary.sh: %v\n%s", err, stderr)
	}
	return string(out)
}

// driftSummaryCheck runs the script on the step's state as `terraform show
// -json` prints it and matches each line pattern, in order; with
// UPDATE_FIXTURES=1 it also saves that state (secrets removed) as
// the fixture of TestDriftSummaryFixture.
type driftSummaryCheck struct {
	t    *testing.T
	want []string
}

func (c driftSummaryCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	b, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	if os.Getenv("UPDATE_FIXTURES") == "1" {
		var v any
		_ = json.Unmarshal(b, &v)
		scrubSecrets(v)
		pretty, _ := json.MarshalIndent(v, "", "  ")
		if err := os.WriteFile(driftSummaryFixture, append(pretty, '\n'), 0o644); err != nil {
			resp.Error = err
			return
		}
	}
	resp.Error = matchLines(runDriftSummary(c.t, b), c.want)
}

// CheckPlan runs the script on the plan as `terraform show -json tfplan`
// prints it, which is what a drift job that plans has.
func (c driftSummaryCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	b, err := json.Marshal(req.Plan)
	if err != nil {
		resp.Error = err
		return
	}
	resp.Error = matchLines(runDriftSummary(c.t, b), c.want)
}

// scrubSecrets drops secret values (a client secret's value, the
// client_secret arguments) from a state before it is committed.
func scrubSecrets(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if k == "client_secret" || (k == "value" && x["key_id"] != nil) {
				x[k] = "(removed)"
				continue
			}
			scrubSecrets(e)
		}
	case []any:
		for _, e := range x {
			scrubSecrets(e)
		}
	}
}

type linesMismatch struct{ got, want string }

func (e *linesMismatch) Error() string {
	return "drift summary has no line matching " + e.want + "\n--- summary ---\n" + e.got
}

// matchLines finds a line matching each pattern, in order.
func matchLines(got string, want []string) error {
	lines := strings.Split(got, "\n")
	i := 0
	for _, w := range want {
		re := regexp.MustCompile(w)
		for i < len(lines) && !re.MatchString(lines[i]) {
			i++
		}
		if i == len(lines) {
			return &linesMismatch{got: got, want: w}
		}
		i++
	}
	return nil
}

// The Markdown of the inventory run: Litware alone needs attention (it
// never consented to Reports.Read.All), with the consent link; Adatum and
// Woodgrove (no Intune, no Secure Score: nothing anyone can fix) do not.
var driftSummaryOfInventoryRun = []string{
	`^## Onboarding: 1 of 3 customers need attention$`,
	"^`data.onboard_sync.all`: ",
	`^\| customer \| state \| what is missing \| fix \|$`,
	"^\\| Litware Ltd \\(`" + litwareInventoryID + "`\\) \\| [a-z_]+, consent partial \\| Microsoft Graph/Reports.Read.All, mailboxes \\(permission_missing: Reports.Read.All\\) \\| " +
		`\[admin consent\]\(https://[^)]*/` + litwareInventoryID + `/v2.0/adminconsent\?client_id=[0-9a-f-]{36}[^)]*\) \|$`,
}

func TestDriftSummaryFixture(t *testing.T) {
	b, err := os.ReadFile(filepath.Clean(driftSummaryFixture))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "emu~") {
		t.Fatal("the fixture holds a secret")
	}
	if err := matchLines(runDriftSummary(t, b), driftSummaryOfInventoryRun); err != nil {
		t.Fatal(err)
	}
	// Nothing pending: the summary says so rather than an empty table.
	clean := `{"format_version":"1.0","values":{"root_module":{"resources":[{"address":"data.onboard_sync.all","mode":"data","type":"onboard_sync","name":"all",
	  "values":{"results":{"a":{"tenant_id":"a","status":"ok","consent_state":"granted","missing_permissions":[],"error":"","unavailable":{}}},
	  "summary":{"tenants_ok":1},"secrets":[{"key_id":"k","display_name":"ci","end_date":"2027-01-01T00:00:00Z","days_to_expiry":300}]}}]}}}`
	if err := matchLines(runDriftSummary(t, []byte(clean)), []string{`^## Onboarding: nothing to do$`, `^Every customer is onboarded`}); err != nil {
		t.Fatal(err)
	}
}
