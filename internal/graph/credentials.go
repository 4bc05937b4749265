package graph

import (
	"context"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/microsoftgraph/msgraph-sdk-go/applications"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// KeyCredential is a certificate of an app registration. Key (the DER
// certificate) is only read by KeyCredentials.
type KeyCredential struct {
	KeyID       string
	DisplayName string
	// Thumbprint is the certificate's SHA-1 thumbprint in upper-case hex
	// (Graph's customKeyIdentifier).
	Thumbprint    string
	Key           []byte
	StartDateTime time.Time
	EndDateTime   time.Time
}

func fromKey(k models.KeyCredentialable) KeyCredential {
	kc := KeyCredential{DisplayName: str(k.GetDisplayName()), Key: k.GetKey(), Thumbprint: strings.ToUpper(hex.EncodeToString(k.GetCustomKeyIdentifier()))}
	if k.GetKeyId() != nil {
		kc.KeyID = k.GetKeyId().String()
	}
	if k.GetStartDateTime() != nil {
		kc.StartDateTime = k.GetStartDateTime().UTC()
	}
	if k.GetEndDateTime() != nil {
		kc.EndDateTime = k.GetEndDateTime().UTC()
	}
	return kc
}

// KeyCredentials reads an app's certificates with their keys, which Graph
// returns only to a read that selects keyCredentials.
func (c *Client) KeyCredentials(ctx context.Context, objectID string) ([]KeyCredential, error) {
	m, err := c.apps().ByApplicationId(objectID).Get(ctx, &applications.ApplicationItemRequestBuilderGetRequestConfiguration{
		QueryParameters: &applications.ApplicationItemRequestBuilderGetQueryParameters{Select: []string{"keyCredentials"}}})
	if err != nil {
		return nil, wrap(err)
	}
	var out []KeyCredential
	for _, k := range m.GetKeyCredentials() {
		out = append(out, fromKey(k))
	}
	return out, nil
}

// SetKeyCredentials replaces the app's certificates (Graph replaces the
// collection whole): callers read KeyCredentials, add or drop their own
// and write back everything else unchanged. addKey is not used because it
// needs a proof signed by an existing certificate's private key, which the
// provider does not hold, and cannot add an app's first certificate
// (https://learn.microsoft.com/en-us/graph/api/application-addkey).
func (c *Client) SetKeyCredentials(ctx context.Context, objectID string, keys []KeyCredential) error {
	defer c.forgetApps()
	list := []models.KeyCredentialable{}
	for _, k := range keys {
		m := models.NewKeyCredential()
		if k.KeyID != "" {
			id, err := uuid.Parse(k.KeyID)
			if err != nil {
				return errors.New("key ID " + k.KeyID + " is not a GUID")
			}
			m.SetKeyId(&id)
		}
		if k.DisplayName != "" {
			m.SetDisplayName(ptr(k.DisplayName))
		}
		if !k.StartDateTime.IsZero() {
			m.SetStartDateTime(ptr(k.StartDateTime))
		}
		if !k.EndDateTime.IsZero() {
			m.SetEndDateTime(ptr(k.EndDateTime))
		}
		m.SetKey(k.Key)
		m.SetTypeEscaped(ptr("AsymmetricX509Cert"))
		m.SetUsage(ptr("Verify"))
		list = append(list, m)
	}
	app := models.NewApplication()
	app.SetKeyCredentials(list)
	return c.retryWhile(ctx, IsNotFound, func() error {
		_, err := c.apps().ByApplicationId(objectID).Patch(ctx, app, nil)
		return wrap(err)
	})
}

// FederatedCredential is a federated identity credential of an app: tokens
// from Issuer about Subject for one of Audiences sign in as the app.
type FederatedCredential struct {
	ID          string
	Name        string
	Issuer      string
	Subject     string
	Description string
	Audiences   []string
}

func toFIC(f FederatedCredential, creating bool) models.FederatedIdentityCredentialable {
	m := models.NewFederatedIdentityCredential()
	if creating {
		m.SetName(ptr(f.Name))
	}
	m.SetIssuer(ptr(f.Issuer))
	m.SetSubject(ptr(f.Subject))
	m.SetAudiences(nonNil(f.Audiences))
	if f.Description != "" || !creating {
		m.SetDescription(ptr(f.Description))
	}
	return m
}

func fromFIC(m models.FederatedIdentityCredentialable) FederatedCredential {
	return FederatedCredential{ID: str(m.GetId()), Name: str(m.GetName()), Issuer: str(m.GetIssuer()), Subject: str(m.GetSubject()),
		Description: str(m.GetDescription()), Audiences: m.GetAudiences()}
}

func (c *Client) fics(objectID string) *applications.ItemFederatedIdentityCredentialsRequestBuilder {
	return c.apps().ByApplicationId(objectID).FederatedIdentityCredentials()
}

// CreateFederatedCredential adds a federated identity credential. Its name
// is unique on the app, so a create retried after a lost answer meets a
// conflict, never a duplicate.
func (c *Client) CreateFederatedCredential(ctx context.Context, objectID string, f FederatedCredential) (FederatedCredential, error) {
	var out FederatedCredential
	err := c.retryWhile(ctx, IsNotFound, func() error {
		m, err := c.fics(objectID).Post(ctx, toFIC(f, true), nil)
		if err == nil {
			out = fromFIC(m)
		}
		return wrap(err)
	})
	return out, err
}

// GetFederatedCredential reads a federated identity credential by ID.
func (c *Client) GetFederatedCredential(ctx context.Context, objectID, id string) (FederatedCredential, error) {
	m, err := c.fics(objectID).ByFederatedIdentityCredentialId(id).Get(ctx, nil)
	if err != nil {
		return FederatedCredential{}, wrap(err)
	}
	return fromFIC(m), nil
}

// ListFederatedCredentials lists an app's federated identity credentials.
func (c *Client) ListFederatedCredentials(ctx context.Context, objectID string) ([]FederatedCredential, error) {
	resp, err := c.fics(objectID).Get(ctx, nil)
	if err != nil {
		return nil, wrap(err)
	}
	var out []FederatedCredential
	for _, m := range resp.GetValue() {
		out = append(out, fromFIC(m))
	}
	return out, nil
}

// UpdateFederatedCredential changes issuer, subject, audiences and
// description; the name is immutable.
func (c *Client) UpdateFederatedCredential(ctx context.Context, objectID string, f FederatedCredential) error {
	_, err := c.fics(objectID).ByFederatedIdentityCredentialId(f.ID).Patch(ctx, toFIC(f, false), nil)
	return wrap(err)
}

// DeleteFederatedCredential removes a federated identity credential; an
// already removed one is fine.
func (c *Client) DeleteFederatedCredential(ctx context.Context, objectID, id string) error {
	err := wrap(c.fics(objectID).ByFederatedIdentityCredentialId(id).Delete(ctx, nil))
	if IsNotFound(err) {
		return nil
	}
	return err
}
