package emulator

import (
	"net/http"
	"slices"
	"strings"
)

// Application.ReadWrite.OwnedBy: "Allows the app to create other
// applications, and fully manage those applications … It cannot update any
// apps that it is not an owner of." (permissions reference). A provider that
// works here only because the emulator ignored ownership would fail in a
// tenant whose admin granted the least-privileged permission.

// ownedByOnly reports whether an app-only caller writes applications only
// through Application.ReadWrite.OwnedBy.
func ownedByOnly(p *principal) bool {
	return !p.Delegated && slices.Contains(p.Roles, "Application.ReadWrite.OwnedBy") &&
		!slices.Contains(p.Roles, "Application.ReadWrite.All")
}

func owns(a *application, p *principal) bool {
	return slices.ContainsFunc(a.Owners, func(o string) bool { return strings.EqualFold(o, p.ObjectID) })
}

// ownedApp guards writes to /applications/{ref}…: an OwnedBy caller gets 403
// for an app it does not own. A missing app is left to the handler (404, or
// the uniqueName upsert's create).
func (s *Server) ownedApp(h graphHandler) graphHandler {
	return func(w http.ResponseWriter, r *http.Request, p *principal, t *tenant) {
		if ownedByOnly(p) {
			s.store.mu.RLock()
			a := appByRef(t, r.PathValue("ref"))
			allowed := a == nil || owns(a, p)
			s.store.mu.RUnlock()
			if !allowed {
				s.denied(w, r)
				return
			}
		}
		h(w, r, p, t)
	}
}
