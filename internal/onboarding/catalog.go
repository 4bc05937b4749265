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

	"github.com/onboard-tf/terraform-provider-onboard/internal/permissiondata"
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
	// SnapshotDate is set when the permissions come from the embedded
	// snapshot rather than the tenant: the day they were read.
	SnapshotDate string
	// Local: the API is an app registered in the home tenant, likely in the
	// same configuration, so a role it lacks at plan may be added by the
	// same apply.
	Local bool
}

// Client IDs of the APIs the seeds use.
const (
	GraphAppID           = "00000003-0000-0000-c000-000000000000"
	BusinessCentralAppID = "996def3d-b36c-4153-8607-a6fd3c01b89f"
)

// ErrUnknownAPI is returned for an app ID the catalog does not know; the
// provider then reads the API's service principal instead.
var ErrUnknownAPI = errors.New("API not in the catalog")

// The fallback catalog is the generated snapshot (internal/permissiondata):
// every permission of Microsoft Graph and Business Central as their service
// principals offered them on the snapshot's date. A tenant's own service
// principal is the authority whenever it can be read (FromServicePrincipal);
// this list serves only when it cannot: functions, validation before the
// provider has credentials, offline.
var catalog = []API{
	fromSnapshot(permissiondata.Graph, "graph", "msgraph", "https://graph.microsoft.com"),
	fromSnapshot(permissiondata.BusinessCentral, "business central", "businesscentral", "bc", "d365bc", "https://api.businesscentral.dynamics.com"),
}

func fromSnapshot(s permissiondata.API, aliases ...string) API {
	a := API{Name: s.Name, AppID: s.AppID, Aliases: aliases, SnapshotDate: s.Date}
	for _, p := range s.Permissions {
		a.Permissions = append(a.Permissions, Permission{Name: p.Value, ID: p.ID, Kind: Kind(p.Kind)})
	}
	return a
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
// A name the API offers only as the other kind is explained as such; an
// unknown one gets the closest names of the kind asked for.
func (a API) Resolve(name string, kind Kind) (Permission, error) {
	for _, p := range a.Permissions {
		if p.Kind == kind && strings.EqualFold(p.Name, name) {
			return p, nil
		}
	}
	for _, p := range a.Permissions {
		if p.Kind == kind.other() && strings.EqualFold(p.Name, name) {
			return Permission{}, fmt.Errorf("%s is %s permission of %s, not %s permission; %s %s",
				p.Name, article(kind.other()), a.Name, article(kind), a.offer(kind, name), kindsExplained)
		}
	}
	if near := Closest(name, a.Names(kind), 3); len(near) > 0 {
		return Permission{}, fmt.Errorf("%s has no %s permission %q; did you mean %s?", a.Name, kind, name, quoteList(near))
	}
	return Permission{}, fmt.Errorf("%s has no %s permission %q; %s", a.Name, kind, name, a.offer(kind, name))
}

// kindsExplained is the difference people trip over: the same word names
// two permissions, granted differently.
const kindsExplained = "An application permission (app role) is the app's own access, with no user signed in; " +
	"a delegated permission (scope) acts for a signed-in user and never exceeds what that user may do."

// listMax is the longest list of names a message spells out; beyond it a
// message names the closest few instead.
const listMax = 12

// offer says what the API offers of a kind: every name when there are few,
// else the closest to name, else how many there are.
func (a API) offer(kind Kind, name string) string {
	names := a.Names(kind)
	switch {
	case len(names) == 0:
		return fmt.Sprintf("it has no %s permissions", kind)
	case len(names) <= listMax:
		return fmt.Sprintf("its %s permissions are %s.", kind, quoteList(names))
	}
	if near := Closest(name, names, 3); len(near) > 0 {
		return fmt.Sprintf("its closest %s permissions are %s.", kind, quoteList(near))
	}
	return fmt.Sprintf("none of its %d %s permissions is close to that name.", len(names), kind)
}

// SnapshotNote says, when the permissions are the snapshot's, that a newer
// permission may be missing from them; empty when the tenant answered.
func (a API) SnapshotNote() string {
	if a.SnapshotDate == "" {
		return ""
	}
	return fmt.Sprintf("(Checked against the provider's snapshot of %s's permissions of %s, as the tenant could not be asked; "+
		"the API's service principal in the tenant decides at plan once the provider has credentials.)", a.Name, a.SnapshotDate)
}

func article(k Kind) string {
	if k == Application {
		return "an application"
	}
	return "a delegated"
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
		lc := strings.ToLower(c)
		d := distance(lname, lc)
		// A name cut short or run on (Mail.Send.All for Mail.Send) is the
		// likelier slip than a different word of the same length.
		if strings.HasPrefix(lname, lc) || strings.HasPrefix(lc, lname) {
			d--
		}
		if d <= max(3, len(c)/3) {
			all = append(all, scored{c, d})
		}
	}
	// Among equally distant names, the one sharing the longest start with
	// the input is what was meant: User.ReadWrite → User.ReadWrite.All, not Mail.ReadWrite.
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].d != all[j].d {
			return all[i].d < all[j].d
		}
		return commonPrefix(lname, strings.ToLower(all[i].s)) > commonPrefix(lname, strings.ToLower(all[j].s))
	})
	// Names much further off than the best one are noise beside it.
	var out []string
	for i := 0; i < len(all) && i < n && all[i].d <= all[0].d+1; i++ {
		out = append(out, all[i].s)
	}
	return out
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
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
