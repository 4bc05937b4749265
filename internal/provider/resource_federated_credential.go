package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onboard-tf/terraform-provider-onboard/internal/graph"
	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
)

var (
	_ resource.Resource                   = &federatedCredentialResource{}
	_ resource.ResourceWithIdentity       = &federatedCredentialResource{}
	_ resource.ResourceWithConfigure      = &federatedCredentialResource{}
	_ resource.ResourceWithImportState    = &federatedCredentialResource{}
	_ resource.ResourceWithValidateConfig = &federatedCredentialResource{}
)

// federatedCredentialIdentity is the resource's identity (Terraform 1.12+ import blocks).
var federatedCredentialIdentity = identitySpec{
	{"application_id", "application_id", "Object ID of the app registration."},
	{"credential_id", "credential_id", "ID of the federated identity credential."},
}

func newFederatedCredentialResource() resource.Resource { return &federatedCredentialResource{} }

type federatedCredentialResource struct {
	data *providerData
}

type federatedCredentialModel struct {
	ID            types.String `tfsdk:"id"`
	ApplicationID types.String `tfsdk:"application_id"`
	CredentialID  types.String `tfsdk:"credential_id"`
	Name          types.String `tfsdk:"name"`
	Issuer        types.String `tfsdk:"issuer"`
	Subject       types.String `tfsdk:"subject"`
	Audiences     types.Set    `tfsdk:"audiences"`
	Description   types.String `tfsdk:"description"`
}

func (r *federatedCredentialResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_federated_credential"
}

func (r *federatedCredentialResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	rule := func(check func(string) string, example string) validator.String {
		return ruleValidator{desc: "see the attribute's description, e.g. " + example, rule: check}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A federated identity credential of an app registration: a workload that holds a token from an external identity provider " +
			"(GitHub Actions, a Kubernetes service account, another cloud's workload identity) signs in as the app with that token, with no secret or certificate at all. " +
			"Entra matches the token's `iss`, `sub` and `aud` exactly against `issuer`, `subject` and `audiences`. An app can have at most 20.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: keep, MarkdownDescription: "`<application object id>/<credential id>`."},
			"application_id": schema.StringAttribute{Required: true, PlanModifiers: replace,
				MarkdownDescription: "Object ID of the app registration (`onboard_entra_app.<name>.id`).", Validators: []validator.String{guidValidator()}},
			"credential_id": schema.StringAttribute{Computed: true, PlanModifiers: keep, MarkdownDescription: "The federated identity credential's ID."},
			"name": schema.StringAttribute{Required: true, PlanModifiers: replace,
				MarkdownDescription: "Unique name on the app: 1 to 120 letters, digits, `-` or `_`, starting with a letter or digit. Entra cannot rename it, so a change replaces the credential.",
				Validators:          []validator.String{rule(onboarding.CheckFederatedName, `"github-prod"`)}},
			"issuer": schema.StringAttribute{Required: true,
				MarkdownDescription: "The external identity provider's issuer URL (https), exactly as the token's `iss`: `https://token.actions.githubusercontent.com` for GitHub Actions, " +
					"the cluster's OIDC issuer URL for Kubernetes, `https://accounts.google.com` for Google Cloud.",
				Validators: []validator.String{rule(onboarding.CheckFederatedIssuer, `"https://token.actions.githubusercontent.com"`)}},
			"subject": schema.StringAttribute{Required: true,
				MarkdownDescription: "The workload, exactly (case-sensitive) as the token's `sub`: `repo:<org>/<repo>:environment:<name>` for a GitHub Actions environment, " +
					"`system:serviceaccount:<namespace>:<service account>` for Kubernetes, the numeric service account ID for Google Cloud. " +
					"`issuer` and `subject` together are unique on the app.",
				Validators: []validator.String{rule(onboarding.CheckFederatedSubject, `"repo:contoso/sync:environment:prod"`)}},
			"audiences": schema.SetAttribute{ElementType: types.StringType, Optional: true, Computed: true,
				Default:             setdefault.StaticValue(types.SetValueMust(types.StringType, []attr.Value{types.StringValue(onboarding.DefaultFederatedAudience)})),
				MarkdownDescription: "The token's expected `aud`; Entra accepts exactly one. Default `api://AzureADTokenExchange`, what Microsoft recommends and GitHub Actions' `azure/login` asks for.",
				Validators:          []validator.Set{setvalidator.SizeAtMost(1), setvalidator.SizeAtLeast(1)}},
			"description": schema.StringAttribute{Optional: true, MarkdownDescription: "Free text shown in the Entra admin center (at most 600 characters)."},
		},
	}
}

func (r *federatedCredentialResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = federatedCredentialIdentity.schema()
}

func (r *federatedCredentialResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configureData(req.ProviderData, &resp.Diagnostics)
}

func (r *federatedCredentialResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m federatedCredentialModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if !m.Description.IsNull() && !m.Description.IsUnknown() && len(m.Description.ValueString()) > 600 {
		resp.Diagnostics.AddAttributeError(path.Root("description"), "Description too long", "description is limited to 600 characters.")
	}
}

func (r *federatedCredentialResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var plan federatedCredentialModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	app := plan.ApplicationID.ValueString()
	f := graph.FederatedCredential{Name: plan.Name.ValueString(), Issuer: plan.Issuer.ValueString(), Subject: plan.Subject.ValueString(),
		Description: plan.Description.ValueString(), Audiences: setStrings(ctx, plan.Audiences, &resp.Diagnostics)}
	existing, err := r.data.Graph.ListFederatedCredentials(ctx, app)
	if graph.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("application_id"), "App registration not found",
			"No app registration with object ID "+app+" exists in tenant "+r.data.TenantID+". Use onboard_entra_app.<name>.id (the object ID, not the client ID).")
		return
	}
	if err != nil {
		apiError(&resp.Diagnostics, "listing the federated credentials of app "+app, err)
		return
	}
	for _, e := range existing {
		if e.Name == f.Name || (e.Issuer == f.Issuer && e.Subject == f.Subject) {
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Federated credential already exists",
				fmt.Sprintf("App %s already has federated credential %q (ID %s) for issuer %s and subject %s. Import it: terraform import <address> %s/%s",
					app, e.Name, e.ID, e.Issuer, e.Subject, app, e.ID))
			return
		}
	}
	if len(existing) >= onboarding.MaxFederatedCredentials {
		resp.Diagnostics.AddAttributeError(path.Root("application_id"), "Too many federated credentials",
			fmt.Sprintf("App %s already has %d federated credentials, the most Entra allows. Remove one it no longer needs, or use a second app.", app, len(existing)))
		return
	}
	created, err := r.data.Graph.CreateFederatedCredential(ctx, app, f)
	if err != nil {
		apiError(&resp.Diagnostics, "adding federated credential "+f.Name+" to app "+app, err)
		return
	}
	plan.CredentialID = types.StringValue(created.ID)
	plan.ID = types.StringValue(app + "/" + created.ID)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(federatedCredentialIdentity.fromState(ctx, resp.State, resp.Identity)...)
}

func (r *federatedCredentialResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	resp.Diagnostics.Append(federatedCredentialIdentity.fromState(ctx, req.State, resp.Identity)...)
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var state federatedCredentialModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	f, err := r.data.Graph.GetFederatedCredential(ctx, state.ApplicationID.ValueString(), state.CredentialID.ValueString())
	if graph.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		apiError(&resp.Diagnostics, "reading federated credential "+state.CredentialID.String(), err)
		return
	}
	state.Name = types.StringValue(f.Name)
	state.Issuer = types.StringValue(f.Issuer)
	state.Subject = types.StringValue(f.Subject)
	state.Audiences = stringSet(ctx, f.Audiences, &resp.Diagnostics)
	if f.Description != "" || !state.Description.IsNull() {
		state.Description = nullableString(f.Description)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *federatedCredentialResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var plan, state federatedCredentialModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	f := graph.FederatedCredential{ID: state.CredentialID.ValueString(), Issuer: plan.Issuer.ValueString(), Subject: plan.Subject.ValueString(),
		Description: plan.Description.ValueString(), Audiences: setStrings(ctx, plan.Audiences, &resp.Diagnostics)}
	if err := r.data.Graph.UpdateFederatedCredential(ctx, state.ApplicationID.ValueString(), f); err != nil {
		apiError(&resp.Diagnostics, "updating federated credential "+state.Name.String(), err)
		return
	}
	plan.ID, plan.CredentialID = state.ID, state.CredentialID
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(federatedCredentialIdentity.fromState(ctx, resp.State, resp.Identity)...)
}

func (r *federatedCredentialResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var state federatedCredentialModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.data.Graph.DeleteFederatedCredential(ctx, state.ApplicationID.ValueString(), state.CredentialID.ValueString()); err != nil {
		apiError(&resp.Diagnostics, "removing federated credential "+state.Name.String(), err)
	}
}

// ImportState takes "<application object id>/<credential id>".
func (r *federatedCredentialResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := federatedCredentialIdentity.importID(ctx, req)
	resp.Diagnostics.Append(diags...)
	req.ID = id
	app, id, ok := strings.Cut(req.ID, "/")
	if !ok || !onboarding.IsGUID(app) || !onboarding.IsGUID(id) {
		resp.Diagnostics.AddError("Invalid import ID", "Import onboard_federated_credential as \"<application object id>/<credential id>\", got \""+req.ID+"\".")
		return
	}
	resp.Diagnostics.Append(setAll(ctx, &resp.State, map[string]any{"id": req.ID, "application_id": app, "credential_id": strings.ToLower(id)})...)
}
