// Package graph plays Microsoft Graph v1.0: applications, service
// principals, app role assignments, delegated permission grants, owners,
// organization, tenant relationships, inventory counts and $batch.
package graph

import (
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/identity"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/route"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// Service is Microsoft Graph over a directory.
type Service struct {
	store *store.Store
	auth  identity.Authenticator
	url   string
	// Intercept may answer a $batch sub-request before Graph does (injected
	// faults); it reports whether it did.
	Intercept func(w http.ResponseWriter, r *http.Request) bool
	router    *route.Router
	reports   reportLinks
}

// New returns Graph over a directory, authenticating with auth.
func New(st *store.Store, auth identity.Authenticator, url string) *Service {
	s := &Service{store: st, auth: auth, url: url}
	s.router = route.New(s.routes())
	s.router.MethodNotAllowed = func(w http.ResponseWriter, r *http.Request, _ []string) {
		// A known path with another method is Graph's 405.
		s.writeError(w, r, Errorf(http.StatusMethodNotAllowed, "Request_BadRequest", "Specified HTTP method is not allowed for the request target."))
	}
	s.router.NotFound = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// An unknown path is Graph's 400 naming the segment.
		s.writeError(w, r, Errorf(http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+strings.SplitN(strings.TrimPrefix(r.URL.Path, "/v1.0/"), "/", 2)[0]+"'."))
	})
	return s
}

func (s *Service) routes() []route.Route {
	return []route.Route{
		{Method: "POST", Pattern: "/v1.0/applications", Handler: s.serve(appsWrite, s.createApplication)},
		{Method: "GET", Pattern: "/v1.0/applications", Handler: s.serve(appsRead, s.listApplications)},
		{Method: "GET", Pattern: "/v1.0/applications/$count", Handler: s.serve(appsRead, s.collectionCount(countApplications))},
		{Method: "GET", Pattern: "/v1.0/applications/{ref}", Handler: s.serve(appsRead, s.getApplication)},
		{Method: "PATCH", Pattern: "/v1.0/applications/{ref}", Handler: s.serve(appsWrite, s.ownedApp(s.patchApplication))},
		{Method: "DELETE", Pattern: "/v1.0/applications/{ref}", Handler: s.serve(appsWrite, s.ownedApp(s.deleteApplication))},
		{Method: "POST", Pattern: "/v1.0/applications/{ref}/addPassword", Handler: s.serve(appsWrite, s.ownedApp(s.addPassword))},
		{Method: "POST", Pattern: "/v1.0/applications/{ref}/removePassword", Handler: s.serve(appsWrite, s.ownedApp(s.removePassword))},
		{Method: "GET", Pattern: "/v1.0/applications/{ref}/federatedIdentityCredentials", Handler: s.serve(appsRead, s.listFICs)},
		{Method: "POST", Pattern: "/v1.0/applications/{ref}/federatedIdentityCredentials", Handler: s.serve(appsWrite, s.ownedApp(s.createFIC))},
		{Method: "GET", Pattern: "/v1.0/applications/{ref}/federatedIdentityCredentials/{fic}", Handler: s.serve(appsRead, s.getFIC)},
		{Method: "PATCH", Pattern: "/v1.0/applications/{ref}/federatedIdentityCredentials/{fic}", Handler: s.serve(appsWrite, s.ownedApp(s.patchFIC))},
		{Method: "DELETE", Pattern: "/v1.0/applications/{ref}/federatedIdentityCredentials/{fic}", Handler: s.serve(appsWrite, s.ownedApp(s.deleteFIC))},
		{Method: "POST", Pattern: "/v1.0/applications/{ref}/addKey", Handler: s.serve(appsWrite, s.ownedApp(s.addKey))},
		{Method: "POST", Pattern: "/v1.0/applications/{ref}/removeKey", Handler: s.serve(appsWrite, s.ownedApp(s.removeKey))},
		{Method: "PUT", Pattern: "/v1.0/applications/{ref}/logo", Handler: s.serve(appsWrite, s.ownedApp(s.putLogo))},
		{Method: "GET", Pattern: "/v1.0/applications/{ref}/logo", Handler: s.serve(appsRead, s.getLogo)},
		{Method: "GET", Pattern: "/v1.0/applications/{ref}/owners", Handler: s.serve(appsRead, s.listOwners)},
		{Method: "POST", Pattern: "/v1.0/applications/{ref}/owners/$ref", Handler: s.serve(appsWrite, s.ownedApp(s.addOwner))},
		{Method: "DELETE", Pattern: "/v1.0/applications/{ref}/owners/{id}/$ref", Handler: s.serve(appsWrite, s.ownedApp(s.removeOwner))},

		{Method: "GET", Pattern: "/v1.0/directory/deletedItems/microsoft.graph.application", Handler: s.serve(appsRead, s.listDeletedApplications)},
		{Method: "GET", Pattern: "/v1.0/directory/deletedItems/microsoft.graph.servicePrincipal", Handler: s.serve(appsRead, s.listDeletedServicePrincipals)},
		// The type cast without its namespace, as msgraph-sdk-go sends it.
		{Method: "GET", Pattern: "/v1.0/directory/deletedItems/graph.application", Handler: s.serve(appsRead, s.listDeletedApplications)},
		{Method: "GET", Pattern: "/v1.0/directory/deletedItems/graph.servicePrincipal", Handler: s.serve(appsRead, s.listDeletedServicePrincipals)},
		{Method: "GET", Pattern: "/v1.0/directory/deletedItems/{id}", Handler: s.serve(appsRead, s.getDeletedItem)},
		{Method: "POST", Pattern: "/v1.0/directory/deletedItems/{id}/restore", Handler: s.serve(appsWrite, s.restoreDeletedItem)},
		{Method: "DELETE", Pattern: "/v1.0/directory/deletedItems/{id}", Handler: s.serve(appsWrite, s.purgeDeletedItem)},

		{Method: "POST", Pattern: "/v1.0/servicePrincipals", Handler: s.serve(spWrite, s.createServicePrincipal)},
		{Method: "GET", Pattern: "/v1.0/servicePrincipals", Handler: s.serve(appsRead, s.listServicePrincipals)},
		{Method: "GET", Pattern: "/v1.0/servicePrincipals/$count", Handler: s.serve(appsRead, s.collectionCount(countServicePrincipals))},
		{Method: "GET", Pattern: "/v1.0/servicePrincipals/{ref}", Handler: s.serve(appsRead, s.getServicePrincipal)},
		{Method: "DELETE", Pattern: "/v1.0/servicePrincipals/{ref}", Handler: s.serve(spWrite, s.ownedSP(s.deleteServicePrincipal))},
		{Method: "GET", Pattern: "/v1.0/servicePrincipals/{ref}/appRoleAssignedTo", Handler: s.serve(appsRead, s.listAssignments(false))},
		{Method: "GET", Pattern: "/v1.0/servicePrincipals/{ref}/appRoleAssignments", Handler: s.serve(appsRead, s.listAssignments(true))},
		{Method: "POST", Pattern: "/v1.0/servicePrincipals/{ref}/appRoleAssignedTo", Handler: s.serve(araWrite, s.createAssignment(false))},
		{Method: "POST", Pattern: "/v1.0/servicePrincipals/{ref}/appRoleAssignments", Handler: s.serve(araWrite, s.createAssignment(true))},
		{Method: "DELETE", Pattern: "/v1.0/servicePrincipals/{ref}/appRoleAssignedTo/{id}", Handler: s.serve(araWrite, s.deleteAssignment(false))},
		{Method: "DELETE", Pattern: "/v1.0/servicePrincipals/{ref}/appRoleAssignments/{id}", Handler: s.serve(araWrite, s.deleteAssignment(true))},
		{Method: "GET", Pattern: "/v1.0/servicePrincipals/{ref}/oauth2PermissionGrants", Handler: s.serve(grantRead, s.listGrantsOfSP)},

		{Method: "GET", Pattern: "/v1.0/oauth2PermissionGrants", Handler: s.serve(grantRead, s.listGrants)},
		{Method: "GET", Pattern: "/v1.0/oauth2PermissionGrants/{id}", Handler: s.serve(grantRead, s.getGrant)},
		{Method: "POST", Pattern: "/v1.0/oauth2PermissionGrants", Handler: s.serve(grantWrite, s.createGrant)},
		{Method: "PATCH", Pattern: "/v1.0/oauth2PermissionGrants/{id}", Handler: s.serve(grantWrite, s.patchGrant)},
		{Method: "DELETE", Pattern: "/v1.0/oauth2PermissionGrants/{id}", Handler: s.serve(grantWrite, s.deleteGrant)},

		{Method: "GET", Pattern: "/v1.0/organization", Handler: s.serve(orgRead, s.organization)},
		{Method: "GET", Pattern: "/v1.0/organization/{id}", Handler: s.serve(orgRead, s.getOrganization)},
		{Method: "GET", Pattern: "/v1.0/domains", Handler: s.serve(domainsRead, s.listDomains)},
		{Method: "GET", Pattern: "/v1.0/domains/{id}", Handler: s.serve(domainsRead, s.getDomain)},
		{Method: "GET", Pattern: "/v1.0/tenantRelationships/delegatedAdminCustomers", Handler: s.serve(gdapRead, s.delegatedAdminCustomers)},
		{Method: "GET", Pattern: "/v1.0/tenantRelationships/delegatedAdminRelationships", Handler: s.serve(gdapRead, s.delegatedAdminRelationships)},
		{Method: "GET", Pattern: "/v1.0/tenantRelationships/{fn}", Handler: s.serve(crossTenant, s.findTenantInformation)},
		{Method: "GET", Pattern: "/v1.0/users/$count", Handler: s.serve(usersRead, s.count("users"))},
		{Method: "GET", Pattern: "/v1.0/groups/$count", Handler: s.serve(groupsRead, s.count("groups"))},
		{Method: "GET", Pattern: "/v1.0/devices/$count", Handler: s.serve(devicesRead, s.count("devices"))},
		{Method: "GET", Pattern: "/v1.0/users", Handler: s.serve(usersRead, s.inventoryList("users"))},
		{Method: "GET", Pattern: "/v1.0/groups", Handler: s.serve(groupsRead, s.inventoryList("groups"))},
		{Method: "GET", Pattern: "/v1.0/devices", Handler: s.serve(devicesRead, s.inventoryList("devices"))},
		{Method: "GET", Pattern: "/v1.0/subscribedSkus", Handler: s.serve(skusRead, s.subscribedSkus)},
		{Method: "GET", Pattern: "/v1.0/security/secureScores", Handler: s.serve(secureScoresRead, s.secureScores)},
		{Method: "GET", Pattern: "/v1.0/deviceManagement/managedDevices", Handler: s.serve(managedDevicesRead, s.managedDevices)},
		{Method: "GET", Pattern: "/v1.0/reports/{fn}", Handler: s.serve(reportsRead, s.reportFunction)},
		{Method: "POST", Pattern: "/v1.0/$batch", Handler: http.HandlerFunc(s.batch)},
	}
}

// ServeHTTP serves Graph's route table, alternate-key paths normalised first.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	NormalisePath(r)
	NormaliseQuery(r)
	s.router.ServeHTTP(w, r)
}

// Alternate keys are addressed as /applications(appId='…'); the route table
// needs a path segment for them.
var altKey = regexp.MustCompile(`^/v1\.0/(applications|servicePrincipals)\(`)

// NormalisePath turns /v1.0/applications(appId='…') into
// /v1.0/applications/(appId='…'), the form the route table matches.
func NormalisePath(r *http.Request) {
	if altKey.MatchString(r.URL.Path) {
		i := strings.Index(r.URL.Path, "(")
		r.URL.Path = r.URL.Path[:i] + "/" + r.URL.Path[i:]
		r.URL.RawPath = ""
	}
}

// request is a Graph request after authentication: the caller and its
// tenant's ID.
type request struct {
	*http.Request
	p        *identity.Principal
	tenantID string
}

// handler answers an authenticated Graph request.
type handler func(r *request) (*route.Response, error)

// Error is a Graph error (concepts/errors.md): status, code, message.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns a Graph error.
func Errorf(status int, code, msg string) error {
	return &Error{Status: status, Code: code, Message: msg}
}

func badRequest(msg string) error { return Errorf(http.StatusBadRequest, "Request_BadRequest", msg) }

func unsupportedQuery(msg string) error {
	return Errorf(http.StatusBadRequest, "Request_UnsupportedQuery", msg)
}

func denied() error {
	return Errorf(http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
}

// notFound is Graph's 404 for an object; id is what the message names.
func notFound(id string) error { return store.NotFound(id) }

// serve authenticates a Graph request, checks its permissions and the
// declared body, runs h and writes its answer.
func (s *Service) serve(a access, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, err := s.call(r, a, h)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		s.writeOK(w, r, resp)
	})
}

func (s *Service) call(r *http.Request, a access, h handler) (*route.Response, error) {
	p, err := s.auth(r, store.GraphResource)
	if err != nil {
		return nil, err
	}
	if !a.allows(p) {
		return nil, denied()
	}
	if err := unsupportedOption(r); err != nil {
		return nil, err
	}
	// Directory writes with a body must declare it; Graph does not guess.
	if (r.Method == http.MethodPost || r.Method == http.MethodPatch) && r.ContentLength != 0 && r.Header.Get("Content-Type") == "" {
		return nil, badRequest("Write requests (excluding DELETE) must contain the Content-Type header declaration.")
	}
	return h(&request{Request: r, p: p, tenantID: strings.ToLower(p.TenantID)})
}

const graphJSON = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"

func (s *Service) writeOK(w http.ResponseWriter, r *http.Request, resp *route.Response) {
	w.Header().Set("request-id", store.NewGUID())
	if c := r.Header.Get("client-request-id"); c != "" {
		w.Header().Set("client-request-id", c)
	}
	if resp.Body != nil {
		w.Header().Set("OData-Version", "4.0")
	}
	route.Write(w, resp, graphJSON)
}

func (s *Service) now() time.Time { return s.store.Now() }

// writeError is Graph's one error adapter: a Graph error as it is, a token
// problem as 401, anything missing in the directory as
// Request_ResourceNotFound, the rest as a 500.
func (s *Service) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var ge *Error
	var ae *identity.AuthError
	var nf *store.NotFoundError
	switch {
	case errors.As(err, &ge):
	case errors.As(err, &ae):
		ge = &Error{Status: ae.Status, Code: ae.Code, Message: ae.Message}
	case errors.As(err, &nf):
		ge = &Error{Status: http.StatusNotFound, Code: "Request_ResourceNotFound", Message: "Resource '" + nf.ID + "' does not exist or one of its queried reference-property objects are not present."}
	case errors.Is(err, store.ErrNotFound):
		ge = &Error{Status: http.StatusNotFound, Code: "Request_ResourceNotFound", Message: "Resource does not exist or one of its queried reference-property objects are not present."}
	default:
		ge = &Error{Status: http.StatusInternalServerError, Code: "generalException", Message: "General exception while processing."}
	}
	WriteError(w, r, s.now(), ge.Status, ge.Code, ge.Message)
}

// WriteError writes Graph's error body (concepts/errors.md).
func WriteError(w http.ResponseWriter, r *http.Request, now time.Time, status int, code, msg string) {
	reqID := w.Header().Get("request-id")
	if reqID == "" {
		reqID = store.NewGUID()
		w.Header().Set("request-id", reqID)
	}
	inner := map[string]string{"date": now.UTC().Format("2006-01-02T15:04:05"), "request-id": reqID}
	if c := r.Header.Get("client-request-id"); c != "" {
		inner["client-request-id"] = c
		w.Header().Set("client-request-id", c)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`)
	}
	route.WriteJSON(w, status, "application/json; charset=utf-8", map[string]any{"error": map[string]any{"code": code, "message": msg, "innerError": inner}})
}
