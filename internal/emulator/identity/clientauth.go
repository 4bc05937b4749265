package identity

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/route"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// tokenEndpoint is the v2.0 token endpoint around the grants in token: the
// client authentication forms and the response fields every grant shares.
//
//   - HTTP Basic client authentication (RFC 6749 section 2.3.1): Entra lists
//     client_secret_basic in token_endpoint_auth_methods_supported of its
//     OpenID configuration (v2-protocols-oidc), so client_id and
//     client_secret may come in the Authorization header, each
//     form-urlencoded. A client uses one method per request (section 2.3);
//     a wrong secret sent that way answers 401 with a Basic challenge
//     (section 5.2).
//   - Token responses are not cached: Cache-Control no-store.
//   - A user grant asked for "openid" answers an id_token, and client_info
//     when the client sent client_info=1, which is what MSAL needs to cache
//     the signed-in account (v2-oauth2-auth-code-flow, id-tokens).
func (s *Service) tokenEndpoint(r *http.Request) (*route.Response, error) {
	basic, err := basicClient(r)
	if err != nil {
		return nil, err
	}
	resp, err := s.token(r)
	var e *Error
	if basic && errors.As(err, &e) && e.Code == "invalid_client" {
		return nil, &challengeError{err: e}
	}
	if err != nil {
		return nil, err
	}
	if body, ok := resp.Body.(map[string]any); ok {
		s.addIDToken(r, body)
	}
	return resp.With("Cache-Control", "no-store, no-cache").With("Pragma", "no-cache"), nil
}

// challengeError is an invalid_client answered to HTTP Basic credentials:
// the same body, with WWW-Authenticate naming the scheme the client used.
type challengeError struct{ err *Error }

func (e *challengeError) Error() string { return e.err.Error() }
func (e *challengeError) Unwrap() error { return e.err }

// basicClient moves HTTP Basic client credentials into the form, where the
// grants read them. It reports whether the request used them.
func basicClient(r *http.Request) (bool, error) {
	h := r.Header.Get("Authorization")
	raw, ok := strings.CutPrefix(h, "Basic ")
	if !ok {
		return false, nil
	}
	if err := r.ParseForm(); err != nil {
		return true, aadErr(http.StatusBadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.")
	}
	dec, err := base64.StdEncoding.DecodeString(strings.TrimSpace(raw))
	id, secret, found := strings.Cut(string(dec), ":")
	if err != nil || !found {
		return true, aadErr(http.StatusUnauthorized, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
	}
	id, err1 := url.QueryUnescape(id)
	secret, err2 := url.QueryUnescape(secret)
	if err1 != nil || err2 != nil {
		return true, aadErr(http.StatusUnauthorized, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
	}
	if r.PostForm.Get("client_secret") != "" || r.PostForm.Get("client_assertion") != "" {
		// RFC 6749 5.2 invalid_request: "utilizes more than one mechanism
		// for authenticating the client". Entra's AADSTS code for this case
		// is not documented.
		return true, aadErr(http.StatusBadRequest, "invalid_request", 90023, "The request uses more than one mechanism for authenticating the client.")
	}
	if body := r.PostForm.Get("client_id"); body != "" && !strings.EqualFold(body, id) {
		return true, aadErr(http.StatusBadRequest, "invalid_request", 90023, "The client_id in the request body does not match the client authenticated by the Authorization header.")
	}
	r.PostForm.Set("client_id", id)
	r.PostForm.Set("client_secret", secret)
	return true, nil
}

// addIDToken adds the id_token (and client_info) to a user grant's token
// response when the request asked for openid.
func (s *Service) addIDToken(r *http.Request, body map[string]any) {
	if _, user := body["refresh_token"]; !user || !slices.Contains(strings.Fields(r.PostForm.Get("scope")), "openid") {
		return
	}
	at, _ := body["access_token"].(string)
	var c accessClaims
	if _, _, err := jwt.NewParser().ParseUnverified(at, &c); err != nil {
		return
	}
	now := s.now()
	id := jwt.MapClaims{
		"aud": strings.ToLower(r.PostForm.Get("client_id")), "iss": s.url + "/" + c.TID + "/v2.0",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(tokenLifetime).Unix(),
		"name": c.Name, "oid": c.OID, "preferred_username": c.UPN, "sub": c.OID, "tid": c.TID, "ver": "2.0",
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, id)
	tok.Header["kid"] = s.keyID
	signed, err := tok.SignedString(s.key)
	if err != nil {
		return
	}
	body["id_token"] = signed
	if r.PostForm.Get("client_info") == "1" {
		// client_info: base64url JSON of the user's object and tenant IDs,
		// MSAL's home account ID ("uid.utid").
		home := c.TID
		_ = s.store.View(func(tx *store.Tx) error {
			if t, _ := tx.FindUser(c.UPN); t != nil {
				home = t.ID
			}
			return nil
		})
		ci, _ := json.Marshal(map[string]string{"uid": c.OID, "utid": home})
		body["client_info"] = base64.RawURLEncoding.EncodeToString(ci)
	}
}
