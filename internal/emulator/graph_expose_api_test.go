package emulator

import (
	"net/http"
	"testing"
)

func scopeJSON(id, value, typ string, enabled bool) map[string]any {
	return map[string]any{"id": id, "value": value, "type": typ, "isEnabled": enabled,
		"adminConsentDisplayName": value, "adminConsentDescription": "Allows " + value + "."}
}

// An app exposing an API: scopes, SPA redirect URIs, info links and
// optional claims come back in Graph's shape
// (https://learn.microsoft.com/en-us/graph/api/resources/application), and
// what Graph refuses is refused.
func TestGraphApplicationExposesAPI(t *testing.T) {
	s := newTestServer(t)
	tok := automationToken(t, s)
	id, _ := newApp(t, s, map[string]any{"displayName": "payroll api",
		"api": map[string]any{"oauth2PermissionScopes": []any{scopeJSON("7a2c3b4d-5e6f-4a70-8b9c-0d1e2f3a4b01", "Payroll.Read", "User", true)}},
		"spa": map[string]any{"redirectUris": []string{"https://payroll.contoso.com/"}},
		"info": map[string]any{"marketingUrl": "https://contoso.com/payroll", "privacyStatementUrl": "https://contoso.com/privacy",
			"termsOfServiceUrl": nil, "supportUrl": "https://contoso.com/support"},
		"optionalClaims": map[string]any{"idToken": []any{map[string]any{"name": "groups", "essential": true, "additionalProperties": []string{"sam_account_name"}}}},
	})
	r := call(t, s, "GET", "/v1.0/applications/"+id, tok, nil)
	for path, want := range map[string]any{
		"api.oauth2PermissionScopes.0.value":              "Payroll.Read",
		"api.oauth2PermissionScopes.0.type":               "User",
		"api.oauth2PermissionScopes.0.isEnabled":          true,
		"api.oauth2PermissionScopes.0.origin":             "Application",
		"spa.redirectUris.0":                              "https://payroll.contoso.com/",
		"info.marketingUrl":                               "https://contoso.com/payroll",
		"info.supportUrl":                                 "https://contoso.com/support",
		"optionalClaims.idToken.0.name":                   "groups",
		"optionalClaims.idToken.0.essential":              true,
		"optionalClaims.idToken.0.additionalProperties.0": "sam_account_name",
	} {
		if got := field(r.Body, path); got != want {
			t.Errorf("%s = %v, want %v", path, got, want)
		}
	}
	if info := r.Body["info"].(map[string]any); info["termsOfServiceUrl"] != nil || info["logoUrl"] != nil {
		t.Errorf("unset links must be null: %v", info)
	}
	if r.Body["optionalClaims"].(map[string]any)["accessToken"] == nil {
		t.Errorf("optionalClaims lists every token type: %v", r.Body["optionalClaims"])
	}

	for _, c := range []struct {
		name, code string
		body       map[string]any
	}{
		{"scope value with a space", "Request_BadRequest", map[string]any{"api": map[string]any{"oauth2PermissionScopes": []any{
			scopeJSON("7a2c3b4d-5e6f-4a70-8b9c-0d1e2f3a4b01", "Payroll.Read", "User", true), scopeJSON("7a2c3b4d-5e6f-4a70-8b9c-0d1e2f3a4b02", "Payroll Write", "User", true)}}}},
		{"scope type", "Request_BadRequest", map[string]any{"api": map[string]any{"oauth2PermissionScopes": []any{
			scopeJSON("7a2c3b4d-5e6f-4a70-8b9c-0d1e2f3a4b01", "Payroll.Read", "Everyone", true)}}}},
		{"app role value already a scope", "DuplicateValue", map[string]any{"appRoles": []any{map[string]any{"id": "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a01",
			"value": "Payroll.Read", "displayName": "r", "description": "r", "allowedMemberTypes": []string{"Application"}, "isEnabled": true}}}},
		{"enabled scope removed", "CannotDeleteOrUpdateEnabledEntitlement", map[string]any{"api": map[string]any{"oauth2PermissionScopes": []any{}}}},
		{"SPA redirect URI with a fragment", "Request_BadRequest", map[string]any{"spa": map[string]any{"redirectUris": []string{"https://payroll.contoso.com/#/cb"}}}},
		{"SPA redirect URI over http", "Request_BadRequest", map[string]any{"spa": map[string]any{"redirectUris": []string{"http://payroll.contoso.com/"}}}},
		{"relative privacy link", "Request_BadRequest", map[string]any{"info": map[string]any{"privacyStatementUrl": "/privacy"}}},
		{"optional claim without a name", "Request_BadRequest", map[string]any{"optionalClaims": map[string]any{"accessToken": []any{map[string]any{"essential": false}}}}},
	} {
		r := call(t, s, "PATCH", "/v1.0/applications/"+id, tok, c.body)
		if r.Status != http.StatusBadRequest || field(r.Body, "error.code") != c.code {
			t.Errorf("%s: %d %s, want 400 %s", c.name, r.Status, r.Raw, c.code)
		}
	}

	// Disabled first, a scope can go (permissionscope: "To delete a
	// permission, this property must first be set to false").
	disabled := map[string]any{"api": map[string]any{"oauth2PermissionScopes": []any{scopeJSON("7a2c3b4d-5e6f-4a70-8b9c-0d1e2f3a4b01", "Payroll.Read", "User", false)}}}
	for _, body := range []map[string]any{disabled, {"api": map[string]any{"oauth2PermissionScopes": []any{}}}} {
		if r := call(t, s, "PATCH", "/v1.0/applications/"+id, tok, body); r.Status != http.StatusNoContent {
			t.Fatalf("%v: %d %s", body, r.Status, r.Raw)
		}
	}
	// A role and a scope that are one entry (same ID, value) are allowed.
	same := map[string]any{
		"appRoles": []any{map[string]any{"id": "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a01", "value": "Payroll.All", "displayName": "p", "description": "p",
			"allowedMemberTypes": []string{"User"}, "isEnabled": true}},
		"api": map[string]any{"oauth2PermissionScopes": []any{scopeJSON("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a01", "Payroll.All", "Admin", true)}},
	}
	if r := call(t, s, "PATCH", "/v1.0/applications/"+id, tok, same); r.Status != http.StatusNoContent {
		t.Fatalf("shared entry: %d %s", r.Status, r.Raw)
	}
}
