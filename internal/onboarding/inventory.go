package onboarding

import (
	"slices"
	"strings"
)

// InventoryItem is one thing a sync counts in a tenant (seed 004's initial
// sync) and the Microsoft Graph application permissions that let the app
// read it, least privileged first.
type InventoryItem struct {
	Name        string
	Permissions []string
}

// Inventory items, by the name the sync's `unavailable` map uses. Their
// permissions are the application rows of each API page's permission table.
var (
	ItemOrganization = InventoryItem{"organization", []string{"Organization.Read.All", "Directory.Read.All"}}
	ItemUsers        = InventoryItem{"users", []string{"User.Read.All", "Directory.Read.All"}}
	ItemGroups       = InventoryItem{"groups", []string{"Group.Read.All", "Directory.Read.All"}}
	ItemDevices      = InventoryItem{"devices", []string{"Device.Read.All", "Directory.Read.All"}}
	ItemLicenses     = InventoryItem{"licenses", []string{"LicenseAssignment.Read.All", "Organization.Read.All", "Directory.Read.All"}}
	// Secure Score: security-list-securescores.
	ItemSecureScore = InventoryItem{"secure_score", []string{"SecurityEvents.Read.All"}}
	// Intune: intune-devices-manageddevice-list.
	ItemManagedDevices = InventoryItem{"managed_devices", []string{"DeviceManagementManagedDevices.Read.All"}}
	// Exchange Online, through Graph's reports: reportroot-getmailboxusagemailboxcounts.
	ItemMailboxes = InventoryItem{"mailboxes", []string{"Reports.Read.All"}}
)

// InventoryItems are every item, in the order the docs list them.
var InventoryItems = []InventoryItem{ItemOrganization, ItemUsers, ItemGroups, ItemDevices, ItemLicenses, ItemSecureScore, ItemManagedDevices, ItemMailboxes}

// ReadOutcome is how one inventory read ended, as the client saw it.
type ReadOutcome int

const (
	ReadOK ReadOutcome = iota
	// ReadForbidden: Graph answered 403, the token lacks the permission.
	ReadForbidden
	// ReadNotApplicable: the tenant does not have the service (Intune
	// without a license: "Request not applicable to target tenant.").
	ReadNotApplicable
	// ReadNoData: the service answered but has nothing yet (no Secure Score
	// computed, a usage report without rows).
	ReadNoData
	// ReadFailed: anything else (5xx after retries, a timeout, a bad answer).
	ReadFailed
)

// Why an inventory item is null.
const (
	UnavailablePermissionMissing = "permission_missing"
	UnavailableNotLicensed       = "not_licensed"
	UnavailableNoData            = "no_data"
	UnavailableFailed            = "failed"
)

// Unavailable says why an item is null and what would make it readable.
type Unavailable struct {
	Reason string
	// Permission is, for permission_missing, the permission to consent:
	// the one the app requires if it requires one, else the least
	// privileged.
	Permission string
	Detail     string
}

// ExplainUnavailable judges a read that did not give a value: the reason,
// and for a missing permission whether the app does not ask for it (fix the
// registration) or the tenant has not consented to it (fix the consent).
// ok is false when the read gave a value.
func ExplainUnavailable(item InventoryItem, outcome ReadOutcome, required []RequiredPermission, consent Consent, errText string) (Unavailable, bool) {
	switch outcome {
	case ReadOK:
		return Unavailable{}, false
	case ReadForbidden:
		return explainForbidden(item, required, consent), true
	case ReadNotApplicable:
		d := "The tenant does not have this service."
		if item.Name == ItemManagedDevices.Name {
			d = "The tenant has no Intune license (Graph: Request not applicable to target tenant.); directory devices are still counted in `devices`."
		}
		return Unavailable{Reason: UnavailableNotLicensed, Detail: d}, true
	case ReadNoData:
		d := "The service has no data for this tenant yet."
		switch item.Name {
		case ItemSecureScore.Name:
			d = "Microsoft has not computed a Secure Score for this tenant yet; it does once a day."
		case ItemMailboxes.Name:
			d = "The mailbox usage report has no rows yet; usage reports lag about two days behind."
		}
		return Unavailable{Reason: UnavailableNoData, Detail: d}, true
	}
	if strings.TrimSpace(errText) == "" {
		errText = "the read failed without an error message"
	}
	return Unavailable{Reason: UnavailableFailed, Detail: errText}, true
}

func explainForbidden(item InventoryItem, required []RequiredPermission, consent Consent) Unavailable {
	u := Unavailable{Reason: UnavailablePermissionMissing, Permission: item.Permissions[0]}
	for _, p := range required {
		if !strings.EqualFold(p.ResourceAppID, GraphAppID) || p.Kind != Application || !slices.ContainsFunc(item.Permissions, func(v string) bool { return strings.EqualFold(v, p.Name) }) {
			continue
		}
		u.Permission = p.Name
		if slices.ContainsFunc(consent.MissingPermissions, func(m RequiredPermission) bool { return strings.EqualFold(m.ID, p.ID) && m.Kind == p.Kind }) {
			u.Detail = "The app requires Microsoft Graph " + p.Name + " but this tenant has not consented to it: an administrator of the tenant must grant admin consent again."
			return u
		}
		u.Detail = "Microsoft Graph " + p.Name + " is consented but Graph refused the read: consent can take a few minutes to reach Graph; if it persists, revoke and grant consent again."
		return u
	}
	u.Detail = "The app does not request Microsoft Graph " + u.Permission + ": add it to the app's `onboard_api_permission` (application permission) and have each tenant consent again."
	return u
}
