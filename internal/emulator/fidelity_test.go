package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// The fidelity suite replays request/response examples taken from
// Microsoft's documentation (testdata/fidelity, one file per example, each
// citing its page) against the emulator over HTTPS, and compares the status,
// every documented property (present, same JSON type or null where unset),
// the headers and the values the page fixes. How to add an example:
// docs/guides/emulator-reference.md, "Fidelity suite".

// fidelityExample is one testdata/fidelity file.
type fidelityExample struct {
	Source  string `json:"source"`  // the documentation page
	Example string `json:"example"` // which example on the page
	// Auth is the credential the request carries: "graph" (the automation
	// identity's app-only Graph token), "graph-partner" (the partner admin's
	// delegated Graph token), "bc-partner" (the partner admin's delegated
	// Business Central token in Fabrikam), "bc-app" (the fixture app's
	// app-only Business Central token in Fabrikam) or "" (none).
	Auth    string `json:"auth"`
	Request struct {
		Method  string            `json:"method"`
		Path    string            `json:"path"`
		Headers map[string]string `json:"headers"`
		JSON    json.RawMessage   `json:"json"`
		Form    map[string]string `json:"form"`
		// Basic sends these form fields as HTTP Basic credentials
		// (RFC 6749 section 2.3.1): "client_id:client_secret".
		Basic string `json:"basic"`
	} `json:"request"`
	Response struct {
		Status int `json:"status"`
		// Headers: exact values, "*" for present, or "~regexp".
		Headers map[string]string `json:"headers"`
		// Body is the documented body as the page shows it: every property
		// must be present with the same JSON type (or null).
		Body json.RawMessage `json:"body"`
		// Fixed are values the page fixes, by dotted path ("value.0.id");
		// "*" means present and not null, "~regexp" matches a string.
		Fixed map[string]any `json:"fixed"`
		// Absent are paths that must not be in the answer ($select).
		Absent []string `json:"absent"`
		// Text is a regexp the raw body must match (text/plain answers).
		Text string `json:"text"`
	} `json:"response"`
	// Save keeps values of the answer for later examples: name -> path.
	Save map[string]string `json:"save"`
}

func TestFidelity(t *testing.T) {
	files, err := filepath.Glob("testdata/fidelity/*.json")
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string]bool{}
	var examples []fidelityExample
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var ex fidelityExample
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&ex); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !strings.HasPrefix(ex.Source, "https://learn.microsoft.com/") && !strings.HasPrefix(ex.Source, "https://www.rfc-editor.org/") {
			t.Fatalf("%s: source %q is not a documentation page", f, ex.Source)
		}
		u, _ := url.Parse(ex.Source)
		pages[u.Host+u.Path] = true
		examples = append(examples, ex)
	}
	if len(examples) < 40 {
		t.Fatalf("%d documented examples, want at least 40", len(examples))
	}
	t.Logf("%d examples from %d pages", len(examples), len(pages))

	s := newTestServer(t)
	fx := newFidelityFixture(t, s)
	for i, ex := range examples {
		name := strings.TrimSuffix(filepath.Base(files[i]), ".json")
		t.Run(name, func(t *testing.T) { fx.replay(t, ex) })
	}
}

// fidelityFixture holds the objects the examples address and the tokens
// they carry; examples read them as {{name}} in paths, bodies and values.
type fidelityFixture struct {
	s      *Server
	vars   map[string]string
	tokens map[string]string
}

func newFidelityFixture(t *testing.T, s *Server) *fidelityFixture {
	t.Helper()
	graphTok := automationToken(t, s)
	fx := &fidelityFixture{s: s, vars: map[string]string{
		"homeTenant": DefaultHomeTenantID, "homeDomain": DefaultHomeTenantDomain, "fabrikam": FabrikamTenantID,
		"automationClientId": DefaultAutomationClientID, "automationSecret": DefaultAutomationClientSecret,
		"graphAppId": store.GraphAppID, "url": s.URL(),
	}, tokens: map[string]string{"graph": graphTok}}

	// A multi-tenant app with a secret and a service principal, consented in
	// Fabrikam and authorized in its Business Central admin center.
	appObj, appID := newApp(t, s, map[string]any{"displayName": "Fidelity Connector", "signInAudience": "AzureADMultipleOrgs",
		"web": map[string]any{"redirectUris": []string{"https://fidelity.example.com/callback"}},
		"requiredResourceAccess": []map[string]any{{"resourceAppId": store.BCAppID, "resourceAccess": []map[string]any{
			{"id": bcRoleIDAdminCtr, "type": "Role"}}}}})
	sp := newServicePrincipal(t, s, appID)
	secret := call(t, s, "POST", "/v1.0/applications/"+appObj+"/addPassword", graphTok, map[string]any{}).Body["secretText"].(string)
	mustNil(t, s.Consent(FabrikamTenantID, appID, "admin@fabrikam.onmicrosoft.com"))
	graphSP := call(t, s, "GET", "/v1.0/servicePrincipals(appId='"+store.GraphAppID+"')", graphTok, nil).Body["id"].(string)
	fx.vars["app.id"], fx.vars["app.appId"], fx.vars["app.secret"], fx.vars["sp.id"], fx.vars["graphSP.id"] = appObj, appID, secret, sp, graphSP

	// The names the list examples filter, search and order on, and an app
	// in deleted items (deleted a minute before the examples delete theirs).
	newApp(t, s, map[string]any{"displayName": "a"})
	newApp(t, s, map[string]any{"displayName": "DotNetWeb-App"})
	purge, _ := newApp(t, s, map[string]any{"displayName": "Purge me"})
	if r := call(t, s, "DELETE", "/v1.0/applications/"+purge, graphTok, nil); r.Status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.Status, r.Raw)
	}
	fx.vars["purge.id"] = purge
	s.Advance(time.Minute)

	rt, err := s.IssueRefreshToken(DefaultPartnerAdminUPN, azureCLIClientID)
	mustNil(t, err)
	fx.vars["partnerRefreshToken"] = rt
	delegated := func(tenant, resource string) string {
		r := call(t, s, "POST", "/"+tenant+"/oauth2/v2.0/token", "", url.Values{"grant_type": {"refresh_token"},
			"client_id": {azureCLIClientID}, "refresh_token": {rt}, "scope": {resource + "/.default"}})
		if r.Status != http.StatusOK {
			t.Fatalf("delegated token: %d %s", r.Status, r.Raw)
		}
		return r.Body["access_token"].(string)
	}
	fx.tokens["graph-partner"] = delegated(DefaultHomeTenantID, store.GraphResource)
	fx.tokens["bc-partner"] = delegated(FabrikamTenantID, store.BCResource)
	authorize := call(t, s, "PUT", "/admin/v2.24/authorizedAadApps/"+appID, fx.tokens["bc-partner"], nil)
	if authorize.Status != http.StatusOK {
		t.Fatalf("authorize the fixture app: %d %s", authorize.Status, authorize.Raw)
	}
	fx.tokens["bc-app"] = appToken(t, s, FabrikamTenantID, appID, secret, store.BCResource)
	return fx
}

var placeholder = regexp.MustCompile(`\{\{([\w.]+)\}\}`)

func (fx *fidelityFixture) fill(t *testing.T, s string) string {
	t.Helper()
	return placeholder.ReplaceAllStringFunc(s, func(m string) string {
		v, ok := fx.vars[m[2:len(m)-2]]
		if !ok {
			t.Fatalf("no value for %s (set by the fixture or an earlier example's save)", m)
		}
		return v
	})
}

func (fx *fidelityFixture) replay(t *testing.T, ex fidelityExample) {
	t.Logf("%s (%s)", ex.Source, ex.Example)
	req := ex.Request
	var body io.Reader
	var contentType string
	switch {
	case len(req.JSON) > 0:
		body, contentType = strings.NewReader(fx.fill(t, string(req.JSON))), "application/json"
	case req.Form != nil:
		form := url.Values{}
		for k, v := range req.Form {
			form.Set(k, fx.fill(t, v))
		}
		body, contentType = strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"
	}
	path := strings.ReplaceAll(fx.fill(t, req.Path), " ", "%20")
	path = strings.ReplaceAll(path, `"`, "%22")
	hr, err := http.NewRequest(req.Method, fx.s.URL()+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		hr.Header.Set("Content-Type", contentType)
	}
	if ex.Auth != "" {
		tok, ok := fx.tokens[ex.Auth]
		if !ok {
			t.Fatalf("unknown auth %q", ex.Auth)
		}
		hr.Header.Set("Authorization", "Bearer "+tok)
	}
	if req.Basic != "" {
		id, secret, _ := strings.Cut(fx.fill(t, req.Basic), ":")
		hr.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret))
	}
	for k, v := range req.Headers {
		hr.Header.Set(k, fx.fill(t, v))
	}
	resp, err := fx.s.HTTPClient().Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)

	want := ex.Response
	if resp.StatusCode != want.Status {
		t.Fatalf("status %d, documented %d: %s", resp.StatusCode, want.Status, raw)
	}
	for k, v := range want.Headers {
		if got := resp.Header.Get(k); !matchValue(fx.fill(t, v), got, got != "") {
			t.Errorf("header %s = %q, documented %q", k, got, v)
		}
	}
	if want.Text != "" && !regexp.MustCompile(want.Text).Match(raw) {
		t.Errorf("body %q does not match %q", raw, want.Text)
	}
	var got any
	if len(want.Body) > 0 || len(want.Fixed) > 0 || len(ex.Save) > 0 {
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("not JSON: %v: %s", err, raw)
		}
	}
	if len(want.Body) > 0 {
		var doc any
		if err := json.Unmarshal(want.Body, &doc); err != nil {
			t.Fatalf("documented body: %v", err)
		}
		for _, p := range compareShape("", doc, got) {
			t.Error(p)
		}
	}
	for path, v := range want.Fixed {
		g, present := lookup(got, path)
		if ws, ok := v.(string); ok {
			if !matchValue(fx.fill(t, ws), g, present) {
				t.Errorf("%s = %#v, documented %q", path, g, ws)
			}
			continue
		}
		if !present || fmt.Sprint(g) != fmt.Sprint(v) {
			t.Errorf("%s = %#v (present %v), documented %#v", path, g, present, v)
		}
	}
	for _, path := range want.Absent {
		if _, present := lookup(got, path); present {
			t.Errorf("%s is in the answer; the documented answer leaves it out", path)
		}
	}
	for name, path := range ex.Save {
		g, _ := lookup(got, path)
		sv, ok := g.(string)
		if !ok {
			t.Fatalf("save %s: %s is %#v", name, path, g)
		}
		fx.vars[name] = sv
	}
	if t.Failed() {
		t.Logf("answer: %s", raw)
	}
}

// matchValue compares a documented string value: "*" is present and not
// null, "~re" a regexp, anything else equality.
func matchValue(want string, got any, present bool) bool {
	switch {
	case want == "*":
		return present && got != nil
	case strings.HasPrefix(want, "~"):
		s, ok := got.(string)
		return ok && regexp.MustCompile(want[1:]).MatchString(s)
	default:
		s, ok := got.(string)
		return ok && s == want
	}
}

// compareShape lists how got departs from the documented value doc: a
// documented property missing, or of another JSON type. A documented null
// fixes no type; an answered null stands for "unset". Arrays compare their
// first elements when both have one.
func compareShape(path string, doc, got any) []string {
	if doc == nil || got == nil {
		return nil
	}
	if jsonType(doc) != jsonType(got) {
		return []string{fmt.Sprintf("%s: %s, documented %s", orRoot(path), jsonType(got), jsonType(doc))}
	}
	var problems []string
	switch d := doc.(type) {
	case map[string]any:
		g := got.(map[string]any)
		keys := make([]string, 0, len(d))
		for k := range d {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			gv, ok := g[k]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: missing (documented %s)", join(path, k), jsonType(d[k])))
				continue
			}
			problems = append(problems, compareShape(join(path, k), d[k], gv)...)
		}
	case []any:
		g := got.([]any)
		if len(d) > 0 && len(g) > 0 {
			problems = append(problems, compareShape(path+".0", d[0], g[0])...)
		}
	}
	return problems
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64:
		return "number"
	case []any:
		return "array"
	default:
		return "object"
	}
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func orRoot(path string) string {
	if path == "" {
		return "(body)"
	}
	return path
}

// lookup walks a dotted path ("error.innerError.date", "value.0.id");
// property names may contain dots ("@odata.context"), so the longest
// matching key wins.
func lookup(v any, path string) (any, bool) {
	if path == "" {
		return v, true
	}
	switch m := v.(type) {
	case map[string]any:
		parts := strings.Split(path, ".")
		for n := len(parts); n > 0; n-- {
			k := strings.Join(parts[:n], ".")
			if sub, ok := m[k]; ok {
				return lookup(sub, strings.Join(parts[n:], "."))
			}
		}
	case []any:
		head, rest, _ := strings.Cut(path, ".")
		var i int
		if _, err := fmt.Sscanf(head, "%d", &i); err == nil && i >= 0 && i < len(m) {
			return lookup(m[i], rest)
		}
	}
	return nil, false
}
