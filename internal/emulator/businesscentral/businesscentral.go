// Package businesscentral plays Dynamics 365 Business Central on the
// emulator's origin, laid out like api.businesscentral.dynamics.com: the
// admin center API (/admin/v2.x/...) and the automation API of each
// environment (/v2.0/{tenant}/{environment}/api/microsoft/automation/v2.0/...).
package businesscentral

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/identity"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/route"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

const (
	// BC application permissions (appRoles of the BC service principal).
	roleAdminCenter   = "AdminCenter.ReadWrite.All"
	roleAutomation    = "Automation.ReadWrite.All"
	roleIDAdminCenter = "a20fe46f-4f63-4666-8e0e-9b882d90b837"

	latestMinor    = 29 // developer/includes/admincenterapiversion.md: v2.29
	manageableFrom = 24 // manageableTenants "Introduced in: API version 2.24"

	family = "BusinessCentral"

	// App IDs that own the standard permission sets.
	systemAppID = "63ca2fa4-4f03-4f2b-a480-172fef340d3f" // System Application
	baseAppID   = "437dbf0e-84ff-417a-965d-ed2bb9650972" // Base Application

	automationRoot = "/api/microsoft/automation/v2.0"
)

// Service is Business Central over a directory.
type Service struct {
	store  *store.Store
	auth   identity.Authenticator
	router *route.Router
}

// New returns Business Central over a directory, authenticating with auth.
func New(st *store.Store, auth identity.Authenticator) *Service {
	s := &Service{store: st, auth: auth}
	s.router = route.New(s.routes())
	s.router.NotFound = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, automationRoot+"/") {
			writeODataError(w, notFoundURI(r))
			return
		}
		http.NotFound(w, r)
	})
	s.router.MethodNotAllowed = func(w http.ResponseWriter, r *http.Request, allow []string) {
		if strings.HasPrefix(r.URL.Path, "/v2.0/") {
			segs := strings.Split(r.URL.Path, "/")
			set, _, _ := strings.Cut(segs[len(segs)-1], "(")
			writeODataError(w, &ODataError{Status: http.StatusMethodNotAllowed, Code: "BadRequest_MethodNotAllowed",
				Message: "'" + r.Method + "' requests for '" + set + "' of EdmType 'Entity' are not allowed within Microsoft Dynamics 365 Business Central OData web services."})
			return
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeAdminError(w, &AdminError{Status: http.StatusMethodNotAllowed, Code: "Unknown",
			Message: "The requested resource does not support http method '" + r.Method + "'."})
	}
	return s
}

// ServeHTTP serves Business Central's route table.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

// routes is the service's route table. Patterns are explicit (no catch-all
// under /admin or /v2.0) so they cannot overlap the identity platform's
// /{tenant}/... patterns.
func (s *Service) routes() []route.Route {
	const admin = "/admin/{version}"
	routes := []route.Route{
		{Method: "GET", Pattern: admin + "/authorizedAadApps", Handler: s.admin(0, s.listAuthorizedApps)},
		{Method: "GET", Pattern: admin + "/authorizedAadApps/manageableTenants", Handler: s.admin(manageableFrom, s.manageableTenants)},
		{Method: "PUT", Pattern: admin + "/authorizedAadApps/{appId}", Handler: s.admin(0, s.authorizeApp)},
		{Method: "DELETE", Pattern: admin + "/authorizedAadApps/{appId}", Handler: s.admin(0, s.removeAuthorizedApp)},
		{Method: "GET", Pattern: admin + "/applications/environments", Handler: s.admin(0, s.listEnvironments)},
		{Method: "GET", Pattern: admin + "/applications/{family}/environments", Handler: s.admin(0, s.listEnvironments)},
		{Method: "GET", Pattern: admin + "/applications/{family}/environments/{name}", Handler: s.admin(0, s.getEnvironment)},
	}
	// The docs' examples also use the tenant-less form, where the token's
	// tenant applies.
	for _, env := range []string{"/v2.0/{tenant}/{env}", "/v2.0/{env}"} {
		base := env + automationRoot
		company := base + "/companies({company})"
		user := company + "/users({user})"
		routes = append(routes,
			route.Route{Method: "GET", Pattern: base + "/companies", Handler: s.automation("", s.listCompanies)},
			route.Route{Method: "GET", Pattern: company, Handler: s.automation("", s.getCompany)},
			route.Route{Method: "GET", Pattern: company + "/permissionSets", Handler: s.automation("permissionSets", s.listPermissionSets)},
			route.Route{Method: "GET", Pattern: company + "/users", Handler: s.automation("users", s.listUsers)},
			route.Route{Method: "GET", Pattern: user, Handler: s.automation("users", s.getUser)},
			route.Route{Method: "PATCH", Pattern: user, Handler: s.automation("users", s.patchUser)},
			route.Route{Method: "GET", Pattern: user + "/userPermissions", Handler: s.automation("users", s.listUserPermissions)},
			route.Route{Method: "POST", Pattern: user + "/userPermissions", Handler: s.automation("users", s.addUserPermission)},
			route.Route{Method: "GET", Pattern: user + "/userPermissions({id})", Handler: s.automation("users", s.getUserPermission)},
			route.Route{Method: "DELETE", Pattern: user + "/userPermissions({id})", Handler: s.automation("users", s.deleteUserPermission)},
		)
	}
	return routes
}

// Business Central answers errors in two shapes.
//
// Admin center (administration-center-api.md "Error Format"): a top-level
// object {"code","message"[,"target","extensionData","clientError"]}; codes
// are stable PascalCase words (the doc's own example is EnvironmentNotFound);
// "All unknown and unhandled errors ... use the error code: Unknown".
//
// Automation API (webservices/dynamics-error-codes.md): the OData shape
// {"error":{"code","message"}} with codes such as
// Authentication_InvalidCredentials, BadRequest_NotFound,
// Internal_RecordNotFound; messages end in "  CorrelationId:  <guid>.".

// AdminError is an admin center error.
type AdminError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Target  string `json:"target,omitempty"`
}

func (e *AdminError) Error() string { return e.Message }

// ODataError is an automation API error.
type ODataError struct {
	Status  int
	Code    string
	Message string
}

func (e *ODataError) Error() string { return e.Message }

const adminJSON = "application/json; charset=utf-8"

// writeAdminResult is the admin center's adapter.
func writeAdminResult(w http.ResponseWriter, resp *route.Response, err error) {
	if err == nil {
		route.Write(w, resp, adminJSON)
		return
	}
	var e *AdminError
	var ae *identity.AuthError
	switch {
	case errors.As(err, &e):
	case errors.As(err, &ae):
		e = &AdminError{Status: ae.Status, Code: "Unauthorized", Message: ae.Message}
	case errors.Is(err, store.ErrNotFound):
		e = &AdminError{Status: http.StatusNotFound, Code: "Unknown", Message: err.Error()}
	default:
		e = &AdminError{Status: http.StatusInternalServerError, Code: "Unknown", Message: err.Error()}
	}
	writeAdminError(w, e)
}

func writeAdminError(w http.ResponseWriter, e *AdminError) {
	route.WriteJSON(w, e.Status, adminJSON, e)
}

// writeODataResult is the automation API's adapter: OData v4 payloads with
// the odata.metadata=minimal content type BC uses.
func writeODataResult(w http.ResponseWriter, resp *route.Response, err error) {
	if err == nil {
		if resp.Body != nil {
			w.Header().Set("OData-Version", "4.0")
		}
		route.Write(w, resp, "application/json; odata.metadata=minimal; odata.streaming=true")
		return
	}
	var e *ODataError
	var ae *identity.AuthError
	switch {
	case errors.As(err, &e):
	case errors.As(err, &ae):
		e = rejected()
	case errors.Is(err, store.ErrNotFound):
		e = &ODataError{Status: http.StatusNotFound, Code: "BadRequest_NotFound", Message: err.Error()}
	default:
		e = &ODataError{Status: http.StatusInternalServerError, Code: "Internal_ServerError", Message: err.Error()}
	}
	writeODataError(w, e)
}

func writeODataError(w http.ResponseWriter, e *ODataError) {
	body := map[string]any{"error": map[string]string{
		"code":    e.Code,
		"message": e.Message + "  CorrelationId:  " + store.NewGUID() + ".",
	}}
	route.WriteJSON(w, e.Status, adminJSON, body)
}

func rejected() *ODataError {
	return &ODataError{Status: http.StatusUnauthorized, Code: "Authentication_InvalidCredentials",
		Message: "The server has rejected the client credentials."}
}

func notFoundURI(r *http.Request) *ODataError {
	return &ODataError{Status: http.StatusNotFound, Code: "BadRequest_NotFound",
		Message: "No HTTP resource was found that matches the request URI '" + r.URL.Path + "'."}
}

// tooManyRequests is BC's throttling answer: 429 with Retry-After (the
// service adds retry-after to 429/502/503; include-http-status-error-codes.md).
func tooManyRequests(w http.ResponseWriter, retryAfter int, odata bool) {
	w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	msg := "Too many requests reached. Wait before retrying."
	if odata {
		writeODataError(w, &ODataError{Status: http.StatusTooManyRequests, Code: "Application_TooManyRequests", Message: msg})
		return
	}
	writeAdminError(w, &AdminError{Status: http.StatusTooManyRequests, Code: "TooManyRequests", Message: msg})
}

// WriteFault answers an injected fault in the shape of the BC API the path
// belongs to: the automation API's OData error under /v2.0/, the admin
// center's top-level error under /admin/. Retry-After, if any, is set by the
// caller.
func WriteFault(w http.ResponseWriter, r *http.Request, status int) {
	code, msg := "Unknown", "The service is temporarily unavailable."
	if status == http.StatusTooManyRequests {
		code, msg = "TooManyRequests", "Too many requests reached. Wait before retrying."
	}
	if strings.HasPrefix(r.URL.Path, "/v2.0/") {
		odataCode := "Internal_ServerError"
		if status == http.StatusTooManyRequests {
			odataCode = "Application_TooManyRequests"
		}
		writeODataError(w, &ODataError{Status: status, Code: odataCode, Message: msg})
		return
	}
	writeAdminError(w, &AdminError{Status: status, Code: code, Message: msg})
}

// origin is the scheme and host that served r: the emulator plays
// api.businesscentral.dynamics.com on its own origin (HTTPS in practice).
func origin(r *http.Request) string {
	if r.TLS == nil {
		return "http://" + r.Host
	}
	return "https://" + r.Host
}
