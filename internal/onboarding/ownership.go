package onboarding

import "strings"

// Ownership markers. Every app registration the provider creates carries,
// in its Graph tags, the ownership ID of the one resource that manages it:
// a home tenant shared by several teams (or configurations) then never has
// one configuration take over, change or delete another's app because their
// unique names met.
const (
	// OwnerTagPrefix starts the tag that names the owning resource.
	OwnerTagPrefix = "onboard:owner="
	// CreatingTag marks an app whose create has not finished: an apply that
	// crashed after Graph created the app, before Terraform saved it. The
	// next create of the same configuration adopts it instead of failing.
	CreatingTag = "onboard:creating"
)

// OwnerTag is the tag that ties an app to the resource with this ID.
func OwnerTag(ownershipID string) string { return OwnerTagPrefix + ownershipID }

// OwnerOf returns the ownership ID in an app's tags, "" when it has none.
func OwnerOf(tags []string) string {
	for _, t := range tags {
		if id, ok := strings.CutPrefix(t, OwnerTagPrefix); ok {
			return id
		}
	}
	return ""
}

// OwnedTags returns the app's tags with this resource's marker in place of
// any other onboard marker; tags set by others (the portal, other tools)
// stay. creating adds CreatingTag.
func OwnedTags(tags []string, ownershipID string, creating bool) []string {
	out := []string{}
	for _, t := range tags {
		if !strings.HasPrefix(t, OwnerTagPrefix) && t != CreatingTag {
			out = append(out, t)
		}
	}
	out = append(out, OwnerTag(ownershipID))
	if creating {
		out = append(out, CreatingTag)
	}
	return out
}

// Claim is what a create may do with an existing app that has the unique
// name it wants.
type Claim int

const (
	// ClaimAdopt: an interrupted create left it; take it over.
	ClaimAdopt Claim = iota
	// ClaimRefuseOwned: another onboard configuration manages it.
	ClaimRefuseOwned
	// ClaimRefuseForeign: someone created it outside this provider.
	ClaimRefuseForeign
)

// ClaimExisting decides whether a create may take over an existing app
// with its unique name: only one whose own create never finished. Anything
// else is adopted deliberately, with an import block.
func ClaimExisting(tags []string) Claim {
	creating := false
	for _, t := range tags {
		creating = creating || t == CreatingTag
	}
	switch {
	case creating && OwnerOf(tags) != "":
		return ClaimAdopt
	case OwnerOf(tags) != "":
		return ClaimRefuseOwned
	default:
		return ClaimRefuseForeign
	}
}

// MayDelete reports whether a destroy may delete an app whose tags are
// these, for the resource with ownershipID: not when another resource's
// marker is on it (it was imported there since). An app without a marker
// is one this state tracked before markers existed.
func MayDelete(tags []string, ownershipID string) bool {
	owner := OwnerOf(tags)
	return owner == "" || ownershipID == "" || owner == ownershipID
}
