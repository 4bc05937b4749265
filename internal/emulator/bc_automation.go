package emulator

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// The automation API of one environment:
// /v2.0/{tenantId}/{environment}/api/microsoft/automation/v2.0/... (and the
// tenant-less /v2.0/{environment}/... form of the docs' examples, where the
// token's tenant applies). Entities: companies, users, userPermissions,
// permissionSets, shaped by the AL API pages 30001/30004/30059/30005.

type bcAutoRequest struct {
	p       *principal
	tenant  *tenant
	env     *bcEnvironment
	base    string // .../api/microsoft/automation/v2.0
	company *bcCompany
}

func (s *Server) bcAutomation(auth bcAuthFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, aerr := auth(r, bcResource)
		if aerr != nil {
			writeBCODataError(w, &bcODataError{Status: http.StatusUnauthorized, Code: "Authentication_InvalidCredentials",
				Message: "The server has rejected the client credentials."})
			return
		}
		s.serveAutomation(w, r, p)
	}
}

func (s *Server) serveAutomation(w http.ResponseWriter, r *http.Request, p *principal) {
	tenantSeg, envName := r.PathValue("tenant"), r.PathValue("env")
	if tenantSeg == "" {
		tenantSeg = p.TenantID
	}
	s.store.mu.Lock()
	t := s.store.tenants[strings.ToLower(p.TenantID)]
	// The tenant in the URL (ID or domain) must be the token's tenant.
	pathTenant := strings.ToLower(tenantSeg)
	if id, ok := s.store.domains[pathTenant]; ok {
		pathTenant = id
	}
	var env *bcEnvironment
	throttled, retryAfter := false, 0
	if t != nil && t.BC != nil && strings.EqualFold(pathTenant, t.ID) {
		env = t.BC.environment(envName)
		if t.BC.Throttle.Count > 0 {
			t.BC.Throttle.Count--
			throttled, retryAfter = true, t.BC.Throttle.RetryAfterSeconds
		}
	}
	access := bcAutomationAccess(t, pathTenant, env, p)
	s.store.mu.Unlock()

	if access != nil {
		writeBCODataError(w, access)
		return
	}
	if throttled {
		bcTooManyRequests(w, retryAfter, true)
		return
	}
	prefix := "/v2.0/" + r.PathValue("tenant") + "/" + envName
	if r.PathValue("tenant") == "" {
		prefix = "/v2.0/" + envName
	}
	a := &bcAutoRequest{p: p, tenant: t, env: env,
		base: bcOrigin(r) + prefix + "/api/microsoft/automation/v2.0"}
	s.routeAutomation(w, r, a, strings.Split(strings.Trim(r.PathValue("rest"), "/"), "/"))
}

// bcAutomationAccess decides whether the caller gets into the environment.
// Caller holds store.mu.
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
func bcAutomationAccess(t *tenant, pathTenant string, env *bcEnvironment, p *principal) *bcODataError {
	rejected := &bcODataError{Status: http.StatusUnauthorized, Code: "Authentication_InvalidCredentials",
		Message: "The server has rejected the client credentials."}
	if t == nil || t.Deleted || !strings.EqualFold(pathTenant, t.ID) {
		return rejected
	}
	if env == nil {
		// Unknown environment: BC answers 404 before looking at the user.
		return &bcODataError{Status: http.StatusNotFound, Code: "BadRequest_NotFound",
			Message: "The requested environment was not found."}
	}
	if p.Delegated {
		if bcDelegatedRole(p) != nil {
			return rejected
		}
		return nil
	}
	if !slices.Contains(p.Roles, bcRoleAutomation) {
		return rejected
	}
	app := env.EntraApps[strings.ToLower(p.AppID)]
	if app == nil || app.State != "Enabled" {
		return rejected
	}
	if u := env.appUser(p.AppID); u == nil || u.State != "Enabled" {
		return rejected
	}
	return nil
}

// bcSegment splits "users(abc)" into ("users", "abc", true).
func bcSegment(seg string) (name, key string, hasKey bool) {
	i := strings.IndexByte(seg, '(')
	if i < 0 || !strings.HasSuffix(seg, ")") {
		return seg, "", false
	}
	key = seg[i+1 : len(seg)-1]
	key = strings.Trim(key, "'") // string keys are quoted, GUID keys are not
	return seg[:i], key, true
}

func bcNotFoundURI(r *http.Request) *bcODataError {
	return &bcODataError{Status: http.StatusNotFound, Code: "BadRequest_NotFound",
		Message: "No HTTP resource was found that matches the request URI '" + r.URL.Path + "'."}
}

func bcMethodNotAllowed(r *http.Request, entitySet string) *bcODataError {
	return &bcODataError{Status: http.StatusMethodNotAllowed, Code: "BadRequest_MethodNotAllowed",
		Message: "'" + r.Method + "' requests for '" + entitySet + "' of EdmType 'Entity' are not allowed within Microsoft Dynamics 365 Business Central OData web services."}
}

func (s *Server) routeAutomation(w http.ResponseWriter, r *http.Request, a *bcAutoRequest, segs []string) {
	name, key, hasKey := bcSegment(segs[0])
	if name != "companies" {
		writeBCODataError(w, bcNotFoundURI(r))
		return
	}
	if !hasKey {
		if len(segs) != 1 {
			writeBCODataError(w, bcNotFoundURI(r))
			return
		}
		if r.Method != http.MethodGet {
			writeBCODataError(w, bcMethodNotAllowed(r, "companies"))
			return
		}
		s.store.mu.RLock()
		out := []map[string]any{}
		for _, c := range a.env.Companies {
			out = append(out, bcCompanyJSON(c))
		}
		s.store.mu.RUnlock()
		rows, qe := bcApplyQuery(r, out)
		if qe != nil {
			writeBCODataError(w, qe)
			return
		}
		bcWriteOData(w, http.StatusOK, map[string]any{"@odata.context": a.base + "/$metadata#companies", "value": rows})
		return
	}
	s.store.mu.RLock()
	a.company = a.env.company(key)
	s.store.mu.RUnlock()
	if a.company == nil {
		writeBCODataError(w, &bcODataError{Status: http.StatusNotFound, Code: "BadRequest_NotFound",
			Message: "The company with the ID '" + key + "' does not exist."})
		return
	}
	if len(segs) == 1 {
		if r.Method != http.MethodGet {
			writeBCODataError(w, bcMethodNotAllowed(r, "companies"))
			return
		}
		s.store.mu.RLock()
		out := bcCompanyJSON(a.company)
		s.store.mu.RUnlock()
		out["@odata.context"] = a.base + "/$metadata#companies/$entity"
		bcWriteOData(w, http.StatusOK, out)
		return
	}
	ctx := a.base + "/$metadata#companies(" + a.company.ID + ")"
	name, key, hasKey = bcSegment(segs[1])
	if e := s.bcPagePermission(a, name); e != nil {
		writeBCODataError(w, e)
		return
	}
	switch {
	case name == "permissionSets" && !hasKey && len(segs) == 2:
		if r.Method != http.MethodGet {
			writeBCODataError(w, bcMethodNotAllowed(r, "permissionSets"))
			return
		}
		s.store.mu.RLock()
		out := []map[string]any{}
		for _, ps := range a.env.PermissionSets {
			out = append(out, map[string]any{"id": ps.RoleID, "displayName": ps.DisplayName, "appId": ps.AppID,
				"extensionName": ps.ExtensionName, "scope": ps.Scope})
		}
		s.store.mu.RUnlock()
		rows, qe := bcApplyQuery(r, out)
		if qe != nil {
			writeBCODataError(w, qe)
			return
		}
		bcWriteOData(w, http.StatusOK, map[string]any{"@odata.context": ctx + "/permissionSets", "value": rows})
	case name == "users" && !hasKey && len(segs) == 2:
		if r.Method != http.MethodGet {
			writeBCODataError(w, bcMethodNotAllowed(r, "users"))
			return
		}
		s.store.mu.RLock()
		out := []map[string]any{}
		for _, u := range a.env.Users {
			// Page 30004 filters out External User licenses online.
			if u.LicenseType != "External User" {
				out = append(out, bcUserJSON(u))
			}
		}
		s.store.mu.RUnlock()
		rows, qe := bcApplyQuery(r, out)
		if qe != nil {
			writeBCODataError(w, qe)
			return
		}
		bcWriteOData(w, http.StatusOK, map[string]any{"@odata.context": ctx + "/users", "value": rows})
	case name == "users" && hasKey:
		s.routeUser(w, r, a, key, segs[2:], ctx+"/users")
	default:
		writeBCODataError(w, bcNotFoundURI(r))
	}
}

func bcCompanyJSON(c *bcCompany) map[string]any {
	return map[string]any{"id": c.ID, "systemVersion": c.SystemVersion, "name": c.Name,
		"displayName": c.DisplayName, "businessProfileId": c.BusinessProfileID}
}

func bcUserJSON(u *bcUser) map[string]any {
	return map[string]any{
		"@odata.etag":    bcETag(u.SecurityID, u.Version),
		"userSecurityId": u.SecurityID,
		"userName":       u.UserName,
		"displayName":    u.DisplayName,
		"state":          u.State,
		"expiryDate":     cmp.Or(u.ExpiryDate, "0001-01-01T00:00:00Z"),
		"contactEmail":   u.ContactEmail,
	}
}

func bcPermissionJSON(u *bcUser, p *bcUserPermission) map[string]any {
	return map[string]any{
		"@odata.etag":    bcETag(p.ID, p.Version),
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

func bcUserNotFound(id string) *bcODataError {
	return &bcODataError{Status: http.StatusNotFound, Code: "Internal_RecordNotFound",
		Message: "The User does not exist. Identification fields and values: User Security ID='{" + strings.ToUpper(id) + "}'"}
}

func (s *Server) routeUser(w http.ResponseWriter, r *http.Request, a *bcAutoRequest, userID string, segs []string, ctx string) {
	s.store.mu.RLock()
	u := a.env.user(userID)
	s.store.mu.RUnlock()
	if u == nil || u.LicenseType == "External User" {
		writeBCODataError(w, bcUserNotFound(userID))
		return
	}
	if len(segs) == 0 {
		if r.Method == http.MethodPatch {
			s.bcPatchUser(w, r, u, ctx)
			return
		}
		if r.Method != http.MethodGet {
			writeBCODataError(w, bcMethodNotAllowed(r, "users"))
			return
		}
		s.store.mu.RLock()
		out := bcUserJSON(u)
		s.store.mu.RUnlock()
		out["@odata.context"] = ctx + "/$entity"
		bcWriteOData(w, http.StatusOK, out)
		return
	}
	name, key, hasKey := bcSegment(segs[0])
	if name != "userPermissions" || len(segs) != 1 {
		writeBCODataError(w, bcNotFoundURI(r))
		return
	}
	ctx += "(" + u.SecurityID + ")/userPermissions"
	switch {
	case !hasKey && r.Method == http.MethodGet:
		s.store.mu.RLock()
		out := []map[string]any{}
		for _, p := range u.Permissions {
			out = append(out, bcPermissionJSON(u, p))
		}
		s.store.mu.RUnlock()
		rows, qe := bcApplyQuery(r, out)
		if qe != nil {
			writeBCODataError(w, qe)
			return
		}
		bcWriteOData(w, http.StatusOK, map[string]any{"@odata.context": ctx, "value": rows})
	case !hasKey && r.Method == http.MethodPost:
		s.bcAddUserPermission(w, r, a, u, ctx)
	case hasKey && r.Method == http.MethodGet:
		s.store.mu.RLock()
		var out map[string]any
		for _, p := range u.Permissions {
			if strings.EqualFold(p.ID, key) {
				out = bcPermissionJSON(u, p)
			}
		}
		s.store.mu.RUnlock()
		if out == nil {
			writeBCODataError(w, bcAccessControlNotFound(key))
			return
		}
		out["@odata.context"] = ctx + "/$entity"
		bcWriteOData(w, http.StatusOK, out)
	case hasKey && r.Method == http.MethodDelete:
		s.bcDeleteUserPermission(w, r, u, key)
	default:
		writeBCODataError(w, bcMethodNotAllowed(r, "userPermissions"))
	}
}

func bcAccessControlNotFound(id string) *bcODataError {
	return &bcODataError{Status: http.StatusNotFound, Code: "Internal_RecordNotFound",
		Message: "The Access Control does not exist. Identification fields and values: SystemId='{" + strings.ToUpper(id) + "}'"}
}

// POST .../users({id})/userPermissions {"roleId","company"[,"scope","appId"]}
// -> 201 (dynamics_userpermission_create.md). The page looks the role up in
// "Aggregate Permission Set" with FindFirst, so an unknown role fails with
// "There is no Aggregate Permission Set within the filter"; Access Control's
// key (user, role, company, scope, app) makes a duplicate a
// Internal_EntityWithSameKeyExists conflict.
func (s *Server) bcAddUserPermission(w http.ResponseWriter, r *http.Request, a *bcAutoRequest, u *bcUser, ctx string) {
	var in struct {
		RoleID  string  `json:"roleId"`
		Company string  `json:"company"`
		Scope   *string `json:"scope"`
		AppID   *string `json:"appId"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeBCODataError(w, &bcODataError{Status: http.StatusBadRequest, Code: "BadRequest", Message: "Invalid Request Body"})
		return
	}
	role := strings.ToUpper(strings.TrimSpace(in.RoleID)) // Code[20]
	s.store.mu.Lock()
	out, e := bcInsertPermission(a.env, u, role, in.Company, in.Scope, in.AppID)
	s.store.mu.Unlock()
	if e != nil {
		writeBCODataError(w, e)
		return
	}
	out["@odata.context"] = ctx + "/$entity"
	w.Header().Set("Location", fmt.Sprintf("%s(%v)", ctx, out["id"]))
	bcWriteOData(w, http.StatusCreated, out)
}

// bcInsertPermission adds an Access Control row; the control API uses it too.
// Caller holds store.mu for writing.
func bcInsertPermission(env *bcEnvironment, u *bcUser, role, company string, scope, appID *string) (map[string]any, *bcODataError) {
	var set *bcPermissionSet
	for _, ps := range env.PermissionSets {
		if strings.EqualFold(ps.RoleID, role) && (scope == nil || strings.EqualFold(*scope, ps.Scope)) &&
			(appID == nil || strings.EqualFold(*appID, ps.AppID)) {
			set = ps
			break
		}
	}
	if set == nil {
		return nil, &bcODataError{Status: http.StatusNotFound, Code: "Internal_DataNotFoundFilter",
			Message: "There is no Aggregate Permission Set within the filter.  Filters: Role ID: " + role}
	}
	// "Applications can't be assigned the SUPER permission set."
	// (automation-apis-using-s2s-authentication.md)
	if u.LicenseType == "Application" && set.RoleID == "SUPER" {
		return nil, &bcODataError{Status: http.StatusBadRequest, Code: "Application_DialogException",
			Message: "Applications can't be assigned the SUPER permission set."}
	}
	if company != "" {
		c := env.companyByName(company)
		if c == nil {
			return nil, &bcODataError{Status: http.StatusBadRequest, Code: "Internal_InvalidTableRelation",
				Message: "The field Company Name of table Access Control contains a value (" + company + ") that cannot be found in the related table (Company)."}
		}
		company = c.Name
	}
	for _, p := range u.Permissions {
		if p.RoleID == set.RoleID && strings.EqualFold(p.Company, company) && p.Scope == set.Scope && strings.EqualFold(p.AppID, set.AppID) {
			return nil, &bcODataError{Status: http.StatusConflict, Code: "Internal_EntityWithSameKeyExists",
				Message: "The Access Control already exists. Identification fields and values: User Security ID='{" +
					strings.ToUpper(u.SecurityID) + "}',Role ID='" + set.RoleID + "',Company Name='" + company +
					"',Scope='" + set.Scope + "',App ID='{" + strings.ToUpper(set.AppID) + "}'"}
		}
	}
	p := &bcUserPermission{ID: bcNewGUID(), RoleID: set.RoleID, Company: company, Scope: set.Scope, AppID: set.AppID,
		DisplayName: set.DisplayName, ExtensionName: set.ExtensionName}
	u.Permissions = append(u.Permissions, p)
	return bcPermissionJSON(u, p), nil
}

// DELETE .../userPermissions({id}) with the required If-Match -> 204.
func (s *Server) bcDeleteUserPermission(w http.ResponseWriter, r *http.Request, u *bcUser, id string) {
	match := r.Header.Get("If-Match")
	if match == "" {
		writeBCODataError(w, &bcODataError{Status: http.StatusBadRequest, Code: "BadRequest_InvalidToken",
			Message: "Could not validate the client concurrency token required by the service. Please provide a valid token in the client request."})
		return
	}
	s.store.mu.Lock()
	idx := slices.IndexFunc(u.Permissions, func(p *bcUserPermission) bool { return strings.EqualFold(p.ID, id) })
	var e *bcODataError
	switch {
	case idx < 0:
		e = bcAccessControlNotFound(id)
	case match != "*" && match != bcETag(u.Permissions[idx].ID, u.Permissions[idx].Version):
		e = &bcODataError{Status: http.StatusConflict, Code: "Request_EntityChanged",
			Message: "Another user has already changed the record."}
	default:
		u.Permissions = slices.Delete(u.Permissions, idx, idx+1)
	}
	s.store.mu.Unlock()
	if e != nil {
		writeBCODataError(w, e)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// bcAutomationPages are the AL pages behind the entity sets.
var bcAutomationPages = map[string]string{
	"users":           "APIV2 - Aut. Users",
	"userPermissions": "APIV2 - Aut. User Permissions",
	"permissionSets":  "APIV2 - Aut. Permission Sets",
}

// bcPagePermission: an app gets into an environment with an enabled card, but
// what it may do there is its user's permission sets. Listing companies needs
// none; the users, userPermissions and permissionSets pages come with
// D365 AUTOMATION (the set the S2S article tells to assign), in all companies
// or this one. A permission failure is answered 400 Internal_ServerError
// "Sorry, the current permissions prevented the action. (...)", as reported
// against BC online (MicrosoftDocs/dynamics365smb-devitpro-pb#1966, the
// message as of BC 20+).
func (s *Server) bcPagePermission(a *bcAutoRequest, entitySet string) *bcODataError {
	page, ok := bcAutomationPages[entitySet]
	if !ok || a.p.Delegated {
		return nil
	}
	s.store.mu.RLock()
	defer s.store.mu.RUnlock()
	if u := a.env.appUser(a.p.AppID); u != nil {
		for _, p := range u.Permissions {
			if p.RoleID == "D365 AUTOMATION" && (p.Company == "" || strings.EqualFold(p.Company, a.company.Name)) {
				return nil
			}
		}
	}
	return &bcODataError{Status: http.StatusBadRequest, Code: "Internal_ServerError",
		Message: "Sorry, the current permissions prevented the action. (Page " + page + " Execute: API v2)"}
}

// PATCH .../users({id}) with the required If-Match (dynamics_user_update.md):
// state, expiryDate and contactEmail are editable on page 30004; the other
// fields are read-only controls. Changing the user's state does not touch the
// Entra app card's State; BC checks both.
func (s *Server) bcPatchUser(w http.ResponseWriter, r *http.Request, u *bcUser, ctx string) {
	match := r.Header.Get("If-Match")
	if match == "" {
		writeBCODataError(w, &bcODataError{Status: http.StatusBadRequest, Code: "BadRequest_InvalidToken",
			Message: "Could not validate the client concurrency token required by the service. Please provide a valid token in the client request."})
		return
	}
	var in map[string]any
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeBCODataError(w, &bcODataError{Status: http.StatusBadRequest, Code: "BadRequest", Message: "Invalid Request Body"})
		return
	}
	for k := range in {
		switch k {
		case "state", "expiryDate", "contactEmail", "@odata.etag":
		default:
			writeBCODataError(w, &bcODataError{Status: http.StatusBadRequest, Code: "BadRequest_InvalidOperation",
				Message: "Control '" + k + "' is read-only"})
			return
		}
	}
	state, _ := in["state"].(string)
	if _, ok := in["state"]; ok && state != "Enabled" && state != "Disabled" {
		writeBCODataError(w, &bcODataError{Status: http.StatusBadRequest, Code: "Application_EvaluateException",
			Message: "The value \"" + state + "\" can't be evaluated into type Option."})
		return
	}
	s.store.mu.Lock()
	if match != "*" && match != bcETag(u.SecurityID, u.Version) {
		s.store.mu.Unlock()
		writeBCODataError(w, &bcODataError{Status: http.StatusConflict, Code: "Request_EntityChanged",
			Message: "Another user has already changed the record."})
		return
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
	out := bcUserJSON(u)
	s.store.mu.Unlock()
	out["@odata.context"] = ctx + "/$entity"
	bcWriteOData(w, http.StatusOK, out)
}
