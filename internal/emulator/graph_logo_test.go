package emulator

import (
	"net/http"
	"strings"
	"testing"
)

// PUT /applications/{id}/logo stores the image and sets info.logoUrl; what
// is not an image, or larger than the portal's 100 KB, is refused
// (https://learn.microsoft.com/en-us/graph/api/resources/application: "logo:
// The main logo for the application. Not nullable.").
func TestGraphApplicationLogo(t *testing.T) {
	s := newTestServer(t)
	tok := automationToken(t, s)
	id, _ := newApp(t, s, map[string]any{"displayName": "logo app"})
	if r := call(t, s, "GET", "/v1.0/applications/"+id+"/logo", tok, nil); r.Status != http.StatusNotFound {
		t.Fatalf("GET logo of an app without one = %d, want 404", r.Status)
	}
	png := "\x89PNG\r\n\x1a\nbody"
	for _, c := range []struct {
		name, contentType, body string
	}{
		{"octet-stream", "application/octet-stream", png},
		{"svg", "image/svg+xml", "<svg/>"},
		{"empty", "image/png", ""},
		{"over 100 KB", "image/png", png + strings.Repeat("x", 100*1024)},
	} {
		if r := call(t, s, "PUT", "/v1.0/applications/"+id+"/logo", tok, c.body, "Content-Type", c.contentType); r.Status != http.StatusBadRequest {
			t.Errorf("%s: PUT logo = %d %s, want 400", c.name, r.Status, r.Raw)
		}
	}
	if got, _ := s.AppLogo(DefaultHomeTenantID, id); got != nil {
		t.Fatalf("a refused logo was stored: %q", got)
	}
	if r := call(t, s, "PUT", "/v1.0/applications/"+id+"/logo", tok, png, "Content-Type", "image/png"); r.Status != http.StatusNoContent {
		t.Fatalf("PUT logo = %d %s, want 204", r.Status, r.Raw)
	}
	r := call(t, s, "GET", "/v1.0/applications/"+id+"/logo", tok, nil)
	if r.Status != http.StatusOK || r.Raw != png || r.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("GET logo = %d %q %q", r.Status, r.Header.Get("Content-Type"), r.Raw)
	}
	if u, _ := field(call(t, s, "GET", "/v1.0/applications/"+id, tok, nil).Body, "info.logoUrl").(string); !strings.HasPrefix(u, "https://") {
		t.Fatalf("info.logoUrl = %q, want an https URL", u)
	}
	if r := call(t, s, "PUT", "/v1.0/applications/00000000-0000-0000-0000-000000000000/logo", tok, png, "Content-Type", "image/png"); r.Status != http.StatusNotFound {
		t.Fatalf("PUT logo of a missing app = %d, want 404", r.Status)
	}
}
