package graph

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/identity"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/route"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// Graph protocol pieces: OData query options ($select, $filter, $top,
// $skiptoken) and authorization.

// access says which permissions let a caller through: any of App for
// app-only tokens, any of Delegated (scp) plus any of Roles (wids) for
// delegated tokens. An empty Roles list means any signed-in user.
type access struct {
	App, Delegated, Roles []string
}

var adminRoles = []string{store.RoleGlobalAdmin, store.RolePrivilegedRoleAdmin, store.RoleCloudAppAdmin, store.RoleAppAdmin}

func (a access) allows(p *identity.Principal) bool {
	if !p.Delegated {
		return slices.ContainsFunc(p.Roles, func(r string) bool { return slices.Contains(a.App, r) })
	}
	if !slices.ContainsFunc(p.Scopes, func(sc string) bool { return slices.Contains(a.Delegated, sc) }) {
		return false
	}
	return len(a.Roles) == 0 || slices.ContainsFunc(p.Wids, func(r string) bool { return slices.Contains(a.Roles, r) })
}

var (
	appsRead    = access{App: []string{"Application.Read.All", "Application.ReadWrite.All", "Application.ReadWrite.OwnedBy", "Directory.Read.All", "Directory.ReadWrite.All"}, Delegated: []string{"Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.AccessAsUser.All"}}
	appsWrite   = access{App: []string{"Application.ReadWrite.All", "Application.ReadWrite.OwnedBy"}, Delegated: []string{"Application.ReadWrite.All", "Directory.AccessAsUser.All"}, Roles: adminRoles}
	spWrite     = access{App: []string{"Application.ReadWrite.All", "Application.ReadWrite.OwnedBy", "Directory.ReadWrite.All"}, Delegated: []string{"Application.ReadWrite.All", "Directory.AccessAsUser.All"}, Roles: adminRoles}
	araWrite    = access{App: []string{"AppRoleAssignment.ReadWrite.All"}, Delegated: []string{"AppRoleAssignment.ReadWrite.All", "Directory.AccessAsUser.All"}, Roles: adminRoles}
	grantRead   = access{App: []string{"Directory.Read.All", "Directory.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All", "Application.Read.All", "Application.ReadWrite.All"}, Delegated: []string{"Directory.Read.All", "DelegatedPermissionGrant.ReadWrite.All", "Directory.AccessAsUser.All", "Application.ReadWrite.All"}}
	grantWrite  = access{App: []string{"DelegatedPermissionGrant.ReadWrite.All"}, Delegated: []string{"DelegatedPermissionGrant.ReadWrite.All", "Directory.AccessAsUser.All"}, Roles: adminRoles}
	orgRead     = access{App: []string{"Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}, Delegated: []string{"User.Read", "Organization.Read.All", "Directory.Read.All", "Directory.AccessAsUser.All"}}
	crossTenant = access{App: []string{"CrossTenantInformation.ReadBasic.All"}, Delegated: []string{"CrossTenantInformation.ReadBasic.All"}}
	// GDAP customer lists: "Application: Not supported" in the docs.
	gdapRead    = access{Delegated: []string{"DelegatedAdminRelationship.Read.All", "DelegatedAdminRelationship.ReadWrite.All"}}
	usersRead   = access{App: []string{"User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}, Delegated: []string{"User.Read.All", "User.ReadBasic.All", "Directory.Read.All"}}
	groupsRead  = access{App: []string{"Group.Read.All", "Group.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"}, Delegated: []string{"Group.Read.All", "Directory.Read.All"}}
	devicesRead = access{App: []string{"Device.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"}, Delegated: []string{"Device.Read.All", "Directory.Read.All"}}
	skusRead    = access{App: []string{"Organization.Read.All", "Directory.Read.All", "LicenseAssignment.Read.All"}, Delegated: []string{"Organization.Read.All", "Directory.Read.All", "User.Read"}}
)

// readBody decodes a JSON object body into a property map.
func readBody(r *http.Request) (map[string]json.RawMessage, bool) {
	var m map[string]json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil || m == nil {
		return nil, false
	}
	for k := range m {
		if strings.HasPrefix(k, "@odata.") {
			delete(m, k)
		}
	}
	return m, true
}

// listed answers a collection read: Graph lists in creation order, one page
// at a time.
func (s *Service) listed(r *request, context string, items []map[string]any) (*route.Response, error) {
	sortByCreated(items)
	body, err := s.page(r.Request, context, items)
	if err != nil {
		return nil, err
	}
	return route.JSON(http.StatusOK, body), nil
}

// page applies $top/$skiptoken to a collection and returns the OData body.
func (s *Service) page(r *http.Request, context string, items []map[string]any) (map[string]any, error) {
	q := r.URL.Query()
	top := 100
	if v := q.Get("$top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 999 {
			return nil, badRequest("Invalid page size specified: '" + v + "'. Must be between 1 and 999 inclusive.")
		}
		top = n
	}
	skip := 0
	if tok := q.Get("$skiptoken"); tok != "" {
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil {
			return nil, badRequest("Invalid $skiptoken.")
		}
		skip, _ = strconv.Atoi(strings.TrimPrefix(string(b), "skip:"))
	}
	items, err := shape(r, items, "deletedDateTime")
	if err != nil {
		return nil, err
	}
	var sample map[string]any
	if len(items) > 0 {
		sample = items[0]
	}
	body := map[string]any{"@odata.context": contextURL(r, context, sample, false)}
	if strings.EqualFold(q.Get("$count"), "true") {
		body["@odata.count"] = len(items)
	}
	if skip > len(items) {
		skip = len(items)
	}
	end := min(skip+top, len(items))
	page := items[skip:end]
	if page == nil {
		page = []map[string]any{}
	}
	body["value"] = selectFields(r, page)
	if end < len(items) {
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("$skiptoken", base64.RawURLEncoding.EncodeToString([]byte("skip:"+strconv.Itoa(end))))
		body["@odata.nextLink"] = s.url + r.URL.Path + "?" + odataQuery(next)
	}
	return body, nil
}

func selectFields(r *http.Request, items []map[string]any) []map[string]any {
	sel := r.URL.Query().Get("$select")
	if sel == "" {
		return items
	}
	out := make([]map[string]any, len(items))
	for i, it := range items {
		o := map[string]any{}
		// Property names match case-insensitively ($select=DisplayName).
		for _, k := range selected(r, it) {
			if v, ok := it[k]; ok {
				o[k] = v
			}
		}
		if t, ok := it["@odata.type"]; ok {
			o["@odata.type"] = t
		}
		// Only what was selected: Graph does not add id, so a caller
		// that reads id must select it.
		out[i] = o
	}
	return out
}

func selectOne(r *http.Request, item map[string]any) map[string]any {
	return selectFields(r, []map[string]any{item})[0]
}

var (
	reEq         = regexp.MustCompile(`^\s*([\w/]+)\s+eq\s+'((?:[^']|'')*)'\s*$`)
	reStartswith = regexp.MustCompile(`^\s*startswith\(\s*([\w/]+)\s*,\s*'((?:[^']|'')*)'\s*\)\s*$`)
	reAnd        = regexp.MustCompile(`(?i)\s+and\s+`)
)

// filter is the subset of OData $filter Graph supports on the properties the
// provider uses: eq and startswith, joined by and. Anything else answers
// 400 Request_UnsupportedQuery, as Graph does for unsupported clauses.
type filter []func(map[string]any) bool

func parseFilter(expr string, allowed ...string) (filter, error) {
	if strings.TrimSpace(expr) == "" {
		return nil, nil
	}
	var f filter
	for _, clause := range reAnd.Split(expr, -1) {
		var prop, val string
		var pred func(string, string) bool
		if m := reEq.FindStringSubmatch(clause); m != nil {
			prop, val, pred = m[1], strings.ReplaceAll(m[2], "''", "'"), strings.EqualFold
		} else if m := reStartswith.FindStringSubmatch(clause); m != nil {
			prop, val = m[1], strings.ReplaceAll(m[2], "''", "'")
			pred = func(have, want string) bool { return strings.HasPrefix(strings.ToLower(have), strings.ToLower(want)) }
		} else {
			return nil, unsupportedQuery("Invalid filter clause: " + clause)
		}
		if !slices.Contains(allowed, prop) {
			return nil, unsupportedQuery("Unsupported or invalid query filter clause specified for property '" + prop + "' of resource.")
		}
		f = append(f, func(item map[string]any) bool {
			have, _ := propPath(item, prop).(string)
			return pred(have, val)
		})
	}
	return f, nil
}

// propPath reads a property, following "/" into complex properties
// (customer/tenantId).
func propPath(item map[string]any, path string) any {
	var v any = item
	for _, k := range strings.Split(path, "/") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func (f filter) match(item map[string]any) bool {
	for _, p := range f {
		if !p(item) {
			return false
		}
	}
	return true
}

func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

func strs(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}
