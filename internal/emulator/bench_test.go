package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// BenchmarkTokenAndGraph measures the emulator with 1,000 customer tenants
// loaded: each operation is a client-credentials token request in one tenant
// followed by a Graph call with that token. It reports requests per second.
//
//	go test ./internal/emulator -run '^$' -bench TokenAndGraph -benchtime 3s
func BenchmarkTokenAndGraph(b *testing.B) {
	s := newTestServer(b)
	_, appID, secret := benchApp(b, s)
	tenants := make([]string, 1000)
	for i := range tenants {
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		if err := s.SeedTenant(TenantSeed{ID: id, DisplayName: fmt.Sprint("customer ", i), Domains: []string{fmt.Sprintf("customer%d.onmicrosoft.com", i)},
			Users: []UserSeed{{UPN: fmt.Sprintf("admin@customer%d.onmicrosoft.com", i), Roles: []string{"Global Administrator"}}}}); err != nil {
			b.Fatal(err)
		}
		if err := s.Consent(id, appID, ""); err != nil {
			b.Fatal(err)
		}
		tenants[i] = id
	}
	hc := s.HTTPClient()
	var n, requests atomic.Int64
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			tenant := tenants[n.Add(1)%int64(len(tenants))]
			resp, err := hc.PostForm(s.URL()+"/"+tenant+"/oauth2/v2.0/token", url.Values{"grant_type": {"client_credentials"},
				"client_id": {appID}, "client_secret": {secret}, "scope": {store.GraphResource + "/.default"}})
			if err != nil {
				b.Fatal(err)
			}
			var tok struct {
				AccessToken string `json:"access_token"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&tok)
			resp.Body.Close()
			req, _ := http.NewRequest("GET", s.URL()+"/v1.0/organization", nil)
			req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
			resp, err = hc.Do(req)
			if err != nil || resp.StatusCode != 200 {
				b.Fatalf("graph: %v %v", err, resp)
			}
			resp.Body.Close()
			requests.Add(2)
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(requests.Load())/time.Since(start).Seconds(), "requests/s")
}

func benchApp(b *testing.B, s *Server) (id, appID, secret string) {
	tok := automationToken(b, s)
	r := call(b, s, "POST", "/v1.0/applications", tok, map[string]any{"displayName": "bench", "signInAudience": "AzureADMultipleOrgs",
		"requiredResourceAccess": []map[string]any{{"resourceAppId": store.GraphAppID, "resourceAccess": []map[string]any{{"id": "498476ce-e0fe-48b0-b801-37ba7e2685c6", "type": "Role"}}}}})
	id, appID = r.Body["id"].(string), r.Body["appId"].(string)
	call(b, s, "POST", "/v1.0/servicePrincipals", tok, map[string]any{"appId": appID})
	secret = call(b, s, "POST", "/v1.0/applications/"+id+"/addPassword", tok, map[string]any{}).Body["secretText"].(string)
	if !strings.Contains(secret, "~") {
		b.Fatalf("secret %q", secret)
	}
	return id, appID, secret
}
