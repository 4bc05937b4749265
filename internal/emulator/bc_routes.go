package emulator

import "net/http"

// bcRoutes registers Business Central on the shared origin, laid out like
// api.businesscentral.dynamics.com, plus its control hooks. Patterns are
// explicit (no catch-all under /admin or /v2.0) so they cannot overlap the
// identity platform's /{tenant}/... patterns.
func (s *Server) bcRoutes(mux *http.ServeMux) {
	s.bcRoutesWith(mux, s.authenticate)
}

// bcAuthFunc validates a request's bearer token for an audience; tests
// substitute one that hands out principals directly.
type bcAuthFunc func(r *http.Request, audience string) (*principal, *authError)

func (s *Server) bcRoutesWith(mux *http.ServeMux, auth bcAuthFunc) {
	const admin = "/admin/{version}"
	mux.HandleFunc(admin+"/authorizedAadApps", bcAdminMethods(map[string]http.HandlerFunc{
		http.MethodGet: s.bcAdmin(auth, 0, s.bcListAuthorizedApps),
	}))
	mux.HandleFunc(admin+"/authorizedAadApps/manageableTenants", bcAdminMethods(map[string]http.HandlerFunc{
		http.MethodGet: s.bcAdmin(auth, bcManageableFrom, s.bcManageableTenants),
	}))
	mux.HandleFunc(admin+"/authorizedAadApps/{appId}", bcAdminMethods(map[string]http.HandlerFunc{
		http.MethodPut:    s.bcAdmin(auth, 0, s.bcAuthorizeApp),
		http.MethodDelete: s.bcAdmin(auth, 0, s.bcRemoveAuthorizedApp),
	}))
	mux.HandleFunc(admin+"/applications/environments", bcAdminMethods(map[string]http.HandlerFunc{
		http.MethodGet: s.bcAdmin(auth, 0, s.bcListEnvironments),
	}))
	mux.HandleFunc(admin+"/applications/{family}/environments", bcAdminMethods(map[string]http.HandlerFunc{
		http.MethodGet: s.bcAdmin(auth, 0, s.bcListEnvironments),
	}))
	mux.HandleFunc(admin+"/applications/{family}/environments/{name}", bcAdminMethods(map[string]http.HandlerFunc{
		http.MethodGet: s.bcAdmin(auth, 0, s.bcGetEnvironment),
	}))

	mux.HandleFunc("/v2.0/{tenant}/{env}/api/microsoft/automation/v2.0/{rest...}", s.bcAutomation(auth))
	mux.HandleFunc("/v2.0/{env}/api/microsoft/automation/v2.0/{rest...}", s.bcAutomation(auth))

	s.bcControlRoutes(mux)
}
