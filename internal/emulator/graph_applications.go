package emulator

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Graph /applications (api-reference/v1.0/resources/application.md and the
// create, upsert, update, delete, addPassword, removePassword pages).

func appJSON(a *application) map[string]any {
	rra := a.RequiredResourceAccess
	if rra == nil {
		rra = []requiredResourceAccess{}
	}
	pw := []map[string]any{}
	for _, p := range a.PasswordCredentials {
		pw = append(pw, map[string]any{"customKeyIdentifier": nil, "displayName": p.DisplayName, "endDateTime": ts(p.EndDateTime),
			"hint": p.Hint, "keyId": p.KeyID, "secretText": nil, "startDateTime": ts(p.StartDateTime)})
	}
	keys := []map[string]any{}
	for _, k := range a.KeyCredentials {
		keys = append(keys, map[string]any{"customKeyIdentifier": k.CustomKeyIdentifier, "displayName": k.DisplayName, "endDateTime": ts(k.EndDateTime),
			"keyId": k.KeyID, "startDateTime": ts(k.StartDateTime), "type": k.Type, "usage": k.Usage, "key": nil})
	}
	roles := a.AppRoles
	if roles == nil {
		roles = []appRole{}
	}
	scopes := a.OAuth2PermissionScopes
	if scopes == nil {
		scopes = []permissionScope{}
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
	return map[string]any{
		"id": a.ID, "appId": a.AppID, "uniqueName": uniqueName, "displayName": a.DisplayName, "description": desc, "notes": notes,
		"signInAudience": a.SignInAudience, "isFallbackPublicClient": a.IsFallbackPublicClient, "identifierUris": strs(a.IdentifierURIs),
		"tags": strs(a.Tags), "publisherDomain": a.PublisherDomain, "createdDateTime": ts(a.CreatedDateTime), "deletedDateTime": nil,
		"web": map[string]any{"redirectUris": strs(a.WebRedirectURIs), "homePageUrl": nil, "logoutUrl": nil,
			"implicitGrantSettings": map[string]any{"enableIdTokenIssuance": false, "enableAccessTokenIssuance": false}},
		"publicClient":           map[string]any{"redirectUris": strs(a.PublicClientRedirectURIs)},
		"spa":                    map[string]any{"redirectUris": strs(a.SPARedirectURIs)},
		"api":                    map[string]any{"requestedAccessTokenVersion": nil, "oauth2PermissionScopes": scopes, "knownClientApplications": []string{}, "preAuthorizedApplications": []any{}},
		"appRoles":               roles,
		"requiredResourceAccess": rra,
		"passwordCredentials":    pw,
		"keyCredentials":         keys,
		"info":                   map[string]any{"termsOfServiceUrl": nil, "supportUrl": nil, "privacyStatementUrl": nil, "marketingUrl": nil, "logoUrl": nil},
	}
}

var signInAudiences = []string{"AzureADMyOrg", "AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount"}

// applyAppProps sets the writable properties present in body. It returns a
// Graph error message for an unknown, read-only or invalid property.
func applyAppProps(a *application, body map[string]json.RawMessage, creating bool) string {
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
			err = json.Unmarshal(raw, &a.IdentifierURIs)
			for _, u := range a.IdentifierURIs {
				if !strings.HasPrefix(u, "api://") && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "urn:") {
					return "Values of identifierUris property must use a verified domain of the organization or its subdomain: '" + u + "'"
				}
			}
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
				a.PublicClientRedirectURIs = *v.RedirectURIs
			}
		case "spa":
			var v struct {
				RedirectURIs *[]string `json:"redirectUris"`
			}
			if err = json.Unmarshal(raw, &v); err == nil && v.RedirectURIs != nil {
				a.SPARedirectURIs = *v.RedirectURIs
			}
		case "requiredResourceAccess":
			var v []requiredResourceAccess
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
			var v []appRole
			if err = json.Unmarshal(raw, &v); err == nil {
				if !creating && removesEnabled(a.AppRoles, v, func(r appRole) (string, string, bool) { return r.ID, r.Value, r.IsEnabled }) {
					return msgEnabledEntitlement
				}
				a.AppRoles = v
			}
		case "api":
			var v struct {
				Scopes *[]permissionScope `json:"oauth2PermissionScopes"`
			}
			if err = json.Unmarshal(raw, &v); err == nil && v.Scopes != nil {
				if !creating && removesEnabled(a.OAuth2PermissionScopes, *v.Scopes, func(p permissionScope) (string, string, bool) { return p.ID, p.Value, p.IsEnabled }) {
					return msgEnabledEntitlement
				}
				a.OAuth2PermissionScopes = *v.Scopes
			}
		case "info", "optionalClaims", "parentalControlSettings", "groupMembershipClaims", "tokenEncryptionKeyId", "isDeviceOnlyAuthSupported":
			// accepted and not modelled
		case "uniqueName":
			var v string
			_ = json.Unmarshal(raw, &v)
			if !creating && v != a.UniqueName {
				return "Property 'uniqueName' is immutable once set."
			}
			a.UniqueName = v
		case "keyCredentials":
			var v []struct {
				KeyID, DisplayName, Type, Usage, CustomKeyIdentifier string
				Key                                                  []byte
				StartDateTime, EndDateTime                           time.Time
			}
			if err = json.Unmarshal(raw, &v); err == nil {
				a.KeyCredentials = nil
				for _, k := range v {
					if k.KeyID == "" {
						k.KeyID = newGUID()
					}
					a.KeyCredentials = append(a.KeyCredentials, keyCredential{KeyID: k.KeyID, DisplayName: k.DisplayName, Type: k.Type, Usage: k.Usage,
						Key: k.Key, CustomKeyIdentifier: k.CustomKeyIdentifier, StartDateTime: k.StartDateTime, EndDateTime: k.EndDateTime})
				}
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
	return ""
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

func checkRedirectURI(u, kind string) string {
	parsed, err := url.Parse(u)
	if err != nil || parsed.Scheme == "" || parsed.Host == "" {
		return "Invalid value specified for property '" + kind + ".redirectUris' of resource 'Application'."
	}
	localhost := parsed.Hostname() == "localhost" || parsed.Hostname() == "127.0.0.1"
	if parsed.Scheme != "https" && (parsed.Scheme != "http" || !localhost) {
		return "Invalid value specified for property '" + kind + ".redirectUris' of resource 'Application': redirect URIs must use https, except http://localhost."
	}
	return ""
}

func (s *Server) graphApplicationRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1.0/applications", s.graph(appsWrite, s.createApplication))
	mux.HandleFunc("GET /v1.0/applications", s.graph(appsRead, s.listApplications))
	mux.HandleFunc("GET /v1.0/applications/{ref}", s.graph(appsRead, s.getApplication))
	mux.HandleFunc("PATCH /v1.0/applications/{ref}", s.graph(appsWrite, s.ownedApp(s.patchApplication)))
	mux.HandleFunc("DELETE /v1.0/applications/{ref}", s.graph(appsWrite, s.ownedApp(s.deleteApplication)))
	mux.HandleFunc("POST /v1.0/applications/{ref}/addPassword", s.graph(appsWrite, s.ownedApp(s.addPassword)))
	mux.HandleFunc("POST /v1.0/applications/{ref}/removePassword", s.graph(appsWrite, s.ownedApp(s.removePassword)))
	mux.HandleFunc("GET /v1.0/applications/{ref}/federatedIdentityCredentials", s.graph(appsRead, s.listFICs))
	mux.HandleFunc("POST /v1.0/applications/{ref}/federatedIdentityCredentials", s.graph(appsWrite, s.ownedApp(s.createFIC)))
	mux.HandleFunc("DELETE /v1.0/applications/{ref}/federatedIdentityCredentials/{fic}", s.graph(appsWrite, s.ownedApp(s.deleteFIC)))
}

// appByRef resolves "{id}", "(appId='…')" or "(uniqueName='…')" in the
// caller's tenant. Caller holds the store lock.
func appByRef(t *tenant, ref string) *application {
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

func (s *Server) createApplication(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	body, ok := readBody(r)
	if !ok {
		s.badRequest(w, r, "Write requests (excluding DELETE) must contain the Content-Type header declaration.")
		return
	}
	s.insertApplication(w, r, p, t, body, "")
}

func (s *Server) insertApplication(w http.ResponseWriter, r *http.Request, p *principal, t *tenant, body map[string]json.RawMessage, uniqueName string) {
	now := s.now()
	a := &application{TenantID: t.ID, ID: newGUID(), AppID: newGUID(), SignInAudience: "AzureADandPersonalMicrosoftAccount",
		PublisherDomain: t.defaultDomain(), CreatedDateTime: now, UniqueName: uniqueName}
	if ownedByOnly(p) {
		// An app that may only manage what it owns becomes the owner of
		// what it creates, or it could never touch it again.
		a.Owners = []string{p.ObjectID}
	}
	if msg := applyAppProps(a, body, true); msg != "" {
		s.badRequest(w, r, msg)
		return
	}
	if strings.TrimSpace(a.DisplayName) == "" {
		s.badRequest(w, r, "Invalid value specified for property 'displayName' of resource 'Application'.")
		return
	}
	s.store.mu.Lock()
	if a.UniqueName != "" && appByRef(t, "(uniqueName='"+a.UniqueName+"')") != nil {
		s.store.mu.Unlock()
		s.badRequest(w, r, "Another object with the same value for property uniqueName already exists.")
		return
	}
	t.Applications[a.ID] = a
	s.store.apps[a.AppID] = a
	out := appJSON(a)
	s.store.mu.Unlock()
	s.markCreated(a.ID, now)
	s.markCreated(a.AppID, now)
	out["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#applications/$entity"
	w.Header().Set("Location", s.url+"/v1.0/directoryObjects/"+a.ID+"/Microsoft.DirectoryServices.Application")
	s.graphOK(w, r, http.StatusCreated, out)
}

func (s *Server) listApplications(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	f, msg := parseFilter(r.URL.Query().Get("$filter"), "appId", "displayName", "id", "uniqueName")
	if !s.advancedQueryOK(w, r) {
		return
	}
	if msg != "" {
		s.graphErr(w, r, http.StatusBadRequest, "Request_UnsupportedQuery", msg)
		return
	}
	s.store.mu.RLock()
	var items []map[string]any
	for _, a := range t.Applications {
		if s.replicatingNoLock(a.ID) {
			continue
		}
		j := appJSON(a)
		if f.match(j) {
			items = append(items, j)
		}
	}
	s.store.mu.RUnlock()
	sortByCreated(items)
	body, msg := s.page(r, "applications", items)
	if msg != "" {
		s.badRequest(w, r, msg)
		return
	}
	s.graphOK(w, r, http.StatusOK, body)
}

func (s *Server) getApplication(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	ref := r.PathValue("ref")
	s.store.mu.RLock()
	a := appByRef(t, ref)
	var out map[string]any
	if a != nil {
		out = appJSON(a)
	}
	s.store.mu.RUnlock()
	if a == nil || s.replicating(a.ID) {
		s.notFound(w, r, strings.Trim(ref, "()"))
		return
	}
	out = selectOne(r, out)
	out["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#applications/$entity"
	s.graphOK(w, r, http.StatusOK, out)
}

// patchApplication updates an application; on the uniqueName key with
// "Prefer: create-if-missing" it creates the app when missing (upsert).
func (s *Server) patchApplication(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	ref := r.PathValue("ref")
	body, ok := readBody(r)
	if !ok {
		s.badRequest(w, r, "Write requests (excluding DELETE) must contain the Content-Type header declaration.")
		return
	}
	s.store.mu.Lock()
	a := appByRef(t, ref)
	if a == nil {
		s.store.mu.Unlock()
		if un, isUnique := keyRef(ref, "uniqueName"); isUnique && strings.Contains(strings.ToLower(r.Header.Get("Prefer")), "create-if-missing") {
			s.insertApplication(w, r, p, t, body, un)
			return
		}
		s.notFound(w, r, strings.Trim(ref, "()"))
		return
	}
	updated := *a
	msg := applyAppProps(&updated, body, false)
	if msg == "" && strings.TrimSpace(updated.DisplayName) == "" {
		msg = "Invalid value specified for property 'displayName' of resource 'Application'."
	}
	if msg == "" {
		*a = updated
	}
	s.store.mu.Unlock()
	if msg == msgEnabledEntitlement {
		s.graphErr(w, r, http.StatusBadRequest, "CannotDeleteOrUpdateEnabledEntitlement", msg)
		return
	}
	if msg != "" {
		s.badRequest(w, r, msg)
		return
	}
	s.noContent(w, r)
}

func (s *Server) deleteApplication(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	ref := r.PathValue("ref")
	s.store.mu.Lock()
	a := appByRef(t, ref)
	if a != nil {
		delete(t.Applications, a.ID)
		delete(s.store.apps, a.AppID)
		// Deleting an app registration removes its service principal in the
		// home tenant; instances elsewhere stay until removed there.
		if sp := t.spByAppID(a.AppID); sp != nil {
			deleteSPLocked(t, sp.ID)
		}
	}
	s.store.mu.Unlock()
	if a == nil {
		s.notFound(w, r, strings.Trim(ref, "()"))
		return
	}
	s.noContent(w, r)
}

func (s *Server) addPassword(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	var body struct {
		PasswordCredential *struct {
			DisplayName   *string    `json:"displayName"`
			StartDateTime *time.Time `json:"startDateTime"`
			EndDateTime   *time.Time `json:"endDateTime"`
		} `json:"passwordCredential"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		s.badRequest(w, r, "Invalid request body: "+err.Error())
		return
	}
	now := s.now()
	pc := passwordCredential{KeyID: newGUID(), StartDateTime: now, SecretText: newSecretText()}
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
		s.badRequest(w, r, "Invalid value specified for property 'endDateTime' of resource 'PasswordCredential': it must be later than startDateTime.")
		return
	}
	s.store.mu.Lock()
	a := appByRef(t, r.PathValue("ref"))
	if a != nil {
		a.PasswordCredentials = append(a.PasswordCredentials, pc)
	}
	s.store.mu.Unlock()
	if a == nil {
		s.notFound(w, r, strings.Trim(r.PathValue("ref"), "()"))
		return
	}
	s.graphOK(w, r, http.StatusOK, map[string]any{
		"@odata.context":      "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.passwordCredential",
		"customKeyIdentifier": nil, "displayName": nilIfEmpty(pc.DisplayName), "endDateTime": ts(pc.EndDateTime), "hint": pc.Hint,
		"keyId": pc.KeyID, "secretText": pc.SecretText, "startDateTime": ts(pc.StartDateTime),
	})
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// newSecretText mimics Entra's 40-character secrets (3-character hint,
// "~" at position 4).
func newSecretText() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-."
	b := []byte(randomHex(40))
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	b[3] = '8'
	b[4] = 'Q'
	b[5] = '~'
	return string(b)
}

func (s *Server) removePassword(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	var body struct {
		KeyID string `json:"keyId"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.KeyID == "" {
		s.badRequest(w, r, "The request body must contain keyId.")
		return
	}
	s.store.mu.Lock()
	a := appByRef(t, r.PathValue("ref"))
	found := false
	if a != nil {
		a.PasswordCredentials = slices.DeleteFunc(a.PasswordCredentials, func(pc passwordCredential) bool {
			if strings.EqualFold(pc.KeyID, body.KeyID) {
				found = true
				return true
			}
			return false
		})
	}
	s.store.mu.Unlock()
	switch {
	case a == nil:
		s.notFound(w, r, strings.Trim(r.PathValue("ref"), "()"))
	case !found:
		s.notFound(w, r, body.KeyID)
	default:
		s.noContent(w, r)
	}
}

func ficJSON(f federatedCredential) map[string]any {
	return map[string]any{"id": f.ID, "name": f.Name, "issuer": f.Issuer, "subject": f.Subject, "audiences": strs(f.Audiences), "description": nilIfEmpty(f.Description)}
}

func (s *Server) listFICs(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	s.store.mu.RLock()
	a := appByRef(t, r.PathValue("ref"))
	var items []map[string]any
	if a != nil {
		for _, f := range a.FederatedCredentials {
			items = append(items, ficJSON(f))
		}
	}
	s.store.mu.RUnlock()
	if a == nil {
		s.notFound(w, r, r.PathValue("ref"))
		return
	}
	body, _ := s.page(r, "applications('"+a.ID+"')/federatedIdentityCredentials", items)
	s.graphOK(w, r, http.StatusOK, body)
}

func (s *Server) createFIC(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	var f federatedCredential
	if err := json.NewDecoder(r.Body).Decode(&f); err != nil || f.Name == "" || f.Issuer == "" || f.Subject == "" || len(f.Audiences) == 0 {
		s.badRequest(w, r, "name, issuer, subject and audiences are required.")
		return
	}
	f.ID = newGUID()
	s.store.mu.Lock()
	a := appByRef(t, r.PathValue("ref"))
	conflict := false
	if a != nil {
		for _, o := range a.FederatedCredentials {
			conflict = conflict || o.Name == f.Name || (o.Issuer == f.Issuer && o.Subject == f.Subject)
		}
		if !conflict {
			a.FederatedCredentials = append(a.FederatedCredentials, f)
		}
	}
	s.store.mu.Unlock()
	switch {
	case a == nil:
		s.notFound(w, r, r.PathValue("ref"))
	case conflict:
		s.graphErr(w, r, http.StatusConflict, "Request_MultipleObjectsWithSameKeyValue", "FederatedIdentityCredential with name "+f.Name+" already exists.")
	default:
		s.graphOK(w, r, http.StatusCreated, ficJSON(f))
	}
}

func (s *Server) deleteFIC(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
	s.store.mu.Lock()
	a := appByRef(t, r.PathValue("ref"))
	found := false
	if a != nil {
		a.FederatedCredentials = slices.DeleteFunc(a.FederatedCredentials, func(f federatedCredential) bool {
			hit := f.ID == r.PathValue("fic") || f.Name == r.PathValue("fic")
			found = found || hit
			return hit
		})
	}
	s.store.mu.Unlock()
	if !found {
		s.notFound(w, r, r.PathValue("fic"))
		return
	}
	s.noContent(w, r)
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

func (s *Server) replicatingNoLock(id string) bool { return s.replicating(id) }
