package onboarding

import (
	"net/url"
	"slices"
	"strings"
)

// Rules for what an app registration exposes (app roles, delegated scopes),
// its SPA redirect URIs, consent-screen links and owners.

// entitlementPunctuation is what an app role's or scope's value may hold
// besides ASCII letters and digits (learn.microsoft.com/graph/api/resources/approle
// and .../permissionscope: "Allowed characters are : ! # $ % & ' ( ) * + ,
// - . / : ; < = > ? @ [ ] ^ + _ ` { | } ~ … Any other character, including
// the space character, aren't allowed. May not begin with .").
const entitlementPunctuation = ":!#$%&'()*+,-./;<=>?@[]^_`{|}~="

// CheckPermissionValue applies Graph's rules for the value of an app role
// or delegated scope.
func CheckPermissionValue(v, example string) string {
	fail := func(why string) string {
		return "a permission value is at most 120 letters, digits or " + entitlementPunctuation + " and does not start with \".\"; " + why +
			", e.g. \"" + example + "\": got \"" + v + "\""
	}
	switch {
	case v == "":
		return fail("it is empty")
	case len(v) > 120:
		return fail("it is longer than 120 characters")
	case v[0] == '.':
		return fail("it starts with \".\"")
	}
	for _, c := range v {
		if !entitlementRune(c) {
			if c == ' ' {
				return fail("it contains a space")
			}
			return fail("it contains \"" + string(c) + "\"")
		}
	}
	return ""
}

// CheckSPARedirectURI applies the rules for a single-page application's
// redirect URIs (the spa platform, authorization code flow with PKCE):
// https, or http to localhost or 127.0.0.1, and no fragment
// (https://learn.microsoft.com/entra/identity-platform/reply-url).
func CheckSPARedirectURI(uri string) string {
	fail := func(why string) string {
		return "SPA redirect URIs must use https (plain http only to localhost or 127.0.0.1) and have no #fragment; " + why +
			", e.g. \"https://app.contoso.com/\" or \"http://localhost:3000\": got \"" + uri + "\""
	}
	if len(uri) > maxRedirectURI {
		return fail("Entra allows at most 256 characters")
	}
	u, err := url.Parse(uri)
	if err != nil || u.Scheme == "" || u.Host == "" || uri != strings.TrimSpace(uri) {
		return fail("this is not an absolute URI with a host")
	}
	if strings.Contains(uri, "#") {
		return fail("it has a fragment")
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return ""
	case "http":
		if h := strings.ToLower(u.Hostname()); h == "localhost" || h == "127.0.0.1" {
			return ""
		}
		return fail("http would send the authorization code in cleartext")
	}
	return fail("the " + u.Scheme + ": scheme is not for browsers")
}

// CheckBrandingURL: the links a consent screen shows (terms of service,
// privacy statement, marketing and support pages) are https URLs.
func CheckBrandingURL(v, example string) string {
	u, err := url.Parse(v)
	switch {
	case err != nil || u.Scheme == "" || u.Host == "" || v != strings.TrimSpace(v):
		return "must be an absolute https URL, e.g. \"" + example + "\": got \"" + v + "\""
	case !strings.EqualFold(u.Scheme, "https"):
		return "must use https (the consent screen links to it), e.g. \"" + example + "\": got \"" + v + "\""
	case len(v) > 2048:
		return "must be at most 2048 characters: got " + v[:40] + "…"
	}
	return ""
}

// Entitlement is an app role or delegated scope as configured; Known is
// false while its ID or value is unknown at plan.
type Entitlement struct {
	Kind, ID, Value string
	Known           bool
}

// EntitlementProblem is a duplicate, on the block of Kind.
type EntitlementProblem struct {
	Kind, Detail string
}

// DuplicateEntitlements finds what Graph refuses with DuplicateValue: two
// app roles or two scopes with one ID, and one value on two entries (roles
// and scopes share one namespace of values).
func DuplicateEntitlements(entries []Entitlement) []EntitlementProblem {
	var out []EntitlementProblem
	for i, e := range entries {
		if !e.Known {
			continue
		}
		for _, o := range entries[:i] {
			if !o.Known {
				continue
			}
			switch {
			case strings.EqualFold(e.ID, o.ID) && e.Kind == o.Kind:
				out = append(out, EntitlementProblem{e.Kind, "Two " + e.Kind + " blocks have ID " + e.ID + "; each needs its own GUID."})
			case e.Value == o.Value:
				out = append(out, EntitlementProblem{e.Kind, "The value \"" + e.Value + "\" is used by an " + o.Kind + " and an " + e.Kind +
					" block; app roles and scopes share one set of values (Microsoft Graph answers DuplicateValue), so give each its own, " +
					"e.g. \"" + e.Value + ".All\" for the app role."})
			case strings.EqualFold(e.ID, o.ID):
				out = append(out, EntitlementProblem{e.Kind, "An app_role and an oauth2_permission_scope have ID " + e.ID + " but different values; give each its own GUID."})
			}
		}
	}
	return out
}

// OwnerChanges is what to do to the app's current owners: add the planned
// ones it lacks; remove the ones the prior state listed and the plan does
// not, if the app still has them. Owners neither lists are never touched.
// IDs compare case-insensitively.
func OwnerChanges(current, planned, prior []string) (add, remove []string) {
	has := func(list []string, id string) bool {
		return slices.ContainsFunc(list, func(o string) bool { return strings.EqualFold(o, id) })
	}
	for _, id := range planned {
		if !has(current, id) {
			add = append(add, id)
		}
	}
	for _, id := range prior {
		if !has(planned, id) && has(current, id) {
			remove = append(remove, id)
		}
	}
	return add, remove
}

// entitlementRune reports whether c may appear in an app role or scope value.
func entitlementRune(c rune) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || strings.ContainsRune(entitlementPunctuation, c)
}
