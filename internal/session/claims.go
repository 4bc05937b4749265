package session

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// Claims are the parts of an access token the provider reads.
type Claims struct {
	// Roles are the application permissions consented to the app in the
	// token's tenant for the token's audience.
	Roles []string `json:"roles"`
	// OID of an app-only token is the app's service principal in the
	// tenant.
	OID string `json:"oid"`
}

// ParseClaims reads the claims of an access token. The token came straight
// from the identity platform over TLS, so its signature is not checked
// here; anything that is not a JWT has no claims.
func ParseClaims(token string) Claims {
	var c Claims
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return c
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return c
	}
	_ = json.Unmarshal(b, &c)
	return c
}
