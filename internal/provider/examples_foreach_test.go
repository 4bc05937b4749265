package provider

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// inlineForEach matches a for_each whose value is a for expression written in
// place: `for_each = { for ... }` or `for_each = [ for ... ]`, on one line or
// with the for on the next.
var inlineForEach = regexp.MustCompile(`for_each\s*=\s*[{\[]\s*for\s`)

// TestExamplesForEachFromLocals keeps for expressions out of for_each in
// everything users copy (examples, guides, README). Terraform evaluates a
// resource's for_each again for every instance it plans and applies, so a
// for expression over all customers inside for_each costs customers x
// customers; with try() in it, customers cubed. A 300-customer shard of
// examples/msp-sharded took 9m06s of Terraform CPU to apply that way and
// 36.6s with the for expression in a local, which is evaluated once per run
// (bench-results.md, "Terraform's share").
func TestExamplesForEachFromLocals(t *testing.T) {
	var files []string
	for _, root := range []string{"../../examples", "../../templates"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(p, ".tf") || strings.HasSuffix(p, ".md") || strings.HasSuffix(p, ".tmpl")) {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	files = append(files, "../../README.md")
	if len(files) < 20 {
		t.Fatalf("found only %d example and doc files: wrong directory?", len(files))
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, loc := range inlineForEach.FindAllIndex(b, -1) {
			line := 1 + strings.Count(string(b[:loc[0]]), "\n")
			t.Errorf("%s:%d: for_each holds a for expression; compute it in a local and write for_each = local.<name> (Terraform evaluates for_each once per instance, a local once per run)", p, line)
		}
	}
}

func TestInlineForEachPattern(t *testing.T) {
	for src, want := range map[string]bool{
		"for_each = { for id, c in data.x.customers : id => c if c.active }":              true,
		"for_each = {\n    for name, c in onboard_customer_tenant.customer : name => c\n": true,
		"for_each = [for s in var.list : s]":                                              true,
		"for_each = local.bc_authorized":                                                  false,
		"for_each = onboard_customer_tenant.customer":                                     false,
		"for_each = { a = 1 }":                                                            false,
		"for_each = toset(var.tenants)":                                                   false,
	} {
		if got := inlineForEach.MatchString(src); got != want {
			t.Errorf("%q: matched %v, want %v", src, got, want)
		}
	}
}
