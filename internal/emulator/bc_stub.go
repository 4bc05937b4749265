package emulator

import "net/http"

// Placeholder until the bc routes exist; delete this file when adding them.
func (s *Server) bcRoutes(mux *http.ServeMux) {}
