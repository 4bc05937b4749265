package session

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/onboard-tf/terraform-provider-onboard/internal/auth"
	"github.com/onboard-tf/terraform-provider-onboard/internal/graph"
)

// AppCredential is how an onboarded app signs in as itself: a client
// secret, or a certificate with its private key (PEM, or PKCS#12 without
// a password), which MSAL turns into a signed client assertion.
type AppCredential struct {
	ClientID    string
	Secret      string
	Certificate []byte
}

// Set reports whether the credential holds a secret or a certificate.
func (c AppCredential) Set() bool { return c.Secret != "" || len(c.Certificate) > 0 }

// key keys caches by app and credential without keeping the credential.
func (c AppCredential) key() string {
	sum := sha256.New()
	sum.Write([]byte(strings.ToLower(c.ClientID) + "\x00" + c.Secret + "\x00"))
	sum.Write(c.Certificate)
	return hex.EncodeToString(sum.Sum(nil))
}

// AppGraphAs is a Graph client signed in as the app with c in tenantID.
func (s *Session) AppGraphAs(tenantID string, c AppCredential, p Profile) (*graph.Client, error) {
	a, err := s.appAs(c)
	if err != nil {
		return nil, err
	}
	return s.cachedGraph(clientKey{tenant: tenantID, cred: App, app: c.key(), profile: p}, a, p)
}

// appAs is the authenticator of an onboarded app signing in with its own
// secret or certificate; one per app and credential, shared by every
// tenant.
func (s *Session) appAs(c AppCredential) (*auth.Authenticator, error) {
	key := c.key()
	if v, ok := s.apps.Load(key); ok {
		if cached, ok := v.(*auth.Authenticator); ok {
			return cached, nil
		}
	}
	a, err := auth.New(auth.Config{Cloud: s.opts.Cloud, TenantID: s.opts.Auth.TenantID, ClientID: c.ClientID, ClientSecret: c.Secret,
		ClientCertificate: c.Certificate, HTTPClient: s.http, MaxRetryWait: s.opts.MaxRetryWait, Log: s.opts.RetryLog, TokenCache: s.tokens, Tokens: s.store})
	if err != nil {
		return nil, err
	}
	v, _ := s.apps.LoadOrStore(key, a)
	cached, _ := v.(*auth.Authenticator)
	return cached, nil
}
