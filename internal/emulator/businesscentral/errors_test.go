package businesscentral

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/identity"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/route"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// Each BC API has one adapter for its error shape: the admin center's
// top-level {"code","message"}, the automation API's OData {"error":{...}}.
// Wrapped errors are matched with errors.As/Is.
func TestErrorAdapters(t *testing.T) {
	for _, c := range []struct {
		err         error
		status      int
		admin, auto string
	}{
		{fmt.Errorf("get: %w", &AdminError{Status: 404, Code: "EnvironmentNotFound", Message: "x"}), 404, "EnvironmentNotFound", ""},
		{fmt.Errorf("get: %w", &ODataError{Status: 409, Code: "Request_EntityChanged", Message: "x"}), 409, "", "Request_EntityChanged"},
		{fmt.Errorf("auth: %w", &identity.AuthError{Status: 401, Code: "InvalidAuthenticationToken", Message: "x"}), 401, "Unauthorized", "Authentication_InvalidCredentials"},
		{fmt.Errorf("get: %w", store.NotFound("environment X")), 404, "Unknown", "BadRequest_NotFound"},
	} {
		if c.admin != "" {
			w := httptest.NewRecorder()
			writeAdminResult(w, nil, c.err)
			var body map[string]any
			_ = json.Unmarshal(w.Body.Bytes(), &body)
			if w.Code != c.status || body["code"] != c.admin || body["error"] != nil {
				t.Errorf("admin center %v: %d %s", c.err, w.Code, w.Body)
			}
		}
		if c.auto != "" {
			w := httptest.NewRecorder()
			writeODataResult(w, nil, c.err)
			var body struct {
				Error struct{ Code, Message string }
			}
			_ = json.Unmarshal(w.Body.Bytes(), &body)
			if w.Code != c.status || body.Error.Code != c.auto || !strings.Contains(body.Error.Message, "  CorrelationId:  ") {
				t.Errorf("automation %v: %d %s", c.err, w.Code, w.Body)
			}
		}
	}
	// A success carries OData's headers only with a body.
	w := httptest.NewRecorder()
	writeODataResult(w, route.Empty(http.StatusNoContent), nil)
	if w.Code != http.StatusNoContent || w.Header().Get("OData-Version") != "" {
		t.Errorf("204: %d %v", w.Code, w.Header())
	}
	w = httptest.NewRecorder()
	writeODataResult(w, route.JSON(http.StatusOK, map[string]any{"value": []any{}}), nil)
	if w.Code != http.StatusOK || w.Header().Get("OData-Version") != "4.0" || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json; odata.metadata=minimal") {
		t.Errorf("200: %d %v", w.Code, w.Header())
	}
}
