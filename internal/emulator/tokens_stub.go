package emulator

import (
	"net/http"
	"time"
)

// Placeholders until the identity/core work lands tokens.go and clock.go;
// delete this file then.

type authError struct {
	Status  int
	Code    string
	Message string
}

func (s *Server) authenticate(r *http.Request, audience string) (*principal, *authError) {
	return nil, &authError{Status: http.StatusUnauthorized, Code: "InvalidAuthenticationToken", Message: "Access token is empty."}
}

func (s *Server) now() time.Time { return time.Now().UTC() }
