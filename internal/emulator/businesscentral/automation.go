package businesscentral

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/identity"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/route"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// The automation API of one environment:
// /v2.0/{tenantId}/{environment}/api/microsoft/automation/v2.0/... (and the
// tenant-less /v2.0/{environment}/... form of the docs' examples, where the
// token's tenant applies). Entities: companies, users, userPermissions,
// permissionSets, shaped by the AL API pages 30001/30004/30059/30005.

// autoRequest is what every automation handler gets once the caller is in
// the environment (and the company, where the path names one, exists).
type autoRequest struct {
	p         *identity.Principal
	tenantID  string
	envName   string
	companyID string
	base      string // .../api/microsoft/automation/v2.0
}

type autoHandler func(r *http.Request, a *autoRequest) (*route.Response, error)

// env and company resolve the request's environment and company in a
// transaction; one removed since the request came in (control API) is an
// empty one: the request finds nothing and what it writes is lost with it.
func (a *autoRequest) env(tx *store.Tx) *store.BCEnvironment {
	if t := tx.TenantByID(a.tenantID); t != nil {
		if e := t.BC.Environment(a.envName); e != nil {
			return e
		}
	}
	return &store.BCEnvironment{Name: a.envName, EntraApps: map[string]*store.BCEntraApp{}}
}

func (a *autoRequest) company(tx *store.Tx) *store.BCCompany {
	if c := a.env(tx).Company(a.companyID); c != nil {
		return c
	}
	return &store.BCCompany{ID: a.companyID}
}

// context is the @odata.context prefix of the company's entity sets.
func (a *autoRequest) context() string { return a.base + "/$metadata#companies(" + a.companyID + ")" }

// automation wraps an automation handler: bearer token, access to the
// environment, throttling, the company, and the permission the entity set's
// page needs.
func (s *Service) automation(entitySet string, h autoHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, err := s.enter(r, entitySet)
		if err != nil {
			var th *throttled
			if errors.As(err, &th) {
				tooManyRequests(w, th.retryAfter, true)
				return
			}
			writeODataResult(w, nil, err)
			return
		}
		resp, err := h(r, a)
		writeODataResult(w, resp, err)
	})
}

type throttled struct{ retryAfter int }

func (*throttled) Error() string { return "throttled" }

func (s *Service) enter(r *http.Request, entitySet string) (*autoRequest, error) {
	p, err := s.auth(r, store.BCResource)
	if err != nil {
		return nil, rejected()
	}
	tenantSeg, envName := r.PathValue("tenant"), r.PathValue("env")
	if tenantSeg == "" {
		tenantSeg = p.TenantID
	}
	a := &autoRequest{p: p, tenantID: strings.ToLower(p.TenantID), envName: envName}
	prefix := "/v2.0/" + r.PathValue("tenant") + "/" + envName
	if r.PathValue("tenant") == "" {
		prefix = "/v2.0/" + envName
	}
	a.base = origin(r) + prefix + automationRoot
	err = s.store.Update(func(tx *store.Tx) error {
		t := tx.TenantByID(p.TenantID)
		// The tenant in the URL (ID or domain) must be the token's tenant.
		pathTenant := strings.ToLower(tenantSeg)
		if id, ok := tx.DomainTenant(pathTenant); ok {
			pathTenant = id
		}
		var env *store.BCEnvironment
		var th *throttled
		if t != nil && t.BC != nil && strings.EqualFold(pathTenant, t.ID) {
			env = t.BC.Environment(envName)
			if t.BC.Throttle.Count > 0 {
				t.BC.Throttle.Count--
				th = &throttled{retryAfter: t.BC.Throttle.RetryAfterSeconds}
			}
		}
		if err := automationAccess(t, pathTenant, env, p); err != nil {
			return err
		}
		if th != nil {
			return th
		}
		a.envName = env.Name
		if key := strings.Trim(r.PathValue("company"), "'"); key != "" {
			c := env.Company(key)
			if c == nil {
				return &ODataError{Status: http.StatusNotFound, Code: "BadRequest_NotFound",
					Message: "The company with the ID '" + key + "' does not exist."}
			}
			a.companyID = c.ID
			return pagePermission(env, c, p, entitySet)
		}
		return nil
	})
	return a, err
}

// automationAccess decides whether the caller gets into the environment.
//
// App-only: "An application token with the Automation.ReadWrite.All scope is
// needed" and the app must be set up and Enabled on the "Microsoft Entra
// Applications" page of that environment (automation-apis-using-s2s-
// authentication.md, Task 2). BC rejects either with 401
// Authentication_InvalidCredentials ("The server has rejected the client
// credentials", dynamics-error-codes.md).
//
// Delegated: the emulator does not model licensed BC users; a user with an
// admin center role (Global / Dynamics 365 / BC Administrator) gets in, as
// admins do in a real environment.
func automationAccess(t *store.Tenant, pathTenant string, env *store.BCEnvironment, p *identity.Principal) error {
	if t == nil || t.Deleted || !strings.EqualFold(pathTenant, t.ID) {
		return rejected()
	}
	if env == nil {
		// Unknown environment: BC answers 404 before looking at the user.
		return &ODataError{Status: http.StatusNotFound, Code: "BadRequest_NotFound",
			Message: "The requested environment was not found."}
	}
	if p.Delegated {
		if delegatedRole(p) != nil {
			return rejected()
		}
		return nil
	}
	if !slices.Contains(p.Roles, roleAutomation) {
		return rejected()
	}
	app := env.EntraApps[strings.ToLower(p.AppID)]
	if app == nil || app.State != "Enabled" {
		return rejected()
	}
	if u := env.AppUser(p.AppID); u == nil || u.State != "Enabled" {
		return rejected()
	}
	return nil
}

// automationPages are the AL pages behind the entity sets.
var automationPages = map[string]string{
	"users":           "APIV2 - Aut. Users",
	"userPermissions": "APIV2 - Aut. User Permissions",
	"permissionSets":  "APIV2 - Aut. Permission Sets",
}

// pagePermission: an app gets into an environment with an enabled card, but
// what it may do there is its user's permission sets. Listing companies needs
// none; the users, userPermissions and permissionSets pages come with
// D365 AUTOMATION (the set the S2S article tells to assign), in all companies
// or this one. A permission failure is answered 400 Internal_ServerError
// "Sorry, the current permissions prevented the action. (...)", as reported
// against BC online (MicrosoftDocs/dynamics365smb-devitpro-pb#1966, the
// message as of BC 20+).
func pagePermission(env *store.BCEnvironment, c *store.BCCompany, p *identity.Principal, entitySet string) error {
	page, ok := automationPages[entitySet]
	if !ok || p.Delegated {
		return nil
	}
	if u := env.AppUser(p.AppID); u != nil {
		for _, perm := range u.Permissions {
			if perm.RoleID == "D365 AUTOMATION" && (perm.Company == "" || strings.EqualFold(perm.Company, c.Name)) {
				return nil
			}
		}
	}
	return &ODataError{Status: http.StatusBadRequest, Code: "Internal_ServerError",
		Message: "Sorry, the current permissions prevented the action. (Page " + page + " Execute: API v2)"}
}

// collection filters rows by the request's $filter and answers them.
func collection(r *http.Request, context string, rows []map[string]any) (*route.Response, error) {
	rows, err := applyQuery(r, rows)
	if err != nil {
		return nil, err
	}
	return route.JSON(http.StatusOK, map[string]any{"@odata.context": context, "value": rows}), nil
}

func entity(status int, context string, out map[string]any) *route.Response {
	out["@odata.context"] = context + "/$entity"
	return route.JSON(status, out)
}

func (s *Service) listCompanies(r *http.Request, a *autoRequest) (*route.Response, error) {
	out := []map[string]any{}
	_ = s.store.View(func(tx *store.Tx) error {
		for _, c := range a.env(tx).Companies {
			out = append(out, companyJSON(c))
		}
		return nil
	})
	return collection(r, a.base+"/$metadata#companies", out)
}

func (s *Service) getCompany(_ *http.Request, a *autoRequest) (*route.Response, error) {
	var out map[string]any
	_ = s.store.View(func(tx *store.Tx) error { out = companyJSON(a.company(tx)); return nil })
	return entity(http.StatusOK, a.base+"/$metadata#companies", out), nil
}

func (s *Service) listPermissionSets(r *http.Request, a *autoRequest) (*route.Response, error) {
	out := []map[string]any{}
	_ = s.store.View(func(tx *store.Tx) error {
		for _, ps := range a.env(tx).PermissionSets {
			out = append(out, map[string]any{"id": ps.RoleID, "displayName": ps.DisplayName, "appId": ps.AppID,
				"extensionName": ps.ExtensionName, "scope": ps.Scope})
		}
		return nil
	})
	return collection(r, a.context()+"/permissionSets", out)
}

func (s *Service) listUsers(r *http.Request, a *autoRequest) (*route.Response, error) {
	out := []map[string]any{}
	_ = s.store.View(func(tx *store.Tx) error {
		for _, u := range a.env(tx).Users {
			// Page 30004 filters out External User licenses online.
			if u.LicenseType != "External User" {
				out = append(out, userJSON(u))
			}
		}
		return nil
	})
	return collection(r, a.context()+"/users", out)
}

func companyJSON(c *store.BCCompany) map[string]any {
	return map[string]any{"id": c.ID, "systemVersion": c.SystemVersion, "name": c.Name,
		"displayName": c.DisplayName, "businessProfileId": c.BusinessProfileID}
}

func userJSON(u *store.BCUser) map[string]any {
	return map[string]any{
		"@odata.etag":    ETag(u.SecurityID, u.Version),
		"userSecurityId": u.SecurityID,
		"userName":       u.UserName,
		"displayName":    u.DisplayName,
		"state":          u.State,
		"expiryDate":     cmp.Or(u.ExpiryDate, "0001-01-01T00:00:00Z"),
		"contactEmail":   u.ContactEmail,
	}
}

func permissionJSON(u *store.BCUser, p *store.BCUserPermission) map[string]any {
	return map[string]any{
		"@odata.etag":    ETag(p.ID, p.Version),
		"id":             p.ID,
		"userSecurityId": u.SecurityID,
		"roleId":         p.RoleID,
		"displayName":    p.DisplayName,
		"company":        p.Company,
		"appId":          p.AppID,
		"extensionName":  p.ExtensionName,
		"scope":          p.Scope,
	}
}

// user finds the path's user in a transaction; page 30004 does not show
// External User licenses.
func (a *autoRequest) user(tx *store.Tx, r *http.Request) (*store.BCUser, error) {
	id := strings.Trim(r.PathValue("user"), "'")
	u := a.env(tx).User(id)
	if u == nil || u.LicenseType == "External User" {
		return nil, &ODataError{Status: http.StatusNotFound, Code: "Internal_RecordNotFound",
			Message: "The User does not exist. Identification fields and values: User Security ID='{" + strings.ToUpper(id) + "}'"}
	}
	return u, nil
}

func (s *Service) getUser(r *http.Request, a *autoRequest) (*route.Response, error) {
	var out map[string]any
	err := s.store.View(func(tx *store.Tx) error {
		u, err := a.user(tx, r)
		if err != nil {
			return err
		}
		out = userJSON(u)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return entity(http.StatusOK, a.context()+"/users", out), nil
}

func accessControlNotFound(id string) error {
	return &ODataError{Status: http.StatusNotFound, Code: "Internal_RecordNotFound",
		Message: "The Access Control does not exist. Identification fields and values: SystemId='{" + strings.ToUpper(id) + "}'"}
}

func permissionsContext(a *autoRequest, u *store.BCUser) string {
	return a.context() + "/users(" + u.SecurityID + ")/userPermissions"
}

func (s *Service) listUserPermissions(r *http.Request, a *autoRequest) (*route.Response, error) {
	out := []map[string]any{}
	var ctx string
	err := s.store.View(func(tx *store.Tx) error {
		u, err := a.user(tx, r)
		if err != nil {
			return err
		}
		ctx = permissionsContext(a, u)
		for _, p := range u.Permissions {
			out = append(out, permissionJSON(u, p))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return collection(r, ctx, out)
}

func (s *Service) getUserPermission(r *http.Request, a *autoRequest) (*route.Response, error) {
	key := strings.Trim(r.PathValue("id"), "'")
	var out map[string]any
	var ctx string
	err := s.store.View(func(tx *store.Tx) error {
		u, err := a.user(tx, r)
		if err != nil {
			return err
		}
		ctx = permissionsContext(a, u)
		for _, p := range u.Permissions {
			if strings.EqualFold(p.ID, key) {
				out = permissionJSON(u, p)
			}
		}
		if out == nil {
			return accessControlNotFound(key)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return entity(http.StatusOK, ctx, out), nil
}

// POST .../users({id})/userPermissions {"roleId","company"[,"scope","appId"]}
// -> 201 (dynamics_userpermission_create.md).
func (s *Service) addUserPermission(r *http.Request, a *autoRequest) (*route.Response, error) {
	var in struct {
		RoleID  string  `json:"roleId"`
		Company string  `json:"company"`
		Scope   *string `json:"scope"`
		AppID   *string `json:"appId"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return nil, &ODataError{Status: http.StatusBadRequest, Code: "BadRequest", Message: "Invalid Request Body"}
	}
	role := strings.ToUpper(strings.TrimSpace(in.RoleID)) // Code[20]
	var out map[string]any
	var ctx string
	err := s.store.Update(func(tx *store.Tx) error {
		u, err := a.user(tx, r)
		if err != nil {
			return err
		}
		ctx = permissionsContext(a, u)
		out, err = insertPermission(a.env(tx), u, role, in.Company, in.Scope, in.AppID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return entity(http.StatusCreated, ctx, out).With("Location", fmt.Sprintf("%s(%v)", ctx, out["id"])), nil
}

// insertPermission adds an Access Control row; the control API uses it too.
// The page looks the role up in "Aggregate Permission Set" with FindFirst,
// so an unknown role fails with "There is no Aggregate Permission Set within
// the filter"; Access Control's key (user, role, company, scope, app) makes
// a duplicate a Internal_EntityWithSameKeyExists conflict.
func insertPermission(env *store.BCEnvironment, u *store.BCUser, role, company string, scope, appID *string) (map[string]any, error) {
	var set *store.BCPermissionSet
	for _, ps := range env.PermissionSets {
		if strings.EqualFold(ps.RoleID, role) && (scope == nil || strings.EqualFold(*scope, ps.Scope)) &&
			(appID == nil || strings.EqualFold(*appID, ps.AppID)) {
			set = ps
			break
		}
	}
	if set == nil {
		return nil, &ODataError{Status: http.StatusNotFound, Code: "Internal_DataNotFoundFilter",
			Message: "There is no Aggregate Permission Set within the filter.  Filters: Role ID: " + role}
	}
	// "Applications can't be assigned the SUPER permission set."
	// (automation-apis-using-s2s-authentication.md)
	if u.LicenseType == "Application" && set.RoleID == "SUPER" {
		return nil, &ODataError{Status: http.StatusBadRequest, Code: "Application_DialogException",
			Message: "Applications can't be assigned the SUPER permission set."}
	}
	if company != "" {
		c := env.CompanyByName(company)
		if c == nil {
			return nil, &ODataError{Status: http.StatusBadRequest, Code: "Internal_InvalidTableRelation",
				Message: "The field Company Name of table Access Control contains a value (" + company + ") that cannot be found in the related table (Company)."}
		}
		company = c.Name
	}
	for _, p := range u.Permissions {
		if p.RoleID == set.RoleID && strings.EqualFold(p.Company, company) && p.Scope == set.Scope && strings.EqualFold(p.AppID, set.AppID) {
			return nil, &ODataError{Status: http.StatusConflict, Code: "Internal_EntityWithSameKeyExists",
				Message: "The Access Control already exists. Identification fields and values: User Security ID='{" +
					strings.ToUpper(u.SecurityID) + "}',Role ID='" + set.RoleID + "',Company Name='" + company +
					"',Scope='" + set.Scope + "',App ID='{" + strings.ToUpper(set.AppID) + "}'"}
		}
	}
	p := &store.BCUserPermission{ID: store.NewGUID(), RoleID: set.RoleID, Company: company, Scope: set.Scope, AppID: set.AppID,
		DisplayName: set.DisplayName, ExtensionName: set.ExtensionName}
	u.Permissions = append(u.Permissions, p)
	return permissionJSON(u, p), nil
}

func missingIfMatch() error {
	return &ODataError{Status: http.StatusBadRequest, Code: "BadRequest_InvalidToken",
		Message: "Could not validate the client concurrency token required by the service. Please provide a valid token in the client request."}
}

func entityChanged() error {
	return &ODataError{Status: http.StatusConflict, Code: "Request_EntityChanged",
		Message: "Another user has already changed the record."}
}

// DELETE .../userPermissions({id}) with the required If-Match -> 204.
func (s *Service) deleteUserPermission(r *http.Request, a *autoRequest) (*route.Response, error) {
	match := r.Header.Get("If-Match")
	if match == "" {
		return nil, missingIfMatch()
	}
	id := strings.Trim(r.PathValue("id"), "'")
	err := s.store.Update(func(tx *store.Tx) error {
		u, err := a.user(tx, r)
		if err != nil {
			return err
		}
		idx := slices.IndexFunc(u.Permissions, func(p *store.BCUserPermission) bool { return strings.EqualFold(p.ID, id) })
		switch {
		case idx < 0:
			return accessControlNotFound(id)
		case match != "*" && match != ETag(u.Permissions[idx].ID, u.Permissions[idx].Version):
			return entityChanged()
		}
		u.Permissions = slices.Delete(u.Permissions, idx, idx+1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return route.Empty(http.StatusNoContent), nil
}

// PATCH .../users({id}) with the required If-Match (dynamics_user_update.md):
// state, expiryDate and contactEmail are editable on page 30004; the other
// fields are read-only controls. Changing the user's state does not touch the
// Entra app card's State; BC checks both.
func (s *Service) patchUser(r *http.Request, a *autoRequest) (*route.Response, error) {
	if err := s.store.View(func(tx *store.Tx) error { _, err := a.user(tx, r); return err }); err != nil {
		return nil, err
	}
	match := r.Header.Get("If-Match")
	if match == "" {
		return nil, missingIfMatch()
	}
	var in map[string]any
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return nil, &ODataError{Status: http.StatusBadRequest, Code: "BadRequest", Message: "Invalid Request Body"}
	}
	for k := range in {
		switch k {
		case "state", "expiryDate", "contactEmail", "@odata.etag":
		default:
			return nil, &ODataError{Status: http.StatusBadRequest, Code: "BadRequest_InvalidOperation",
				Message: "Control '" + k + "' is read-only"}
		}
	}
	state, _ := in["state"].(string)
	if _, ok := in["state"]; ok && state != "Enabled" && state != "Disabled" {
		return nil, &ODataError{Status: http.StatusBadRequest, Code: "Application_EvaluateException",
			Message: "The value \"" + state + "\" can't be evaluated into type Option."}
	}
	var out map[string]any
	err := s.store.Update(func(tx *store.Tx) error {
		u, err := a.user(tx, r)
		if err != nil {
			return err
		}
		if match != "*" && match != ETag(u.SecurityID, u.Version) {
			return entityChanged()
		}
		if state != "" {
			u.State = state
		}
		if v, ok := in["expiryDate"].(string); ok {
			u.ExpiryDate = v
		}
		if v, ok := in["contactEmail"].(string); ok {
			u.ContactEmail = v
		}
		u.Version++
		out = userJSON(u)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return entity(http.StatusOK, a.context()+"/users", out), nil
}
