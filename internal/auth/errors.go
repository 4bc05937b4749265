package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// TokenError is a token request the identity platform refused, with the
// AADSTS code that says why. It never holds a secret or a token.
type TokenError struct {
	Code        int    // AADSTS number, 0 when none was found
	Err         string // OAuth error, e.g. invalid_client
	Description string // first line of error_description
	TenantID    string
	ClientID    string
	cause       error
}

func (e *TokenError) Error() string {
	if e.Code == 0 {
		return fmt.Sprintf("token request for app %s in tenant %s failed: %s", e.ClientID, e.TenantID, e.Description)
	}
	return fmt.Sprintf("token request for app %s in tenant %s failed: AADSTS%d: %s", e.ClientID, e.TenantID, e.Code, e.Description)
}

func (e *TokenError) Unwrap() error { return e.cause }

// AsTokenError finds a TokenError in err's chain.
func AsTokenError(err error) (*TokenError, bool) {
	var te *TokenError
	ok := errors.As(err, &te)
	return te, ok
}

var reAADSTS = regexp.MustCompile(`AADSTS(\d+):\s*([^\r\n]*)`)

// parseTokenError turns an MSAL error into a TokenError. MSAL Go returns
// the raw response body of a failed token request in its error text.
func parseTokenError(err error, tenantID, clientID string) error {
	te := &TokenError{TenantID: tenantID, ClientID: clientID, cause: redacted{err}}
	msg := err.Error()
	if i := strings.Index(msg, "{"); i >= 0 {
		var body struct {
			Error            string `json:"error"`
			ErrorDescription string `json:"error_description"`
			ErrorCodes       []int  `json:"error_codes"`
		}
		if json.Unmarshal([]byte(msg[i:]), &body) == nil {
			te.Err = body.Error
			if len(body.ErrorCodes) > 0 && body.ErrorCodes[0] > 0 {
				te.Code = body.ErrorCodes[0]
			}
			msg = body.ErrorDescription
		}
	}
	if m := reAADSTS.FindStringSubmatch(msg); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			te.Code = n
		}
		te.Description = strings.TrimSpace(m[2])
	} else {
		te.Description = firstLine(msg)
	}
	// The message always says something, even for a body without a
	// description (or no body at all).
	if te.Description == "" {
		te.Description = firstLine(te.Err)
	}
	if te.Description == "" {
		te.Description = "no error description in the answer"
	}
	return te
}

// firstLine is s's first line (\n, \r\n or \r) that is not blank, trimmed.
func firstLine(s string) string {
	for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\r' || r == '\n' }) {
		if l := strings.TrimSpace(line); l != "" {
			return l
		}
	}
	return ""
}

// redacted keeps the original error for errors.Is/As without repeating its
// text, which may echo request details.
type redacted struct{ err error }

func (r redacted) Error() string { return "token request failed" }
func (r redacted) Unwrap() error { return r.err }
