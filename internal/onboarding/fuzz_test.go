package onboarding

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Permission and API names come from configuration, often pasted from the
// portal or a vendor's document: mixed case, surrounding spaces, typos.
func FuzzResolve(f *testing.F) {
	for _, s := range [][2]string{
		{"Microsoft Graph", "User.Read.All"},
		{"bc", "Financials.ReadWrite.All"},
		{"  GRAPH ", "user.read.all"},
		{"https://graph.microsoft.com", "User.Read.Al"},
		{"Dynamics 365 Business Central", "Automation.ReadWrite.Al"},
		{"00000003-0000-0000-C000-000000000000", "Directory.ReadWrite.All "},
		{"msgraph", "did you mean \"x\"?"},
		{"business central", "API.ReadWrite.All"},
		{"d365bc", "user_impersonation"},
		{"graph", ""},
		{"graph", "\ufeffMail.Read"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, api, name string) {
		a, err := LookupAPI(api)
		if err != nil {
			return
		}
		for _, k := range []Kind{Application, Delegated} {
			p, err := a.Resolve(name, k)
			if err == nil {
				if !strings.EqualFold(p.Name, name) || p.Kind != k || !IsGUID(p.ID) || strings.ToLower(p.ID) != p.ID {
					t.Fatalf("Resolve(%q, %s) = %+v", name, k, p)
				}
				continue
			}
			msg := err.Error()
			if msg == "" || !strings.Contains(msg, a.Name) {
				t.Fatalf("Resolve(%q, %s): error %q does not name the API", name, k, msg)
			}
			// A did-you-mean only ever suggests permissions of this kind.
			if rest, ok := strings.CutPrefix(msg, fmt.Sprintf("%s has no %s permission %q; did you mean ", a.Name, k, name)); ok {
				list := strings.TrimSuffix(rest, "?")
				names := a.Names(k)
				for _, q := range strings.Split(list, ", ") {
					s, uerr := strconv.Unquote(q)
					if uerr != nil || !slices.Contains(names, s) {
						t.Fatalf("Resolve(%q, %s) suggests %s, not a %s permission of %s (%q)", name, k, q, k, a.Name, msg)
					}
				}
			}
		}
	})
}

func FuzzLookupAPI(f *testing.F) {
	for _, s := range []string{
		"Microsoft Graph", "microsoft graph", " graph ", "BC", "Business Central",
		"00000003-0000-0000-c000-000000000000", "996DEF3D-B36C-4153-8607-A6FD3C01B89F",
		"{996def3d-b36c-4153-8607-a6fd3c01b89f}", "00000002-0000-0ff1-ce00-000000000000",
		"https://api.businesscentral.dynamics.com", "https://graph.microsoft.com/",
		"Microsoft Grahp", "", "\ufeffgraph", "graph.",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := LookupAPI(s)
		switch {
		case err == nil:
			if !slices.Contains(APIs(), a.Name) || !IsGUID(a.AppID) || len(a.Permissions) == 0 {
				t.Fatalf("LookupAPI(%q) = %+v", s, a)
			}
			// The name and app ID found look the API up again.
			for _, again := range []string{a.Name, a.AppID, strings.ToUpper(a.AppID)} {
				if b, err := LookupAPI(again); err != nil || b.AppID != a.AppID {
					t.Fatalf("LookupAPI(%q) after %q: %+v %v", again, s, b, err)
				}
			}
		case errors.Is(err, ErrUnknownAPI):
			// An unknown app ID comes back canonical: lowercase 36 characters.
			if !IsGUID(a.AppID) || a.AppID != strings.ToLower(strings.TrimSpace(s)) || a.Name != "" {
				t.Fatalf("LookupAPI(%q) = %+v, %v", s, a, err)
			}
		default:
			if a.AppID != "" || !strings.Contains(err.Error(), `"Microsoft Graph"`) {
				t.Fatalf("LookupAPI(%q) = %+v, %v", s, a, err)
			}
		}
	})
}

func FuzzClosest(f *testing.F) {
	f.Add("User.Read.Al", 3)
	f.Add("directory.readwrite.all", 1)
	f.Add("Automation.ReadWrite", 3)
	f.Add("", 5)
	f.Add("x", 0)
	f.Add("Mail.Reed", -1)
	graph, _ := LookupAPI("graph")
	candidates := graph.Names(Application)
	f.Fuzz(func(t *testing.T, name string, n int) {
		near := Closest(name, candidates, n)
		if len(near) > max(n, 0) {
			t.Fatalf("Closest(%q, %d) = %d names", name, n, len(near))
		}
		prev := -1
		for _, c := range near {
			if !slices.Contains(candidates, c) {
				t.Fatalf("Closest(%q) suggests %q, not a candidate", name, c)
			}
			d := distance(strings.ToLower(name), strings.ToLower(c))
			if d < prev || d > max(3, len(c)/3) {
				t.Fatalf("Closest(%q) = %q: distance %d after %d", name, near, d, prev)
			}
			prev = d
		}
	})
}

func FuzzIsGUID(f *testing.F) {
	for _, s := range []string{
		"996def3d-b36c-4153-8607-a6fd3c01b89f", "996DEF3D-B36C-4153-8607-A6FD3C01B89F",
		"{996def3d-b36c-4153-8607-a6fd3c01b89f}", " 996def3d-b36c-4153-8607-a6fd3c01b89f",
		"996def3db36c41538607a6fd3c01b89f", "996def3d-b36c-4153-8607-a6fd3c01b89g",
		"996def3d-b36c-4153-8607+a6fd3c01b89f", "ééééééé-b36c-4153-8607-a6fd3c01b89f",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !IsGUID(s) {
			return
		}
		l := strings.ToLower(s)
		if len(l) != 36 || !IsGUID(l) || strings.Count(l, "-") != 4 || strings.Trim(l, "0123456789abcdef-") != "" {
			t.Fatalf("IsGUID(%q) but lowercase %q is not canonical", s, l)
		}
	})
}

// Durations come from configuration ("720h", "90d") and are turned back
// into strings in plans and messages.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{
		"720h", "30d", "0d", " 365d ", "8760h", "1h30m", "90m", "1.5h", "60s",
		"106751d", "106752d", "9999999999999d", "2562047h", "2562048h",
		"-5h", "-0d", "+3d", "d", "30 days", "30D", "1e3h", "", "\ufeff30d",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			if d != 0 || !strings.Contains(err.Error(), "720h") {
				t.Fatalf("ParseDuration(%q) = %v, %v", s, d, err)
			}
			return
		}
		if d < 0 {
			t.Fatalf("ParseDuration(%q) = %v: negative", s, d)
		}
		// Re-formatting an accepted value parses to the same duration.
		if again, err := ParseDuration(d.String()); err != nil || again != d {
			t.Fatalf("ParseDuration(%q) = %v, but ParseDuration(%q) = %v, %v", s, d, d.String(), again, err)
		}
		if days, ok := strings.CutSuffix(strings.TrimSpace(s), "d"); ok && d%(24*time.Hour) == 0 {
			n := int64(d / (24 * time.Hour))
			if again, err := ParseDuration(strconv.FormatInt(n, 10) + "d"); err != nil || again != d {
				t.Fatalf("ParseDuration(%q) = %v (%s days), but %dd gives %v, %v", s, d, days, n, again, err)
			}
		}
	})
}

// Display names come from anywhere: any script, emoji, stray punctuation.
func FuzzUniqueName(f *testing.F) {
	for _, s := range []string{"Contoso Onboarding", "contoso-onboarding", "  Ünïcödé App!  ", "---", "", "a" + strings.Repeat(" b", 80),
		strings.Repeat("x", 99) + " y", "給与チーム", "Отдел продаж", "Café", strings.Repeat("é", 120)} {
		f.Add(s, s+"!")
	}
	f.Fuzz(func(t *testing.T, name, other string) {
		u := UniqueName(name)
		slug, ok := strings.CutPrefix(u, "onboard-")
		if !ok || slug == "" || len(slug) > 100 || strings.HasPrefix(slug, "-") || strings.Trim(slug, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			t.Fatalf("UniqueName(%q) = %q", name, u)
		}
		// Stable: case does not matter (for ASCII names, where upper case
		// lowercases back to the same letters).
		if again := UniqueName(strings.ToUpper(name)); isASCII(name) && again != u {
			t.Fatalf("UniqueName(%q) = %q but upper case gives %q", name, u, again)
		}
		// Never collapse: names that differ in more than case and word
		// separators differ in unique name.
		if nameKey(name) != nameKey(other) && UniqueName(other) == u {
			t.Fatalf("UniqueName(%q) = UniqueName(%q) = %q", name, other, u)
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
