package onboarding

import (
	"regexp"
	"strings"
	"testing"
)

var slugPattern = regexp.MustCompile(`^onboard-[a-z0-9]+(-[a-z0-9]+)*$`)

func TestUniqueName(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		// Plain Latin names keep the first rule's value.
		{"Contoso Onboarding", "onboard-contoso-onboarding"},
		{"contoso-onboarding", "onboard-contoso-onboarding"},
		{"CONTOSO  ONBOARDING", "onboard-contoso-onboarding"},
		{"acc TestAccEntraApp_lifecycle orbit", "onboard-acc-testaccentraapp-lifecycle-orbit"},
		{"  Contoso.App v2 ", "onboard-contoso-app-v2"},
		// Other scripts: the hash alone, never one shared value.
		{"給与チーム", "onboard-c94ae65d62"},
		{"Отдел продаж", "onboard-9d15ffcc7a"},
		{"Отдел закупок", "onboard-7293f0ca3d"},
		// Accents fold for reading; the hash keeps the names apart.
		{"Café Team", "onboard-cafe-team-67f46da4f4"},
		{"Résumé", "onboard-resume-e9f7b5b696"},
		{"Rèsumè", "onboard-resume-41557b67a5"},
		{"ÆRØ Café", "onboard-aero-cafe-465a9be8bb"},
		// Punctuation the first rule dropped counts too.
		{"Contoso App!", "onboard-contoso-app-bbdc68f2e7"},
		{"給与チーム2", "onboard-2-7e392a1fae"},
		// The first rule cut long names at 100 characters, so they
		// collided.
		{strings.Repeat("x", 101), "onboard-" + strings.Repeat("x", 89) + "-c675a2e604"},
	} {
		if got := UniqueName(c.name); got != c.want {
			t.Errorf("UniqueName(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}

// Names that differ in anything but case and word separators never share a
// unique name.
func TestUniqueNameDistinct(t *testing.T) {
	names := []string{"給与チーム", "給与チーム2", "人事チーム", "Отдел продаж", "Отдел закупок", "ОТДЕЛ ПРОДАЖ!",
		"Café", "Cafe", "Cafè", "Caf", "Résumé", "Rèsumè", "Resume", "naïve", "naive", "Straße", "Strasse",
		"C++ App", "C App", "C# App", "Contoso (Test)", "Contoso Test", "مرحبا", "שלום", "😀", "😃"}
	seen := map[string]string{}
	for _, n := range names {
		u := UniqueName(n)
		if !slugPattern.MatchString(u) || len(u) > len("onboard-")+maxSlug {
			t.Errorf("UniqueName(%q) = %q: not a unique_name", n, u)
		}
		if other, ok := seen[u]; ok {
			t.Errorf("UniqueName(%q) = UniqueName(%q) = %q", n, other, u)
		}
		seen[u] = n
	}
}

// firstRule is the rule of the provider's first releases, kept here to show
// that UniqueName did not change the value of any plain Latin name.
func firstRule(displayName string) string {
	slug := strings.Trim(regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(displayName), "-"), "-")
	if slug == "" {
		slug = "app"
	}
	if len(slug) > 100 {
		slug = slug[:100]
	}
	return "onboard-" + slug
}

func TestUniqueNameKeepsFirstRuleForLatinNames(t *testing.T) {
	for _, n := range []string{"Contoso Onboarding", "contoso_onboarding", "Orbit Reseller 2", "a.b.c", "X",
		"acc TestAccEntraApp_adoptsAppOfACrashedApply crash", "   padded   name  ", strings.Repeat("x", 100)} {
		if got, want := UniqueName(n), firstRule(n); got != want {
			t.Errorf("UniqueName(%q) = %q, the first rule gave %q", n, got, want)
		}
	}
}
