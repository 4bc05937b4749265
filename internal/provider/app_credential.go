package provider

import (
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
)

// How a resource that signs in as an app (onboard_customer_tenant,
// onboard_bc_authorized_app, onboard_bc_environment_app) and the sync get
// the app's credential without a copy in their own state:
//
//   - client_secret_wo, write-only (Terraform 1.11): Terraform hands the
//     value to plan and apply and never stores it;
//   - the credential the provider itself holds in this run: the value
//     onboard_client_secret read from its own state, created or was handed
//     as client_secret_wo, by client ID (appCredentials).
//
// Refresh never sees write-only values, so a resource's Read uses the
// second. client_secret, stored in the consumer's state, stays for
// Terraform before 1.11.

// appCredentialAttributes are the schema attributes every consumer adds.
// A certificate credential slots in beside them the same way.
func appCredentialAttributes(use string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"client_secret": schema.StringAttribute{Optional: true, Sensitive: true,
			MarkdownDescription: "A client secret of the app itself (`onboard_client_secret.<name>.value`), " + use + " " +
				"Stored in this resource's state: a copy of the secret per resource. With Terraform 1.11 or later use `client_secret_wo` instead.",
			Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("client_secret_wo"))}},
		"client_secret_wo": schema.StringAttribute{Optional: true, Sensitive: true, WriteOnly: true,
			MarkdownDescription: "The app's client secret as a write-only argument (Terraform 1.11 or later): used like `client_secret`, never stored in plan or state. " +
				"Refresh does not see write-only values: there the provider uses the secret `onboard_client_secret` read in the same run for this client ID."},
		"client_secret_wo_version": schema.StringAttribute{Optional: true,
			MarkdownDescription: "Any value that changes when the secret in `client_secret_wo` changes (e.g. `onboard_client_secret.<name>.key_id`): a change is an in-place update, " +
				"so apply reads again with the new secret in the same run that rotates it.",
			Validators: []validator.String{stringvalidator.AlsoRequires(path.MatchRoot("client_secret_wo"))}},
	}
}

// withAppCredential adds the credential attributes to a resource's.
func withAppCredential(attrs map[string]schema.Attribute, use string) map[string]schema.Attribute {
	for k, v := range appCredentialAttributes(use) {
		attrs[k] = v
	}
	return attrs
}

// writeOnlySecret is client_secret_wo from the configuration, "" when
// unset or unknown.
func writeOnlySecret(ctx context.Context, config tfsdk.Config) string {
	var v types.String
	if config.Raw.IsNull() {
		return ""
	}
	if diags := config.GetAttribute(ctx, path.Root("client_secret_wo"), &v); diags.HasError() {
		return ""
	}
	return v.ValueString()
}

// appCredentials holds, for this run only, the secrets the provider has
// seen for each app: never written anywhere.
type appCredentials struct {
	mu      sync.Mutex
	secrets map[string]heldSecret // by client ID, lower case
	byKey   map[string]string     // secret text by key ID, lower case
	managed map[string]bool       // key IDs an onboard_client_secret holds, lower case
}

type heldSecret struct {
	value string
	end   time.Time
}

// holdKey remembers secret keyID of app clientID, as onboard_client_secret
// read or created it.
func (c *appCredentials) holdKey(clientID, keyID, value string, end time.Time) {
	if keyID != "" && value != "" {
		c.mu.Lock()
		if c.byKey == nil {
			c.byKey = map[string]string{}
		}
		c.byKey[strings.ToLower(keyID)] = value
		c.mu.Unlock()
	}
	c.hold(clientID, value, end)
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

// keySecret is the text of secret keyID held in this run, "" when none.
func (c *appCredentials) keySecret(keyID string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byKey[strings.ToLower(keyID)]
}

// hold remembers a secret of app clientID; of several, the one valid
// longest wins (during a rotation, the new one).
func (c *appCredentials) hold(clientID, value string, end time.Time) {
	if clientID == "" || value == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.secrets == nil {
		c.secrets = map[string]heldSecret{}
	}
	key := strings.ToLower(clientID)
	if prev, ok := c.secrets[key]; ok && prev.value != value && prev.end.After(end) {
		return
	}
	c.secrets[key] = heldSecret{value: value, end: end}
}

// secret is the secret held for app clientID, "" when none.
func (c *appCredentials) secret(clientID string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.secrets[strings.ToLower(clientID)].value
}

// appSecret is the secret to sign in as app clientID with at plan and
// apply: the stored client_secret, else the write-only one, which is held
// for the resources and data sources that come after in this run.
func (d *providerData) appSecret(clientID string, stored types.String, writeOnly string) string {
	if s := stored.ValueString(); s != "" {
		return s
	}
	d.credentials.hold(clientID, writeOnly, time.Time{})
	return writeOnly
}

// refreshSecret is the secret a refresh signs in as app clientID with: the
// stored client_secret; for a resource applied with client_secret_wo, the
// secret held in this run (refresh never sees write-only values).
func (d *providerData) refreshSecret(ctx context.Context, clientID string, stored types.String, private privateData) string {
	if s := stored.ValueString(); s != "" || !usedWriteOnly(ctx, private) {
		return s
	}
	return d.credentials.secret(clientID)
}

// privateData is a resource's private state (framework's
// privatestate.ProviderData, which is internal).
type privateData interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

const credentialKey = "app_credential"

// recordWriteOnly notes in private state (not secret) whether the resource
// was applied with client_secret_wo, so its refresh knows to use the held
// secret.
func recordWriteOnly(ctx context.Context, private privateData, writeOnly string) diag.Diagnostics {
	if writeOnly == "" {
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
