package identity

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// WriteError answers as the identity platform does: the error body of
// https://learn.microsoft.com/entra/identity-platform/reference-error-codes
// with the AADSTS code leading error_description and the trace lines after it.
func WriteError(w http.ResponseWriter, r *http.Request, now time.Time, status int, errCode string, aadsts int, msg string) {
	trace, corr := store.NewGUID(), r.Header.Get("client-request-id")
	if corr == "" {
		corr = store.NewGUID()
	}
	ts := now.UTC().Format("2006-01-02 15:04:05Z")
	body := struct {
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
		ErrorCodes       []int  `json:"error_codes"`
		Timestamp        string `json:"timestamp"`
		TraceID          string `json:"trace_id"`
		CorrelationID    string `json:"correlation_id"`
		ErrorURI         string `json:"error_uri"`
		Suberror         string `json:"suberror,omitempty"`
	}{
		Error:            errCode,
		ErrorDescription: fmt.Sprintf("AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s", aadsts, msg, trace, corr, ts),
		ErrorCodes:       []int{aadsts},
		Timestamp:        ts,
		TraceID:          trace,
		CorrelationID:    corr,
		ErrorURI:         fmt.Sprintf("https://login.microsoftonline.com/error?code=%d", aadsts),
	}
	if aadsts == 65001 {
		body.Suberror = "consent_required"
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store, no-cache")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
