package businesscentral

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/identity"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/route"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// The Business Central admin center API, /admin/v2.{minor}/... on
// api.businesscentral.dynamics.com. Sources:
// administration-center-api_authorizedaadapps.md and
// administration-center-api_environments.md (ms.date 11/17/2025).

// adminRequest is what every admin center handler gets after the version,
// the token and throttling were checked.
type adminRequest struct {
	minor    int
	p        *identity.Principal
	tenantID string
}

type adminHandler func(r *http.Request, a *adminRequest) (*route.Response, error)

// admin wraps an admin center handler: API version, bearer token, tenant,
// throttling. Errors use the admin center's top-level error shape.
func (s *Service) admin(minMinor int, h adminHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		minor, ok := adminVersion(r.PathValue("version"))
		if !ok || minor < minMinor {
			// No documented answer for a version the service does not know
			// (or one older than the endpoint's "Introduced in"); the doc's
			// catch-all code is Unknown.
			writeAdminError(w, &AdminError{Status: http.StatusNotFound, Code: "Unknown",
				Message: "The API version '" + r.PathValue("version") + "' is not supported for this endpoint."})
			return
		}
		p, err := s.auth(r, store.BCResource)
		if err != nil {
			writeAdminResult(w, nil, err)
			return
		}
		found, throttled, retryAfter := false, false, 0
		_ = s.store.Update(func(tx *store.Tx) error {
			t := tx.TenantByID(p.TenantID)
			found = t != nil
			if t != nil && t.BC != nil && t.BC.Throttle.Count > 0 {
				t.BC.Throttle.Count--
				throttled, retryAfter = true, t.BC.Throttle.RetryAfterSeconds
			}
			return nil
		})
		if !found {
			writeAdminError(w, &AdminError{Status: http.StatusUnauthorized, Code: "Unauthorized",
				Message: "The tenant " + p.TenantID + " was not found."})
			return
		}
		if throttled {
			tooManyRequests(w, retryAfter, false)
			return
		}
		resp, err := h(r, &adminRequest{minor: minor, p: p, tenantID: strings.ToLower(p.TenantID)})
		writeAdminResult(w, resp, err)
	})
}

// tenant is the caller's tenant in a transaction (an empty one if it was
// dropped since the request came in, by a control API reset or load).
func (a *adminRequest) tenant(tx *store.Tx) *store.Tenant {
	if t := tx.TenantByID(a.tenantID); t != nil {
		return t
	}
	return store.NewTenant(a.tenantID, "")
}

// adminVersion parses "v2.{minor}" up to the latest documented version.
func adminVersion(v string) (int, bool) {
	rest, ok := strings.CutPrefix(v, "v2.")
	if !ok || rest == "" {
		return 0, false
	}
	minor, err := strconv.Atoi(rest)
	if err != nil || minor < 0 || minor > latestMinor || strconv.Itoa(minor) != rest {
		return 0, false
	}
	return minor, true
}

// Who may call what. Status codes and codes for refusals are not documented;
// third-party observation (ALDevToolbox) is 401 when the app is not in the
// authorized list and 403 when it is but lacks permission, and the emulator
// follows that. The messages quote the docs' notes.

func needDelegatedAdmin(p *identity.Principal) error {
	if !p.Delegated {
		return &AdminError{Status: http.StatusForbidden, Code: "Forbidden",
			Message: "The endpoint can't be used when authenticated as an app."}
	}
	return delegatedRole(p)
}

// delegatedRole: directory roles (wids) that may use the admin center are
// "Users with at least the following Microsoft Entra roles"
// (tenant-admin-center.md); Global Administrator is above both.
func delegatedRole(p *identity.Principal) error {
	for _, w := range p.Wids {
		switch strings.ToLower(w) {
		case store.RoleGlobalAdmin, store.RoleDynamics365Admin, store.RoleBusinessCentralAdmin:
			return nil
		}
	}
	return &AdminError{Status: http.StatusForbidden, Code: "Forbidden",
		Message: "The signed-in user needs the Dynamics 365 Administrator or Dynamics 365 Business Central Administrator role (directly or through GDAP) to use the Business Central admin center."}
}

// appAdminAccess is the prerequisite of every app-only admin center call
// (administration-center-api.md steps 4-8): authorized in this tenant's admin
// center, and AdminCenter.ReadWrite.All consented (present in the token).
func appAdminAccess(t *store.Tenant, p *identity.Principal) error {
	if !t.BC.IsAuthorized(p.AppID) {
		return &AdminError{Status: http.StatusUnauthorized, Code: "Unauthorized",
			Message: "The app " + p.AppID + " isn't authorized in the Business Central admin center of tenant " + t.ID + "."}
	}
	if !slices.Contains(p.Roles, roleAdminCenter) {
		return &AdminError{Status: http.StatusForbidden, Code: "Forbidden",
			Message: "The app " + p.AppID + " doesn't have the AdminCenter.ReadWrite.All application permission in tenant " + t.ID + "."}
	}
	return nil
}

// callerAccess checks a call that works app-only and delegated alike.
func callerAccess(tx *store.Tx, a *adminRequest) error {
	if a.p.Delegated {
		return delegatedRole(a.p)
	}
	return appAdminAccess(a.tenant(tx), a.p)
}

type authorizedAppJSON struct {
	AppID                 string `json:"appId"`
	IsAdminConsentGranted bool   `json:"isAdminConsentGranted"`
}

// adminConsented answers isAdminConsentGranted: whether the app's service
// principal in this tenant holds AdminCenter.ReadWrite.All on the BC service
// principal. BC notes "There might be a short delay until the Granted status
// is visible" (administration-center-api.md); BCTenant.ConsentDelay plays
// that delay on the emulator's clock.
func adminConsented(t *store.Tenant, clientID string, now time.Time) bool {
	var client, resource string
	for _, sp := range t.ServicePrincipals {
		switch {
		case strings.EqualFold(sp.AppID, clientID):
			client = sp.ID
		case strings.EqualFold(sp.AppID, store.BCAppID):
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
		if a.PrincipalID == client && a.ResourceID == resource && strings.EqualFold(a.AppRoleID, roleIDAdminCenter) &&
			!now.Before(a.CreatedDateTime.Add(delay)) {
			return true
		}
	}
	return false
}

// GET /admin/v2.x/authorizedAadApps: a bare JSON array.
func (s *Service) listAuthorizedApps(_ *http.Request, a *adminRequest) (*route.Response, error) {
	if err := needDelegatedAdmin(a.p); err != nil {
		return nil, err
	}
	out := []authorizedAppJSON{}
	_ = s.store.View(func(tx *store.Tx) error {
		t := a.tenant(tx)
		if t.BC != nil {
			for _, id := range t.BC.AuthorizedApps {
				out = append(out, authorizedAppJSON{AppID: id, IsAdminConsentGranted: adminConsented(t, id, tx.Now())})
			}
		}
		return nil
	})
	return route.JSON(http.StatusOK, out), nil
}

// PUT /admin/v2.x/authorizedAadApps/{appClientId}: authorizes the app; it
// "doesn't grant admin consent or assign permission sets in environments".
// The doc gives the body but no status; 200 with the same body on repeat.
func (s *Service) authorizeApp(r *http.Request, a *adminRequest) (*route.Response, error) {
	if err := needDelegatedAdmin(a.p); err != nil {
		return nil, err
	}
	id := strings.ToLower(r.PathValue("appId"))
	if !IsGUID(id) {
		return nil, &AdminError{Status: http.StatusBadRequest, Code: "InvalidInput",
			Message: "The app ID '" + r.PathValue("appId") + "' isn't a valid GUID.", Target: "appClientId"}
	}
	var out authorizedAppJSON
	_ = s.store.Update(func(tx *store.Tx) error {
		t := a.tenant(tx)
		if b := t.BCState(); !b.IsAuthorized(id) {
			b.AuthorizedApps = append(b.AuthorizedApps, id)
		}
		out = authorizedAppJSON{AppID: id, IsAdminConsentGranted: adminConsented(t, id, tx.Now())}
		return nil
	})
	return route.JSON(http.StatusOK, out), nil
}

// DELETE /admin/v2.x/authorizedAadApps/{appClientId}. The page-wide note
// "Endpoints on this page cannot be used when authenticated as an app" (doc
// until 02/2025) covered DELETE; the per-endpoint notes since then name only
// GET and PUT. The emulator keeps DELETE delegated-only: stricter, so a
// provider never depends on an app token for it. No body, 200.
func (s *Service) removeAuthorizedApp(r *http.Request, a *adminRequest) (*route.Response, error) {
	if err := needDelegatedAdmin(a.p); err != nil {
		return nil, err
	}
	id := strings.ToLower(r.PathValue("appId"))
	err := s.store.Update(func(tx *store.Tx) error {
		if b := a.tenant(tx).BC; b != nil {
			if i := slices.Index(b.AuthorizedApps, id); i >= 0 {
				b.AuthorizedApps = slices.Delete(b.AuthorizedApps, i, i+1)
				return nil
			}
		}
		return &AdminError{Status: http.StatusNotFound, Code: "ResourceDoesNotExist",
			Message: "The app " + id + " isn't authorized in this tenant.", Target: id}
	})
	if err != nil {
		return nil, err
	}
	return route.Empty(http.StatusOK), nil
}

// GET /admin/v2.24+/authorizedAadApps/manageableTenants: app-only; every
// tenant where the calling app is authorized, consent or not.
func (s *Service) manageableTenants(_ *http.Request, a *adminRequest) (*route.Response, error) {
	if a.p.Delegated {
		return nil, &AdminError{Status: http.StatusForbidden, Code: "Forbidden",
			Message: "The endpoint can only be used when authenticated as an app."}
	}
	type item struct {
		EntraTenantID string `json:"entraTenantId"`
	}
	out := []item{}
	err := s.store.View(func(tx *store.Tx) error {
		if err := appAdminAccess(a.tenant(tx), a.p); err != nil {
			return err
		}
		var ids []string
		for _, t := range tx.Tenants() {
			if !t.Deleted && t.BC.IsAuthorized(a.p.AppID) {
				ids = append(ids, t.ID)
			}
		}
		slices.Sort(ids)
		for _, id := range ids {
			out = append(out, item{EntraTenantID: id})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return route.JSON(http.StatusOK, map[string]any{"value": out}), nil
}

// environmentJSON is the environment object of the list and get endpoints.
// The doc writes SoftDeletedOn/HardDeletePendingOn/DeleteReason/
// AppSourceAppsUpdateCadence in PascalCase; every client and derived schema
// reads them camelCase like the other fields.
type environmentJSON struct {
	FriendlyName               string             `json:"friendlyName"`
	Type                       string             `json:"type"`
	Name                       string             `json:"name"`
	CountryCode                string             `json:"countryCode"`
	ApplicationFamily          string             `json:"applicationFamily"`
	AADTenantID                string             `json:"aadTenantId"`
	ApplicationVersion         string             `json:"applicationVersion"`
	PlatformVersion            string             `json:"platformVersion"`
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
	VersionDetails             versionDetailsJSON `json:"versionDetails"`
}

type versionDetailsJSON struct {
	Version                       string `json:"version"`
	GracePeriodStartDate          string `json:"gracePeriodStartDate"`
	EnforcedUpdatePeriodStartDate string `json:"enforcedUpdatePeriodStartDate"`
}

// envJSON renders an environment. webServiceUrl points at the origin that
// served the request (the emulator plays api.businesscentral.dynamics.com);
// webClientLoginUrl keeps the real web client host, which the emulator does
// not play.
func envJSON(r *http.Request, tenantID string, e *store.BCEnvironment) environmentJSON {
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	return environmentJSON{
		FriendlyName:      e.FriendlyName,
		Type:              e.Type,
		Name:              e.Name,
		CountryCode:       e.CountryCode,
		ApplicationFamily: e.ApplicationFamily,
		AADTenantID:       tenantID,
		// The environments page documents applicationVersion and
		// platformVersion next to versionDetails; the emulator keeps one
		// version for both.
		ApplicationVersion:         e.Version,
		PlatformVersion:            e.Version,
		Status:                     e.Status,
		WebClientLoginURL:          "https://businesscentral.dynamics.com/" + tenantID + "/" + e.Name,
		WebServiceURL:              origin(r) + "/v2.0/" + tenantID + "/" + e.Name,
		LocationName:               e.LocationName,
		GeoName:                    e.GeoName,
		RingName:                   e.RingName,
		AppInsightsKey:             e.AppInsightsKey,
		AppSourceAppsUpdateCadence: e.AppSourceAppsCadence,
		VersionDetails: versionDetailsJSON{
			Version:                       e.Version,
			GracePeriodStartDate:          ts(e.GracePeriodStart),
			EnforcedUpdatePeriodStartDate: ts(e.EnforcedUpdateStart),
		},
	}
}

func familyNotFound(f string) error {
	return &AdminError{Status: http.StatusNotFound, Code: "ApplicationTypeDoesNotExist",
		Message: "The application family '" + f + "' was not found.", Target: f}
}

// GET /admin/v2.x/applications/environments and
// GET /admin/v2.x/applications/{applicationFamily}/environments.
func (s *Service) listEnvironments(r *http.Request, a *adminRequest) (*route.Response, error) {
	out := []environmentJSON{}
	err := s.store.View(func(tx *store.Tx) error {
		if err := callerAccess(tx, a); err != nil {
			return err
		}
		// The family segment is matched case-insensitively; the API reports
		// "BusinessCentral".
		if f := r.PathValue("family"); f != "" && !strings.EqualFold(f, family) {
			return familyNotFound(f)
		}
		if t := a.tenant(tx); t.BC != nil {
			for _, e := range t.BC.Environments {
				out = append(out, envJSON(r, t.ID, e))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return route.JSON(http.StatusOK, map[string]any{"value": out}), nil
}

// GET /admin/v2.x/applications/{family}/environments/{name}. The doc's sample
// wraps the result in "value" under the sentence "Returns a single environment
// if exists"; Microsoft's BcContainerHelper and the bcadmincenter provider read
// a single object, which is what the emulator answers.
func (s *Service) getEnvironment(r *http.Request, a *adminRequest) (*route.Response, error) {
	var out environmentJSON
	err := s.store.View(func(tx *store.Tx) error {
		if err := callerAccess(tx, a); err != nil {
			return err
		}
		f, name := r.PathValue("family"), r.PathValue("name")
		if !strings.EqualFold(f, family) {
			return familyNotFound(f)
		}
		t := a.tenant(tx)
		env := t.BC.Environment(name)
		if env == nil {
			return &AdminError{Status: http.StatusNotFound, Code: "EnvironmentNotFound",
				Message: "The environment '" + name + "' could not be found.", Target: family + "/" + name}
		}
		out = envJSON(r, t.ID, env)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return route.JSON(http.StatusOK, out), nil
}
