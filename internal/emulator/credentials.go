package emulator

import (
	"errors"
	"fmt"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/control"
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
