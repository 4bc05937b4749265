package identity

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// The identity platform's one adapter writes every error as the AADSTS body
// (reference-error-codes): a typed error as it is, a wrapped not-found as
// AADSTS90002, anything else as a server error, never a bare 500 page.
func TestErrorAdapter(t *testing.T) {
	s := New(store.New(&store.Clock{}), nil, "k", "https://emulator")
	for _, c := range []struct {
		err    error
		status int
		code   string
		aadsts float64
	}{
		{fmt.Errorf("token: %w", invalidClient(7000215, "Invalid client secret provided.")), 401, "invalid_client", 7000215},
		{fmt.Errorf("token: %w", store.NotFound("tenant nosuch")), 400, "invalid_tenant", 90002},
		{fmt.Errorf("disk on fire"), 500, "server_error", 90000},
	} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/nosuch/oauth2/v2.0/token", nil)
		r.Header.Set("client-request-id", "c-1")
		s.writeError(w, r, c.err)
		var body map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		codes, _ := body["error_codes"].([]any)
		if w.Code != c.status || body["error"] != c.code || len(codes) != 1 || codes[0] != c.aadsts ||
			!strings.HasPrefix(body["error_description"].(string), fmt.Sprintf("AADSTS%d: ", int(c.aadsts))) || body["correlation_id"] != "c-1" {
			t.Errorf("%v: %d %s", c.err, w.Code, w.Body)
		}
	}
}
