package route

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

func TestRouter(t *testing.T) {
	hit := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Route", name)
			w.Header().Set("X-Values", r.PathValue("ref")+"|"+r.PathValue("company")+"|"+r.PathValue("rest"))
		})
	}
	rt := New([]Route{
		{Method: "GET", Pattern: "/v1.0/tenantRelationships/{fn}", Handler: hit("fn")},
		{Method: "GET", Pattern: "/v1.0/tenantRelationships/delegatedAdminCustomers", Handler: hit("customers")},
		{Method: "GET", Pattern: "/v1.0/applications/{ref}", Handler: hit("get")},
		{Method: "PATCH", Pattern: "/v1.0/applications/{ref}", Handler: hit("patch")},
		{Method: "GET", Pattern: "/v1.0/users/$count", Handler: hit("count")},
		{Method: "GET", Pattern: "/api/companies({company})/users", Handler: hit("users")},
		{Method: "", Pattern: "/files/{rest...}", Handler: hit("files")},
	})
	rt.MethodNotAllowed = func(w http.ResponseWriter, _ *http.Request, allow []string) {
		w.Header()["Allow"] = allow
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
	for _, c := range []struct {
		method, path  string
		status        int
		route, values string
		allow         []string
	}{
		// The more literal pattern wins, wherever it is in the table.
		{"GET", "/v1.0/tenantRelationships/delegatedAdminCustomers", 200, "customers", "||", nil},
		{"GET", "/v1.0/tenantRelationships/findTenantInformationByTenantId(tenantId='x')", 200, "fn", "||", nil},
		{"GET", "/v1.0/applications/(appId='abc')", 200, "get", "(appId='abc')||", nil},
		{"PATCH", "/v1.0/applications/123", 200, "patch", "123||", nil},
		{"GET", "/v1.0/users/$count", 200, "count", "||", nil},
		{"GET", "/api/companies(c1)/users", 200, "users", "|c1|", nil},
		{"DELETE", "/files/a/b/c", 200, "files", "||a/b/c", nil},
		// A path that matches with other methods is 405 with Allow.
		{"DELETE", "/v1.0/applications/123", 405, "", "", []string{"GET", "PATCH"}},
		// An empty wildcard, a wrong prefix or an extra segment matches nothing.
		{"GET", "/api/companies()/users", 404, "", "", nil},
		{"GET", "/api/company(c1)/users", 404, "", "", nil},
		{"GET", "/v1.0/applications/123/owners", 404, "", "", nil},
	} {
		w := httptest.NewRecorder()
		rt.ServeHTTP(w, httptest.NewRequest(c.method, c.path, nil))
		if w.Code != c.status || w.Header().Get("X-Route") != c.route || (c.route != "" && w.Header().Get("X-Values") != c.values) ||
			!slices.Equal(w.Header()["Allow"], c.allow) {
			t.Errorf("%s %s = %d route %q values %q allow %v; want %d %q %q %v", c.method, c.path, w.Code,
				w.Header().Get("X-Route"), w.Header().Get("X-Values"), w.Header()["Allow"], c.status, c.route, c.values, c.allow)
		}
	}
}
