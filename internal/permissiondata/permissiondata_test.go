package permissiondata

import (
	"encoding/csv"
	"os"
	"strings"
	"testing"
)

// The generated Graph list is the research export, row for row, when the
// export is beside the checkout (it is in CI); `go generate` brings it back
// in line.
func TestGraphIsTheResearchExport(t *testing.T) {
	f, err := os.Open("../../../shared/research/data/microsoft-graph-permissions.csv")
	if os.IsNotExist(err) {
		t.Skip("../shared/research/data is not beside this checkout")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, r := range rows[1:] {
		want[r[0]+","+r[1]+","+strings.ToLower(r[2])] = true
	}
	got := map[string]bool{}
	for _, p := range Graph.Permissions {
		got[string(p.Kind)+","+p.Value+","+p.ID] = true
	}
	for k := range want {
		if !got[k] {
			t.Errorf("the snapshot lacks %s: run go generate ./internal/permissiondata", k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("the snapshot has %s, which the export does not: run go generate ./internal/permissiondata", k)
		}
	}
	if len(Graph.Permissions) != 1523 {
		t.Errorf("%d permissions, want the export's 716 application and 807 delegated", len(Graph.Permissions))
	}
}

// Each API's IDs are unique: one ID names one permission of one kind.
func TestIDsAreUnique(t *testing.T) {
	for _, api := range APIs() {
		seen := map[string]string{}
		for _, p := range api.Permissions {
			key := string(p.Kind) + "/" + p.ID
			if prev, ok := seen[key]; ok {
				t.Errorf("%s: %s and %s share the %s ID %s", api.Name, prev, p.Value, p.Kind, p.ID)
			}
			seen[key] = p.Value
		}
	}
}
