package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

const (
	fuzzTenant = "8c2f3a4b-1d5e-4f60-9a7b-0c1d2e3f4a5b"
	fuzzClient = "3f6a9c2e-7b1d-4e58-a0c3-9d2b4f6e8a17"
)

// msalPrefix is how MSAL Go introduces the body of a refused token request.
const msalPrefix = "http call(https://login.microsoftonline.com/" + fuzzTenant + "/oauth2/v2.0/token)(POST) error: reply status code was 401:\n"

// Bodies the identity platform answers, as captured from the service
// (trace and correlation IDs replaced).
var aadstsBodies = []string{
	`{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '3f6a9c2e-7b1d-4e58-a0c3-9d2b4f6e8a17'.\r\nTrace ID: 0a1b2c3d-0000-4000-8000-000000000001\r\nCorrelation ID: 0a1b2c3d-0000-4000-8000-000000000002\r\nTimestamp: 2026-11-30 09:12:44Z","error_codes":[7000215],"timestamp":"2026-11-30 09:12:44Z","trace_id":"0a1b2c3d-0000-4000-8000-000000000001","correlation_id":"0a1b2c3d-0000-4000-8000-000000000002","error_uri":"https://login.microsoftonline.com/error?code=7000215"}`,
	`{"error":"invalid_grant","error_description":"AADSTS65001: The user or administrator has not consented to use the application with ID '3f6a9c2e-7b1d-4e58-a0c3-9d2b4f6e8a17' named 'Contoso Onboarding'. Send an interactive authorization request for this user and resource.\r\nTrace ID: x\r\nCorrelation ID: y\r\nTimestamp: 2026-11-30 09:12:44Z","error_codes":[65001],"suberror":"consent_required"}`,
	`{"error":"unauthorized_client","error_description":"AADSTS700016: Application with identifier '3f6a9c2e-7b1d-4e58-a0c3-9d2b4f6e8a17' was not found in the directory 'Fabrikam'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.\r\nTrace ID: x","error_codes":[700016]}`,
	`{"error":"invalid_request","error_description":"AADSTS90002: Tenant 'fabrikam.onmicrosoft.com' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.","error_codes":[90002]}`,
	`{"error":"invalid_client","error_description":"AADSTS7000222: The provided client secret keys for app '3f6a9c2e-7b1d-4e58-a0c3-9d2b4f6e8a17' are expired. Visit the Azure portal to create new keys for your app.","error_codes":[7000222]}`,
	`{"error":"invalid_scope","error_description":"AADSTS70011: The provided request must include a 'scope' input parameter.","error_codes":[70011]}`,
	`{"error":"invalid_request","error_description":"AADSTS500011: The resource principal named https://api.businesscentral.dynamics.com was not found in the tenant named Fabrikam.","error_codes":[500011]}`,
	`{"error":"invalid_client","error_description":"AADSTS700212: No matching federated identity record found for presented assertion audience 'api://AzureADTokenExchange'.","error_codes":[700212]}`,
	`{"error":"invalid_client","error_codes":[7000218]}`,
	`{"error":"server_error","error_description":"","error_codes":[]}`,
	`{"error":"invalid_grant","error_description":"AADSTS50173: The provided grant has expired due to it being revoked.","error_codes":[-1]}`,
}

func FuzzParseTokenError(f *testing.F) {
	for _, b := range aadstsBodies {
		f.Add(msalPrefix + b)
		f.Add("status 400 " + b) // the delegated (refresh token) flow
	}
	f.Add("")
	f.Add("   \r\n")
	f.Add("connection reset by peer")
	f.Add("AADSTS50011: The redirect URI 'https://app.example.com/cb' specified in the request does not match.\nsecond line")
	f.Add("AADSTS99999999999999999999999: overflow")
	f.Add(msalPrefix + "<html><body>Bad Gateway</body></html>")
	f.Add(msalPrefix + `{"error":"invalid_client","error_description":null}`)
	f.Fuzz(func(t *testing.T, raw string) {
		cause := errors.New(raw)
		err := parseTokenError(cause, fuzzTenant, fuzzClient)
		te, ok := AsTokenError(err)
		if !ok {
			t.Fatalf("parseTokenError(%q) = %T", raw, err)
		}
		checkTokenError(t, raw, te)
		if !errors.Is(err, cause) {
			t.Fatalf("parseTokenError(%q) lost the cause", raw)
		}
		// The chain keeps the cause for errors.Is but never repeats its text.
		if u := errors.Unwrap(err); u == nil || u.Error() != "token request failed" {
			t.Fatalf("parseTokenError(%q) unwraps to %v", raw, u)
		}
		if !strings.Contains(raw, "{") && !strings.Contains(raw, te.Description) && te.Description != "no error description in the answer" {
			t.Fatalf("parseTokenError(%q): description %q is not from the message", raw, te.Description)
		}
	})
}

// FuzzTokenErrorBody builds well-formed bodies around fuzzed fields and
// checks that only the error description reaches the message: a token or
// secret in any other field (some proxies and older endpoints echo the
// request) never does.
func FuzzTokenErrorBody(f *testing.F) {
	f.Add("invalid_client", "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1", 7000215, "Q~8Xk.aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789")
	f.Add("invalid_grant", "AADSTS65001: The user or administrator has not consented.", 65001, "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln")
	f.Add("invalid_grant", "", 50173, "0.AAAAbbbbCCCCddddEEEEffff-refresh-token")
	f.Add("", "Trace ID: only\r\nAADSTS90002: Tenant not found.", 0, "client_secret=hunter2hunter2hunter2")
	f.Add("invalid_request", "AADSTS50011: mismatch\nclient_secret=abcdefghijklmnopqrstuvwxyz", 50011, "abcdefghijklmnopqrstuvwxyz")
	f.Add("temporarily_unavailable", "   ", -3, "                    ")
	f.Fuzz(func(t *testing.T, oauthErr, desc string, code int, secret string) {
		if !utf8.ValidString(oauthErr) || !utf8.ValidString(desc) {
			return // json.Marshal would change them
		}
		body, err := json.Marshal(map[string]any{
			"error": oauthErr, "error_description": desc, "error_codes": []int{code},
			"trace_id": secret, "correlation_id": secret, "access_token": secret, "refresh_token": secret, "client_secret": secret,
			"error_uri": "https://login.microsoftonline.com/error?code=" + fmt.Sprint(code),
		})
		if err != nil {
			t.Fatal(err)
		}
		raw := msalPrefix + string(body)
		te, ok := AsTokenError(parseTokenError(errors.New(raw), fuzzTenant, fuzzClient))
		if !ok {
			t.Fatalf("not a TokenError for %q", raw)
		}
		checkTokenError(t, raw, te)
		if te.Err != oauthErr {
			t.Fatalf("Err = %q, want %q", te.Err, oauthErr)
		}
		if strings.TrimSpace(desc) != "" && !strings.Contains(desc, te.Description) {
			t.Fatalf("description %q is not from error_description %q", te.Description, desc)
		}
		if !secretLooking(secret) || strings.Contains(desc, secret) || strings.Contains(oauthErr, secret) ||
			strings.Contains(fuzzTenant+fuzzClient+fmt.Sprintf("AADSTS%d:", te.Code), secret) {
			return
		}
		// Summary and Remedy depend on the code alone.
		for _, s := range []string{te.Error(), te.Description} {
			if strings.Contains(s, secret) {
				t.Fatalf("secret %q of another field echoed in %q", secret, s)
			}
		}
	})
}

func checkTokenError(t *testing.T, raw string, te *TokenError) {
	t.Helper()
	if te.TenantID != fuzzTenant || te.ClientID != fuzzClient {
		t.Fatalf("%q: tenant/client %q %q", raw, te.TenantID, te.ClientID)
	}
	if te.Code < 0 {
		t.Fatalf("%q: negative code %d", raw, te.Code)
	}
	if te.Description == "" || strings.ContainsAny(te.Description, "\r\n") || strings.TrimSpace(te.Description) != te.Description {
		t.Fatalf("%q: description %q is empty, multi-line or untrimmed", raw, te.Description)
	}
	msg := te.Error()
	if !strings.Contains(msg, fuzzClient) || !strings.Contains(msg, fuzzTenant) || !strings.HasSuffix(msg, te.Description) {
		t.Fatalf("%q: message %q", raw, msg)
	}
}

// secretLooking: long enough and one word, as tokens and secrets are.
func secretLooking(s string) bool {
	return len(s) >= 16 && strings.IndexFunc(s, unicode.IsSpace) < 0
}
