package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onboard-tf/terraform-provider-onboard/internal/graph"
	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
)

var (
	_ resource.Resource                   = &clientCertificateResource{}
	_ resource.ResourceWithIdentity       = &clientCertificateResource{}
	_ resource.ResourceWithConfigure      = &clientCertificateResource{}
	_ resource.ResourceWithModifyPlan     = &clientCertificateResource{}
	_ resource.ResourceWithImportState    = &clientCertificateResource{}
	_ resource.ResourceWithValidateConfig = &clientCertificateResource{}
)

// clientCertificateIdentity is the resource's identity (Terraform 1.12+ import blocks).
var clientCertificateIdentity = identitySpec{
	{"application_id", "application_id", "Object ID of the app registration."},
	{"key_id", "key_id", "Key ID of the certificate."},
}

func newClientCertificateResource() resource.Resource { return &clientCertificateResource{} }

type clientCertificateResource struct {
	data *providerData
}

type clientCertificateModel struct {
	ID             types.String `tfsdk:"id"`
	ApplicationID  types.String `tfsdk:"application_id"`
	DisplayName    types.String `tfsdk:"display_name"`
	Certificate    types.String `tfsdk:"certificate"`
	Generate       types.Bool   `tfsdk:"generate"`
	CommonName     types.String `tfsdk:"common_name"`
	Lifetime       types.String `tfsdk:"lifetime"`
	RotateBefore   types.String `tfsdk:"rotate_before"`
	KeyID          types.String `tfsdk:"key_id"`
	Thumbprint     types.String `tfsdk:"thumbprint"`
	StartDate      types.String `tfsdk:"start_date"`
	EndDate        types.String `tfsdk:"end_date"`
	CertificatePEM types.String `tfsdk:"certificate_pem"`
	PrivateKeyPEM  types.String `tfsdk:"private_key_pem"`
}

// defaultCertificateLifetime is a generated certificate's validity when
// lifetime is not set.
const defaultCertificateLifetime = "8760h"

func (r *clientCertificateResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_client_certificate"
}

func (r *clientCertificateResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	duration := durationValidator("must be a duration in hours or days, e.g. \"8760h\" or \"365d\"")
	resp.Schema = schema.Schema{
		MarkdownDescription: "A certificate credential (`keyCredential`) of an app registration: the app signs in with a JWT signed by the certificate's private key " +
			"instead of a client secret, as Microsoft recommends. Either upload a public `certificate` whose private key never leaves your key store " +
			"(recommended: nothing secret enters Terraform), or set `generate = true` to have the provider create an RSA key pair and a self-signed certificate; " +
			"its private key is then kept in state, once, in the sensitive `private_key_pem` (a key that must never be in state belongs in an uploaded " +
			"certificate's key store). Consumers sign in as the app with `client_certificate_wo` (Terraform 1.11 or later) or `client_certificate`; the data sources `onboard_sync` and `onboard_customer_tenants` with `client_certificate_key_id`, the certificate the provider holds in the run. The provider writes the app's certificates whole (`PATCH keyCredentials`, as Graph's `addKey` " +
			"needs a proof signed by a private key the provider does not hold) and always keeps every certificate it did not add.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: keep, MarkdownDescription: "`<application object id>/<key id>`."},
			"application_id": schema.StringAttribute{Required: true, PlanModifiers: replace,
				MarkdownDescription: "Object ID of the app registration (`onboard_entra_app.<name>.id`).", Validators: []validator.String{guidValidator()}},
			"display_name": schema.StringAttribute{Optional: true, Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIfConfigured(), stringplanmodifier.UseStateForUnknown()},
				MarkdownDescription: "Description of the certificate in the Entra admin center; default `CN=<common name>`.", Validators: []validator.String{notBlank("vendor sync")}},
			"certificate": schema.StringAttribute{Optional: true, PlanModifiers: replace,
				MarkdownDescription: "The public certificate to upload: PEM (`-----BEGIN CERTIFICATE-----`, e.g. `file(\"sync.crt\")`) or base64 of its DER " +
					"(`azurerm_key_vault_certificate.<name>.certificate_data_base64`, for a key pair made in Azure Key Vault). A private key or a PKCS#12 bundle is refused. " +
					"Consumers then sign in with the certificate and its key from the key store, `client_certificate_wo` (e.g. `ephemeral \"azurerm_key_vault_secret\"`'s value). Conflicts with `generate`.",
				Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("generate"))}},
			"generate": schema.BoolAttribute{Optional: true, PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
				MarkdownDescription: "Generate an RSA 2048 key pair and a self-signed certificate valid for `lifetime`. The private key is stored in state (`private_key_pem`, sensitive): " +
					"treat the state as secret, or upload a `certificate` instead."},
			"common_name": schema.StringAttribute{Optional: true, PlanModifiers: replace,
				MarkdownDescription: "With `generate`: the certificate's subject common name (default `onboard`).", Validators: []validator.String{notBlank("contoso-sync")}},
			"lifetime": schema.StringAttribute{Optional: true, PlanModifiers: replace,
				MarkdownDescription: "With `generate`: how long the certificate is valid from its creation, e.g. `8760h` or `365d` (default a year, at most three years).",
				Validators:          []validator.String{duration}},
			"rotate_before": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Replace the certificate when it is within this long of its end date, e.g. `720h`; a generated certificate is replaced with a new key pair, " +
					"an uploaded one only warns (upload the next certificate yourself). Use `lifecycle { create_before_destroy = true }` so the app always has a valid certificate.",
				Validators: []validator.String{duration}},
			"key_id":          schema.StringAttribute{Computed: true, PlanModifiers: keep, MarkdownDescription: "The key credential's ID."},
			"thumbprint":      schema.StringAttribute{Computed: true, PlanModifiers: keep, MarkdownDescription: "SHA-1 thumbprint of the certificate in upper-case hex, as the Entra admin center shows it (base64 of these bytes is a JWT's `x5t`)."},
			"start_date":      schema.StringAttribute{Computed: true, PlanModifiers: keep, MarkdownDescription: "When the certificate becomes valid (RFC 3339)."},
			"end_date":        schema.StringAttribute{Computed: true, PlanModifiers: keep, MarkdownDescription: "When the certificate expires (RFC 3339)."},
			"certificate_pem": schema.StringAttribute{Computed: true, PlanModifiers: keep, MarkdownDescription: "The public certificate, PEM."},
			"private_key_pem": schema.StringAttribute{Computed: true, Sensitive: true, PlanModifiers: keep,
				MarkdownDescription: "With `generate`: the private key, PKCS#8 PEM. Null for an uploaded certificate and after import. " +
					"Sign in as the app with `\"${certificate_pem}${private_key_pem}\"`."},
		},
	}
}

func (r *clientCertificateResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = clientCertificateIdentity.schema()
}

func (r *clientCertificateResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configureData(req.ProviderData, &resp.Diagnostics)
}

func (r *clientCertificateResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m clientCertificateModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Certificate.IsUnknown() || m.Generate.IsUnknown() {
		return
	}
	generate := m.Generate.ValueBool()
	if m.Certificate.IsNull() && !generate {
		resp.Diagnostics.AddAttributeError(path.Root("certificate"), "Certificate or generate required",
			"Set certificate to a public PEM certificate (certificate = file(\"sync.crt\")) or generate = true.")
		return
	}
	if !generate {
		for _, a := range []string{"common_name", "lifetime"} {
			var v types.String
			resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(a), &v)...)
			if !v.IsNull() {
				resp.Diagnostics.AddAttributeError(path.Root(a), a+" needs generate",
					a+" describes a certificate the provider generates; an uploaded certificate has its own. Remove it, or set generate = true instead of certificate.")
			}
		}
	}
	if !m.Certificate.IsNull() {
		if _, err := onboarding.ParseCertificate(m.Certificate.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("certificate"), "Invalid certificate",
				"certificate: "+err.Error()+". It must be one public certificate, PEM or base64 DER. Example: certificate = file(\"sync.crt\"), where sync.crt starts with "+
					"-----BEGIN CERTIFICATE-----, or certificate = azurerm_key_vault_certificate.sync.certificate_data_base64.")
		}
	}
	lifetime, _ := onboarding.ParseDuration(defaultCertificateLifetime)
	if !m.Lifetime.IsNull() && !m.Lifetime.IsUnknown() {
		d, err := onboarding.ParseDuration(m.Lifetime.ValueString())
		if err != nil {
			return
		}
		if !onboarding.CertificateLifetimeAllowed(d) {
			resp.Diagnostics.AddAttributeError(path.Root("lifetime"), "Unsupported certificate lifetime",
				fmt.Sprintf("lifetime %s must be more than an hour and at most three years, e.g. \"8760h\".", m.Lifetime.ValueString()))
		}
		lifetime = d
	}
	if generate && !m.RotateBefore.IsNull() && !m.RotateBefore.IsUnknown() {
		if before, err := onboarding.ParseDuration(m.RotateBefore.ValueString()); err == nil {
			if msg := onboarding.CheckRotateBefore(lifetime, before); msg != "" {
				resp.Diagnostics.AddAttributeError(path.Root("rotate_before"), "rotate_before not shorter than lifetime",
					fmt.Sprintf("%s (rotate_before = %q, lifetime = %q).", msg, m.RotateBefore.ValueString(), lifetime))
			}
		}
	}
}

// ModifyPlan refuses an expired upload and plans a rotation when the
// certificate is within rotate_before of its end date by Entra's clock.
func (r *clientCertificateResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var plan clientCertificateModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		if !plan.Certificate.IsNull() && !plan.Certificate.IsUnknown() {
			if c, err := onboarding.ParseCertificate(plan.Certificate.ValueString()); err == nil {
				if msg := onboarding.CheckCertificateUpload(c, time.Now()); msg != "" {
					resp.Diagnostics.AddAttributeError(path.Root("certificate"), "Certificate expired", msg+".")
				}
			}
		}
		return
	}
	if r.data == nil || plan.RotateBefore.IsUnknown() {
		return
	}
	var state clientCertificateModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	end, err := time.Parse(time.RFC3339, state.EndDate.ValueString())
	if resp.Diagnostics.HasError() || err != nil {
		return
	}
	before := time.Duration(0)
	if !plan.RotateBefore.IsNull() {
		before, _ = onboarding.ParseDuration(plan.RotateBefore.ValueString())
	}
	decision := onboarding.PlanSecret(r.data.Graph.Now(), end, before, plan.Generate.ValueBool())
	if decision.Action == onboarding.SecretKeep {
		return
	}
	resp.Diagnostics.AddWarning(onboarding.CertificateWarning(decision, state.DisplayName.ValueString(), state.Thumbprint.ValueString(),
		state.ApplicationID.ValueString(), end, plan.RotateBefore.ValueString()))
	if decision.Action != onboarding.SecretReplace {
		return
	}
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("end_date"))
	for _, p := range []string{"id", "key_id", "thumbprint", "start_date", "end_date", "certificate_pem", "private_key_pem"} {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(p), types.StringUnknown())...)
	}
}

func (r *clientCertificateResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var plan clientCertificateModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	app := plan.ApplicationID.ValueString()
	defer r.data.lockApp(app)()
	// Reading the app first checks it exists and sets the client's clock to
	// Entra's, which a generated certificate's validity counts from.
	registration, err := r.data.Graph.WaitForApplication(ctx, app)
	if err != nil {
		if graph.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("application_id"), "App registration not found",
				"No app registration with object ID "+app+" exists in tenant "+r.data.TenantID+". Use onboard_entra_app.<name>.id (the object ID, not the client ID).")
			return
		}
		apiError(&resp.Diagnostics, "reading app "+app, err)
		return
	}
	var cert onboarding.Certificate
	plan.PrivateKeyPEM = types.StringNull()
	if plan.Generate.ValueBool() {
		lifetime := plan.Lifetime.ValueString()
		if lifetime == "" {
			lifetime = defaultCertificateLifetime
		}
		d, _ := onboarding.ParseDuration(lifetime)
		cn := plan.CommonName.ValueString()
		if cn == "" {
			cn = "onboard"
		}
		g, err := onboarding.GenerateCertificate(cn, r.data.Graph.Now(), d)
		if err != nil {
			resp.Diagnostics.AddError("Generating the certificate failed", err.Error())
			return
		}
		cert, plan.PrivateKeyPEM = g.Certificate, types.StringValue(g.KeyPEM)
	} else {
		if cert, err = onboarding.ParseCertificate(plan.Certificate.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("certificate"), "Invalid certificate", err.Error()+".")
			return
		}
	}
	// The key ID is chosen here, so a PATCH whose answer was lost can be
	// recognised (and repeated: it writes the same collection) without a
	// second certificate.
	kc := graph.KeyCredential{KeyID: uuid.NewString(), DisplayName: plan.DisplayName.ValueString(), Key: cert.DER, StartDateTime: cert.NotBefore, EndDateTime: cert.NotAfter}
	if kc.DisplayName == "" {
		kc.DisplayName = "CN=" + cert.CommonName
	}
	if err := r.changeKeys(ctx, app, func(keys []graph.KeyCredential) []graph.KeyCredential { return append(keys, kc) }); err != nil {
		apiError(&resp.Diagnostics, "adding a certificate to app "+app, err)
		return
	}
	plan.ID = types.StringValue(app + "/" + kc.KeyID)
	plan.KeyID = types.StringValue(kc.KeyID)
	plan.DisplayName = types.StringValue(kc.DisplayName)
	plan.Thumbprint = types.StringValue(cert.Thumbprint)
	plan.StartDate = types.StringValue(cert.NotBefore.Format(time.RFC3339))
	plan.EndDate = types.StringValue(cert.NotAfter.Format(time.RFC3339))
	plan.CertificatePEM = types.StringValue(cert.PEM())
	r.hold(registration.AppID, plan)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(clientCertificateIdentity.fromState(ctx, resp.State, resp.Identity)...)
}

// hold makes the certificate available to the consumers and data sources
// after this resource in the run, without a copy in their state
// (app_credential.go): a generated one with its private key, by the app's
// client ID and by key ID; an uploaded one, whose key Terraform never
// sees, only names its key ID for a consumer handed the key write-only.
func (r *clientCertificateResource) hold(clientID string, m clientCertificateModel) {
	r.data.credentials.nameCertificate(m.KeyID.ValueString(), m.Thumbprint.ValueString())
	if key := m.PrivateKeyPEM.ValueString(); key != "" && clientID != "" {
		end, _ := time.Parse(time.RFC3339, m.EndDate.ValueString())
		r.data.credentials.holdCertificate(clientID, m.KeyID.ValueString(), m.CertificatePEM.ValueString()+key, end)
	}
}

// changeKeys reads the app's certificates, changes them and writes them
// back whole: every certificate edit leaves alone what it does not name.
// Callers hold the app's lock.
func (r *clientCertificateResource) changeKeys(ctx context.Context, app string, edit func([]graph.KeyCredential) []graph.KeyCredential) error {
	keys, err := r.data.Graph.KeyCredentials(ctx, app)
	if err != nil {
		return err
	}
	want := edit(slices.Clone(keys))
	err = r.data.Graph.SetKeyCredentials(ctx, app, want)
	if graph.IsAmbiguous(err) {
		// The PATCH may have been applied: writing the same collection
		// again is harmless.
		err = r.data.Graph.SetKeyCredentials(ctx, app, want)
	}
	return err
}

func (r *clientCertificateResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	resp.Diagnostics.Append(clientCertificateIdentity.fromState(ctx, req.State, resp.Identity)...)
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var state clientCertificateModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	keys, err := r.data.Graph.KeyCredentials(ctx, state.ApplicationID.ValueString())
	if graph.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		apiError(&resp.Diagnostics, "reading the certificates of app "+state.ApplicationID.String(), err)
		return
	}
	for _, k := range keys {
		if !strings.EqualFold(k.KeyID, state.KeyID.ValueString()) {
			continue
		}
		state.StartDate = types.StringValue(k.StartDateTime.Format(time.RFC3339))
		state.EndDate = types.StringValue(k.EndDateTime.Format(time.RFC3339))
		state.DisplayName = nullableString(k.DisplayName)
		state.Thumbprint = types.StringValue(k.Thumbprint)
		if c, err := onboarding.ParseCertificatePEM(onboarding.Certificate{DER: k.Key}.PEM()); err == nil {
			state.CertificatePEM = types.StringValue(c.PEM())
			state.Thumbprint = types.StringValue(c.Thumbprint)
		}
		clientID := ""
		if state.PrivateKeyPEM.ValueString() != "" {
			// Only a generated certificate's key is held by client ID.
			if registration, err := r.data.Graph.GetApplication(ctx, state.ApplicationID.ValueString()); err == nil {
				clientID = registration.AppID
			}
		}
		r.hold(clientID, state)
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	// Removed out of band: plan adds it again.
	resp.State.RemoveResource(ctx)
}

func (r *clientCertificateResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	// Only rotate_before changes in place; it affects planning alone.
	var plan, state clientCertificateModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID, plan.KeyID, plan.Thumbprint, plan.StartDate, plan.EndDate = state.ID, state.KeyID, state.Thumbprint, state.StartDate, state.EndDate
	plan.CertificatePEM, plan.PrivateKeyPEM, plan.DisplayName = state.CertificatePEM, state.PrivateKeyPEM, state.DisplayName
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(clientCertificateIdentity.fromState(ctx, resp.State, resp.Identity)...)
}

func (r *clientCertificateResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var state clientCertificateModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	app, keyID := state.ApplicationID.ValueString(), state.KeyID.ValueString()
	defer r.data.lockApp(app)()
	keys, err := r.data.Graph.KeyCredentials(ctx, app)
	if graph.IsNotFound(err) {
		return
	}
	if err != nil {
		apiError(&resp.Diagnostics, "reading the certificates of app "+app, err)
		return
	}
	if !slices.ContainsFunc(keys, func(k graph.KeyCredential) bool { return strings.EqualFold(k.KeyID, keyID) }) {
		return
	}
	err = r.changeKeys(ctx, app, func(keys []graph.KeyCredential) []graph.KeyCredential {
		return slices.DeleteFunc(keys, func(k graph.KeyCredential) bool { return strings.EqualFold(k.KeyID, keyID) })
	})
	if err != nil && !graph.IsNotFound(err) {
		apiError(&resp.Diagnostics, "removing certificate "+keyID+" from app "+app, err)
	}
}

// ImportState takes "<application object id>/<key id>". A generated
// certificate's private key cannot be read back, so it stays null.
func (r *clientCertificateResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := clientCertificateIdentity.importID(ctx, req)
	resp.Diagnostics.Append(diags...)
	req.ID = id
	app, key, ok := strings.Cut(req.ID, "/")
	if !ok || !onboarding.IsGUID(app) || !onboarding.IsGUID(key) {
		resp.Diagnostics.AddError("Invalid import ID", "Import onboard_client_certificate as \"<application object id>/<key id>\", got \""+req.ID+"\".")
		return
	}
	resp.Diagnostics.Append(setAll(ctx, &resp.State, map[string]any{"id": req.ID, "application_id": app, "key_id": strings.ToLower(key)})...)
}
