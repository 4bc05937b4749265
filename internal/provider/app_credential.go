package provider

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"

	"github.com/onboard-tf/terraform-provider-onboard/internal/auth"
	"github.com/onboard-tf/terraform-provider-onboard/internal/session"
)

// How a resource that signs in as an app (onboard_customer_tenant,
// onboard_bc_authorized_app, onboard_bc_environment_app) and the data
// sources (onboard_sync, onboard_customer_tenants) get the app's credential,
// a client secret or a certificate with its private key, without a copy in
// their own state:
//
//   - client_secret_wo or client_certificate_wo, write-only (Terraform
//     1.11): Terraform hands the value to plan and apply and never stores it;
//   - the credential the provider itself holds in this run
//     (appCredentials): the secret onboard_client_secret read or created,
//     the certificate and key onboard_client_certificate generated, or what
//     a consumer was handed write-only, by client ID and by key ID.
//
// Refresh never sees write-only values, so a resource's Read uses the
// second. client_secret and client_certificate, stored in the consumer's
// state, stay for Terraform before 1.11. This file is the only place in
// the provider that builds a session.AppCredential.

// credentialAttributes are the credential attribute names, which exclude
// one another.
var credentialAttributes = []string{"client_secret", "client_secret_wo", "client_certificate", "client_certificate_wo"}

// excludesOthers is the validator that names the other credential
// attribute set beside name.
func excludesOthers(name string) validator.String {
	var others []path.Expression
	for _, a := range credentialAttributes {
		if a != name {
			others = append(others, path.MatchRoot(a))
		}
	}
	return stringvalidator.ConflictsWith(others...)
}

const certificateFormsDescription = "PEM certificate and private key (e.g. `\"${onboard_client_certificate.<name>.certificate_pem}${onboard_client_certificate.<name>.private_key_pem}\"` or `file(\"sync.pem\")`), " +
	"or base64 of PKCS#12 without a password (`filebase64(\"sync.pfx\")`, or the value of `ephemeral \"azurerm_key_vault_secret\"` for a Key Vault certificate)"

// appCredentialAttributes are the schema attributes every consumer
// resource adds: at most one of the four credentials, and the versions of
// the write-only ones.
func appCredentialAttributes(use string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"client_secret": schema.StringAttribute{Optional: true, Sensitive: true,
			MarkdownDescription: "A client secret of the app itself (`onboard_client_secret.<name>.value`), " + use + " " +
				"Stored in this resource's state: a copy of the secret per resource. With Terraform 1.11 or later use `client_secret_wo` instead. " +
				"At most one of `client_secret`, `client_secret_wo`, `client_certificate` and `client_certificate_wo`.",
			Validators: []validator.String{excludesOthers("client_secret")}},
		"client_secret_wo": schema.StringAttribute{Optional: true, Sensitive: true, WriteOnly: true,
			MarkdownDescription: "The app's client secret as a write-only argument (Terraform 1.11 or later): used like `client_secret`, never stored in plan or state. " +
				"Refresh does not see write-only values: there the provider uses the credential it holds in the same run for this client ID " +
				"(what `onboard_client_secret` or `onboard_client_certificate` read, or this argument was given at plan).",
			Validators: []validator.String{excludesOthers("client_secret_wo")}},
		"client_secret_wo_version": schema.StringAttribute{Optional: true,
			MarkdownDescription: "Any value that changes when the secret in `client_secret_wo` changes (e.g. `onboard_client_secret.<name>.key_id`): a change is an in-place update, " +
				"so apply reads again with the new secret in the same run that rotates it.",
			Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("client_secret_wo"))}},
		"client_certificate": schema.StringAttribute{Optional: true, Sensitive: true,
			MarkdownDescription: "The app's certificate with its private key, " + use + " The provider signs in with a certificate-signed assertion (RFC 7523) instead of a secret. " +
				"Accepted: " + certificateFormsDescription + ". Stored in this resource's state: a copy of the private key per resource. " +
				"With Terraform 1.11 or later use `client_certificate_wo` instead.",
			Validators: []validator.String{excludesOthers("client_certificate"), clientCertificateValidator()}},
		"client_certificate_wo": schema.StringAttribute{Optional: true, Sensitive: true, WriteOnly: true,
			MarkdownDescription: "The app's certificate with its private key as a write-only argument (Terraform 1.11 or later): used like `client_certificate`, never stored in plan or state. " +
				"Accepted: " + certificateFormsDescription + ". Refresh uses the credential the provider holds in the run for this client ID, as for `client_secret_wo`; " +
				"data sources after this resource (`onboard_sync` with `client_certificate_key_id`) sign in with it too.",
			Validators: []validator.String{excludesOthers("client_certificate_wo"), clientCertificateValidator()}},
		"client_certificate_wo_version": schema.StringAttribute{Optional: true,
			MarkdownDescription: "Any value that changes when the certificate in `client_certificate_wo` changes (e.g. `onboard_client_certificate.<name>.key_id`, " +
				"or the Key Vault certificate's `version`): a change is an in-place update, so apply signs in again with the new certificate in the same run.",
			Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("client_certificate_wo"))}},
	}
}

// withAppCredential adds the credential attributes to a resource's.
func withAppCredential(attrs map[string]schema.Attribute, use string) map[string]schema.Attribute {
	for k, v := range appCredentialAttributes(use) {
		attrs[k] = v
	}
	return attrs
}

// appCredentialModel is the credential attributes, embedded in each
// consumer resource's model.
type appCredentialModel struct {
	ClientSecret               types.String `tfsdk:"client_secret"`
	ClientSecretWO             types.String `tfsdk:"client_secret_wo"`
	ClientSecretWOVersion      types.String `tfsdk:"client_secret_wo_version"`
	ClientCertificate          types.String `tfsdk:"client_certificate"`
	ClientCertificateWO        types.String `tfsdk:"client_certificate_wo"`
	ClientCertificateWOVersion types.String `tfsdk:"client_certificate_wo_version"`
}

// dataSourceCredentialAttributes are a data source's credential
// attributes: data sources take no write-only values, so besides stored
// copies they name the credential the provider holds by its key ID.
func dataSourceCredentialAttributes(use string) map[string]dsschema.Attribute {
	return map[string]dsschema.Attribute{
		"client_secret": dsschema.StringAttribute{Optional: true, Sensitive: true,
			MarkdownDescription: "A secret of the app, " + use + " Stored in this data source's state: a copy of the secret. " +
				"With `onboard_client_secret` in the same configuration, use `client_secret_key_id` instead.",
			Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("client_secret_key_id"), path.MatchRoot("client_certificate"), path.MatchRoot("client_certificate_key_id"))}},
		"client_secret_key_id": dsschema.StringAttribute{Optional: true,
			MarkdownDescription: "The key ID of the app's secret (`onboard_client_secret.<name>.key_id`): the provider signs in with the secret that " +
				"`onboard_client_secret` holds, read or created in the same run, and no copy is stored here. A data source cannot take write-only " +
				"or ephemeral values, so this keeps the secret to its one copy. The reference also orders the read after the secret's; " +
				"after a rotation the data source is read during apply, with the new secret.",
			Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("client_certificate"), path.MatchRoot("client_certificate_key_id"))}},
		"client_certificate": dsschema.StringAttribute{Optional: true, Sensitive: true,
			MarkdownDescription: "The app's certificate with its private key, " + use + " Accepted: " + certificateFormsDescription + ". " +
				"Stored in this data source's state: a copy of the private key. With `onboard_client_certificate` in the same configuration, use `client_certificate_key_id` instead.",
			Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("client_certificate_key_id")), clientCertificateValidator()}},
		"client_certificate_key_id": dsschema.StringAttribute{Optional: true,
			MarkdownDescription: "The key ID of the app's certificate (`onboard_client_certificate.<name>.key_id`): the provider signs in with the certificate and key it holds " +
				"in the same run, and no copy is stored here. A generated certificate (`generate = true`) is held by `onboard_client_certificate` itself; " +
				"an uploaded one, whose key never enters Terraform, by the resources before this data source that were given it as `client_certificate_wo`."},
	}
}

// withDataSourceCredential adds the credential attributes to a data
// source's.
func withDataSourceCredential(attrs map[string]dsschema.Attribute, use string) map[string]dsschema.Attribute {
	for k, v := range dataSourceCredentialAttributes(use) {
		attrs[k] = v
	}
	return attrs
}

// dataSourceCredentialModel is a data source's credential attributes.
type dataSourceCredentialModel struct {
	ClientSecret           types.String `tfsdk:"client_secret"`
	ClientSecretKeyID      types.String `tfsdk:"client_secret_key_id"`
	ClientCertificate      types.String `tfsdk:"client_certificate"`
	ClientCertificateKeyID types.String `tfsdk:"client_certificate_key_id"`
}

// clientCertificateValidator refuses at plan a certificate the provider
// cannot sign in with.
func clientCertificateValidator() validator.String { return certificateValidator{} }

type certificateValidator struct{}

func (certificateValidator) Description(context.Context) string {
	return "a certificate with its RSA private key: " + certificateFormsDescription
}

func (v certificateValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (certificateValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := auth.ParseClientCertificate([]byte(req.ConfigValue.ValueString()), ""); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid client certificate",
			req.Path.String()+": "+err.Error()+". It must be a certificate with its RSA private key, as "+certificateFormsDescription+
				". Example: "+req.Path.String()+" = \"${onboard_client_certificate.sync.certificate_pem}${onboard_client_certificate.sync.private_key_pem}\".")
	}
}

// planCredential is the credential to sign in as app clientID with at plan
// and apply: the stored client_secret or client_certificate, else the
// write-only one from config, which is held for the resources and data
// sources that come after in this run. With private set (apply), it notes
// whether a write-only value was used, for the resource's refreshes.
func (d *providerData) planCredential(ctx context.Context, clientID string, stored appCredentialModel, config tfsdk.Config, private privateData) (session.AppCredential, diag.Diagnostics) {
	var diags diag.Diagnostics
	secretWO, certWO := writeOnlyCredential(ctx, config)
	if private != nil {
		diags.Append(recordWriteOnly(ctx, private, secretWO != "" || certWO != "")...)
	}
	if c, ok := storedCredential(clientID, stored.ClientSecret, stored.ClientCertificate); ok {
		return c, diags
	}
	switch {
	case secretWO != "":
		c := session.AppCredential{ClientID: clientID, Secret: secretWO}
		d.credentials.hold(c, time.Time{})
		return c, diags
	case certWO != "":
		c := session.AppCredential{ClientID: clientID, Certificate: []byte(certWO)}
		if parsed, err := auth.ParseClientCertificate(c.Certificate, ""); err == nil {
			d.credentials.hold(c, parsed.NotAfter)
			// Data sources name a certificate by the key ID
			// onboard_client_certificate has; for an uploaded one only the
			// thumbprint links that key ID to this key, so hold it by
			// thumbprint too.
			d.credentials.holdThumbprint(parsed, c)
		}
		return c, diags
	}
	return session.AppCredential{ClientID: clientID}, diags
}

// refreshCredential is the credential a refresh signs in as app clientID
// with: the stored client_secret or client_certificate; for a resource
// applied with a write-only one, the credential held in this run (refresh
// never sees write-only values).
func (d *providerData) refreshCredential(ctx context.Context, clientID string, stored appCredentialModel, private privateData) session.AppCredential {
	if c, ok := storedCredential(clientID, stored.ClientSecret, stored.ClientCertificate); ok {
		return c
	}
	if usedWriteOnly(ctx, private) {
		return d.credentials.credential(clientID)
	}
	return session.AppCredential{ClientID: clientID}
}

// dataSourceCredential is the credential a data source signs in as app
// clientID with: a stored client_secret or client_certificate, or the one
// the provider holds in this run by client_secret_key_id or
// client_certificate_key_id (else for the app, e.g. during apply, what a
// changed consumer was handed).
func (d *providerData) dataSourceCredential(clientID string, m dataSourceCredentialModel) session.AppCredential {
	if c, ok := storedCredential(clientID, m.ClientSecret, m.ClientCertificate); ok {
		return c
	}
	for _, keyID := range []types.String{m.ClientSecretKeyID, m.ClientCertificateKeyID} {
		if keyID.IsNull() {
			continue
		}
		if c := d.credentials.keyCredential(keyID.ValueString()); c.Set() && strings.EqualFold(c.ClientID, clientID) {
			return c
		}
		return d.credentials.credential(clientID)
	}
	return session.AppCredential{ClientID: clientID}
}

// storedCredential is the credential stored in a consumer's own state or
// data source configuration (client_secret, else client_certificate), and
// whether there is one.
func storedCredential(clientID string, secret, certificate types.String) (session.AppCredential, bool) {
	switch {
	case secret.ValueString() != "":
		return session.AppCredential{ClientID: clientID, Secret: secret.ValueString()}, true
	case certificate.ValueString() != "":
		return session.AppCredential{ClientID: clientID, Certificate: []byte(certificate.ValueString())}, true
	}
	return session.AppCredential{}, false
}

// bcCredentials is a Business Central client's credentials: the app's own
// (secret or certificate, when set) and, with partner, the partner's
// delegated one.
func bcCredentials(c session.AppCredential, partner bool) session.BCCredentials {
	return session.BCCredentials{ClientID: c.ClientID, Secret: c.Secret, Certificate: c.Certificate, Partner: partner}
}

// writeOnlyCredential is client_secret_wo and client_certificate_wo from
// the configuration, "" when unset or unknown.
func writeOnlyCredential(ctx context.Context, config tfsdk.Config) (secret, certificate string) {
	if config.Raw.IsNull() {
		return "", ""
	}
	get := func(name string) string {
		var v types.String
		if diags := config.GetAttribute(ctx, path.Root(name), &v); diags.HasError() {
			return ""
		}
		return v.ValueString()
	}
	return get("client_secret_wo"), get("client_certificate_wo")
}

// appCredentials holds, for this run only, the credentials the provider
// has seen for each app: never written anywhere.
type appCredentials struct {
	mu       sync.Mutex
	byClient map[string]heldCredential        // by client ID, lower case
	byKey    map[string]session.AppCredential // by key ID, lower case
	byThumb  map[string]session.AppCredential // certificates by SHA-1 thumbprint, upper-case hex
	// byThumbKey maps onboard_client_certificate key IDs (lower case) to
	// their thumbprints: an uploaded certificate's key reaches the
	// provider only through a consumer, by thumbprint.
	byThumbKey map[string]string
	managed    map[string]bool // key IDs an onboard_client_secret holds, lower case
}

type heldCredential struct {
	cred session.AppCredential
	end  time.Time
}

// holdSecret remembers secret keyID of app clientID, as
// onboard_client_secret read or created it.
func (c *appCredentials) holdSecret(clientID, keyID, secret string, end time.Time) {
	c.holdKey(keyID, session.AppCredential{ClientID: clientID, Secret: secret}, end)
}

// holdCertificate remembers certificate keyID of app clientID with its
// private key (PEM), as onboard_client_certificate generated it.
func (c *appCredentials) holdCertificate(clientID, keyID, certificateAndKey string, end time.Time) {
	c.holdKey(keyID, session.AppCredential{ClientID: clientID, Certificate: []byte(certificateAndKey)}, end)
}

func (c *appCredentials) holdKey(keyID string, cred session.AppCredential, end time.Time) {
	if keyID != "" && cred.Set() {
		c.mu.Lock()
		if c.byKey == nil {
			c.byKey = map[string]session.AppCredential{}
		}
		c.byKey[strings.ToLower(keyID)] = cred
		c.mu.Unlock()
	}
	c.hold(cred, end)
}

// holdThumbprint remembers a certificate handed to a consumer by its
// thumbprint.
func (c *appCredentials) holdThumbprint(parsed auth.ClientCertificate, cred session.AppCredential) {
	thumb := parsed.Thumbprint
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byThumb == nil {
		c.byThumb = map[string]session.AppCredential{}
	}
	c.byThumb[thumb] = cred
}

// nameCertificate records that certificate keyID has thumbprint thumb
// (onboard_client_certificate knows both): a consumer handed its key
// write-only makes it available by key ID.
func (c *appCredentials) nameCertificate(keyID, thumb string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if keyID == "" {
		return
	}
	if c.byThumbKey == nil {
		c.byThumbKey = map[string]string{}
	}
	c.byThumbKey[strings.ToLower(keyID)] = strings.ToUpper(thumb)
}

// manage records key IDs an onboard_client_secret holds in this run (its
// secret, and the previous one kept by an overlap rotation), text or not:
// onboard_sync reports the app's other secrets as unmanaged.
func (c *appCredentials) manage(keyIDs ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.managed == nil {
		c.managed = map[string]bool{}
	}
	for _, k := range keyIDs {
		if k != "" {
			c.managed[strings.ToLower(k)] = true
		}
	}
}

// manages reports whether an onboard_client_secret holds key keyID.
func (c *appCredentials) manages(keyID string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.managed[strings.ToLower(keyID)]
}

// keyCredential is the credential with key ID keyID held in this run.
func (c *appCredentials) keyCredential(keyID string) session.AppCredential {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := strings.ToLower(keyID)
	if cred, ok := c.byKey[k]; ok {
		return cred
	}
	if thumb, ok := c.byThumbKey[k]; ok {
		return c.byThumb[thumb]
	}
	return session.AppCredential{}
}

// hold remembers a credential of app cred.ClientID; of several, the one
// valid longest wins (during a rotation, the new one).
func (c *appCredentials) hold(cred session.AppCredential, end time.Time) {
	if cred.ClientID == "" || !cred.Set() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byClient == nil {
		c.byClient = map[string]heldCredential{}
	}
	key := strings.ToLower(cred.ClientID)
	if prev, ok := c.byClient[key]; ok && !sameCredential(prev.cred, cred) && prev.end.After(end) {
		return
	}
	c.byClient[key] = heldCredential{cred: cred, end: end}
}

func sameCredential(a, b session.AppCredential) bool {
	return a.Secret == b.Secret && bytes.Equal(a.Certificate, b.Certificate)
}

// credential is the credential held for app clientID; not Set when none.
func (c *appCredentials) credential(clientID string) session.AppCredential {
	c.mu.Lock()
	defer c.mu.Unlock()
	if held, ok := c.byClient[strings.ToLower(clientID)]; ok {
		return held.cred
	}
	return session.AppCredential{ClientID: clientID}
}

// privateData is a resource's private state (framework's
// privatestate.ProviderData, which is internal).
type privateData interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

const credentialKey = "app_credential"

// recordWriteOnly notes in private state (not secret) whether the resource
// was applied with client_secret_wo or client_certificate_wo, so its
// refresh knows to use the held credential.
func recordWriteOnly(ctx context.Context, private privateData, writeOnly bool) diag.Diagnostics {
	if !writeOnly {
		return private.SetKey(ctx, credentialKey, nil)
	}
	return private.SetKey(ctx, credentialKey, []byte(`"write-only"`))
}

func usedWriteOnly(ctx context.Context, private privateData) bool {
	if private == nil {
		return false
	}
	v, _ := private.GetKey(ctx, credentialKey)
	return string(v) == `"write-only"`
}
