package onboarding

import (
	"slices"
	"sort"
	"strings"
)

// Outcome is what an API call answered, reduced to what the decisions
// below need; the provider maps its clients' errors onto it.
type Outcome int

const (
	OutcomeOK Outcome = iota
	OutcomeNotFound
	// OutcomeUnauthorized is a 401: the token was refused.
	OutcomeUnauthorized
	// OutcomeFailed is any other error (5xx, timeout, throttling).
	OutcomeFailed
)

// BusinessCentralConsent says whether the app requires Business Central
// application permissions and, if so, whether the tenant has consented to
// every one. It goes by the API's app ID, not by the permission's label,
// so an API shown under another name still counts.
func BusinessCentralConsent(required []RequiredPermission, c Consent) (needed, granted bool) {
	isBC := func(p RequiredPermission) bool {
		return strings.EqualFold(p.ResourceAppID, BusinessCentralAppID) && p.Kind == Application
	}
	if !slices.ContainsFunc(required, isBC) {
		return false, false
	}
	return true, !slices.ContainsFunc(c.MissingPermissions, isBC)
}

// BCAuthorizedFromEnvironments reads authorization from an app-only list
// of the tenant's environments: Business Central answers 401 to an app not
// authorized in that admin center. Any other failure tells nothing.
func BCAuthorizedFromEnvironments(o Outcome) (authorized, known bool) {
	switch o {
	case OutcomeOK:
		return true, true
	case OutcomeUnauthorized:
		return false, true
	}
	return false, false
}

// BCAuthorization is what a refresh of onboard_bc_authorized_app does.
type BCAuthorization int

const (
	// AuthorizationKept: still authorized; state stays.
	AuthorizationKept BCAuthorization = iota + 1
	// AuthorizationGone: removed in the admin center; plan authorizes again.
	AuthorizationGone
	// AuthorizationAskPartner: read the tenant's authorized apps with the
	// partner's delegated credential.
	AuthorizationAskPartner
	// AuthorizationUnchecked: no credential to read it with; state stays,
	// with a warning.
	AuthorizationUnchecked
	// AuthorizationFailed: the read failed; an error.
	AuthorizationFailed
)

// ReadBCAuthorization decides from the app-only manageableTenants answer
// (one call per app and run; hasSecret false when there is none): a tenant
// it lists is authorized; one it does not list, or a 401, means not
// authorized, unless the partner can look closer.
func ReadBCAuthorization(hasSecret bool, manageable Outcome, listed, hasPartner bool) BCAuthorization {
	if hasSecret && manageable == OutcomeOK && listed {
		return AuthorizationKept
	}
	if hasPartner {
		return AuthorizationAskPartner
	}
	if !hasSecret {
		return AuthorizationUnchecked
	}
	if manageable == OutcomeOK || manageable == OutcomeUnauthorized {
		return AuthorizationGone
	}
	return AuthorizationFailed
}

// BCAuthorizationFromAdminCenter decides from the partner's read of the
// tenant's authorized apps.
func BCAuthorizationFromAdminCenter(o Outcome) BCAuthorization {
	switch o {
	case OutcomeOK:
		return AuthorizationKept
	case OutcomeNotFound:
		return AuthorizationGone
	}
	return AuthorizationFailed
}

// CardMissing reports whether a read of the app inside an environment
// means the "Microsoft Entra Applications" card is missing: no app user,
// or, signed in as the app itself, a 401, since a missing or disabled card
// shuts the app out.
func CardMissing(o Outcome, appOnly bool) bool {
	return o == OutcomeNotFound || (appOnly && o == OutcomeUnauthorized)
}

// PermissionSet is one permission set of an app's user in Business
// Central, for all companies when Company is empty.
type PermissionSet struct {
	RoleID, Company string
}

// key: Business Central compares role IDs upper case and company names
// case-insensitively.
func (p PermissionSet) key() string {
	return strings.ToUpper(p.RoleID) + "\x00" + strings.ToLower(p.Company)
}

// PermissionSetChanges compares the wanted permission sets with those the
// app's user has: remove holds indexes into have, add the wanted sets it
// lacks, sorted.
func PermissionSetChanges(want, have []PermissionSet) (remove []int, add []PermissionSet) {
	wanted, has := map[string]bool{}, map[string]bool{}
	for _, p := range want {
		wanted[p.key()] = true
	}
	for i, p := range have {
		has[p.key()] = true
		if !wanted[p.key()] {
			remove = append(remove, i)
		}
	}
	seen := map[string]bool{}
	for _, p := range want {
		if !has[p.key()] && !seen[p.key()] {
			seen[p.key()] = true
			add = append(add, p)
		}
	}
	sort.Slice(add, func(i, j int) bool { return add[i].key() < add[j].key() })
	return remove, add
}

// NeedsAutomationPermissionSet reports whether Business Central's refusal
// to assign a permission set says the app's user lacks D365 AUTOMATION.
func NeedsAutomationPermissionSet(refusal string) bool {
	return strings.Contains(refusal, "current permissions prevented the action")
}
