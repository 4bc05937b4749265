package emulator

import "net/http"

// Placeholder until the control routes exist; delete this file when adding them.
func (s *Server) controlRoutes(mux *http.ServeMux) {}
