package control

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// fakeController answers Consent with the error under test; other methods
// are not called.
type fakeController struct {
	Controller
	err error
}

func (f fakeController) Consent(string, string, string) error { return f.err }

// A not-found error wrapped on its way up (as Consent wraps "tenant …") is
// a 404, never a 400 or 500: the adapter compares with errors.Is.
func TestWrappedNotFoundIs404(t *testing.T) {
	for _, c := range []struct {
		err    error
		status int
	}{
		{fmt.Errorf("consent: %w", store.NotFound("tenant nosuch")), http.StatusNotFound},
		{fmt.Errorf("consent: %w", fmt.Errorf("app: %w", store.ErrNotFound)), http.StatusNotFound},
		{fmt.Errorf("x cannot consent: missing role"), http.StatusBadRequest},
	} {
		h := Handler(fakeController{err: c.err})
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("POST", "/_emulator/tenants/nosuch/consent", strings.NewReader(`{"clientId":"x"}`)))
		var body map[string]string
		_ = json.Unmarshal(w.Body.Bytes(), &body)
		if w.Code != c.status || body["error"] != c.err.Error() {
			t.Errorf("%v: %d %s, want %d", c.err, w.Code, w.Body, c.status)
		}
	}
}
