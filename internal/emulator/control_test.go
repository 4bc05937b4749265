package emulator

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// Consent wraps its not-found errors ("app …: not found"); through the
// control API they are 404s, and through Go they match store.ErrNotFound.
// The same missing object through Graph is Graph's 404.
func TestWrappedNotFoundIs404(t *testing.T) {
	s := newTestServer(t)
	const missing = "11111111-2222-4333-8444-555555555555"
	err := s.Consent(FabrikamTenantID, missing, "")
	if !errors.Is(err, store.ErrNotFound) || !errors.Is(err, ErrBCNotFound) || !strings.Contains(err.Error(), missing) {
		t.Fatalf("Consent(unknown app) = %v", err)
	}
	r := call(t, s, "POST", "/_emulator/tenants/"+FabrikamTenantID+"/consent", "", map[string]string{"clientId": missing})
	if r.Status != http.StatusNotFound || !strings.Contains(r.Body["error"].(string), missing) {
		t.Fatalf("control consent(unknown app) = %d %s", r.Status, r.Raw)
	}
	r = call(t, s, "POST", "/_emulator/tenants/nosuch.onmicrosoft.com/revoke", "", map[string]string{"clientId": missing})
	if r.Status != http.StatusNotFound {
		t.Fatalf("control revoke(unknown tenant) = %d %s", r.Status, r.Raw)
	}
	r = call(t, s, "GET", "/v1.0/applications(appId='"+missing+"')", automationToken(t, s), nil)
	if r.Status != http.StatusNotFound || field(r.Body, "error.code") != "Request_ResourceNotFound" ||
		field(r.Body, "error.message") != "Resource 'appId='"+missing+"'' does not exist or one of its queried reference-property objects are not present." {
		t.Fatalf("graph get(unknown app) = %d %s", r.Status, r.Raw)
	}
}
