package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// graphRoutes registers Microsoft Graph v1.0.
func (s *Server) graphRoutes(mux *http.ServeMux) {
	s.graphApplicationRoutes(mux)
	s.graphServicePrincipalRoutes(mux)
	s.graphOwnerRoutes(mux)
	mux.HandleFunc("GET /v1.0/organization", s.graph(orgRead, s.organization))
	mux.HandleFunc("GET /v1.0/tenantRelationships/delegatedAdminCustomers", s.graph(gdapRead, s.delegatedAdminCustomers))
	mux.HandleFunc("GET /v1.0/tenantRelationships/delegatedAdminRelationships", s.graph(gdapRead, s.delegatedAdminRelationships))
	mux.HandleFunc("GET /v1.0/tenantRelationships/{fn}", s.graph(crossTenant, s.findTenantInformation))
	mux.HandleFunc("GET /v1.0/users/$count", s.graph(usersRead, s.count("users")))
	mux.HandleFunc("GET /v1.0/groups/$count", s.graph(groupsRead, s.count("groups")))
	mux.HandleFunc("GET /v1.0/devices/$count", s.graph(devicesRead, s.count("devices")))
	mux.HandleFunc("GET /v1.0/users", s.graph(usersRead, s.inventoryList("users")))
	mux.HandleFunc("GET /v1.0/groups", s.graph(groupsRead, s.inventoryList("groups")))
	mux.HandleFunc("GET /v1.0/devices", s.graph(devicesRead, s.inventoryList("devices")))
	mux.HandleFunc("GET /v1.0/subscribedSkus", s.graph(skusRead, s.subscribedSkus))
	mux.HandleFunc("POST /v1.0/$batch", s.batch)
	mux.HandleFunc("/v1.0/", func(w http.ResponseWriter, r *http.Request) {
		// A known path with another method is Graph's 405; an unknown path
		// is its 400 naming the segment.
		for _, m := range []string{"GET", "POST", "PATCH", "PUT", "DELETE"} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); m != r.Method && pattern != "/v1.0/" {
				s.graphErr(w, r, http.StatusMethodNotAllowed, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.")
				return
			}
		}
		s.graphErr(w, r, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+strings.SplitN(strings.TrimPrefix(r.URL.Path, "/v1.0/"), "/", 2)[0]+"'.")
	})
}

// Alternate keys are addressed as /applications(appId='…'); the mux needs a
// path segment for them.
var altKey = regexp.MustCompile(`^/v1\.0/(applications|servicePrincipals)\(`)

func normaliseGraphPath(r *http.Request) {
	if altKey.MatchString(r.URL.Path) {
		i := strings.Index(r.URL.Path, "(")
		r.URL.Path = r.URL.Path[:i] + "/" + r.URL.Path[i:]
		r.URL.RawPath = ""
	}
}

func (s *Server) organization(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	s.store.mu.RLock()
	domains := []map[string]any{}
	for _, d := range t.Domains {
		domains = append(domains, map[string]any{"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": d.IsDefault, "isInitial": d.IsInitial, "name": d.Name, "type": "Managed"})
	}
	org := map[string]any{"id": t.ID, "displayName": t.DisplayName, "tenantType": t.TenantType, "countryLetterCode": t.CountryLetterCode,
		"createdDateTime": ts(t.CreatedDateTime), "verifiedDomains": domains}
	s.store.mu.RUnlock()
	s.graphOK(w, r, http.StatusOK, map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#organization", "value": selectFields(r, []map[string]any{org})})
}

var reTenantFn = regexp.MustCompile(`^findTenantInformationBy(DomainName|TenantId)\((domainName|tenantId)='([^']*)'\)$`)

func (s *Server) findTenantInformation(w http.ResponseWriter, r *http.Request, p *principal, _ *tenant) {
	m := reTenantFn.FindStringSubmatch(r.PathValue("fn"))
	if m == nil {
		s.graphErr(w, r, http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+r.PathValue("fn")+"'.")
		return
	}
	s.store.mu.RLock()
	t := s.store.tenantByRef(m[3])
	var out map[string]any
	// A deleted tenant is no longer discoverable.
	if t != nil && !t.Deleted && (m[1] == "TenantId") == (strings.EqualFold(t.ID, m[3])) {
		out = map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.tenantInformation",
			"tenantId": t.ID, "federationBrandName": nil, "displayName": t.DisplayName, "defaultDomainName": t.defaultDomain()}
	}
	s.store.mu.RUnlock()
	if out == nil {
		s.notFound(w, r, m[3])
		return
	}
	s.graphOK(w, r, http.StatusOK, out)
}

func (s *Server) delegatedAdminCustomers(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	s.store.mu.RLock()
	seen := map[string]bool{}
	var items []map[string]any
	for _, rel := range t.Relationships {
		if seen[rel.CustomerTenantID] {
			continue
		}
		seen[rel.CustomerTenantID] = true
		items = append(items, map[string]any{"@odata.type": "#microsoft.graph.delegatedAdminCustomer", "id": rel.CustomerTenantID,
			"tenantId": rel.CustomerTenantID, "displayName": rel.CustomerName})
	}
	s.store.mu.RUnlock()
	if !gdapTopOK(w, r, s) {
		return
	}
	body, msg := s.page(r, "delegatedAdminCustomers", items)
	if msg != "" {
		s.badRequest(w, r, msg)
		return
	}
	s.graphOK(w, r, http.StatusOK, body)
}

func (s *Server) delegatedAdminRelationships(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	now := s.now()
	s.store.mu.RLock()
	var items []map[string]any
	for _, rel := range t.Relationships {
		status := rel.Status
		if status == "active" && now.After(rel.EndDateTime) {
			status = "expired"
		}
		roles := []map[string]string{}
		for _, id := range rel.Roles {
			roles = append(roles, map[string]string{"roleDefinitionId": id})
		}
		items = append(items, map[string]any{"@odata.type": "#microsoft.graph.delegatedAdminRelationship", "id": rel.ID, "displayName": rel.DisplayName,
			"duration": rel.Duration, "customer": map[string]any{"tenantId": rel.CustomerTenantID, "displayName": rel.CustomerName},
			"accessDetails": map[string]any{"unifiedRoles": roles}, "status": status, "autoExtendDuration": "PT0S",
			"createdDateTime": ts(rel.CreatedDateTime), "lastModifiedDateTime": ts(rel.CreatedDateTime), "activatedDateTime": ts(rel.ActivatedTime), "endDateTime": ts(rel.EndDateTime)})
	}
	s.store.mu.RUnlock()
	f, msg := parseFilter(r.URL.Query().Get("$filter"), "status", "customer/tenantId", "displayName")
	if msg != "" {
		s.graphErr(w, r, http.StatusBadRequest, "Request_UnsupportedQuery", msg)
		return
	}
	items = slices.DeleteFunc(items, func(m map[string]any) bool { return !f.match(m) })
	if !gdapTopOK(w, r, s) {
		return
	}
	body, msg := s.page(r, "delegatedAdminRelationships", items)
	if msg != "" {
		s.badRequest(w, r, msg)
		return
	}
	s.graphOK(w, r, http.StatusOK, body)
}

// gdapTopOK enforces the GDAP lists' smaller page: "$top … maximum 300"
// (delegatedadminrelationship-list.md), not the directory's 999.
func gdapTopOK(w http.ResponseWriter, r *http.Request, s *Server) bool {
	if v := r.URL.Query().Get("$top"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 300 {
			s.badRequest(w, r, "Invalid page size specified: '"+v+"'. Must be between 1 and 300 inclusive.")
			return false
		}
	}
	return true
}

// count answers /{collection}/$count: a text/plain number, and only as an
// advanced query (ConsistencyLevel: eventual), as Graph requires.
func (s *Server) count(kind string) graphHandler {
	return func(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
		if !strings.EqualFold(r.Header.Get("ConsistencyLevel"), "eventual") {
			s.graphErr(w, r, http.StatusBadRequest, "Request_BadRequest", "$count is not currently supported without the ConsistencyLevel header set to eventual.")
			return
		}
		s.store.mu.RLock()
		n := inventoryTotal(t, kind)
		s.store.mu.RUnlock()
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("request-id", newGUID())
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, strconv.Itoa(n))
	}
}

func (s *Server) subscribedSkus(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	s.store.mu.RLock()
	n := t.Counts.SubscribedSkus
	users := t.Counts.Users
	s.store.mu.RUnlock()
	var items []map[string]any
	for i := 0; i < n; i++ {
		sku := wellKnownSkus[i%len(wellKnownSkus)]
		skuID := sku[1]
		if i >= len(wellKnownSkus) {
			// More SKUs than the well-known list: still GUIDs, still unique.
			skuID = stableGUID(t.ID + "/sku/" + strconv.Itoa(i))
		}
		// Graph's subscribedSku id is "{tenantId}_{skuId}".
		items = append(items, map[string]any{"id": t.ID + "_" + skuID, "skuPartNumber": sku[0], "skuId": skuID, "accountId": t.ID, "accountName": t.DisplayName,
			"capabilityStatus": "Enabled", "appliesTo": "User", "consumedUnits": users / max(n, 1),
			"prepaidUnits": map[string]int{"enabled": users, "suspended": 0, "warning": 0}})
	}
	body, _ := s.page(r, "subscribedSkus", items)
	s.graphOK(w, r, http.StatusOK, body)
}

// wellKnownSkus are real skuPartNumber/skuId pairs from Microsoft's
// "Product names and service plan identifiers for licensing" list.
var wellKnownSkus = [][2]string{
	{"SPE_E3", "05e9a617-0261-4cee-bb44-138d3ef5d965"},
	{"SPE_E5", "06ebc4ee-1bb5-47dd-8120-11324bc54e06"},
	{"O365_BUSINESS_PREMIUM", "f245ecc8-75af-4f8e-b61f-27d8114de5f3"},
	{"EMS", "efccb6f7-5641-4e0e-bd10-b4976e1bf68e"},
	{"FLOW_FREE", "f30db892-07e9-47e9-837c-80727f46fd3d"},
	{"POWER_BI_STANDARD", "a403ebcc-fae0-4ca2-8c8c-7a907fd6c235"},
	{"DYN365_BUSCENTRAL_ESSENTIAL", "2880026b-2b0c-4251-8656-5d41ff11e3aa"},
}

// batch runs JSON batch requests (concepts/json-batching.md): at most 20,
// unique ids, dependsOn honoured (424 when a dependency failed).
func (s *Server) batch(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Requests []struct {
			ID        string            `json:"id"`
			Method    string            `json:"method"`
			URL       string            `json:"url"`
			Headers   map[string]string `json:"headers"`
			Body      json.RawMessage   `json:"body"`
			DependsOn []string          `json:"dependsOn"`
		} `json:"requests"`
	}
	// The batch itself needs a valid Graph token; permissions are checked
	// per inner request.
	if _, aerr := s.authenticate(r, graphResource); aerr != nil {
		s.graphErr(w, r, aerr.Status, aerr.Code, aerr.Message)
		return
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		s.badRequest(w, r, "Invalid batch payload format.")
		return
	}
	if len(body.Requests) > 20 {
		s.graphErr(w, r, http.StatusBadRequest, "BadRequest", "Unable to deserialize content.: The number of requests in a batch exceeds the limit of 20.")
		return
	}
	seen := map[string]bool{}
	for _, q := range body.Requests {
		if seen[q.ID] || q.ID == "" {
			s.graphErr(w, r, http.StatusBadRequest, "BadRequest", "Batch request ids must be unique and non-empty.")
			return
		}
		seen[q.ID] = true
		// json-batching.md: "If a body is included with the request, the
		// headers object must contain a value for Content-Type."
		if len(q.Body) > 0 && string(q.Body) != "null" && contentType(q.Headers) == "" {
			s.graphErr(w, r, http.StatusBadRequest, "BadRequest", "Write request id : "+q.ID+" does not contain Content-Type header or body.")
			return
		}
		if strings.HasPrefix(strings.ToLower(q.URL), "http") {
			// Batched URLs are relative to the version ("/users/…").
			s.graphErr(w, r, http.StatusBadRequest, "BadRequest", "Invalid request URL '"+q.URL+"'. Batch request URLs must be relative.")
			return
		}
	}
	status := map[string]int{}
	var responses []map[string]any
	for _, q := range body.Requests {
		failed := false
		for _, d := range q.DependsOn {
			if st, ok := status[d]; !ok || st >= 400 {
				failed = true
			}
		}
		if failed {
			status[q.ID] = http.StatusFailedDependency
			responses = append(responses, map[string]any{"id": q.ID, "status": http.StatusFailedDependency,
				"body": map[string]any{"error": map[string]any{"code": "BadRequest", "message": "Failed dependency"}}})
			continue
		}
		path := "/v1.0/" + strings.TrimPrefix(q.URL, "/")
		inner, err := http.NewRequestWithContext(r.Context(), strings.ToUpper(q.Method), s.url+path, bytes.NewReader(q.Body))
		if err != nil {
			status[q.ID] = http.StatusBadRequest
			responses = append(responses, map[string]any{"id": q.ID, "status": http.StatusBadRequest})
			continue
		}
		inner.Header.Set("Authorization", r.Header.Get("Authorization"))
		for k, v := range q.Headers {
			inner.Header.Set(k, v)
		}
		normaliseGraphPath(inner)
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		if !s.faults.apply(rec, inner, "graph", s.clock) {
			s.graphMux.ServeHTTP(rec, inner)
		}
		status[q.ID] = rec.status
		resp := map[string]any{"id": q.ID, "status": rec.status, "headers": flatten(rec.header)}
		if rec.body.Len() > 0 {
			var v any
			if json.Unmarshal(rec.body.Bytes(), &v) == nil {
				resp["body"] = v
			} else {
				resp["body"] = rec.body.String()
			}
		}
		responses = append(responses, resp)
	}
	s.graphOK(w, r, http.StatusOK, map[string]any{"responses": responses})
}

func contentType(h map[string]string) string {
	for k, v := range h {
		if strings.EqualFold(k, "Content-Type") {
			return v
		}
	}
	return ""
}

type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(code int)        { r.status = code }

func flatten(h http.Header) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		out[k] = strings.Join(v, ",")
	}
	return out
}
