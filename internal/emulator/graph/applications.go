package graph

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/route"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// Graph /applications (api-reference/v1.0/resources/application.md and the
// create, upsert, update, delete, addPassword, removePassword pages).
//
// The shape of each property follows
// https://learn.microsoft.com/en-us/graph/api/resources/application and the
// page of its type: api (apiApplication: oauth2PermissionScopes, each a
// permissionScope), appRoles (appRole), spa, web and publicClient (their
// redirectUris), info (informationalUrl: marketingUrl, privacyStatementUrl,
// supportUrl, termsOfServiceUrl, logoUrl, null when unset), optionalClaims
// (optionalClaims: idToken, accessToken, saml2Token lists of optionalClaim;
// null on a new app), owners (a navigation property, graph/owners.go).

func appJSON(a *store.Application) map[string]any {
	rra := a.RequiredResourceAccess
	if rra == nil {
		rra = []store.RequiredResourceAccess{}
	}
	pw := []map[string]any{}
	for _, p := range a.PasswordCredentials {
		pw = append(pw, map[string]any{"customKeyIdentifier": nil, "displayName": p.DisplayName, "endDateTime": ts(p.EndDateTime),
			"hint": p.Hint, "keyId": p.KeyID, "secretText": nil, "startDateTime": ts(p.StartDateTime)})
	}
	keys := []map[string]any{}
	for _, k := range a.KeyCredentials {
		keys = append(keys, keyJSON(k, false))
	}
	roles := a.AppRoles
	if roles == nil {
		roles = []store.AppRole{}
	}
	scopes := a.OAuth2PermissionScopes
	if scopes == nil {
		scopes = []store.PermissionScope{}
	}
	var uniqueName any
	if a.UniqueName != "" {
		uniqueName = a.UniqueName
	}
	var notes, desc any
	if a.Notes != "" {
		notes = a.Notes
	}
	if a.Description != "" {
		desc = a.Description
	}
	return documented(applicationDefaults, map[string]any{
		"id": a.ID, "appId": a.AppID, "uniqueName": uniqueName, "displayName": a.DisplayName, "description": desc, "notes": notes,
		"signInAudience": a.SignInAudience, "isFallbackPublicClient": a.IsFallbackPublicClient, "identifierUris": strs(a.IdentifierURIs),
		"tags": strs(a.Tags), "publisherDomain": a.PublisherDomain, "createdDateTime": ts(a.CreatedDateTime), "deletedDateTime": nil,
		"web": map[string]any{"redirectUris": strs(a.WebRedirectURIs), "homePageUrl": nil, "logoutUrl": nil,
			"implicitGrantSettings": map[string]any{"enableIdTokenIssuance": false, "enableAccessTokenIssuance": false}},
		"publicClient":           map[string]any{"redirectUris": strs(a.PublicClientRedirectURIs)},
		"spa":                    map[string]any{"redirectUris": strs(a.SPARedirectURIs)},
		"api":                    map[string]any{"requestedAccessTokenVersion": nil, "oauth2PermissionScopes": scopesJSON(scopes), "knownClientApplications": []string{}, "preAuthorizedApplications": []any{}},
		"appRoles":               roles,
		"requiredResourceAccess": rra,
		"passwordCredentials":    pw,
		"keyCredentials":         keys,
		"info": map[string]any{"termsOfServiceUrl": nilIfEmpty(a.Info.TermsOfServiceURL), "supportUrl": nilIfEmpty(a.Info.SupportURL),
			"privacyStatementUrl": nilIfEmpty(a.Info.PrivacyStatementURL), "marketingUrl": nilIfEmpty(a.Info.MarketingURL), "logoUrl": logoURL(a)},
		"optionalClaims": optionalClaimsJSON(a.OptionalClaims),
	})
}

var signInAudiences = []string{"AzureADMyOrg", "AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount"}

// applyAppProps sets the writable properties present in body. It returns a
// Graph error message for an unknown, read-only or invalid property.
func applyAppProps(a *store.Application, body map[string]json.RawMessage, creating bool) string {
	for k, raw := range body {
		var err error
		switch k {
		case "displayName":
			err = json.Unmarshal(raw, &a.DisplayName)
		case "description":
			err = unmarshalNullable(raw, &a.Description)
		case "notes":
			err = unmarshalNullable(raw, &a.Notes)
		case "signInAudience":
			var v string
			if err = json.Unmarshal(raw, &v); err == nil && !slices.Contains(signInAudiences, v) {
				return "Invalid value specified for property 'signInAudience' of resource 'Application'."
			}
			a.SignInAudience = v
		case "isFallbackPublicClient":
			err = json.Unmarshal(raw, &a.IsFallbackPublicClient)
		case "identifierUris":
			// Checked against the tenant's domains by checkIdentifierURIs.
			err = json.Unmarshal(raw, &a.IdentifierURIs)
		case "tags":
			err = json.Unmarshal(raw, &a.Tags)
		case "web":
			var v struct {
				RedirectURIs *[]string `json:"redirectUris"`
			}
			if err = json.Unmarshal(raw, &v); err == nil && v.RedirectURIs != nil {
				for _, u := range *v.RedirectURIs {
					if msg := checkRedirectURI(u, "web"); msg != "" {
						return msg
					}
				}
				a.WebRedirectURIs = *v.RedirectURIs
			}
		case "publicClient":
			var v struct {
				RedirectURIs *[]string `json:"redirectUris"`
			}
			if err = json.Unmarshal(raw, &v); err == nil && v.RedirectURIs != nil {
				for _, u := range *v.RedirectURIs {
					if msg := checkRedirectURI(u, "publicClient"); msg != "" {
						return msg
					}
				}
				a.PublicClientRedirectURIs = *v.RedirectURIs
			}
		case "spa":
			var v struct {
				RedirectURIs *[]string `json:"redirectUris"`
			}
			if err = json.Unmarshal(raw, &v); err == nil && v.RedirectURIs != nil {
				for _, u := range *v.RedirectURIs {
					if msg := checkRedirectURI(u, "spa"); msg != "" {
						return msg
					}
				}
				a.SPARedirectURIs = *v.RedirectURIs
			}
		case "requiredResourceAccess":
			var v []store.RequiredResourceAccess
			if err = json.Unmarshal(raw, &v); err == nil {
				for _, r := range v {
					for _, ra := range r.ResourceAccess {
						if ra.Type != "Role" && ra.Type != "Scope" {
							return "Invalid value specified for property 'resourceAccess.type' of resource 'Application'."
						}
					}
				}
				a.RequiredResourceAccess = v
			}
		case "appRoles":
			var v []store.AppRole
			if err = json.Unmarshal(raw, &v); err == nil {
				for _, r := range v {
					if msg := checkEntitlement("appRoles", r.ID, r.Value); msg != "" {
						return msg
					}
				}
				if !creating && removesEnabled(a.AppRoles, v, func(r store.AppRole) (string, string, bool) { return r.ID, r.Value, r.IsEnabled }) {
					return msgEnabledEntitlement
				}
				a.AppRoles = v
			}
		case "api":
			var v struct {
				Scopes *[]store.PermissionScope `json:"oauth2PermissionScopes"`
			}
			if err = json.Unmarshal(raw, &v); err == nil && v.Scopes != nil {
				for _, sc := range *v.Scopes {
					if msg := checkEntitlement("api.oauth2PermissionScopes", sc.ID, sc.Value); msg != "" {
						return msg
					}
					if sc.Type != "User" && sc.Type != "Admin" {
						return "Invalid value specified for property 'api.oauth2PermissionScopes.type' of resource 'Application'."
					}
				}
				if !creating && removesEnabled(a.OAuth2PermissionScopes, *v.Scopes, func(p store.PermissionScope) (string, string, bool) { return p.ID, p.Value, p.IsEnabled }) {
					return msgEnabledEntitlement
				}
				a.OAuth2PermissionScopes = *v.Scopes
			}
		case "info":
			var v store.InformationalURL
			if err = unmarshalInfo(raw, &v); err == nil {
				for _, u := range []struct{ name, url string }{{"marketingUrl", v.MarketingURL}, {"privacyStatementUrl", v.PrivacyStatementURL},
					{"supportUrl", v.SupportURL}, {"termsOfServiceUrl", v.TermsOfServiceURL}} {
					if msg := checkInfoURL(u.name, u.url); msg != "" {
						return msg
					}
				}
				a.Info = v
			}
		case "optionalClaims":
			if string(raw) == "null" {
				a.OptionalClaims = nil
				continue
			}
			var v store.OptionalClaims
			if err = json.Unmarshal(raw, &v); err == nil {
				for _, c := range slices.Concat(v.IDToken, v.AccessToken, v.SAML2Token) {
					if strings.TrimSpace(c.Name) == "" {
						return "Invalid value specified for property 'optionalClaims.name' of resource 'Application'."
					}
					if c.Source != nil && *c.Source != "user" {
						return "Invalid value specified for property 'optionalClaims.source' of resource 'Application'."
					}
				}
				a.OptionalClaims = &v
			}
		case "parentalControlSettings", "groupMembershipClaims", "tokenEncryptionKeyId", "isDeviceOnlyAuthSupported":
			// accepted and not modelled
		case "uniqueName":
			var v string
			_ = json.Unmarshal(raw, &v)
			if !creating && v != a.UniqueName {
				return "Property 'uniqueName' is immutable once set."
			}
			a.UniqueName = v
		case "keyCredentials":
			if msg := applyKeyCredentials(a, raw); msg != "" {
				return msg
			}
		case "passwordCredentials":
			var v []any
			if json.Unmarshal(raw, &v) == nil && len(v) == 0 {
				continue
			}
			return "Property 'passwordCredentials' cannot be set on create or update; use the addPassword action."
		case "id", "appId", "createdDateTime", "publisherDomain", "deletedDateTime":
			return "Property '" + k + "' is read-only and cannot be set."
		default:
			return "Property '" + k + "' does not exist on type 'Microsoft.DirectoryServices.Application'."
		}
		if err != nil {
			return "Invalid value specified for property '" + k + "' of resource 'Application'."
		}
	}
	return checkDuplicateEntitlements(a)
}

// checkEntitlement applies appRole's and permissionScope's rules for id and
// value (graph/api/resources/approle, graph/api/resources/permissionscope):
// "Must not exceed 120 characters in length. Allowed characters are
// : ! # $ % & ' ( ) * + , - . / : ; < = > ? @ [ ] ^ + _ ` { | } ~, and
// characters in the ranges 0-9, A-Z and a-z. Any other character, including
// the space character, aren't allowed. May not begin with .."
func checkEntitlement(property, id, value string) string {
	if _, err := uuid.Parse(id); err != nil {
		return "Invalid value specified for property '" + property + ".id' of resource 'Application'."
	}
	ok := value != "" && len(value) <= 120 && value[0] != '.'
	for _, c := range value {
		ok = ok && (c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || strings.ContainsRune(":!#$%&'()*+,-./;<=>?@[]^_`{|}~", c))
	}
	if !ok {
		return "Invalid value specified for property '" + property + ".value' of resource 'Application'."
	}
	return ""
}

// msgDuplicateValue is Graph's DuplicateValue (400) for two app roles, two
// scopes, or a role and a scope with one value or ID; a role and a scope
// that are the same entry (same ID, value and texts) are allowed
// (microsoftgraph/microsoft-graph-docs#21667, MicrosoftDocs/azure-docs#81899).
const msgDuplicateValue = "Request contains a property with duplicate values."

func checkDuplicateEntitlements(a *store.Application) string {
	ids, values := map[string]string{}, map[string]string{}
	seen := func(id, value, kind string) bool {
		id = strings.ToLower(id)
		if k, ok := ids[id]; ok && (k == kind || values[value] != id) {
			return true
		}
		if other, ok := values[value]; ok && other != id {
			return true
		}
		ids[id], values[value] = kind, id
		return false
	}
	for _, r := range a.AppRoles {
		if seen(r.ID, r.Value, "role") {
			return msgDuplicateValue
		}
	}
	for _, sc := range a.OAuth2PermissionScopes {
		if seen(sc.ID, sc.Value, "scope") {
			return msgDuplicateValue
		}
	}
	return ""
}

// unmarshalInfo reads info; logoUrl is read-only here (the logo is
// uploaded with PUT /applications/{id}/logo) and ignored as Graph does.
func unmarshalInfo(raw json.RawMessage, v *store.InformationalURL) error {
	var in struct {
		MarketingURL        *string `json:"marketingUrl"`
		PrivacyStatementURL *string `json:"privacyStatementUrl"`
		SupportURL          *string `json:"supportUrl"`
		TermsOfServiceURL   *string `json:"termsOfServiceUrl"`
		LogoURL             *string `json:"logoUrl"`
	}
	if string(raw) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		return err
	}
	deref := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	*v = store.InformationalURL{MarketingURL: deref(in.MarketingURL), PrivacyStatementURL: deref(in.PrivacyStatementURL),
		SupportURL: deref(in.SupportURL), TermsOfServiceURL: deref(in.TermsOfServiceURL)}
	return nil
}

// checkInfoURL: the informationalUrl links are absolute http or https URLs
// (graph/api/resources/informationalurl: "Link to the application's …").
func checkInfoURL(name, u string) string {
	if u == "" {
		return ""
	}
	parsed, err := url.Parse(u)
	if err != nil || (parsed.Scheme != "https" && parsed.Scheme != "http") || parsed.Host == "" {
		return "Invalid value specified for property 'info." + name + "' of resource 'Application'."
	}
	return ""
}

func scopesJSON(scopes []store.PermissionScope) []map[string]any {
	out := []map[string]any{}
	for _, sc := range scopes {
		out = append(out, map[string]any{"id": sc.ID, "value": sc.Value, "type": sc.Type, "isEnabled": sc.IsEnabled, "origin": "Application",
			"adminConsentDisplayName": sc.AdminConsentDisplayName, "adminConsentDescription": sc.AdminConsentDescription,
			"userConsentDisplayName": nilIfEmpty(sc.UserConsentDisplayName), "userConsentDescription": nilIfEmpty(sc.UserConsentDescription)})
	}
	return out
}

// optionalClaimsJSON is null until set, as on a new app registration.
func optionalClaimsJSON(oc *store.OptionalClaims) any {
	if oc == nil {
		return nil
	}
	list := func(claims []store.OptionalClaim) []map[string]any {
		out := []map[string]any{}
		for _, c := range claims {
			var source any
			if c.Source != nil {
				source = *c.Source
			}
			out = append(out, map[string]any{"name": c.Name, "source": source, "essential": c.Essential, "additionalProperties": strs(c.AdditionalProperties)})
		}
		return out
	}
	return map[string]any{"idToken": list(oc.IDToken), "accessToken": list(oc.AccessToken), "saml2Token": list(oc.SAML2Token)}
}

// Graph refuses to drop or rename an app role or scope that is still
// enabled: it has to be PATCHed with isEnabled false first.
const msgEnabledEntitlement = "Permission (scope or role) cannot be deleted or updated unless disabled first."

func removesEnabled[T any](old, updated []T, key func(T) (id, value string, enabled bool)) bool {
	for _, o := range old {
		id, value, enabled := key(o)
		if !enabled {
			continue
		}
		i := slices.IndexFunc(updated, func(n T) bool { nid, _, _ := key(n); return strings.EqualFold(nid, id) })
		if i < 0 {
			return true
		}
		if _, nv, _ := key(updated[i]); nv != value {
			return true
		}
	}
	return false
}

func unmarshalNullable(raw json.RawMessage, dst *string) error {
	if string(raw) == "null" {
		*dst = ""
		return nil
	}
	return json.Unmarshal(raw, dst)
}

// checkRedirectURI is Entra's rule for redirect URIs: https, or http to
// localhost; a public client (mobile and desktop) may also use its own
// scheme, such as msal{clientId}://auth or msauth.{bundle id}://auth
// (https://learn.microsoft.com/entra/identity-platform/reply-url).
func checkRedirectURI(u, kind string) string {
	parsed, err := url.Parse(u)
	custom := kind == "publicClient" && err == nil && parsed.Scheme != "" && parsed.Scheme != "http" && parsed.Scheme != "https"
	if custom && (parsed.Host != "" || parsed.Opaque != "" || parsed.Path != "") {
		return ""
	}
	if err != nil || parsed.Scheme == "" || parsed.Host == "" {
		return "Invalid value specified for property '" + kind + ".redirectUris' of resource 'Application'."
	}
	localhost := parsed.Hostname() == "localhost" || parsed.Hostname() == "127.0.0.1"
	if parsed.Scheme != "https" && (parsed.Scheme != "http" || !localhost) {
		return "Invalid value specified for property '" + kind + ".redirectUris' of resource 'Application': redirect URIs must use https, except http://localhost."
	}
	// "Redirect URIs can't contain URI fragments" (Redirect URI (reply URL)
	// restrictions, learn.microsoft.com/entra/identity-platform/reply-url).
	if strings.Contains(u, "#") {
		return "Invalid value specified for property '" + kind + ".redirectUris' of resource 'Application': redirect URIs must not contain a fragment."
	}
	return ""
}

// appByRef resolves "{id}", "(appId='…')" or "(uniqueName='…')" in the
// caller's tenant; use it inside a transaction.
func appByRef(t *store.Tenant, ref string) *store.Application {
	if v, ok := keyRef(ref, "appId"); ok {
		for _, a := range t.Applications {
			if strings.EqualFold(a.AppID, v) {
				return a
			}
		}
		return nil
	}
	if v, ok := keyRef(ref, "uniqueName"); ok {
		for _, a := range t.Applications {
			if a.UniqueName != "" && strings.EqualFold(a.UniqueName, v) {
				return a
			}
		}
		return nil
	}
	return t.Applications[strings.ToLower(ref)]
}

// keyRef parses an alternate key segment such as "(appId='x')", which the
// mux sees as the {ref} of /applications{ref} once the path is normalised.
func keyRef(ref, key string) (string, bool) {
	prefix := "(" + key + "='"
	if strings.HasPrefix(ref, prefix) && strings.HasSuffix(ref, "')") {
		return strings.ReplaceAll(ref[len(prefix):len(ref)-2], "''", "'"), true
	}
	return "", false
}

// checkIdentifierURIs is Graph's 400 HostNameNotOnVerifiedDomain for an
// identifier URI outside the api:// forms and the tenant's verified domains.
func checkIdentifierURIs(t *store.Tenant, a *store.Application) error {
	for _, u := range a.IdentifierURIs {
		if !verifiedIdentifierURI(t, u) {
			return Errorf(http.StatusBadRequest, "HostNameNotOnVerifiedDomain",
				"Values of identifierUris property must use a verified domain of the organization or its subdomain: '"+u+"'")
		}
	}
	return nil
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// NewSecretText mimics Entra's 40-character secrets (3-character hint,
// "~" at position 4).
func NewSecretText() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-."
	b := []byte(store.RandomHex(40))
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	b[3] = '8'
	b[4] = 'Q'
	b[5] = '~'
	return string(b)
}

func ficJSON(f store.FederatedCredential) map[string]any {
	return map[string]any{"id": f.ID, "name": f.Name, "issuer": f.Issuer, "subject": f.Subject, "audiences": strs(f.Audiences), "description": nilIfEmpty(f.Description)}
}

func sortByCreated(items []map[string]any) {
	slices.SortStableFunc(items, func(a, b map[string]any) int {
		ca, _ := a["createdDateTime"].(string)
		cb, _ := b["createdDateTime"].(string)
		if c := strings.Compare(ca, cb); c != 0 {
			return c
		}
		ia, _ := a["id"].(string)
		ib, _ := b["id"].(string)
		return strings.Compare(ia, ib)
	})
}

// EditApplication changes an app as an admin would in the portal; body
// holds Graph application properties.
func EditApplication(a *store.Application, body map[string]json.RawMessage) error {
	updated := *a
	if msg := applyAppProps(&updated, body, false); msg != "" {
		return errors.New(msg)
	}
	*a = updated
	return nil
}

// tenant is the caller's tenant in a transaction. A tenant dropped since the
// token was checked (control API reset or load) is an empty one: the
// request finds nothing and what it writes is lost with the old directory.
func (r *request) tenant(tx *store.Tx) *store.Tenant {
	if t := tx.TenantByID(r.tenantID); t != nil {
		return t
	}
	return store.NewTenant(r.tenantID, "")
}

// appNotFound names the app as Graph does: the key without its parentheses.
func appNotFound(ref string) error { return notFound(strings.Trim(ref, "()")) }

func (s *Service) createApplication(r *request) (*route.Response, error) {
	body, ok := readBody(r.Request)
	if !ok {
		return nil, badRequest("Write requests (excluding DELETE) must contain the Content-Type header declaration.")
	}
	return s.insertApplication(r, body, "")
}

func (s *Service) insertApplication(r *request, body map[string]json.RawMessage, uniqueName string) (*route.Response, error) {
	var out map[string]any
	var id string
	err := s.store.Update(func(tx *store.Tx) error {
		t := r.tenant(tx)
		now := tx.Now()
		a := &store.Application{TenantID: t.ID, ID: store.NewGUID(), AppID: store.NewGUID(), SignInAudience: "AzureADandPersonalMicrosoftAccount",
			PublisherDomain: t.DefaultDomain(), CreatedDateTime: now, UniqueName: uniqueName}
		if ownedByOnly(r.p) {
			// An app that may only manage what it owns becomes the owner of
			// what it creates, or it could never touch it again.
			a.Owners = []string{r.p.ObjectID}
		}
		if msg := applyAppProps(a, body, true); msg == msgDuplicateValue {
			return Errorf(http.StatusBadRequest, "DuplicateValue", msg)
		} else if msg != "" {
			return badRequest(msg)
		}
		if strings.TrimSpace(a.DisplayName) == "" {
			return badRequest("Invalid value specified for property 'displayName' of resource 'Application'.")
		}
		if err := checkIdentifierURIs(t, a); err != nil {
			return err
		}
		if a.UniqueName != "" && appByRef(t, "(uniqueName='"+a.UniqueName+"')") != nil {
			return badRequest("Another object with the same value for property uniqueName already exists.")
		}
		tx.PutApp(t, a)
		tx.MarkCreated(a.ID)
		tx.MarkCreated(a.AppID)
		out, id = appJSON(a), a.ID
		return nil
	})
	if err != nil {
		return nil, err
	}
	out["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#applications/$entity"
	return route.JSON(http.StatusCreated, out).With("Location", s.url+"/v1.0/directoryObjects/"+id+"/Microsoft.DirectoryServices.Application"), nil
}

func (s *Service) listApplications(r *request) (*route.Response, error) {
	f, ferr := parseFilter(r.URL.Query().Get("$filter"), "appId", "displayName", "id", "uniqueName")
	if err := advancedQueryOK(r.Request); err != nil {
		return nil, err
	}
	if ferr != nil {
		return nil, ferr
	}
	var items []map[string]any
	_ = s.store.View(func(tx *store.Tx) error {
		for _, a := range r.tenant(tx).Applications {
			if tx.Replicating(a.ID) {
				continue
			}
			if j := appJSON(a); f.match(j) {
				items = append(items, j)
			}
		}
		return nil
	})
	return s.listed(r, "applications", items)
}

func (s *Service) getApplication(r *request) (*route.Response, error) {
	ref := r.PathValue("ref")
	var out map[string]any
	err := s.store.View(func(tx *store.Tx) error {
		a := appByRef(r.tenant(tx), ref)
		if a == nil || tx.Replicating(a.ID) {
			return appNotFound(ref)
		}
		out = appJSON(a)
		if selectsKeys(r.Request) {
			keys := []map[string]any{}
			for _, k := range a.KeyCredentials {
				keys = append(keys, keyJSON(k, true))
			}
			out["keyCredentials"] = keys
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return entity(r.Request, "applications", out), nil
}

// patchApplication updates an application; on the uniqueName key with
// "Prefer: create-if-missing" it creates the app when missing (upsert).
func (s *Service) patchApplication(r *request) (*route.Response, error) {
	ref := r.PathValue("ref")
	body, ok := readBody(r.Request)
	if !ok {
		return nil, badRequest("Write requests (excluding DELETE) must contain the Content-Type header declaration.")
	}
	missing := false
	err := s.store.Update(func(tx *store.Tx) error {
		t := r.tenant(tx)
		a := appByRef(t, ref)
		if a == nil {
			missing = true
			return appNotFound(ref)
		}
		updated := *a
		msg := applyAppProps(&updated, body, false)
		if msg == "" && strings.TrimSpace(updated.DisplayName) == "" {
			msg = "Invalid value specified for property 'displayName' of resource 'Application'."
		}
		if _, ok := body["identifierUris"]; ok && msg == "" {
			if err := checkIdentifierURIs(t, &updated); err != nil {
				return err
			}
		}
		switch msg {
		case "":
			*a = updated
			tx.SyncServicePrincipals(a)
			return nil
		case msgEnabledEntitlement:
			return Errorf(http.StatusBadRequest, "CannotDeleteOrUpdateEnabledEntitlement", msg)
		case msgDuplicateValue:
			return Errorf(http.StatusBadRequest, "DuplicateValue", msg)
		default:
			return badRequest(msg)
		}
	})
	if missing {
		if un, isUnique := keyRef(ref, "uniqueName"); isUnique && strings.Contains(strings.ToLower(r.Header.Get("Prefer")), "create-if-missing") {
			return s.insertApplication(r, body, un)
		}
	}
	if err != nil {
		return nil, err
	}
	return route.Empty(http.StatusNoContent), nil
}

func (s *Service) deleteApplication(r *request) (*route.Response, error) {
	ref := r.PathValue("ref")
	err := s.store.Update(func(tx *store.Tx) error {
		t := r.tenant(tx)
		a := appByRef(t, ref)
		if a == nil {
			return appNotFound(ref)
		}
		// The app goes to directory/deletedItems for 30 days
		// (application-delete.md); its client ID, and so every customer
		// tenant's consent to it, comes back with a restore.
		tx.SoftDeleteApp(t, a)
		// Deleting an app registration deletes its service principal in the
		// home tenant too, into deleted items, restorable on its own
		// (https://learn.microsoft.com/entra/identity/enterprise-apps/restore-application);
		// instances elsewhere stay until removed there.
		if sp := t.SPByAppID(a.AppID); sp != nil {
			tx.SoftDeleteServicePrincipal(t, sp)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return route.Empty(http.StatusNoContent), nil
}

func (s *Service) addPassword(r *request) (*route.Response, error) {
	var body struct {
		PasswordCredential *struct {
			DisplayName   *string    `json:"displayName"`
			StartDateTime *time.Time `json:"startDateTime"`
			EndDateTime   *time.Time `json:"endDateTime"`
		} `json:"passwordCredential"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return nil, badRequest("Invalid request body: " + err.Error())
	}
	pc := store.PasswordCredential{KeyID: store.NewGUID(), StartDateTime: s.now(), SecretText: NewSecretText()}
	pc.Hint = pc.SecretText[:3]
	if b := body.PasswordCredential; b != nil {
		if b.DisplayName != nil {
			pc.DisplayName = *b.DisplayName
		}
		if b.StartDateTime != nil {
			pc.StartDateTime = b.StartDateTime.UTC()
		}
		if b.EndDateTime != nil {
			pc.EndDateTime = b.EndDateTime.UTC()
		}
	}
	if pc.EndDateTime.IsZero() {
		pc.EndDateTime = pc.StartDateTime.AddDate(2, 0, 0)
	}
	if !pc.EndDateTime.After(pc.StartDateTime) {
		return nil, badRequest("Invalid value specified for property 'endDateTime' of resource 'PasswordCredential': it must be later than startDateTime.")
	}
	err := s.store.Update(func(tx *store.Tx) error {
		a := appByRef(r.tenant(tx), r.PathValue("ref"))
		if a == nil {
			return appNotFound(r.PathValue("ref"))
		}
		a.PasswordCredentials = append(a.PasswordCredentials, pc)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return route.JSON(http.StatusOK, map[string]any{
		"@odata.context":      "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.passwordCredential",
		"customKeyIdentifier": nil, "displayName": nilIfEmpty(pc.DisplayName), "endDateTime": ts(pc.EndDateTime), "hint": pc.Hint,
		"keyId": pc.KeyID, "secretText": pc.SecretText, "startDateTime": ts(pc.StartDateTime),
	}), nil
}

func (s *Service) removePassword(r *request) (*route.Response, error) {
	var body struct {
		KeyID string `json:"keyId"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.KeyID == "" {
		return nil, badRequest("The request body must contain keyId.")
	}
	err := s.store.Update(func(tx *store.Tx) error {
		a := appByRef(r.tenant(tx), r.PathValue("ref"))
		if a == nil {
			return appNotFound(r.PathValue("ref"))
		}
		found := false
		a.PasswordCredentials = slices.DeleteFunc(a.PasswordCredentials, func(pc store.PasswordCredential) bool {
			hit := strings.EqualFold(pc.KeyID, body.KeyID)
			found = found || hit
			return hit
		})
		if !found {
			return notFound(body.KeyID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return route.Empty(http.StatusNoContent), nil
}

func (s *Service) listFICs(r *request) (*route.Response, error) {
	var items []map[string]any
	var id string
	err := s.store.View(func(tx *store.Tx) error {
		a := appByRef(r.tenant(tx), r.PathValue("ref"))
		if a == nil {
			return notFound(r.PathValue("ref"))
		}
		id = a.ID
		for _, f := range a.FederatedCredentials {
			items = append(items, ficJSON(f))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	body, _ := s.page(r.Request, "applications('"+id+"')/federatedIdentityCredentials", items)
	return route.JSON(http.StatusOK, body), nil
}

func (s *Service) deleteFIC(r *request) (*route.Response, error) {
	err := s.store.Update(func(tx *store.Tx) error {
		a := appByRef(r.tenant(tx), r.PathValue("ref"))
		found := false
		if a != nil {
			a.FederatedCredentials = slices.DeleteFunc(a.FederatedCredentials, func(f store.FederatedCredential) bool {
				hit := f.ID == r.PathValue("fic") || f.Name == r.PathValue("fic")
				found = found || hit
				return hit
			})
		}
		if !found {
			return notFound(r.PathValue("fic"))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return route.Empty(http.StatusNoContent), nil
}

// maxLogoBytes is the largest logo the app registration portal accepts
// (Branding & properties: "100 KB max").
// https://learn.microsoft.com/entra/identity-platform/howto-add-branding-in-apps
const maxLogoBytes = 100 * 1024

// logoURL is info.logoUrl: read-only, null until a logo is uploaded, then a
// CDN URL of the image.
func logoURL(a *store.Application) any {
	if len(a.Logo) == 0 {
		return nil
	}
	return "https://aadcdn.msftauthimages.net/" + a.AppID + "/logo?v=" + strconv.Itoa(len(a.Logo))
}

// putLogo stores the application's logo: PUT /applications/{id}/logo with
// the image as the body, answered 204. The logo is "the main logo for the
// application. Not nullable." (stream property of application).
// https://learn.microsoft.com/en-us/graph/api/resources/application
// https://learn.microsoft.com/powershell/module/azuread/set-azureadmsapplicationlogo
func (s *Service) putLogo(r *request) (*route.Response, error) {
	ref := r.PathValue("ref")
	ct := strings.ToLower(strings.TrimSpace(strings.Split(r.Header.Get("Content-Type"), ";")[0]))
	if ct != "image/png" && ct != "image/jpeg" && ct != "image/gif" {
		return nil, badRequest("The logo must be an image/png, image/jpeg or image/gif stream; got Content-Type '" + ct + "'.")
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxLogoBytes+1))
	if err != nil {
		return nil, badRequest("The logo stream could not be read.")
	}
	if len(body) == 0 {
		return nil, badRequest("The logo stream is empty; the logo is not nullable.")
	}
	if len(body) > maxLogoBytes {
		return nil, badRequest("The logo is larger than 100 KB.")
	}
	err = s.store.Update(func(tx *store.Tx) error {
		a := appByRef(r.tenant(tx), ref)
		if a == nil {
			return appNotFound(ref)
		}
		a.Logo, a.LogoContentType = body, ct
		return nil
	})
	if err != nil {
		return nil, err
	}
	return route.Empty(http.StatusNoContent), nil
}

// getLogo returns the stored logo with its content type; an app without a
// logo answers 404.
func (s *Service) getLogo(r *request) (*route.Response, error) {
	ref := r.PathValue("ref")
	var body []byte
	var ct string
	err := s.store.View(func(tx *store.Tx) error {
		a := appByRef(r.tenant(tx), ref)
		if a == nil || tx.Replicating(a.ID) {
			return appNotFound(ref)
		}
		body, ct = a.Logo, a.LogoContentType
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(body) == 0 {
		return nil, &Error{Status: http.StatusNotFound, Code: "Request_ResourceNotFound", Message: "The application has no logo."}
	}
	return (&route.Response{Status: http.StatusOK, Raw: body}).With("Content-Type", ct), nil
}
