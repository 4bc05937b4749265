package onboarding

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// AdminConsentURL is the v2 admin consent link for a tenant's administrator:
// https://login.microsoftonline.com/{tenant}/v2.0/adminconsent with the
// static permissions of the given resources (".default").
func AdminConsentURL(loginEndpoint, tenant, clientID, redirectURI string, resources ...string) string {
	if loginEndpoint == "" {
		loginEndpoint = "https://login.microsoftonline.com"
	}
	if len(resources) == 0 {
		resources = []string{"https://graph.microsoft.com"}
	}
	var scopes []string
	for _, r := range resources {
		scopes = append(scopes, strings.TrimSuffix(r, "/")+"/.default")
	}
	q := url.Values{"client_id": {clientID}, "scope": {strings.Join(scopes, " ")}}
	if redirectURI != "" {
		q.Set("redirect_uri", redirectURI)
	}
	return strings.TrimSuffix(loginEndpoint, "/") + "/" + url.PathEscape(tenant) + "/v2.0/adminconsent?" + q.Encode()
}

// ParseDuration accepts Go durations ("720h", "90m") and whole days ("30d").
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		// Beyond about 292 years the nanoseconds overflow int64.
		if err == nil && n >= 0 && int64(n) <= math.MaxInt64/int64(24*time.Hour) {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration: use hours such as \"720h\" or days such as \"30d\"", s)
	}
	return d, nil
}

// RequiredPermission is one permission an app requires (an entry of its
// requiredResourceAccess), named where the API is known and by its ID
// where not.
type RequiredPermission struct {
	API, ResourceAppID, Name, ID string
	Kind                         Kind
}

// Label is how plans and outputs name a permission: "<API>/<permission>".
func (p RequiredPermission) Label() string { return p.API + "/" + p.Name }

// Grant is one permission consented in a tenant, as an observation shows
// it: Graph's app role assignments carry the permission's ID, a token's
// roles claim and a delegated grant's scope only its name.
type Grant struct {
	ResourceAppID, ID, Name string
	Kind                    Kind
}

// covers matches by ID where the grant has one, since Microsoft renames
// permissions but never changes their IDs; by name otherwise.
func (g Grant) covers(p RequiredPermission) bool {
	if !strings.EqualFold(g.ResourceAppID, p.ResourceAppID) || g.Kind != p.Kind {
		return false
	}
	if g.ID != "" {
		return strings.EqualFold(g.ID, p.ID)
	}
	return strings.EqualFold(g.Name, p.Name)
}

// ConsentState is what a tenant shows of an app's admin consent.
type ConsentState string

const (
	ConsentGranted ConsentState = "granted" // every required permission
	ConsentPartial ConsentState = "partial" // some, e.g. a permission added to the app since
	ConsentMissing ConsentState = "missing" // none
	// ConsentPending is recorded by an apply that could not grant consent
	// itself: a human step remains.
	ConsentPending ConsentState = "pending"
	// ConsentUnknown is recorded when consent could not be read (a wrong or
	// expired secret, a deleted tenant, an import without client_secret).
	// It is never counted as pending.
	ConsentUnknown ConsentState = "unknown"
)

// Consent is the required permissions split into granted and missing.
type Consent struct {
	State ConsentState
	// Granted and Missing are labels, sorted.
	Granted, Missing []string
	// MissingPermissions are the missing permissions themselves, in the
	// order required, so callers decide by API ID rather than by label.
	MissingPermissions []RequiredPermission
}

// EvaluateConsent compares what the app requires with what the tenant has
// granted.
func EvaluateConsent(required []RequiredPermission, grants []Grant) Consent {
	var c Consent
	for _, p := range required {
		if slices.ContainsFunc(grants, func(g Grant) bool { return g.covers(p) }) {
			c.Granted = append(c.Granted, p.Label())
		} else {
			c.Missing = append(c.Missing, p.Label())
			c.MissingPermissions = append(c.MissingPermissions, p)
		}
	}
	sort.Strings(c.Granted)
	sort.Strings(c.Missing)
	switch {
	case len(c.Missing) == 0:
		c.State = ConsentGranted
	case len(c.Granted) == 0:
		c.State = ConsentMissing
	default:
		c.State = ConsentPartial
	}
	return c
}

// ApplicationPermissions keeps the application permissions: the ones an
// app-only token can show (its roles claim); delegated ones it cannot.
func ApplicationPermissions(required []RequiredPermission) []RequiredPermission {
	var out []RequiredPermission
	for _, p := range required {
		if p.Kind == Application {
			out = append(out, p)
		}
	}
	return out
}

// TokenShowsAll reports whether a token already held (issued earlier in
// this run, or in an earlier run and kept in the token cache file) may
// answer for consent to the API resourceAppID: its roles claim lists every
// required application permission of that API. One that lacks any must be
// confirmed with a new token, since consent may have been granted after it
// was issued; a token that shows everything is trusted until it expires (a
// revocation in between shows with the next token).
func TokenShowsAll(tokenRoles []string, required []RequiredPermission, resourceAppID string) bool {
	for _, p := range required {
		if p.Kind != Application || !strings.EqualFold(p.ResourceAppID, resourceAppID) {
			continue
		}
		if !slices.ContainsFunc(tokenRoles, func(r string) bool { return strings.EqualFold(r, p.Name) }) {
			return false
		}
	}
	return true
}

// ConsentSource is how the provider reads consent in a tenant.
type ConsentSource int

const (
	// ReadAsApp signs in as the app itself in the tenant: an app-only
	// token's roles claim lists the consented application permissions.
	ReadAsApp ConsentSource = iota + 1
	// ReadAsAutomation reads Graph with the provider's automation identity,
	// which can see the enterprise apps of its home tenant only.
	ReadAsAutomation
	// ReadAsPartner reads Graph as the partner admin, through GDAP.
	ReadAsPartner
	// ReadLater: nothing to sign in with yet (an import holds no
	// client_secret); consent is unknown until an apply sets it.
	ReadLater
	// ReadImpossible: configuration error, client_secret is needed.
	ReadImpossible
)

// ChooseConsentSource picks how to read consent. The app's own secret wins
// because it needs no directory role anywhere; refreshing says a missing
// secret is not an error yet.
func ChooseConsentSource(hasSecret, homeTenant, hasPartner, refreshing bool) ConsentSource {
	switch {
	case hasSecret:
		return ReadAsApp
	case homeTenant:
		return ReadAsAutomation
	case hasPartner:
		return ReadAsPartner
	case refreshing:
		return ReadLater
	}
	return ReadImpossible
}

// Token errors (AADSTS codes) that mean "this tenant cannot be read with
// this credential now", not "the app lacks consent".
const (
	codeInvalidSecret  = 7000215
	codeExpiredSecret  = 7000222
	codeTenantNotFound = 90002
	codeAppNotInTenant = 700016
)

// Unreadable reports whether a token error leaves the tenant unreadable
// with this credential: a wrong or expired secret, a deleted tenant.
func Unreadable(code int) bool {
	switch code {
	case codeInvalidSecret, codeExpiredSecret, codeTenantNotFound:
		return true
	}
	return false
}

// AppAbsent reports whether a token error says the app has no service
// principal in the tenant: it was never consented there (or was removed),
// so nothing is granted; that is an answer, not a failure.
func AppAbsent(code int) bool { return code == codeAppNotInTenant }

// ReadFailure is what a failed consent read does to a customer tenant.
type ReadFailure int

const (
	// FailRead stops with an error diagnostic.
	FailRead ReadFailure = iota + 1
	// MarkUnknown records consent_state "unknown" with a warning, so one
	// unreachable tenant does not stop the plan of all the others.
	MarkUnknown
)

// OnReadError decides what a failed consent read does. tokenCode is the
// AADSTS code of a token error, 0 for any other error; oauthError its OAuth
// error code. Only a refresh tolerates it: apply must fail the resource
// that cannot be read. The identity platform still failing after retries
// (server_error, temporarily_unavailable: RFC 6749 section 5.2 and
// https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes)
// is one customer's outage: it must not stop the plan of all the others.
func OnReadError(tokenCode int, oauthError string, refreshing bool) ReadFailure {
	if refreshing && (Unreadable(tokenCode) || oauthError == "server_error" || oauthError == "temporarily_unavailable") {
		return MarkUnknown
	}
	return FailRead
}

// ConsentPlan is what plan does with a customer tenant's consent.
type ConsentPlan struct {
	// Update plans an update, so the next apply reads (and where it can,
	// grants) consent, and plan -detailed-exitcode exits 2.
	Update bool
	// Warn says what is missing and who must act.
	Warn bool
}

// PlanConsent decides from the state the last refresh recorded.
// "unknown" plans an update without a warning: the refresh already said
// why it could not read.
func PlanConsent(state ConsentState) ConsentPlan {
	switch state {
	case ConsentGranted:
		return ConsentPlan{}
	case ConsentUnknown:
		return ConsentPlan{Update: true}
	}
	return ConsentPlan{Update: true, Warn: true}
}

// Grantor is who can grant admin consent in a tenant.
type Grantor int

const (
	// GrantByAutomation: the provider's automation identity, in its home
	// tenant (AppRoleAssignment.ReadWrite.All).
	GrantByAutomation Grantor = iota + 1
	// GrantByPartner: the partner admin through GDAP; what GDAP does not
	// allow stays a human step.
	GrantByPartner
	// GrantByHuman: an administrator of the tenant, through the consent URL.
	GrantByHuman
)

// ChooseGrantor decides who grants consent in a tenant.
func ChooseGrantor(homeTenant, hasPartner bool) Grantor {
	switch {
	case homeTenant:
		return GrantByAutomation
	case hasPartner:
		return GrantByPartner
	}
	return GrantByHuman
}

// AfterApply is the consent state an apply records once it has done what
// it can: what it read when granted, "pending" otherwise (a human step
// remains and the next plan shows the change again).
func AfterApply(read ConsentState) (recorded ConsentState, humanStep bool) {
	if read == ConsentGranted {
		return ConsentGranted, false
	}
	return ConsentPending, true
}

// ConsentResources lists the resources an admin consent URL asks for: each
// API the app requires, once, sorted so the URL is stable.
func ConsentResources(required []RequiredPermission, resourceURI func(appID string) string) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range required {
		if uri := resourceURI(p.ResourceAppID); !seen[uri] {
			seen[uri] = true
			out = append(out, uri)
		}
	}
	sort.Strings(out)
	return out
}

// ConsentRedirect picks the consent URL's redirect_uri: the configured one
// (unregistered when the app does not have it, which Microsoft reports as
// AADSTS50011 only after the administrator signs in), else the app's first
// web redirect URI in sorted order, so the URL is stable. appKnown is false
// when the app's registration could not be read: nothing is judged then.
func ConsentRedirect(configured string, isSet bool, appURIs []string, appKnown bool) (uri string, unregistered bool) {
	if isSet {
		return configured, appKnown && !slices.Contains(appURIs, configured)
	}
	if !appKnown || len(appURIs) == 0 {
		return "", false
	}
	sorted := slices.Clone(appURIs)
	sort.Strings(sorted)
	return sorted[0], false
}
