package bcadmin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onboard-tf/terraform-provider-onboard/internal/retryafter"
)

// Sentinels to test with errors.Is. An *APIError matches the ones that
// describe it (several may apply).
var (
	// ErrNotFound: 404 (environment, user, permission, company, ...).
	ErrNotFound = errors.New("not found")
	// ErrUnauthorized: 401. For app-only admin center calls Business
	// Central answers it when the app isn't authorized in the tenant's
	// admin center; for the automation API when the app has no enabled
	// "Microsoft Entra Applications" record in the environment or lacks
	// Automation.ReadWrite.All.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden: 403, e.g. AdminCenter.ReadWrite.All not consented.
	ErrForbidden = errors.New("forbidden")
	// ErrDelegatedAdminRequired: the call needs a signed-in admin's token
	// (authorizedAadApps), and either no delegated credential is
	// configured or BC refused the one given (an app token, or a user
	// without the Dynamics 365 Administrator / Business Central
	// Administrator role in that tenant, directly or through GDAP).
	ErrDelegatedAdminRequired = errors.New("a delegated token of a Dynamics 365 or Business Central administrator is required")
	// ErrAppTokenRequired: the call works only with an app-only token
	// (manageableTenants) and no app-only credential is configured.
	ErrAppTokenRequired = errors.New("an app-only token is required")
	// ErrAlreadyExists: the automation API's
	// Internal_EntityWithSameKeyExists (e.g. the permission set is
	// already assigned with that company).
	ErrAlreadyExists = errors.New("already exists")
	// ErrThrottled: 429 after all retries.
	ErrThrottled = errors.New("throttled")
)

// APIError is an error answer of either API. The admin center answers
// {"code","message","target"}; the automation API {"error":{"code","message"}};
// authentication failures may carry no JSON at all, in which case Message
// holds the start of the body.
type APIError struct {
	StatusCode int
	Code       string
	Message    string
	Target     string
	Method     string
	Path       string // request path without the origin
	RetryAfter time.Duration

	kinds []error
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "bcadmin: %s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" {
		b.WriteString(": " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

// Unwrap lets errors.Is see the sentinels that apply.
func (e *APIError) Unwrap() []error { return e.kinds }

func newAPIError(r request, res *http.Response, body []byte) *APIError {
	e := &APIError{
		StatusCode: res.StatusCode,
		Method:     r.method,
		Path:       redactPath(r.url),
		RetryAfter: retryafter.Parse(res.Header),
	}
	var shape struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Target  string `json:"target"`
		Error   *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &shape) == nil {
		e.Code, e.Message, e.Target = shape.Code, shape.Message, shape.Target
		if shape.Error != nil {
			e.Code, e.Message = shape.Error.Code, shape.Error.Message
		}
	} else {
		msg := strings.TrimSpace(string(body))
		if len(msg) > 300 {
			// Cut at a character boundary: the message ends up in
			// diagnostics, which must be valid UTF-8.
			n := 300
			for n > 0 && !utf8.RuneStart(msg[n]) {
				n--
			}
			msg = msg[:n] + "…"
		}
		e.Message = msg
	}
	switch res.StatusCode {
	case http.StatusNotFound:
		e.kinds = append(e.kinds, ErrNotFound)
	case http.StatusUnauthorized:
		e.kinds = append(e.kinds, ErrUnauthorized)
	case http.StatusForbidden:
		e.kinds = append(e.kinds, ErrForbidden)
	case http.StatusConflict:
		if e.Code == "Internal_EntityWithSameKeyExists" {
			e.kinds = append(e.kinds, ErrAlreadyExists)
		}
	case http.StatusTooManyRequests:
		e.kinds = append(e.kinds, ErrThrottled)
	}
	// A refused authorizedAadApps call always means "needs a delegated
	// admin": BC refuses app tokens there and users without an admin role.
	if r.kind == delegatedCredential && (res.StatusCode == http.StatusUnauthorized || res.StatusCode == http.StatusForbidden) {
		e.kinds = append(e.kinds, ErrDelegatedAdminRequired)
	}
	return e
}

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }
