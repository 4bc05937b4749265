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

// Summary is a one-line cause.
func (e *TokenError) Summary() string {
	switch e.Code {
	case 65001:
		return "Admin consent has not been granted"
	case 50011:
		return "Redirect URI mismatch"
	case 700016:
		return "Application not found in the tenant"
	case 7000215:
		return "Invalid client secret"
	case 7000222:
		return "Client secret expired"
	case 90002:
		return "Tenant not found"
	case 70011:
		return "Invalid scope"
	case 7000218:
		return "No client credential sent"
	case 500011:
		return "API not found in the tenant"
	case 700027, 700024:
		return "Client certificate or assertion rejected"
	case 70021, 700212:
		return "No matching federated identity credential"
	}
	return "Token request failed"
}

// Remedy says what to do about it.
func (e *TokenError) Remedy() string {
	switch e.Code {
	case 65001:
		return "A Global Administrator or Cloud Application Administrator of tenant " + e.TenantID + " must grant admin consent to app " + e.ClientID + " (for example with the consent_url of onboard_customer_tenant)."
	case 50011:
		return "Add the redirect URI used in the request to the app's web_redirect_uris, or use one that is registered."
	case 700016:
		return "App " + e.ClientID + " has no service principal in tenant " + e.TenantID + ": check the client ID and tenant, make the app multi-tenant (sign_in_audience = \"AzureADMultipleOrgs\") if the tenant is a customer's, and have the tenant's admin consent to it."
	case 7000215:
		return "The secret is not a current secret of app " + e.ClientID + ". Use the secret's value (not its ID); if it was lost, create a new one (onboard_client_secret)."
	case 7000222:
		return "The client secret of app " + e.ClientID + " has expired. Create a new secret (onboard_client_secret rotates it when it comes within rotate_before of its end date) and update the credential."
	case 90002:
		return "Tenant " + e.TenantID + " does not exist (or was deleted) in this cloud. Check the tenant ID or domain and the cloud setting."
	case 70011:
		return "Request a scope of the form <resource>/.default for app-only tokens."
	case 7000218:
		return "Configure client_secret, a client certificate, or OIDC for the provider."
	case 500011:
		return "The API is not provisioned in tenant " + e.TenantID + "; for Business Central, the tenant needs a Business Central subscription."
	case 700027, 700024:
		return "Upload the certificate's public part to app " + e.ClientID + " (Certificates & secrets) and check that it has not expired."
	case 70021, 700212:
		return "Add a federated identity credential to app " + e.ClientID + " whose issuer, subject and audience match the CI token."
	}
	return "See https://login.microsoftonline.com/error?code=" + strconv.Itoa(e.Code) + " for this error code."
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
