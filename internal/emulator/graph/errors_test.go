package graph

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// Graph's adapter maps a not-found from the store to 404
// Request_ResourceNotFound however deep it was wrapped, naming the ID.
func TestWrappedNotFoundIs404(t *testing.T) {
	s := New(store.New(&store.Clock{}), nil, "https://emulator")
	for _, c := range []struct {
		err     error
		status  int
		code    string
		message string
	}{
		{fmt.Errorf("patch: %w", store.NotFound("abc")), 404, "Request_ResourceNotFound",
			"Resource 'abc' does not exist or one of its queried reference-property objects are not present."},
		{fmt.Errorf("patch: %w", store.ErrNotFound), 404, "Request_ResourceNotFound",
			"Resource does not exist or one of its queried reference-property objects are not present."},
		{fmt.Errorf("patch: %w", Errorf(http.StatusConflict, "Request_MultipleObjectsWithSameKeyValue", "taken")), 409, "Request_MultipleObjectsWithSameKeyValue", "taken"},
		{fmt.Errorf("disk on fire"), 500, "generalException", "General exception while processing."},
	} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("PATCH", "/v1.0/applications/abc", nil)
		r.Header.Set("client-request-id", "c-1")
		s.writeError(w, r, c.err)
		var body struct {
			Error struct {
				Code, Message string
				InnerError    map[string]string
			}
		}
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatal(err)
		}
		if w.Code != c.status || body.Error.Code != c.code || body.Error.Message != c.message ||
			body.Error.InnerError["client-request-id"] != "c-1" || body.Error.InnerError["request-id"] == "" {
			t.Errorf("%v: %d %s", c.err, w.Code, w.Body)
		}
	}
}
