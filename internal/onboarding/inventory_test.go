package onboarding

import "testing"

func TestExplainUnavailable(t *testing.T) {
	reports := RequiredPermission{API: "Microsoft Graph", ResourceAppID: GraphAppID, Name: "Reports.Read.All", ID: "230c1aed-a721-4c5d-9cb4-a90514e508ef", Kind: Application}
	delegatedReports := RequiredPermission{API: "Microsoft Graph", ResourceAppID: GraphAppID, Name: "Reports.Read.All", ID: "02e97553-ed7b-43d0-ab3c-f8bace0d040c", Kind: Delegated}
	directory := RequiredPermission{API: "Microsoft Graph", ResourceAppID: GraphAppID, Name: "Directory.Read.All", ID: "7ab1d382-f21e-4acd-a863-ba3e13f7da61", Kind: Application}
	for _, c := range []struct {
		name     string
		item     InventoryItem
		outcome  ReadOutcome
		required []RequiredPermission
		consent  Consent
		err      string
		want     Unavailable
		ok       bool
	}{
		{name: "read: nothing to explain", item: ItemMailboxes, outcome: ReadOK, required: []RequiredPermission{reports}},
		{name: "403, the app does not ask for it: the least privileged permission", item: ItemMailboxes, outcome: ReadForbidden, ok: true,
			want: Unavailable{Reason: "permission_missing", Permission: "Reports.Read.All",
				Detail: "The app does not request Microsoft Graph Reports.Read.All: add it to the app's `onboard_api_permission` (application permission) and have each tenant consent again."}},
		{name: "403, a delegated permission of the same name does not count", item: ItemMailboxes, outcome: ReadForbidden, required: []RequiredPermission{delegatedReports}, ok: true,
			want: Unavailable{Reason: "permission_missing", Permission: "Reports.Read.All",
				Detail: "The app does not request Microsoft Graph Reports.Read.All: add it to the app's `onboard_api_permission` (application permission) and have each tenant consent again."}},
		{name: "403, required but not consented here", item: ItemMailboxes, outcome: ReadForbidden, required: []RequiredPermission{reports},
			consent: Consent{State: ConsentPartial, MissingPermissions: []RequiredPermission{reports}}, ok: true,
			want: Unavailable{Reason: "permission_missing", Permission: "Reports.Read.All",
				Detail: "The app requires Microsoft Graph Reports.Read.All but this tenant has not consented to it: an administrator of the tenant must grant admin consent again."}},
		{name: "403 with a broader permission required: names the one the app asks for", item: ItemUsers, outcome: ReadForbidden, required: []RequiredPermission{directory},
			consent: Consent{State: ConsentMissing, MissingPermissions: []RequiredPermission{directory}}, ok: true,
			want: Unavailable{Reason: "permission_missing", Permission: "Directory.Read.All",
				Detail: "The app requires Microsoft Graph Directory.Read.All but this tenant has not consented to it: an administrator of the tenant must grant admin consent again."}},
		{name: "403 although consented", item: ItemMailboxes, outcome: ReadForbidden, required: []RequiredPermission{reports}, consent: Consent{State: ConsentGranted}, ok: true,
			want: Unavailable{Reason: "permission_missing", Permission: "Reports.Read.All",
				Detail: "Microsoft Graph Reports.Read.All is consented but Graph refused the read: consent can take a few minutes to reach Graph; if it persists, revoke and grant consent again."}},
		{name: "no Intune license", item: ItemManagedDevices, outcome: ReadNotApplicable, ok: true,
			want: Unavailable{Reason: "not_licensed", Detail: "The tenant has no Intune license (Graph: Request not applicable to target tenant.); directory devices are still counted in `devices`."}},
		{name: "no Secure Score yet", item: ItemSecureScore, outcome: ReadNoData, ok: true,
			want: Unavailable{Reason: "no_data", Detail: "Microsoft has not computed a Secure Score for this tenant yet; it does once a day."}},
		{name: "report without rows", item: ItemMailboxes, outcome: ReadNoData, ok: true,
			want: Unavailable{Reason: "no_data", Detail: "The mailbox usage report has no rows yet; usage reports lag about two days behind."}},
		{name: "endpoint failed", item: ItemSecureScore, outcome: ReadFailed, err: "Graph answered 503: Service Unavailable", ok: true,
			want: Unavailable{Reason: "failed", Detail: "Graph answered 503: Service Unavailable"}},
		{name: "failed without a message", item: ItemSecureScore, outcome: ReadFailed, ok: true,
			want: Unavailable{Reason: "failed", Detail: "the read failed without an error message"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := ExplainUnavailable(c.item, c.outcome, c.required, c.consent, c.err)
			if ok != c.ok || got != c.want {
				t.Fatalf("got %+v %v, want %+v %v", got, ok, c.want, c.ok)
			}
		})
	}
}

// Every item names at least one permission, and the names are distinct.
func TestInventoryItems(t *testing.T) {
	seen := map[string]bool{}
	for _, it := range InventoryItems {
		if len(it.Permissions) == 0 || seen[it.Name] {
			t.Fatalf("item %+v", it)
		}
		seen[it.Name] = true
	}
}
