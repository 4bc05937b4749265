package graph

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/route"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// OData query options on directory collections, as
// https://learn.microsoft.com/en-us/graph/query-parameters and
// https://learn.microsoft.com/en-us/graph/aad-advanced-queries document
// them: $select (and its @odata.context form), $orderby and $search (with
// the advanced-query rules), /$count. Options the emulator does not play
// fail as Graph fails; none is ignored.

const metadata = "https://graph.microsoft.com/v1.0/$metadata#"

// systemOptions are the option names the emulator plays, by lower case.
var systemOptions = map[string]string{
	"$select": "$select", "$filter": "$filter", "$top": "$top", "$skiptoken": "$skiptoken",
	"$count": "$count", "$orderby": "$orderby", "$search": "$search",
}

// NormaliseQuery spells system query options the one way handlers read
// them: Graph takes "$orderBy" and "$orderby" alike (the deleted items page
// uses the first).
func NormaliseQuery(r *http.Request) {
	q := r.URL.Query()
	changed := false
	for k, v := range q {
		if canon, ok := systemOptions[strings.ToLower(k)]; ok && canon != k {
			delete(q, k)
			q[canon] = append(q[canon], v...)
			changed = true
		}
	}
	if changed {
		r.URL.RawQuery = q.Encode()
	}
}

// unsupportedOption refuses a system query option the emulator does not
// play ($skip is "not supported by the service" on directory objects;
// $expand, $format and the rest are refused the same way rather than
// answered as if they were absent).
func unsupportedOption(r *http.Request) error {
	for k := range r.URL.Query() {
		if strings.HasPrefix(k, "$") {
			if _, ok := systemOptions[strings.ToLower(k)]; !ok {
				return badRequest("'" + k + "' is not supported by the service.")
			}
		}
	}
	return nil
}

func eventual(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("ConsistencyLevel"), "eventual")
}

// advanced reports whether r is an advanced query: ConsistencyLevel:
// eventual and $count=true.
func advanced(r *http.Request) bool {
	return eventual(r) && strings.EqualFold(r.URL.Query().Get("$count"), "true")
}

// shape applies $search and $orderby to a collection, in that order, before
// it is counted and paged. Only displayName is searchable and sortable here
// (with deletedDateTime on deleted items), as on the directory objects the
// emulator serves.
func shape(r *http.Request, items []map[string]any, orderable ...string) ([]map[string]any, error) {
	q := r.URL.Query()
	if err := unsupportedOption(r); err != nil {
		return nil, err
	}
	if s := q.Get("$search"); s != "" {
		if !eventual(r) {
			return nil, unsupportedQuery("Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'")
		}
		prop, term, ok := strings.Cut(strings.Trim(s, `"`), ":")
		if !ok || prop != "displayName" {
			return nil, unsupportedQuery("Unsupported or invalid search query '" + s + "'.")
		}
		term = strings.ToLower(term)
		items = slices.DeleteFunc(items, func(it map[string]any) bool {
			v, _ := it[prop].(string)
			return !strings.Contains(strings.ToLower(v), term)
		})
	}
	if o := strings.TrimSpace(q.Get("$orderby")); o != "" {
		prop, dir, _ := strings.Cut(o, " ")
		dir = strings.ToLower(strings.TrimSpace(dir))
		switch {
		case !slices.Contains(append([]string{"displayName"}, orderable...), prop) || (dir != "" && dir != "asc" && dir != "desc"):
			return nil, unsupportedQuery("Sorting not supported for current query.")
		case (q.Get("$filter") != "" || prop != "displayName") && !advanced(r):
			// $orderby with $filter, and on anything but displayName, are
			// advanced queries.
			return nil, unsupportedQuery("Sorting not supported for current query.")
		}
		sortByCreated(items)
		slices.SortStableFunc(items, func(a, b map[string]any) int {
			va, _ := a[prop].(string)
			vb, _ := b[prop].(string)
			c := strings.Compare(strings.ToLower(va), strings.ToLower(vb))
			if dir == "desc" {
				return -c
			}
			return c
		})
	}
	return items, nil
}

// selected is the $select list spelled as the entity spells its properties
// (Graph matches them case-insensitively and answers its own spelling).
func selected(r *http.Request, sample map[string]any) []string {
	sel := r.URL.Query().Get("$select")
	if sel == "" {
		return nil
	}
	var out []string
	for _, k := range strings.Split(sel, ",") {
		k = strings.TrimSpace(k)
		for have := range sample {
			if strings.EqualFold(have, k) {
				k = have
				break
			}
		}
		out = append(out, k)
	}
	return out
}

// contextURL is the @odata.context of a collection (or, with entity, of
// one of its members): $metadata#set, with the $select list in parentheses
// when the caller selected properties.
func contextURL(r *http.Request, set string, sample map[string]any, entity bool) string {
	c := metadata + set
	if sel := selected(r, sample); sel != nil {
		c += "(" + strings.Join(sel, ",") + ")"
	}
	if entity {
		c += "/$entity"
	}
	return c
}

// entity answers one object: its $select-ed properties and @odata.context.
func entity(r *http.Request, set string, item map[string]any) *route.Response {
	out := selectOne(r, item)
	out["@odata.context"] = contextURL(r, set, item, true)
	return route.JSON(http.StatusOK, out)
}

// collectionCount answers /{collection}/$count as text/plain: an advanced
// query, refused without ConsistencyLevel: eventual with the message
// aad-advanced-queries documents.
func (s *Service) collectionCount(n func(r *request, tx *store.Tx) int) handler {
	return func(r *request) (*route.Response, error) {
		if !eventual(r.Request) {
			return nil, badRequest("$count is not currently supported.")
		}
		var c int
		_ = s.store.View(func(tx *store.Tx) error { c = n(r, tx); return nil })
		resp := &route.Response{Status: http.StatusOK, Raw: []byte(strconv.Itoa(c))}
		return resp.With("Content-Type", "text/plain"), nil
	}
}

// location is the Location header of a created directory object, as Graph
// writes it: the object under directoryObjects with its type.
func (s *Service) location(id, typ string) string {
	return s.url + "/v1.0/directoryObjects/" + url.PathEscape(id) + "/Microsoft.DirectoryServices." + typ
}

// odataQuery encodes a query as Graph writes it in @odata.nextLink: system
// options keep their "$" ("?$top=1&$skiptoken=…", paging.md).
func odataQuery(q url.Values) string {
	return strings.ReplaceAll(q.Encode(), "%24", "$")
}
