package emulator

import "net/http"

// Placeholder until the login routes exist; delete this file when adding them.
func (s *Server) loginRoutes(mux *http.ServeMux) {}
