package onboarding

import (
	"net/url"
	"strings"
	"time"
)

// The rules configuration is checked against at plan. Each returns what is
// wrong with a value, naming the rule and a valid example, or "" when the
// value is fine; the provider puts the answer on the attribute.

// maxRedirectURI is Entra's limit on a redirect URI's length.
const maxRedirectURI = 256

// blockedSchemes run code or read local data in the browser that follows
// the redirect: never a redirect URI, on any platform.
var blockedSchemes = map[string]bool{"javascript": true, "vbscript": true, "data": true, "file": true, "about": true, "blob": true}

// CheckRedirectURI applies Microsoft's redirect URI rules
// (https://learn.microsoft.com/entra/identity-platform/reply-url): a web
// redirect URI uses https, or http to localhost or 127.0.0.1; a public
// client's (mobile and desktop) may also use the app's own scheme, such as
// msal<client id>://auth. Never javascript:, data: and the like, never over
// 256 characters.
func CheckRedirectURI(uri string, publicClient bool) string {
	example := "\"https://contoso.com/auth\" or \"http://localhost:8400/\""
	if publicClient {
		example = "\"https://login.microsoftonline.com/common/oauth2/nativeclient\", \"http://localhost\" or \"msal<client id>://auth\""
	}
	rule := "web redirect URIs must use https (plain http only to localhost or 127.0.0.1)"
	if publicClient {
		rule = "public client redirect URIs must use https, http to localhost or 127.0.0.1, or the app's own scheme"
	}
	fail := func(why string) string { return rule + "; " + why + ", e.g. " + example + ": got \"" + uri + "\"" }
	if len(uri) > maxRedirectURI {
		return fail("Entra allows at most 256 characters")
	}
	u, err := url.Parse(uri)
	if err != nil || u.Scheme == "" || uri != strings.TrimSpace(uri) {
		return fail("this is not an absolute URI")
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case blockedSchemes[scheme]:
		return fail("a " + scheme + ": URI would run in or read from the browser")
	case scheme == "https":
		if u.Host == "" {
			return fail("it has no host")
		}
		return ""
	case scheme == "http":
		if h := strings.ToLower(u.Hostname()); h == "localhost" || h == "127.0.0.1" {
			return ""
		}
		return fail("http would send the authorization code in cleartext")
	case publicClient:
		if u.Host == "" && u.Opaque == "" && u.Path == "" {
			return fail("it has nothing after the scheme")
		}
		return ""
	}
	return fail("the " + scheme + ": scheme is only for public clients")
}

// CheckRotateBefore: a secret that is due for rotation as soon as it is
// created would be replaced on every apply.
func CheckRotateBefore(lifetime, rotateBefore time.Duration) string {
	if rotateBefore < lifetime {
		return ""
	}
	return "rotate_before must be shorter than lifetime, or the new secret is due at once and every apply replaces it; e.g. lifetime = \"8760h\" with rotate_before = \"720h\""
}

// CheckEndDate: Entra does not create a secret that has already expired.
// now is the local clock (the plan has no other before it reads Entra).
func CheckEndDate(end, now time.Time) string {
	if end.After(now) {
		return ""
	}
	return "end_date must be in the future: " + end.UTC().Format(time.RFC3339) + " has passed by this machine's clock (" +
		now.UTC().Truncate(time.Second).Format(time.RFC3339) + "); e.g. \"" + now.UTC().AddDate(1, 0, 0).Truncate(24*time.Hour).Format(time.RFC3339) +
		"\", or lifetime = \"8760h\""
}

// CheckName: a name that is empty after trimming shows as nothing in the
// portal and on consent screens.
func CheckName(name, example string) string {
	if strings.TrimSpace(name) != "" {
		return ""
	}
	return "must contain more than spaces, e.g. \"" + example + "\""
}
