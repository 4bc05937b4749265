package emulator

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The Business Central admin center API, /admin/v2.{minor}/... on
// api.businesscentral.dynamics.com. Sources:
// administration-center-api_authorizedaadapps.md and
// administration-center-api_environments.md (ms.date 11/17/2025).

// bcAdminRequest is what every admin center handler gets after the version,
// the token and throttling were checked.
type bcAdminRequest struct {
	minor  int
	p      *principal
	tenant *tenant
}

// bcAdmin wraps an admin center handler: API version, bearer token, tenant,
// throttling. Errors use the admin center's top-level error shape.
func (s *Server) bcAdmin(auth bcAuthFunc, minMinor int, h func(http.ResponseWriter, *http.Request, *bcAdminRequest)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		minor, ok := bcAdminVersion(r.PathValue("version"))
		if !ok || minor < minMinor {
			// No documented answer for a version the service does not know
			// (or one older than the endpoint's "Introduced in"); the doc's
			// catch-all code is Unknown.
			writeBCAdminError(w, &bcAdminError{Status: http.StatusNotFound, Code: "Unknown",
				Message: "The API version '" + r.PathValue("version") + "' is not supported for this endpoint."})
			return
		}
		p, aerr := auth(r, bcResource)
		if aerr != nil {
			writeBCAdminError(w, &bcAdminError{Status: aerr.Status, Code: "Unauthorized", Message: aerr.Message})
			return
		}
		s.store.mu.Lock()
		t := s.store.tenants[strings.ToLower(p.TenantID)]
		throttled, retryAfter := false, 0
		if t != nil && t.BC != nil && t.BC.Throttle.Count > 0 {
			t.BC.Throttle.Count--
			throttled, retryAfter = true, t.BC.Throttle.RetryAfterSeconds
		}
		s.store.mu.Unlock()
		if t == nil {
			writeBCAdminError(w, &bcAdminError{Status: http.StatusUnauthorized, Code: "Unauthorized",
				Message: "The tenant " + p.TenantID + " was not found."})
			return
		}
		if throttled {
			bcTooManyRequests(w, retryAfter, false)
			return
		}
		h(w, r, &bcAdminRequest{minor: minor, p: p, tenant: t})
	}
}

// bcAdminVersion parses "v2.{minor}" up to the latest documented version.
func bcAdminVersion(v string) (int, bool) {
	rest, ok := strings.CutPrefix(v, "v2.")
	if !ok || rest == "" {
		return 0, false
	}
	minor, err := strconv.Atoi(rest)
	if err != nil || minor < 0 || minor > bcLatestMinor || strconv.Itoa(minor) != rest {
		return 0, false
	}
	return minor, true
}

// Who may call what. Status codes and codes for refusals are not documented;
// third-party observation (ALDevToolbox) is 401 when the app is not in the
// authorized list and 403 when it is but lacks permission, and the emulator
// follows that. The messages quote the docs' notes.

func bcNeedDelegatedAdmin(p *principal) *bcAdminError {
	if !p.Delegated {
		return &bcAdminError{Status: http.StatusForbidden, Code: "Forbidden",
			Message: "The endpoint can't be used when authenticated as an app."}
	}
	return bcDelegatedRole(p)
}

func bcDelegatedRole(p *principal) *bcAdminError {
	for _, w := range p.Wids {
		switch strings.ToLower(w) {
		case bcWidGlobalAdmin, bcWidD365Admin, bcWidBCAdmin:
			return nil
		}
	}
	return &bcAdminError{Status: http.StatusForbidden, Code: "Forbidden",
		Message: "The signed-in user needs the Dynamics 365 Administrator or Dynamics 365 Business Central Administrator role (directly or through GDAP) to use the Business Central admin center."}
}

// bcAppAdminAccess is the prerequisite of every app-only admin center call
// (administration-center-api.md steps 4-8): authorized in this tenant's admin
// center, and AdminCenter.ReadWrite.All consented (present in the token).
func bcAppAdminAccess(t *tenant, p *principal) *bcAdminError {
	if !t.BC.isAuthorized(p.AppID) {
		return &bcAdminError{Status: http.StatusUnauthorized, Code: "Unauthorized",
			Message: "The app " + p.AppID + " isn't authorized in the Business Central admin center of tenant " + t.ID + "."}
	}
	if !slices.Contains(p.Roles, bcRoleAdminCenter) {
		return &bcAdminError{Status: http.StatusForbidden, Code: "Forbidden",
			Message: "The app " + p.AppID + " doesn't have the AdminCenter.ReadWrite.All application permission in tenant " + t.ID + "."}
	}
	return nil
}

// bcCallerAccess checks a call that works app-only and delegated alike.
func (s *Server) bcCallerAccess(a *bcAdminRequest) *bcAdminError {
	if a.p.Delegated {
		return bcDelegatedRole(a.p)
	}
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	return bcAppAdminAccess(a.tenant, a.p)
}

type bcAuthorizedAppJSON struct {
	AppID                 string `json:"appId"`
	IsAdminConsentGranted bool   `json:"isAdminConsentGranted"`
}

// bcAdminConsented answers isAdminConsentGranted: whether the app's service
// principal in this tenant holds AdminCenter.ReadWrite.All on the BC service
// principal. BC notes "There might be a short delay until the Granted status
// is visible" (administration-center-api.md); bcTenant.ConsentDelay plays
// that delay on the emulator's clock. Caller holds store.mu.
func bcAdminConsented(t *tenant, clientID string, now time.Time) bool {
	var client, resource string
	for _, sp := range t.ServicePrincipals {
		switch {
		case strings.EqualFold(sp.AppID, clientID):
			client = sp.ID
		case strings.EqualFold(sp.AppID, bcAppID):
			resource = sp.ID
		}
	}
	if client == "" || resource == "" {
		return false
	}
	var delay time.Duration
	if t.BC != nil {
		delay = t.BC.ConsentDelay
	}
	for _, a := range t.AppRoleAssignments {
		if a.PrincipalID == client && a.ResourceID == resource && strings.EqualFold(a.AppRoleID, bcRoleIDAdminCtr) &&
			!now.Before(a.CreatedDateTime.Add(delay)) {
			return true
		}
	}
	return false
}

// GET /admin/v2.x/authorizedAadApps: a bare JSON array.
func (s *Server) bcListAuthorizedApps(w http.ResponseWriter, r *http.Request, a *bcAdminRequest) {
	if e := bcNeedDelegatedAdmin(a.p); e != nil {
		writeBCAdminError(w, e)
		return
	}
	s.store.mu.RLock()
	out := []bcAuthorizedAppJSON{}
	if a.tenant.BC != nil {
		for _, id := range a.tenant.BC.AuthorizedApps {
			out = append(out, bcAuthorizedAppJSON{AppID: id, IsAdminConsentGranted: bcAdminConsented(a.tenant, id, s.now())})
		}
	}
	s.store.mu.RUnlock()
	bcWriteJSON(w, http.StatusOK, out)
}

// PUT /admin/v2.x/authorizedAadApps/{appClientId}: authorizes the app; it
// "doesn't grant admin consent or assign permission sets in environments".
// The doc gives the body but no status; 200 with the same body on repeat.
func (s *Server) bcAuthorizeApp(w http.ResponseWriter, r *http.Request, a *bcAdminRequest) {
	if e := bcNeedDelegatedAdmin(a.p); e != nil {
		writeBCAdminError(w, e)
		return
	}
	id := strings.ToLower(r.PathValue("appId"))
	if !bcIsGUID(id) {
		writeBCAdminError(w, &bcAdminError{Status: http.StatusBadRequest, Code: "InvalidInput",
			Message: "The app ID '" + r.PathValue("appId") + "' isn't a valid GUID.", Target: "appClientId"})
		return
	}
	s.store.mu.Lock()
	b := a.tenant.bc()
	if !b.isAuthorized(id) {
		b.AuthorizedApps = append(b.AuthorizedApps, id)
	}
	out := bcAuthorizedAppJSON{AppID: id, IsAdminConsentGranted: bcAdminConsented(a.tenant, id, s.now())}
	s.store.mu.Unlock()
	bcWriteJSON(w, http.StatusOK, out)
}

// DELETE /admin/v2.x/authorizedAadApps/{appClientId}. The page-wide note
// "Endpoints on this page cannot be used when authenticated as an app" (doc
// until 02/2025) covered DELETE; the per-endpoint notes since then name only
// GET and PUT. The emulator keeps DELETE delegated-only: stricter, so a
// provider never depends on an app token for it. No body, 200.
func (s *Server) bcRemoveAuthorizedApp(w http.ResponseWriter, r *http.Request, a *bcAdminRequest) {
	if e := bcNeedDelegatedAdmin(a.p); e != nil {
		writeBCAdminError(w, e)
		return
	}
	id := strings.ToLower(r.PathValue("appId"))
	s.store.mu.Lock()
	found := false
	if b := a.tenant.BC; b != nil {
		if i := slices.Index(b.AuthorizedApps, id); i >= 0 {
			b.AuthorizedApps = slices.Delete(b.AuthorizedApps, i, i+1)
			found = true
		}
	}
	s.store.mu.Unlock()
	if !found {
		writeBCAdminError(w, &bcAdminError{Status: http.StatusNotFound, Code: "ResourceDoesNotExist",
			Message: "The app " + id + " isn't authorized in this tenant.", Target: id})
		return
	}
	w.WriteHeader(http.StatusOK)
}

// GET /admin/v2.24+/authorizedAadApps/manageableTenants: app-only; every
// tenant where the calling app is authorized, consent or not.
func (s *Server) bcManageableTenants(w http.ResponseWriter, r *http.Request, a *bcAdminRequest) {
	if a.p.Delegated {
		writeBCAdminError(w, &bcAdminError{Status: http.StatusForbidden, Code: "Forbidden",
			Message: "The endpoint can only be used when authenticated as an app."})
		return
	}
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	if e := bcAppAdminAccess(a.tenant, a.p); e != nil {
		writeBCAdminError(w, e)
		return
	}
	type item struct {
		EntraTenantID string `json:"entraTenantId"`
	}
	out := []item{}
	ids := make([]string, 0, len(s.store.tenants))
	for id, t := range s.store.tenants {
		if !t.Deleted && t.BC.isAuthorized(a.p.AppID) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		out = append(out, item{EntraTenantID: id})
	}
	bcWriteJSON(w, http.StatusOK, map[string]any{"value": out})
}

// bcEnvironmentJSON is the environment object of the list and get endpoints.
// The doc writes SoftDeletedOn/HardDeletePendingOn/DeleteReason/
// AppSourceAppsUpdateCadence in PascalCase; every client and derived schema
// reads them camelCase like the other fields.
type bcEnvironmentJSON struct {
	FriendlyName               string             `json:"friendlyName"`
	Type                       string             `json:"type"`
	Name                       string             `json:"name"`
	CountryCode                string             `json:"countryCode"`
	ApplicationFamily          string             `json:"applicationFamily"`
	AADTenantID                string             `json:"aadTenantId"`
	Status                     string             `json:"status"`
	WebClientLoginURL          string             `json:"webClientLoginUrl"`
	WebServiceURL              string             `json:"webServiceUrl"`
	LocationName               string             `json:"locationName"`
	GeoName                    string             `json:"geoName"`
	RingName                   string             `json:"ringName"`
	AppInsightsKey             string             `json:"appInsightsKey"`
	SoftDeletedOn              *string            `json:"softDeletedOn"`
	HardDeletePendingOn        *string            `json:"hardDeletePendingOn"`
	DeleteReason               *string            `json:"deleteReason"`
	AppSourceAppsUpdateCadence string             `json:"appSourceAppsUpdateCadence"`
	VersionDetails             bcVersionDetailsJS `json:"versionDetails"`
}

type bcVersionDetailsJS struct {
	Version                       string `json:"version"`
	GracePeriodStartDate          string `json:"gracePeriodStartDate"`
	EnforcedUpdatePeriodStartDate string `json:"enforcedUpdatePeriodStartDate"`
}

// bcEnvJSON renders an environment. webServiceUrl points at the origin that
// served the request (the emulator plays api.businesscentral.dynamics.com);
// webClientLoginUrl keeps the real web client host, which the emulator does
// not play.
func bcEnvJSON(r *http.Request, tenantID string, e *bcEnvironment) bcEnvironmentJSON {
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	return bcEnvironmentJSON{
		FriendlyName:               e.FriendlyName,
		Type:                       e.Type,
		Name:                       e.Name,
		CountryCode:                e.CountryCode,
		ApplicationFamily:          e.ApplicationFamily,
		AADTenantID:                tenantID,
		Status:                     e.Status,
		WebClientLoginURL:          "https://businesscentral.dynamics.com/" + tenantID + "/" + e.Name,
		WebServiceURL:              bcOrigin(r) + "/v2.0/" + tenantID + "/" + e.Name,
		LocationName:               e.LocationName,
		GeoName:                    e.GeoName,
		RingName:                   e.RingName,
		AppInsightsKey:             e.AppInsightsKey,
		AppSourceAppsUpdateCadence: e.AppSourceAppsCadence,
		VersionDetails: bcVersionDetailsJS{
			Version:                       e.Version,
			GracePeriodStartDate:          ts(e.GracePeriodStart),
			EnforcedUpdatePeriodStartDate: ts(e.EnforcedUpdateStart),
		},
	}
}

// GET /admin/v2.x/applications/environments and
// GET /admin/v2.x/applications/{applicationFamily}/environments.
func (s *Server) bcListEnvironments(w http.ResponseWriter, r *http.Request, a *bcAdminRequest) {
	if e := s.bcCallerAccess(a); e != nil {
		writeBCAdminError(w, e)
		return
	}
	family := r.PathValue("family")
	// The family segment is matched case-insensitively; the API reports
	// "BusinessCentral".
	if family != "" && !strings.EqualFold(family, bcFamily) {
		writeBCAdminError(w, &bcAdminError{Status: http.StatusNotFound, Code: "ApplicationTypeDoesNotExist",
			Message: "The application family '" + family + "' was not found.", Target: family})
		return
	}
	s.store.mu.RLock()
	out := []bcEnvironmentJSON{}
	if a.tenant.BC != nil {
		for _, e := range a.tenant.BC.Environments {
			out = append(out, bcEnvJSON(r, a.tenant.ID, e))
		}
	}
	s.store.mu.RUnlock()
	bcWriteJSON(w, http.StatusOK, map[string]any{"value": out})
}

// GET /admin/v2.x/applications/{family}/environments/{name}. The doc's sample
// wraps the result in "value" under the sentence "Returns a single environment
// if exists"; Microsoft's BcContainerHelper and the bcadmincenter provider read
// a single object, which is what the emulator answers.
func (s *Server) bcGetEnvironment(w http.ResponseWriter, r *http.Request, a *bcAdminRequest) {
	if e := s.bcCallerAccess(a); e != nil {
		writeBCAdminError(w, e)
		return
	}
	family, name := r.PathValue("family"), r.PathValue("name")
	if !strings.EqualFold(family, bcFamily) {
		writeBCAdminError(w, &bcAdminError{Status: http.StatusNotFound, Code: "ApplicationTypeDoesNotExist",
			Message: "The application family '" + family + "' was not found.", Target: family})
		return
	}
	s.store.mu.RLock()
	env := a.tenant.BC.environment(name)
	var out bcEnvironmentJSON
	if env != nil {
		out = bcEnvJSON(r, a.tenant.ID, env)
	}
	s.store.mu.RUnlock()
	if env == nil {
		writeBCAdminError(w, &bcAdminError{Status: http.StatusNotFound, Code: "EnvironmentNotFound",
			Message: "The environment '" + name + "' could not be found.", Target: bcFamily + "/" + name})
		return
	}
	bcWriteJSON(w, http.StatusOK, out)
}

// bcAdminMethods rejects methods an admin center route does not serve.
func bcAdminMethods(h map[string]http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if f, ok := h[r.Method]; ok {
			f(w, r)
			return
		}
		w.Header().Set("Allow", strings.Join(slices.Sorted(maps.Keys(h)), ", "))
		writeBCAdminError(w, &bcAdminError{Status: http.StatusMethodNotAllowed, Code: "Unknown",
			Message: "The requested resource does not support http method '" + r.Method + "'."})
	}
}
