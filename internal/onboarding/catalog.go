// Package onboarding holds every onboarding decision as pure functions over
// plain Go values, without Terraform or HTTP types: the permissions of the
// APIs vendors ask for, by name (catalog.go); what consent is granted or
// missing, how to read it and who can grant it (consent.go); when a secret
// is rotated or warned about (secret.go); Business Central authorization and
// the environment app's card (businesscentral.go); GDAP relationship expiry
// (gdap.go); how a customer counts in summaries (summary.go); and the wording
// of every step a person must take (humanstep.go). The provider reads
// configuration, asks the clients, calls a decision here and sets state.
package onboarding

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Kind is application (app role, "Role") or delegated (scope, "Scope").
type Kind string

const (
	Application Kind = "application"
	Delegated   Kind = "delegated"
)

// GraphType is the requiredResourceAccess type of the kind.
func (k Kind) GraphType() string {
	if k == Application {
		return "Role"
	}
	return "Scope"
}

func (k Kind) other() Kind {
	if k == Application {
		return Delegated
	}
	return Application
}

// Permission is one permission an API offers.
type Permission struct {
	Name string
	ID   string
	Kind Kind
}

// API is a resource application and the permissions it offers.
type API struct {
	Name        string
	AppID       string
	Aliases     []string
	Permissions []Permission
}

// Client IDs of the APIs the seeds use.
const (
	GraphAppID           = "00000003-0000-0000-c000-000000000000"
	BusinessCentralAppID = "996def3d-b36c-4153-8607-a6fd3c01b89f"
)

// ErrUnknownAPI is returned for an app ID the catalog does not know; the
// provider then reads the API's service principal instead.
var ErrUnknownAPI = errors.New("API not in the catalog")

func perms(kind Kind, pairs ...string) []Permission {
	var out []Permission
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, Permission{Name: pairs[i], ID: pairs[i+1], Kind: kind})
	}
	return out
}

// The IDs are Microsoft's (research/graph-api.md §3.1); the emulator serves
// the same ones.
var catalog = []API{
	{
		Name: "Microsoft Graph", AppID: GraphAppID, Aliases: []string{"graph", "msgraph", "https://graph.microsoft.com"},
		Permissions: append(perms(Application,
			"User.Read.All", "df021288-bdef-4463-88db-98f22de89214",
			"Directory.Read.All", "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
			"Directory.ReadWrite.All", "19dbc75e-c2e2-444c-a770-ec69d8559fc7",
			"Organization.Read.All", "498476ce-e0fe-48b0-b801-37ba7e2685c6",
			"Group.Read.All", "5b567255-7703-4780-807c-7be8301ae99b",
			"Device.Read.All", "7438b122-aefc-4978-80ed-43db9fcc7715",
			"DeviceManagementManagedDevices.Read.All", "2f51be20-0bb4-4fed-bf7b-db946066c75e",
			"SecurityEvents.Read.All", "bf394140-e372-4bf9-a898-299cfc7564e5",
			"Reports.Read.All", "230c1aed-a721-4c5d-9cb4-a90514e508ef",
			"AuditLog.Read.All", "b0afded3-3588-46d8-8b3d-9842eff778da",
			"Mail.Read", "810c84a8-4a9e-49e6-bf7d-12d183f40d01",
			"Application.ReadWrite.OwnedBy", "18a4783c-866b-4cc7-a460-3d5e5662c884",
			"Application.ReadWrite.All", "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
			"Application.Read.All", "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
			"AppRoleAssignment.ReadWrite.All", "06b708a9-e830-4db3-a914-8e69da51d44f",
			"DelegatedPermissionGrant.ReadWrite.All", "8e8e4742-1d95-4f68-9d56-6ee75648c72a",
			"CrossTenantInformation.ReadBasic.All", "cac88765-0581-4025-9725-5ebc13f729ee",
			"DelegatedAdminRelationship.Read.All", "f6e9e124-4586-492f-adc0-c6f96e4823fd",
			"Policy.Read.All", "246dd0d5-5bd0-4def-940b-0421030a5b68",
		), perms(Delegated,
			"User.Read", "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
			"Directory.Read.All", "06da0dbc-49e2-44d2-8312-53f166ab848a",
			"User.Read.All", "a154be20-db9c-4678-8ab7-66f6cc099a59",
			"Group.Read.All", "5f8c59db-677d-491f-a6b8-5f174b11ec1d",
			"Mail.Read", "570282fd-fa5c-430d-a7fd-fc8dc98a9dca",
			"openid", "37f7f235-527c-4136-accd-4a02d197296e",
			"offline_access", "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
			"profile", "14dad69e-099b-42c9-810b-d002981feec1",
			"email", "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0",
		)...),
	},
	{
		Name: "Dynamics 365 Business Central", AppID: BusinessCentralAppID,
		Aliases: []string{"business central", "businesscentral", "bc", "d365bc", "https://api.businesscentral.dynamics.com"},
		Permissions: append(perms(Application,
			"API.ReadWrite.All", "a42b0b75-311e-488d-b67e-8fe84f924341",
			"Automation.ReadWrite.All", "d365bc00-a990-0000-00bc-160000000001",
			"app_access", "3983b928-ed40-4111-bbad-e7910cf234bd",
			"AdminCenter.ReadWrite.All", "a20fe46f-4f63-4666-8e0e-9b882d90b837",
		), perms(Delegated,
			"Financials.ReadWrite.All", "2fb13c28-9d89-417f-9af2-ec3065bc16e6",
			"user_impersonation", "bce0976a-cb0b-473b-8800-84eda9f8e447",
		)...),
	},
}

// APIs lists the catalog's API names.
func APIs() []string {
	var names []string
	for _, a := range catalog {
		names = append(names, a.Name)
	}
	return names
}

// LookupAPI finds an API by name, alias or app ID (case-insensitive). An
// app ID the catalog lacks gives ErrUnknownAPI; an unknown name an error
// with the closest names.
func LookupAPI(nameOrAppID string) (API, error) {
	key := strings.ToLower(strings.TrimSpace(nameOrAppID))
	for _, a := range catalog {
		if key == strings.ToLower(a.Name) || key == a.AppID || slices.Contains(a.Aliases, key) {
			return a, nil
		}
	}
	if IsGUID(key) {
		return API{AppID: key}, ErrUnknownAPI
	}
	return API{}, fmt.Errorf("unknown API %q: use an app ID or one of %s", nameOrAppID, quoteList(APIs()))
}

// Names lists the permission names of a kind, sorted.
func (a API) Names(kind Kind) []string {
	var out []string
	for _, p := range a.Permissions {
		if p.Kind == kind {
			out = append(out, p.Name)
		}
	}
	sort.Strings(out)
	return out
}

// Resolve finds a permission of the given kind by name (case-insensitive).
func (a API) Resolve(name string, kind Kind) (Permission, error) {
	for _, p := range a.Permissions {
		if p.Kind == kind && strings.EqualFold(p.Name, name) {
			return p, nil
		}
	}
	for _, p := range a.Permissions {
		if p.Kind == kind.other() && strings.EqualFold(p.Name, name) {
			return Permission{}, fmt.Errorf("%s is a %s permission of %s, not an %s permission; its %s permissions are %s",
				p.Name, kind.other(), a.Name, article(kind), kind, quoteList(a.Names(kind)))
		}
	}
	if near := Closest(name, a.Names(kind), 3); len(near) > 0 {
		return Permission{}, fmt.Errorf("%s has no %s permission %q; did you mean %s?", a.Name, kind, name, quoteList(near))
	}
	return Permission{}, fmt.Errorf("%s has no %s permission %q; its %s permissions are %s", a.Name, kind, name, kind, quoteList(a.Names(kind)))
}

func article(k Kind) string {
	if k == Application {
		return "application"
	}
	return "delegated"
}

func quoteList(v []string) string {
	q := make([]string, len(v))
	for i, s := range v {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// Closest returns up to n candidates nearest to name by edit distance (case
// ignored), nearest first, and only those reasonably close.
func Closest(name string, candidates []string, n int) []string {
	type scored struct {
		s string
		d int
	}
	var all []scored
	lname := strings.ToLower(name)
	for _, c := range candidates {
		d := distance(lname, strings.ToLower(c))
		if d <= max(3, len(c)/3) {
			all = append(all, scored{c, d})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].d < all[j].d })
	var out []string
	for i := 0; i < len(all) && i < n; i++ {
		out = append(out, all[i].s)
	}
	return out
}

func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// IsGUID reports whether s has the 8-4-4-4-12 hex form.
func IsGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
				return false
			}
		}
	}
	return true
}
