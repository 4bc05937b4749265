package graph

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/route"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// Inventory collections (GET /users, /groups, /devices) for sync. A tenant
// holds only counts, so the listed objects beyond the seeded users are
// synthesised on the fly, page by page, with stable GUIDs: a sync that asks
// for `?$count=true&$top=1` gets the real @odata.count without the emulator
// materialising 10,000 users.

func (s *Service) inventoryList(kind string) handler {
	return func(r *request) (*route.Response, error) {
		q := r.URL.Query()
		if q.Get("$filter") != "" {
			// Only counting and paging are modelled; refuse loudly rather
			// than answer an unfiltered list to a filtered question.
			return nil, unsupportedQuery("Unsupported or invalid query filter clause specified for property of resource '" + kind + "'.")
		}
		if err := advancedQueryOK(r.Request); err != nil {
			return nil, err
		}
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
			n, err2 := strconv.Atoi(strings.TrimPrefix(string(b), "skip:"))
			if err != nil || err2 != nil || n < 0 {
				return nil, badRequest("Invalid $skiptoken.")
			}
			skip = n
		}

		var total, end int
		items := []map[string]any{}
		_ = s.store.View(func(tx *store.Tx) error {
			t := r.tenant(tx)
			total = inventoryTotal(t, kind)
			end = min(skip+top, total)
			for i := skip; i < end; i++ {
				items = append(items, inventoryItem(t, kind, i))
			}
			return nil
		})

		body := map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#" + kind, "value": selectFields(r.Request, items)}
		if strings.EqualFold(q.Get("$count"), "true") {
			body["@odata.count"] = total
		}
		if end < total {
			next := url.Values{}
			for k, v := range q {
				next[k] = v
			}
			next.Set("$skiptoken", base64.RawURLEncoding.EncodeToString([]byte("skip:"+strconv.Itoa(end))))
			body["@odata.nextLink"] = s.url + r.URL.Path + "?" + odataQuery(next)
		}
		return route.JSON(http.StatusOK, body), nil
	}
}

// inventoryTotal is the same number /{kind}/$count answers; seeded users
// are part of it (a tenant never has fewer users than can sign in).
func inventoryTotal(t *store.Tenant, kind string) int {
	switch kind {
	case "users":
		return max(t.Counts.Users, len(t.Users))
	case "groups":
		return t.Counts.Groups
	default:
		return t.Counts.Devices
	}
}

func inventoryItem(t *store.Tenant, kind string, i int) map[string]any {
	if kind == "users" && i < len(t.Users) {
		u := t.Users[i]
		return map[string]any{"id": u.ID, "displayName": u.DisplayName, "userPrincipalName": u.UPN, "mail": u.UPN,
			"businessPhones": []string{}, "givenName": nil, "surname": nil, "jobTitle": nil, "mobilePhone": nil, "officeLocation": nil, "preferredLanguage": nil}
	}
	id := stableGUID(t.ID + "/" + kind + "/" + strconv.Itoa(i))
	n := strconv.Itoa(i + 1)
	switch kind {
	case "users":
		upn := "user" + n + "@" + t.DefaultDomain()
		return map[string]any{"id": id, "displayName": "User " + n, "userPrincipalName": upn, "mail": upn,
			"businessPhones": []string{}, "givenName": nil, "surname": nil, "jobTitle": nil, "mobilePhone": nil, "officeLocation": nil, "preferredLanguage": nil}
	case "groups":
		return map[string]any{"id": id, "displayName": "Group " + n, "mailEnabled": false, "securityEnabled": true, "groupTypes": []string{}, "mailNickname": "group" + n}
	default:
		return map[string]any{"id": id, "displayName": "DEVICE-" + n, "deviceId": stableGUID(id), "accountEnabled": true, "operatingSystem": "Windows"}
	}
}

// stableGUID derives a GUID-shaped id from a seed, so synthesised objects
// keep their ids across pages and calls.
func stableGUID(seed string) string {
	h := sha1.Sum([]byte(seed))
	h[6] = h[6]&0x0f | 0x50 // version 5 (name-based, SHA-1)
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// advancedQueryOK refuses $count=true on a directory object collection
// without ConsistencyLevel: eventual, as Graph does (advanced queries).
func advancedQueryOK(r *http.Request) error {
	if strings.EqualFold(r.URL.Query().Get("$count"), "true") && !strings.EqualFold(r.Header.Get("ConsistencyLevel"), "eventual") {
		return badRequest("$count is not currently supported.")
	}
	return nil
}
