package emulator

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// Business Central answers errors in two shapes.
//
// Admin center (administration-center-api.md "Error Format"): a top-level
// object {"code","message"[,"target","extensionData","clientError"]}; codes
// are stable PascalCase words (the doc's own example is EnvironmentNotFound);
// "All unknown and unhandled errors ... use the error code: Unknown".
//
// Automation API (webservices/dynamics-error-codes.md): the OData shape
// {"error":{"code","message"}} with codes such as
// Authentication_InvalidCredentials, BadRequest_NotFound,
// Internal_RecordNotFound; messages end in "  CorrelationId:  <guid>.".

type bcAdminError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Target  string `json:"target,omitempty"`
}

func writeBCAdminError(w http.ResponseWriter, e *bcAdminError) {
	bcWriteJSON(w, e.Status, e)
}

type bcODataError struct {
	Status  int
	Code    string
	Message string
}

func writeBCODataError(w http.ResponseWriter, e *bcODataError) {
	body := map[string]any{"error": map[string]string{
		"code":    e.Code,
		"message": e.Message + "  CorrelationId:  " + bcNewGUID() + ".",
	}}
	bcWriteJSON(w, e.Status, body)
}

// bcTooManyRequests is BC's throttling answer: 429 with Retry-After (the
// service adds retry-after to 429/502/503; include-http-status-error-codes.md).
func bcTooManyRequests(w http.ResponseWriter, retryAfter int, odata bool) {
	w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	msg := "Too many requests reached. Wait before retrying."
	if odata {
		writeBCODataError(w, &bcODataError{Status: http.StatusTooManyRequests, Code: "Application_TooManyRequests", Message: msg})
		return
	}
	writeBCAdminError(w, &bcAdminError{Status: http.StatusTooManyRequests, Code: "TooManyRequests", Message: msg})
}

func bcWriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// bcWriteOData writes an OData v4 payload with the odata.metadata=minimal
// content type BC uses.
func bcWriteOData(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal; odata.streaming=true")
	w.Header().Set("OData-Version", "4.0")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// bcOrigin is the scheme and host that served r: the emulator plays
// api.businesscentral.dynamics.com on its own origin (HTTPS in practice).
func bcOrigin(r *http.Request) string {
	if r.TLS == nil {
		return "http://" + r.Host
	}
	return "https://" + r.Host
}

// writeBCFault answers an injected fault (faults.go) in the shape of the BC
// API the path belongs to: the automation API's OData error under /v2.0/,
// the admin center's top-level error under /admin/. Retry-After, if any, is
// set by the caller.
func writeBCFault(w http.ResponseWriter, r *http.Request, status int) {
	code, msg := "Unknown", "The service is temporarily unavailable."
	if status == http.StatusTooManyRequests {
		code, msg = "TooManyRequests", "Too many requests reached. Wait before retrying."
	}
	if strings.HasPrefix(r.URL.Path, "/v2.0/") {
		odataCode := "Internal_ServerError"
		if status == http.StatusTooManyRequests {
			odataCode = "Application_TooManyRequests"
		}
		writeBCODataError(w, &bcODataError{Status: status, Code: odataCode, Message: msg})
		return
	}
	writeBCAdminError(w, &bcAdminError{Status: status, Code: code, Message: msg})
}
