package emulator

import "net/http"

// Placeholder until the graph routes exist; delete this file when adding them.
func (s *Server) graphRoutes(mux *http.ServeMux) {}
