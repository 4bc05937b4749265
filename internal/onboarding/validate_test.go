package onboarding

import (
	"strings"
	"testing"
	"time"
)

func TestCheckRedirectURI(t *testing.T) {
	for _, c := range []struct {
		uri           string
		web, public   bool
		wantInFailure string
	}{
		{"https://contoso.com/auth", true, true, ""},
		{"https://businesscentral.dynamics.com/OAuthLanding.htm", true, true, ""},
		{"http://localhost", true, true, ""},
		{"http://localhost:8400/callback", true, true, ""},
		{"http://127.0.0.1:5000/", true, true, ""},
		{"http://contoso.com/auth", false, false, "http would send the authorization code in cleartext"},
		{"http://10.0.0.1/", false, false, "cleartext"},
		{"javascript:alert(1)", false, false, "a javascript: URI would run in or read from the browser"},
		{"JavaScript://x/%0aalert(1)", false, false, "javascript:"},
		{"data:text/html,<script>", false, false, "data:"},
		{"file:///etc/passwd", false, false, "file:"},
		{"msal00000000-0000-0000-0000-000000000000://auth", false, true, "only for public clients"},
		{"myapp://callback", false, true, "only for public clients"},
		{"urn:ietf:wg:oauth:2.0:oob", false, true, ""},
		{"ftp://example.com", false, true, "only for public clients"},
		{"https://", false, false, "it has no host"},
		{"/relative", false, false, "not an absolute URI"},
		{" https://contoso.com", false, false, "not an absolute URI"},
		{"https://contoso.com/" + strings.Repeat("a", 240), false, false, "at most 256 characters"},
		{"myapp:", false, false, ""},
	} {
		for _, public := range []bool{false, true} {
			got := CheckRedirectURI(c.uri, public)
			want := c.web
			if public {
				want = c.public
			}
			if (got == "") != want {
				t.Errorf("CheckRedirectURI(%q, public %v) = %q, want ok %v", c.uri, public, got, want)
			}
			if got != "" && !public && !strings.Contains(got, c.wantInFailure) {
				t.Errorf("CheckRedirectURI(%q, web) = %q, want it to say %q", c.uri, got, c.wantInFailure)
			}
			if got != "" && (!strings.Contains(got, "e.g.") || !strings.Contains(got, c.uri)) {
				t.Errorf("CheckRedirectURI(%q) = %q: no example or value", c.uri, got)
			}
		}
	}
}

func TestCheckRotateBefore(t *testing.T) {
	year, month := 8760*time.Hour, 720*time.Hour
	for _, c := range []struct {
		lifetime, before time.Duration
		ok               bool
	}{
		{year, month, true},
		{year, year - time.Second, true},
		{year, year, false},
		{month, year, false},
		{year, 0, true},
	} {
		if got := CheckRotateBefore(c.lifetime, c.before); (got == "") != c.ok {
			t.Errorf("CheckRotateBefore(%v, %v) = %q", c.lifetime, c.before, got)
		}
	}
}

func TestCheckEndDate(t *testing.T) {
	now := time.Date(2026, 12, 2, 1, 30, 0, 0, time.UTC)
	if got := CheckEndDate(now.Add(time.Minute), now); got != "" {
		t.Errorf("future: %q", got)
	}
	got := CheckEndDate(now.Add(-time.Hour), now)
	want := `end_date must be in the future: 2026-12-02T00:30:00Z has passed by this machine's clock (2026-12-02T01:30:00Z); e.g. "2027-12-02T00:00:00Z", or lifetime = "8760h"`
	if got != want {
		t.Errorf("past:\n got %s\nwant %s", got, want)
	}
	if CheckEndDate(now, now) == "" {
		t.Error("now is not in the future")
	}
}

func TestCheckName(t *testing.T) {
	for _, n := range []string{"", " ", "\t\n", "\u00a0\u3000"} {
		if CheckName(n, "Contoso") == "" {
			t.Errorf("CheckName(%q) accepted", n)
		}
	}
	for _, n := range []string{"x", " 給与 ", "Contoso Onboarding"} {
		if got := CheckName(n, "Contoso"); got != "" {
			t.Errorf("CheckName(%q) = %q", n, got)
		}
	}
}
