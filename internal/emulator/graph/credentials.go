package graph

import (
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // customKeyIdentifier is the SHA-1 thumbprint
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/route"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// An application's certificates (keyCredentials) and federated identity
// credentials.
//
// keyCredentials: https://learn.microsoft.com/en-us/graph/api/resources/keycredential
// ("key" is returned only on GET applications/{id}?$select=keyCredentials);
// PATCH /applications/{id} replaces the whole collection
// (https://learn.microsoft.com/en-us/graph/api/application-update), addKey
// and removeKey need a proof of possession signed by an existing valid
// certificate (https://learn.microsoft.com/en-us/graph/api/application-addkey,
// https://learn.microsoft.com/en-us/graph/api/application-removekey).
// federatedIdentityCredentials:
// https://learn.microsoft.com/en-us/graph/api/application-post-federatedidentitycredentials
// (at most 20 per app; name up to 120 URL-friendly characters, immutable;
// issuer + subject unique; issuer, subject, audience up to 600 characters;
// exactly one audience).

func keyJSON(k store.KeyCredential, withKey bool) map[string]any {
	var key any
	if withKey {
		key = base64.StdEncoding.EncodeToString(k.Key)
	}
	return map[string]any{"customKeyIdentifier": k.CustomKeyIdentifier, "displayName": nilIfEmpty(k.DisplayName), "endDateTime": ts(k.EndDateTime),
		"keyId": k.KeyID, "startDateTime": ts(k.StartDateTime), "type": k.Type, "usage": k.Usage, "key": key}
}

// selectsKeys reports a single-object read that selects keyCredentials, the
// one read Graph returns certificates' key on.
func selectsKeys(r *http.Request) bool {
	for _, f := range strings.Split(r.URL.Query().Get("$select"), ",") {
		if strings.TrimSpace(f) == "keyCredentials" {
			return true
		}
	}
	return false
}

// keyCredentialIn is a keyCredential as a client writes it.
type keyCredentialIn struct {
	KeyID               string     `json:"keyId"`
	DisplayName         string     `json:"displayName"`
	Type                string     `json:"type"`
	Usage               string     `json:"usage"`
	Key                 []byte     `json:"key"`
	CustomKeyIdentifier string     `json:"customKeyIdentifier"`
	StartDateTime       *time.Time `json:"startDateTime"`
	EndDateTime         *time.Time `json:"endDateTime"`
}

// newKeyCredential checks a written certificate credential and completes it
// from the certificate: the thumbprint as customKeyIdentifier, and the
// certificate's validity where no dates are given. It returns a Graph error
// message when the credential is unusable.
func newKeyCredential(k keyCredentialIn) (store.KeyCredential, string) {
	const prop = "Invalid value specified for property 'keyCredentials' of resource 'Application'."
	if len(k.Key) == 0 {
		return store.KeyCredential{}, prop + " The key is required."
	}
	if k.Type != "AsymmetricX509Cert" || k.Usage != "Verify" {
		return store.KeyCredential{}, prop + " Certificates for client authentication have type 'AsymmetricX509Cert' and usage 'Verify'."
	}
	cert, err := x509.ParseCertificate(k.Key)
	if err != nil {
		return store.KeyCredential{}, "Key credential key is invalid: the key must be a Base64-encoded X.509 certificate (public key only)."
	}
	kc := store.KeyCredential{KeyID: strings.ToLower(k.KeyID), DisplayName: k.DisplayName, Type: k.Type, Usage: k.Usage, Key: k.Key,
		CustomKeyIdentifier: k.CustomKeyIdentifier, StartDateTime: cert.NotBefore.UTC(), EndDateTime: cert.NotAfter.UTC()}
	if kc.KeyID == "" {
		kc.KeyID = store.NewGUID()
	}
	if kc.CustomKeyIdentifier == "" {
		sum := sha1.Sum(cert.Raw) //nolint:gosec // see the import
		kc.CustomKeyIdentifier = base64.StdEncoding.EncodeToString(sum[:])
	}
	if kc.DisplayName == "" {
		kc.DisplayName = "CN=" + cert.Subject.CommonName
	}
	if k.StartDateTime != nil {
		kc.StartDateTime = k.StartDateTime.UTC()
	}
	if k.EndDateTime != nil {
		kc.EndDateTime = k.EndDateTime.UTC()
	}
	if kc.StartDateTime.Before(cert.NotBefore.UTC()) || kc.EndDateTime.After(cert.NotAfter.UTC()) || !kc.EndDateTime.After(kc.StartDateTime) {
		return store.KeyCredential{}, "Key credential end date is invalid: startDateTime and endDateTime must lie within the certificate's validity."
	}
	return kc, ""
}

// applyKeyCredentials replaces an app's certificates with those written,
// each with its key (a PATCH carries the whole collection).
func applyKeyCredentials(a *store.Application, raw json.RawMessage) string {
	var in []keyCredentialIn
	if err := json.Unmarshal(raw, &in); err != nil {
		return "Invalid value specified for property 'keyCredentials' of resource 'Application'."
	}
	var out []store.KeyCredential
	for _, k := range in {
		kc, msg := newKeyCredential(k)
		if msg != "" {
			return msg
		}
		if slices.ContainsFunc(out, func(o store.KeyCredential) bool { return o.KeyID == kc.KeyID }) {
			return "Invalid value specified for property 'keyCredentials' of resource 'Application': duplicate keyId " + kc.KeyID + "."
		}
		out = append(out, kc)
	}
	a.KeyCredentials = out
	return ""
}

// checkProof verifies addKey's and removeKey's proof of possession: a JWT
// signed by one of the app's valid certificates, aud
// 00000002-0000-0000-c000-000000000000, iss the app's object ID, and a
// lifetime of at most ten minutes (by real time, the client's clock).
func checkProof(a *store.Application, proof string, now time.Time) error {
	var certs []*x509.Certificate
	for _, k := range a.KeyCredentials {
		if now.Before(k.StartDateTime) || now.After(k.EndDateTime) {
			continue
		}
		if c, err := x509.ParseCertificate(k.Key); err == nil {
			certs = append(certs, c)
		}
	}
	if len(certs) == 0 {
		return badRequest("The application has no valid certificate to prove possession of; use Update application (PATCH keyCredentials) instead.")
	}
	for _, c := range certs {
		pub, ok := c.PublicKey.(*rsa.PublicKey)
		if !ok {
			continue
		}
		claims := jwt.MapClaims{}
		_, err := jwt.ParseWithClaims(proof, claims, func(*jwt.Token) (any, error) { return pub, nil },
			jwt.WithValidMethods([]string{"RS256", "PS256"}), jwt.WithAudience("00000002-0000-0000-c000-000000000000"), jwt.WithIssuer(a.ID),
			jwt.WithExpirationRequired(), jwt.WithTimeFunc(func() time.Time { return time.Now().UTC() }))
		if err != nil {
			continue
		}
		nbf, _ := claims.GetNotBefore()
		exp, _ := claims.GetExpirationTime()
		if nbf != nil && exp.Sub(nbf.Time) > 10*time.Minute {
			continue
		}
		return nil
	}
	return Errorf(http.StatusBadRequest, "Request_BadRequest", "Authentication_Unauthorized: the proof of possession is not a valid token signed by one of the application's current certificates.")
}

func (s *Service) addKey(r *request) (*route.Response, error) {
	var body struct {
		KeyCredential      *keyCredentialIn `json:"keyCredential"`
		PasswordCredential json.RawMessage  `json:"passwordCredential"`
		Proof              string           `json:"proof"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.KeyCredential == nil || body.Proof == "" {
		return nil, badRequest("The request body must contain keyCredential and proof.")
	}
	kc, msg := newKeyCredential(*body.KeyCredential)
	if msg != "" {
		return nil, badRequest(msg)
	}
	var out map[string]any
	err := s.store.Update(func(tx *store.Tx) error {
		a := appByRef(r.tenant(tx), r.PathValue("ref"))
		if a == nil {
			return appNotFound(r.PathValue("ref"))
		}
		if err := checkProof(a, body.Proof, tx.Now()); err != nil {
			return err
		}
		a.KeyCredentials = append(a.KeyCredentials, kc)
		out = keyJSON(kc, false)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.keyCredential"
	return route.JSON(http.StatusOK, out), nil
}

func (s *Service) removeKey(r *request) (*route.Response, error) {
	var body struct {
		KeyID string `json:"keyId"`
		Proof string `json:"proof"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.KeyID == "" || body.Proof == "" {
		return nil, badRequest("The request body must contain keyId and proof.")
	}
	err := s.store.Update(func(tx *store.Tx) error {
		a := appByRef(r.tenant(tx), r.PathValue("ref"))
		if a == nil {
			return appNotFound(r.PathValue("ref"))
		}
		if err := checkProof(a, body.Proof, tx.Now()); err != nil {
			return err
		}
		i := slices.IndexFunc(a.KeyCredentials, func(k store.KeyCredential) bool { return strings.EqualFold(k.KeyID, body.KeyID) })
		if i < 0 {
			return notFound(body.KeyID)
		}
		a.KeyCredentials = slices.Delete(a.KeyCredentials, i, i+1)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return route.Empty(http.StatusNoContent), nil
}

// MaxFederatedCredentials is how many federated identity credentials an
// app may have.
const MaxFederatedCredentials = 20

var ficName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,119}$`)

// ficIn is a federated identity credential as a client writes it.
type ficIn struct {
	Name        *string   `json:"name"`
	Issuer      *string   `json:"issuer"`
	Subject     *string   `json:"subject"`
	Audiences   *[]string `json:"audiences"`
	Description *string   `json:"description"`
}

// apply sets the written properties on f; creating, name is required and
// settable, otherwise immutable.
func (in ficIn) apply(f *store.FederatedCredential, creating bool) string {
	if in.Name != nil {
		if !creating && *in.Name != f.Name {
			return "Property 'name' is immutable once set."
		}
		if !ficName.MatchString(*in.Name) {
			return "Invalid value specified for property 'name' of resource 'FederatedIdentityCredential': up to 120 letters, digits, '-' and '_', starting with a letter or digit."
		}
		f.Name = *in.Name
	}
	if in.Issuer != nil {
		f.Issuer = *in.Issuer
	}
	if in.Subject != nil {
		f.Subject = *in.Subject
	}
	if in.Audiences != nil {
		f.Audiences = *in.Audiences
	}
	if in.Description != nil {
		f.Description = *in.Description
	}
	switch {
	case f.Name == "" || f.Issuer == "" || f.Subject == "" || len(f.Audiences) == 0:
		return "name, issuer, subject and audiences are required."
	case len(f.Audiences) != 1:
		return "Invalid value specified for property 'audiences' of resource 'FederatedIdentityCredential': exactly one audience is supported."
	case len(f.Issuer) > 600 || len(f.Subject) > 600 || len(f.Audiences[0]) > 600 || len(f.Description) > 600:
		return "issuer, subject, audiences and description are limited to 600 characters."
	case strings.TrimSpace(f.Issuer) != f.Issuer:
		return "Invalid value specified for property 'issuer' of resource 'FederatedIdentityCredential': leading or trailing whitespace."
	}
	return ""
}

func ficConflict(a *store.Application, f store.FederatedCredential) error {
	for _, o := range a.FederatedCredentials {
		if o.ID == f.ID {
			continue
		}
		if strings.EqualFold(o.Name, f.Name) {
			return Errorf(http.StatusConflict, "Request_MultipleObjectsWithSameKeyValue", "FederatedIdentityCredential with name "+f.Name+" already exists.")
		}
		if o.Issuer == f.Issuer && o.Subject == f.Subject {
			return Errorf(http.StatusConflict, "Request_MultipleObjectsWithSameKeyValue", "FederatedIdentityCredential with the same issuer and subject already exists: "+o.Name+".")
		}
	}
	return nil
}

func (s *Service) createFIC(r *request) (*route.Response, error) {
	var in ficIn
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return nil, badRequest("Invalid request body: " + err.Error())
	}
	f := store.FederatedCredential{ID: store.NewGUID()}
	if msg := in.apply(&f, true); msg != "" {
		return nil, badRequest(msg)
	}
	err := s.store.Update(func(tx *store.Tx) error {
		a := appByRef(r.tenant(tx), r.PathValue("ref"))
		if a == nil {
			return appNotFound(r.PathValue("ref"))
		}
		if err := ficConflict(a, f); err != nil {
			return err
		}
		if len(a.FederatedCredentials) >= MaxFederatedCredentials {
			return badRequest("FederatedIdentityCredential count limit of 20 per application has been reached.")
		}
		a.FederatedCredentials = append(a.FederatedCredentials, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := ficJSON(f)
	out["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#applications('" + r.PathValue("ref") + "')/federatedIdentityCredentials/$entity"
	return route.JSON(http.StatusCreated, out), nil
}

// ficByRef finds a credential by ID or name (both address it).
func ficByRef(a *store.Application, ref string) int {
	return slices.IndexFunc(a.FederatedCredentials, func(f store.FederatedCredential) bool {
		return strings.EqualFold(f.ID, ref) || f.Name == ref
	})
}

func (s *Service) getFIC(r *request) (*route.Response, error) {
	var out map[string]any
	err := s.store.View(func(tx *store.Tx) error {
		a := appByRef(r.tenant(tx), r.PathValue("ref"))
		if a == nil {
			return appNotFound(r.PathValue("ref"))
		}
		i := ficByRef(a, r.PathValue("fic"))
		if i < 0 {
			return notFound(r.PathValue("fic"))
		}
		out = ficJSON(a.FederatedCredentials[i])
		return nil
	})
	if err != nil {
		return nil, err
	}
	out = selectOne(r.Request, out)
	out["@odata.context"] = "https://graph.microsoft.com/v1.0/$metadata#applications('" + r.PathValue("ref") + "')/federatedIdentityCredentials/$entity"
	return route.JSON(http.StatusOK, out), nil
}

func (s *Service) patchFIC(r *request) (*route.Response, error) {
	var in ficIn
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		return nil, badRequest("Invalid request body: " + err.Error())
	}
	err := s.store.Update(func(tx *store.Tx) error {
		a := appByRef(r.tenant(tx), r.PathValue("ref"))
		if a == nil {
			return appNotFound(r.PathValue("ref"))
		}
		i := ficByRef(a, r.PathValue("fic"))
		if i < 0 {
			return notFound(r.PathValue("fic"))
		}
		f := a.FederatedCredentials[i]
		f.Audiences = slices.Clone(f.Audiences)
		if msg := in.apply(&f, false); msg != "" {
			return badRequest(msg)
		}
		if err := ficConflict(a, f); err != nil {
			return err
		}
		a.FederatedCredentials[i] = f
		return nil
	})
	if err != nil {
		return nil, err
	}
	return route.Empty(http.StatusNoContent), nil
}
