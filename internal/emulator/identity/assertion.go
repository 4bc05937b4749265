package identity

import (
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is a SHA-1 thumbprint by definition (RFC 7515 §4.1.7)
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// Client assertions on the token endpoint (RFC 7523): a JWT signed by one of
// the app's certificates, or a federated token from an external identity
// provider that one of the app's federated identity credentials trusts.
//
// Certificate: https://learn.microsoft.com/en-us/entra/identity-platform/certificate-credentials
// (header x5t#S256 or x5t, aud = the token endpoint, iss = sub = client ID,
// jti, nbf, exp; MSAL Go signs PS256 with x5t#S256).
// Federated: https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation
// (the external token's iss, sub and aud must match one credential).
//
// Assertions carry the client machine's clock, which the control API's
// clock advance does not move; their validity window is therefore checked
// against real time, as Entra checks it against a client clock in sync.

// TestIssuerPath is where the emulator plays an external identity provider
// (a CI system, a Kubernetes cluster, another cloud): tokens minted through
// the control API name <origin>/_emulator/oidc as issuer unless told
// otherwise, and are signed with the emulator's key.
const TestIssuerPath = "/_emulator/oidc"

// clientAssertionType is the only client_assertion_type Entra accepts.
const clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// assertionSkew is how far an assertion's nbf may lie ahead of the clock.
const assertionSkew = 5 * time.Minute

// verifyAssertion authenticates a client by its client_assertion: a
// certificate-signed JWT when its header names a thumbprint, a federated
// token otherwise. It returns the appidacr ("2").
func (s *Service) verifyAssertion(r *http.Request, app *store.Application) (string, error) {
	f := r.PostForm
	if f.Get("client_assertion_type") != clientAssertionType {
		return "", invalidClient(700024, "Client assertion type is not valid: expected '"+clientAssertionType+"'.")
	}
	raw := f.Get("client_assertion")
	unverified, _, err := jwt.NewParser().ParseUnverified(raw, jwt.MapClaims{})
	if err != nil {
		return "", invalidClient(50027, "JWT token is invalid or malformed.")
	}
	_, hasS256 := unverified.Header["x5t#S256"]
	_, hasX5t := unverified.Header["x5t"]
	if hasS256 || hasX5t {
		return s.verifyCertificateAssertion(raw, unverified, app, r)
	}
	return s.verifyFederatedAssertion(raw, unverified, app)
}

// thumbprints are a certificate's SHA-1 (x5t) and SHA-256 (x5t#S256)
// thumbprints.
func thumbprints(der []byte) (s1, s256 []byte) {
	a := sha1.Sum(der) //nolint:gosec // see the import
	b := sha256.Sum256(der)
	return a[:], b[:]
}

// headerMatches compares a base64 thumbprint header (standard or URL
// alphabet, as clients differ) with a digest.
func headerMatches(header any, digest []byte) bool {
	v, _ := header.(string)
	return v != "" && (v == base64.StdEncoding.EncodeToString(digest) || v == base64.RawURLEncoding.EncodeToString(digest) ||
		v == base64.URLEncoding.EncodeToString(digest))
}

// usedThumbprint is the SHA-1 thumbprint the client named, in the upper-case
// hex Entra quotes in AADSTS700027; x5t#S256 is quoted as sent.
func usedThumbprint(h map[string]any) string {
	if v, _ := h["x5t"].(string); v != "" {
		if b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(v, "=")); err == nil {
			return strings.ToUpper(hex.EncodeToString(b))
		}
		if b, err := base64.StdEncoding.DecodeString(v); err == nil {
			return strings.ToUpper(hex.EncodeToString(b))
		}
	}
	v, _ := h["x5t#S256"].(string)
	return v
}

func (s *Service) verifyCertificateAssertion(raw string, unverified *jwt.Token, app *store.Application, r *http.Request) (string, error) {
	now := s.now() // the key's validity is Entra's business: its clock
	var cert *x509.Certificate
	for _, k := range app.KeyCredentials {
		c, err := x509.ParseCertificate(k.Key)
		if err != nil {
			continue
		}
		s1, s256 := thumbprints(c.Raw)
		if !headerMatches(unverified.Header["x5t#S256"], s256) && !headerMatches(unverified.Header["x5t"], s1) {
			continue
		}
		if now.After(k.EndDateTime) || now.Before(k.StartDateTime) {
			return "", invalidClient(700027, "Client assertion contains an invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: '"+
				strings.ToUpper(hex.EncodeToString(s1))+"', Found key 'Start="+k.StartDateTime.Format("01/02/2006 15:04:05")+", End="+k.EndDateTime.Format("01/02/2006 15:04:05")+"']")
		}
		cert = c
		break
	}
	if cert == nil {
		return "", invalidClient(700027, "Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '"+usedThumbprint(unverified.Header)+
			"', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '"+app.AppID+"'.]")
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return "", invalidClient(700027, "Client assertion contains an invalid signature. [Reason - The key type is not supported.]")
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) { return pub, nil },
		jwt.WithValidMethods([]string{"RS256", "PS256"}), jwt.WithoutClaimsValidation())
	if err != nil {
		return "", invalidClient(700027, "Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '"+
			usedThumbprint(unverified.Header)+"']")
	}
	if err := assertionWindow(claims); err != nil {
		return "", err
	}
	iss, _ := claims["iss"].(string)
	sub, _ := claims["sub"].(string)
	if !strings.EqualFold(sub, app.AppID) || !strings.EqualFold(iss, app.AppID) {
		return "", invalidClient(700021, "Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .")
	}
	if jti, _ := claims["jti"].(string); jti == "" {
		return "", invalidClient(50027, "JWT token is invalid or malformed. The 'jti' claim is missing.")
	}
	aud, _ := claims.GetAudience()
	want := s.url + r.URL.Path
	if !slices.ContainsFunc(aud, func(a string) bool { return strings.EqualFold(strings.TrimSuffix(a, "/"), want) }) {
		return "", invalidClient(700016, "The audience of the client assertion is not this token endpoint: "+want)
	}
	return "2", nil
}

// assertionWindow checks exp (required) and nbf against real time; see the
// comment at the top of this file.
func assertionWindow(claims jwt.MapClaims) error {
	now := time.Now().UTC()
	exp, err := claims.GetExpirationTime()
	nbf, _ := claims.GetNotBefore()
	if err != nil || exp == nil || !now.Before(exp.Time) || (nbf != nil && nbf.After(now.Add(assertionSkew))) {
		from, until := time.Unix(0, 0).UTC(), time.Unix(0, 0).UTC()
		if nbf != nil {
			from = nbf.UTC()
		}
		if exp != nil {
			until = exp.UTC()
		}
		const f = "2006-01-02T15:04:05.0000000Z"
		return invalidClient(700024, "Client assertion is not within its valid time range. Current time: "+now.Format(f)+", assertion valid from "+from.Format(f)+
			", expiry time of assertion "+until.Format(f)+". Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .")
	}
	return nil
}

// federatedError: Entra answers an assertion no credential trusts with 400
// invalid_request (AADSTS70021 as quoted in
// https://azure.github.io/azure-workload-identity/docs/troubleshooting.html).
func federatedError(aadsts int, msg string) error {
	return aadErr(http.StatusBadRequest, "invalid_request", aadsts, msg)
}

// verifyFederatedAssertion matches an external token (GitHub Actions, a
// Kubernetes service account, another cloud's workload identity) against
// the app's federated identity credentials: the issuer first, then its
// signature, lifetime, subject and audience. The emulator cannot fetch an
// external issuer's keys; it plays every issuer itself and trusts only
// tokens it signed (control API POST /_emulator/oidc/token).
func (s *Service) verifyFederatedAssertion(raw string, unverified *jwt.Token, app *store.Application) (string, error) {
	uc, _ := unverified.Claims.(jwt.MapClaims)
	iss, _ := uc["iss"].(string)
	sub, _ := uc["sub"].(string)
	aud, _ := uc.GetAudience()
	presented := "Assertion Issuer: '" + iss + "'. Assertion Subject: '" + sub + "'. Assertion Audience: '" + strings.Join(aud, ",") + "'."
	var byIssuer []store.FederatedCredential
	for _, fic := range app.FederatedCredentials {
		if fic.Issuer == iss {
			byIssuer = append(byIssuer, fic)
		}
	}
	if len(byIssuer) == 0 {
		return "", federatedError(70021, "No matching federated identity record found for presented assertion. "+presented)
	}
	claims := jwt.MapClaims{}
	if _, err := jwt.ParseWithClaims(raw, claims, func(*jwt.Token) (any, error) { return &s.key.PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation()); err != nil {
		return "", invalidClient(700027, "Client assertion failed signature validation. [Reason - The key was not found in the issuer's signing keys.] "+presented)
	}
	if err := assertionWindow(claims); err != nil {
		return "", err
	}
	var bySubject []store.FederatedCredential
	for _, fic := range byIssuer {
		if fic.Subject == sub {
			bySubject = append(bySubject, fic)
		}
	}
	if len(bySubject) == 0 {
		return "", federatedError(700213, "No matching federated identity record found for presented assertion subject '"+sub+"'. Please note that the matching is done using a case-sensitive comparison. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. "+presented)
	}
	for _, fic := range bySubject {
		for _, a := range fic.Audiences {
			if slices.Contains(aud, a) {
				return "2", nil
			}
		}
	}
	return "", federatedError(700212, "No matching federated identity record found for presented assertion audience '"+strings.Join(aud, ",")+"'. "+presented)
}

// MintExternalToken signs a token as an external identity provider would
// issue it to a workload: issuer (default the emulator's test issuer),
// subject, audience (default api://AzureADTokenExchange), valid from now
// (real time, as the workload's own clock) for lifetime.
func (s *Service) MintExternalToken(issuer, subject, audience string, lifetime time.Duration) (string, time.Time) {
	if issuer == "" {
		issuer = s.url + TestIssuerPath
	}
	if audience == "" {
		audience = "api://AzureADTokenExchange"
	}
	if lifetime <= 0 {
		lifetime = 10 * time.Minute
	}
	now := time.Now().UTC()
	exp := now.Add(lifetime)
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.RegisteredClaims{
		Issuer: issuer, Subject: subject, Audience: jwt.ClaimStrings{audience}, ID: store.NewGUID(),
		IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(exp),
	})
	tok.Header["kid"] = s.keyID
	signed, err := tok.SignedString(s.key)
	if err != nil {
		panic(err) // an in-memory RSA key cannot fail to sign
	}
	return signed, exp
}
