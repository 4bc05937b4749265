package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/control"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/graph"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/identity"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// IssueFederatedToken mints a token as an external identity provider
// (GitHub Actions, a Kubernetes cluster, another cloud) would issue it to a
// workload, for that workload to present as a client assertion. The
// emulator signs it; it trusts only tokens it signed.
func (s *Server) IssueFederatedToken(req control.FederatedTokenRequest) (control.FederatedToken, error) {
	if req.Subject == "" {
		return control.FederatedToken{}, errors.New("subject is required")
	}
	var lifetime time.Duration
	if req.Lifetime != "" {
		d, err := time.ParseDuration(req.Lifetime)
		if err != nil || d <= 0 {
			return control.FederatedToken{}, fmt.Errorf("lifetime %q: a positive Go duration such as 10m", req.Lifetime)
		}
		lifetime = d
	}
	issuer := req.Issuer
	if issuer == "" {
		issuer = s.TestIssuer()
	}
	tok, exp := s.identity.MintExternalToken(issuer, req.Subject, req.Audience, lifetime)
	return control.FederatedToken{Value: tok, Issuer: issuer, ExpiresOn: exp}, nil
}

// TestIssuer is the issuer URL of the emulator's own test identity provider.
func (s *Server) TestIssuer() string { return s.url + identity.TestIssuerPath }

// KeyView is a certificate credential of an app, as the admin center lists it.
type KeyView struct {
	KeyID, DisplayName, Thumbprint string
	Start, End                     time.Time
}

// FederatedView is a federated identity credential of an app.
type FederatedView struct {
	ID, Name, Issuer, Subject, Description string
	Audiences                              []string
}

// AppCredentials lists an app's certificates and federated credentials.
func (s *Server) AppCredentials(tenantID, objectID string) ([]KeyView, []FederatedView, error) {
	var keys []KeyView
	var fics []FederatedView
	err := s.store.View(func(tx *store.Tx) error {
		a, err := app(tx, tenantID, objectID)
		if err != nil {
			return err
		}
		for _, k := range a.KeyCredentials {
			keys = append(keys, KeyView{KeyID: k.KeyID, DisplayName: k.DisplayName, Thumbprint: k.CustomKeyIdentifier, Start: k.StartDateTime, End: k.EndDateTime})
		}
		for _, f := range a.FederatedCredentials {
			fics = append(fics, FederatedView{ID: f.ID, Name: f.Name, Issuer: f.Issuer, Subject: f.Subject, Description: f.Description,
				Audiences: append([]string(nil), f.Audiences...)})
		}
		return nil
	})
	return keys, fics, err
}

// AddCertificate uploads a public certificate (DER) to an app, as an admin
// would in the Entra admin center; it returns the key ID.
func (s *Server) AddCertificate(tenantID, objectID string, der []byte) (string, error) {
	keyID := store.NewGUID()
	err := s.store.Update(func(tx *store.Tx) error {
		a, err := app(tx, tenantID, objectID)
		if err != nil {
			return err
		}
		keys := []map[string]any{}
		for _, k := range a.KeyCredentials {
			keys = append(keys, map[string]any{"keyId": k.KeyID, "type": k.Type, "usage": k.Usage, "key": k.Key, "displayName": k.DisplayName,
				"startDateTime": k.StartDateTime, "endDateTime": k.EndDateTime})
		}
		keys = append(keys, map[string]any{"keyId": keyID, "type": "AsymmetricX509Cert", "usage": "Verify", "key": der})
		raw, err := json.Marshal(keys)
		if err != nil {
			return err
		}
		return graph.EditApplication(a, map[string]json.RawMessage{"keyCredentials": raw})
	})
	return keyID, err
}

// RemoveCredential deletes a certificate or federated credential of an app
// by its ID, as an admin would in the Entra admin center.
func (s *Server) RemoveCredential(tenantID, objectID, id string) error {
	return s.store.Update(func(tx *store.Tx) error {
		a, err := app(tx, tenantID, objectID)
		if err != nil {
			return err
		}
		n := len(a.KeyCredentials) + len(a.FederatedCredentials)
		a.KeyCredentials = slices.DeleteFunc(a.KeyCredentials, func(k store.KeyCredential) bool { return strings.EqualFold(k.KeyID, id) })
		a.FederatedCredentials = slices.DeleteFunc(a.FederatedCredentials, func(f store.FederatedCredential) bool { return strings.EqualFold(f.ID, id) })
		if len(a.KeyCredentials)+len(a.FederatedCredentials) == n {
			return store.NotFound("credential " + id)
		}
		return nil
	})
}
