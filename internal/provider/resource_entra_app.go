package provider

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/onboard-tf/terraform-provider-onboard/internal/graph"
	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
)

var (
	_ resource.Resource                   = &entraAppResource{}
	_ resource.ResourceWithIdentity       = &entraAppResource{}
	_ resource.ResourceWithConfigure      = &entraAppResource{}
	_ resource.ResourceWithMoveState      = &entraAppResource{}
	_ resource.ResourceWithImportState    = &entraAppResource{}
	_ resource.ResourceWithModifyPlan     = &entraAppResource{}
	_ resource.ResourceWithValidateConfig = &entraAppResource{}
)

func newEntraAppResource() resource.Resource { return &entraAppResource{} }

type entraAppResource struct {
	data *providerData
}

type entraAppModel struct {
	ID                       types.String   `tfsdk:"id"`
	ClientID                 types.String   `tfsdk:"client_id"`
	TenantID                 types.String   `tfsdk:"tenant_id"`
	ServicePrincipalID       types.String   `tfsdk:"service_principal_id"`
	UniqueName               types.String   `tfsdk:"unique_name"`
	DisplayName              types.String   `tfsdk:"display_name"`
	SignInAudience           types.String   `tfsdk:"sign_in_audience"`
	WebRedirectURIs          types.Set      `tfsdk:"web_redirect_uris"`
	PublicClientRedirectURIs types.Set      `tfsdk:"public_client_redirect_uris"`
	SPARedirectURIs          types.Set      `tfsdk:"spa_redirect_uris"`
	AllowPublicClientFlows   types.Bool     `tfsdk:"allow_public_client_flows"`
	IdentifierURIs           types.Set      `tfsdk:"identifier_uris"`
	Notes                    types.String   `tfsdk:"notes"`
	AppRoles                 types.Set      `tfsdk:"app_role"`
	OAuth2PermissionScopes   types.Set      `tfsdk:"oauth2_permission_scope"`
	MarketingURL             types.String   `tfsdk:"marketing_url"`
	PrivacyStatementURL      types.String   `tfsdk:"privacy_statement_url"`
	TermsOfServiceURL        types.String   `tfsdk:"terms_of_service_url"`
	SupportURL               types.String   `tfsdk:"support_url"`
	LogoImage                types.String   `tfsdk:"logo_image"`
	LogoURL                  types.String   `tfsdk:"logo_url"`
	Owners                   types.Set      `tfsdk:"owners"`
	OptionalClaims           types.List     `tfsdk:"optional_claims"`
	OwnershipID              types.String   `tfsdk:"ownership_id"`
	RestoreSoftDeleted       types.Bool     `tfsdk:"restore_soft_deleted"`
	Timeouts                 timeouts.Value `tfsdk:"timeouts"`
}

func (r *entraAppResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_entra_app"
}

func (r *entraAppResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	emptySet := setdefault.StaticValue(basetypes.NewSetValueMust(types.StringType, nil))
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An app registration in the provider's home tenant (the vendor's app that customers connect to), with its service principal there. " +
			"API permissions are managed by `onboard_api_permission` and secrets by `onboard_client_secret`; changes made in the Entra portal show as drift. " +
			"It never takes over or deletes an app registration this configuration did not create or import, and restores one deleted outside Terraform " +
			"while it is in deleted items: see the guide [Sharing a home tenant safely](../guides/sharing-a-home-tenant.md).",
		Attributes: map[string]schema.Attribute{
			"id":        schema.StringAttribute{Computed: true, PlanModifiers: keep, MarkdownDescription: "The application's object ID."},
			"client_id": schema.StringAttribute{Computed: true, PlanModifiers: keep, MarkdownDescription: "The application (client) ID customers and vendors ask for."},
			"tenant_id": schema.StringAttribute{Computed: true, PlanModifiers: keep, MarkdownDescription: "The directory (tenant) ID the app is registered in."},
			"service_principal_id": schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{missingServicePrincipal{}},
				MarkdownDescription: "Object ID of the app's service principal (enterprise application) in the home tenant; when it is missing (deleted, or its creation failed), plan shows it to be created."},
			"unique_name": schema.StringAttribute{
				Optional: true, Computed: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), defaultUniqueName{}, stringplanmodifier.RequiresReplaceIfConfigured()},
				MarkdownDescription: "Immutable alternate key the app is created with (Graph `uniqueName`), which makes creation idempotent: a create that is retried " +
					"after a timeout or a crash finds the first app instead of making a second. Defaults to `onboard-` followed by the display name in lower case " +
					"with dashes (`Contoso Onboarding` gives `onboard-contoso-onboarding`); a name with letters outside a-z and 0-9 (another script, accents, " +
					"punctuation) also gets a hash of the whole name (`Café Team` gives `onboard-cafe-team-67f46da4f4`, `給与チーム` `onboard-c94ae65d62`), so different " +
					"names never share a default. Letter case and the spaces, `-`, `_` or `.` between words do not count. The default is shown in the plan and kept " +
					"when display_name changes later; set unique_name when two apps share a display name.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 120), notBlank("contoso-onboarding")},
			},
			"display_name": schema.StringAttribute{Required: true, MarkdownDescription: "The app's name as users and admins see it on consent screens.",
				Validators: []validator.String{stringvalidator.LengthBetween(1, 256), notBlank("Contoso Onboarding")}},
			"sign_in_audience": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("AzureADMyOrg"),
				MarkdownDescription: "Who can sign in: `AzureADMyOrg` (this tenant only, the default), `AzureADMultipleOrgs` (any Entra tenant: needed to onboard customer tenants), " +
					"`AzureADandPersonalMicrosoftAccount` or `PersonalMicrosoftAccount`.",
				Validators: []validator.String{stringvalidator.OneOf("AzureADMyOrg", "AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount", "PersonalMicrosoftAccount")},
			},
			"web_redirect_uris": schema.SetAttribute{ElementType: types.StringType, Optional: true, Computed: true, Default: emptySet,
				MarkdownDescription: "Web redirect URIs (https, or http to `localhost` or `127.0.0.1`; at most 256 characters), e.g. `https://businesscentral.dynamics.com/OAuthLanding.htm`. Admin consent redirects to one of them. Checked at plan.",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(redirectURIValidator(false))}},
			"public_client_redirect_uris": schema.SetAttribute{ElementType: types.StringType, Optional: true, Computed: true, Default: emptySet,
				MarkdownDescription: "Redirect URIs of the mobile and desktop platform, e.g. `http://localhost`, `https://login.microsoftonline.com/common/oauth2/nativeclient` or the app's own scheme (`msal<client id>://auth`); never `javascript:`, `data:` or `file:`, nor plain http beyond `localhost`. Checked at plan.",
				Validators:          []validator.Set{setvalidator.ValueStringsAre(redirectURIValidator(true))}},
			"spa_redirect_uris": schema.SetAttribute{ElementType: types.StringType, Optional: true, Computed: true, Default: emptySet,
				MarkdownDescription: "Redirect URIs of the single-page application platform (Graph `spa.redirectUris`: the authorization code flow with PKCE from a browser), " +
					"e.g. `https://app.contoso.com/` or `http://localhost:3000`: https, or http to `localhost` or `127.0.0.1`, without a `#fragment`. Checked at plan.",
				Validators: []validator.Set{setvalidator.ValueStringsAre(ruleValidator{"must be a SPA redirect URI Entra accepts", onboarding.CheckSPARedirectURI})}},
			"marketing_url":         brandingAttribute("vendor's product page", "https://contoso.com/payroll"),
			"privacy_statement_url": brandingAttribute("privacy statement", "https://contoso.com/privacy"),
			"terms_of_service_url":  brandingAttribute("terms of service", "https://contoso.com/terms"),
			"support_url":           brandingAttribute("support page", "https://contoso.com/support"),
			"logo_image": schema.StringAttribute{Optional: true,
				MarkdownDescription: "The logo the consent screen and My Apps show, base64-encoded, e.g. `filebase64(\"logo.png\")`: a PNG, JPEG or GIF " +
					"(recognised by its first bytes) of at most 100 KB, as the portal takes. Checked at plan; uploaded on create and whenever it changes. " +
					"Graph cannot hand the image back cheaply, so refresh keeps the configured value: a logo changed in the portal does not show as drift, " +
					"and removing the attribute leaves the uploaded logo in place (an application's logo is not nullable).",
				Validators: []validator.String{ruleValidator{"must be a base64 PNG, JPEG or GIF of at most 100 KB", onboarding.CheckLogoImage}}},
			"logo_url": schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{logoURLFollowsImage{}},
				MarkdownDescription: "Where Entra serves the uploaded logo (Graph `info.logoUrl`, read-only); null while the app has no logo."},
			"owners": schema.SetAttribute{ElementType: types.StringType, Optional: true,
				Validators: []validator.Set{setvalidator.ValueStringsAre(guidValidator())},
				MarkdownDescription: "Object IDs of users or service principals to make owners of the app registration (they can manage it in the Entra admin center). " +
					"Only the owners listed here are managed: removing one from the list removes it from the app, while owners added elsewhere, and the provider's " +
					"own identity (the owner of an app it creates with `Application.ReadWrite.OwnedBy`), are never removed. An owner removed outside Terraform shows as drift."},
			"allow_public_client_flows": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "\"Allow public client flows\" (Graph `isFallbackPublicClient`): device code and similar flows without a client secret."},
			"identifier_uris": schema.SetAttribute{ElementType: types.StringType, Optional: true, Computed: true, Default: emptySet,
				MarkdownDescription: "Application ID URIs, e.g. `api://<client id>` or a URI on a verified domain."},
			"notes": schema.StringAttribute{Optional: true, MarkdownDescription: "Free-text notes shown in the Entra admin center."},
			"ownership_id": schema.StringAttribute{Computed: true, PlanModifiers: keep,
				MarkdownDescription: "Random ID of this resource, written to the app's tags as `onboard:owner=<id>` when it creates (or imports) the app. " +
					"A create never takes over an app with its unique name that carries another marker, or none; a destroy never deletes an app " +
					"whose marker is another resource's. An imported app that carries another configuration's marker gets this resource's on the next apply; one without a marker (imported, moved from azuread, or in state from before markers) gets it with its next update."},
			"restore_soft_deleted": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "When the app was deleted outside Terraform and is still in the home tenant's deleted items (30 days), " +
					"restore it on apply (the default): same client ID, so customer tenants keep their consent. With `false`, apply creates a new app " +
					"and every customer must consent again."},
		},
		Blocks: map[string]schema.Block{"app_role": appRoleBlock(), "oauth2_permission_scope": permissionScopeBlock(), "optional_claims": optionalClaimsBlock(), "timeouts": timeoutsBlock(ctx, true, "")},
	}
}

func (r *entraAppResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = entraAppIdentity.schema()
}

func (r *entraAppResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configureData(req.ProviderData, &resp.Diagnostics)
}

func (r *entraAppResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx, cancel := withTimeout(ctx, req.Plan, "create", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var plan entraAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	unique := plan.UniqueName.ValueString()
	if plan.UniqueName.IsUnknown() || unique == "" {
		unique = onboarding.UniqueName(plan.DisplayName.ValueString())
	}
	patch := r.patch(ctx, plan, nil, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	// The app is written with this resource's marker and "creating" first,
	// so an apply that dies before Terraform saves it leaves an app the
	// next create knows as its own.
	existing, ok := r.claimable(ctx, unique, &resp.Diagnostics)
	if !ok {
		return
	}
	ownership := onboarding.OwnerOf(existing.Tags)
	if ownership == "" {
		ownership = uuid.NewString()
	}
	tags := onboarding.OwnedTags(existing.Tags, ownership, true)
	patch.Tags = &tags
	app, created, err := r.data.Graph.UpsertApplication(ctx, unique, patch)
	if err != nil {
		apiError(&resp.Diagnostics, "creating app registration "+plan.DisplayName.String(), err)
		return
	}
	if !created {
		resp.Diagnostics.AddWarning("Existing app registration adopted",
			"An app with unique name \""+unique+"\" already existed (client ID "+app.AppID+"), created by an earlier apply of this resource that did not finish "+
				"(its tags carry the provider's \"creating\" marker); it was updated to this configuration instead of creating a second one.")
	}
	plan.OwnershipID = types.StringValue(ownership)
	if _, err := r.data.Graph.WaitForApplication(ctx, app.ID); err != nil {
		apiError(&resp.Diagnostics, "reading the new app registration", err)
		return
	}
	r.syncOwners(ctx, app.ID, plan.Owners, types.SetNull(types.StringType), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		// Keep the app in state so the next apply adds the owners.
		plan.ID, plan.ClientID, plan.UniqueName = types.StringValue(app.ID), types.StringValue(app.AppID), types.StringValue(unique)
		plan.LogoImage, plan.LogoURL = types.StringNull(), types.StringNull()
		plan.TenantID, plan.ServicePrincipalID, plan.Owners = types.StringValue(r.data.TenantID), types.StringValue(""), types.SetNull(types.StringType)
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		resp.Diagnostics.Append(entraAppIdentity.fromState(ctx, resp.State, resp.Identity)...)
		return
	}
	sp, err := r.data.Graph.EnsureServicePrincipal(ctx, app.AppID)
	if err != nil {
		// Keep the app in state so the next apply finishes the job.
		plan.ID, plan.ClientID, plan.UniqueName = types.StringValue(app.ID), types.StringValue(app.AppID), types.StringValue(unique)
		plan.LogoImage, plan.LogoURL = types.StringNull(), types.StringNull()
		plan.TenantID, plan.ServicePrincipalID = types.StringValue(r.data.TenantID), types.StringValue("")
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		resp.Diagnostics.Append(entraAppIdentity.fromState(ctx, resp.State, resp.Identity)...)
		apiError(&resp.Diagnostics, "creating the app's service principal", err)
		return
	}
	plan.ID, plan.ClientID, plan.UniqueName = types.StringValue(app.ID), types.StringValue(app.AppID), types.StringValue(unique)
	plan.TenantID, plan.ServicePrincipalID = types.StringValue(r.data.TenantID), types.StringValue(sp.ID)
	if !r.uploadLogo(ctx, &plan, types.StringNull(), &resp.Diagnostics) {
		// Keep the app in state without the logo so the next apply uploads it.
		plan.LogoImage, plan.LogoURL = types.StringNull(), types.StringNull()
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(entraAppIdentity.fromState(ctx, resp.State, resp.Identity)...)
	// Done: the "creating" marker goes, and with it any chance that a later
	// create with this unique name takes the app over.
	done := onboarding.OwnedTags(tags, ownership, false)
	if err := r.data.Graph.UpdateApplication(ctx, app.ID, graph.ApplicationPatch{Tags: &done}); err != nil {
		apiError(&resp.Diagnostics, "marking app registration "+app.ID+" as created", err)
	}
}

// claimable reads the app that already has this unique name, if any, and
// reports whether a create may go on: there is none, or it is one an
// interrupted create left. Anything else fails with the import block that
// adopts it deliberately.
func (r *entraAppResource) claimable(ctx context.Context, unique string, diags *diag.Diagnostics) (graph.Application, bool) {
	existing, err := r.data.Graph.GetApplicationByUniqueName(ctx, unique)
	if graph.IsNotFound(err) {
		return graph.Application{}, true
	}
	if err != nil {
		apiError(diags, "looking for an app registration with unique name "+unique, err)
		return graph.Application{}, false
	}
	claim := onboarding.ClaimExisting(existing.Tags)
	if claim == onboarding.ClaimAdopt {
		return existing, true
	}
	summary, detail := onboarding.AppExistsError(unique, existing.ID, existing.AppID, existing.DisplayName, claim)
	diags.AddAttributeError(path.Root("unique_name"), summary, detail)
	return graph.Application{}, false
}

// adoptKey is the private state an import leaves: the next apply puts a
// new marker of this resource on the app it adopted.
const adoptKey = "adopt"

// ModifyPlan refuses, at plan, a create whose unique name another app
// already holds, and gives an imported app this resource's marker. State
// from before markers (or a moved block) gets one with its next update,
// without a plan of its own.
func (r *entraAppResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan entraAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		unique := plan.UniqueName.ValueString()
		if plan.UniqueName.IsUnknown() || unique == "" {
			if plan.DisplayName.IsUnknown() {
				return
			}
			unique = onboarding.UniqueName(plan.DisplayName.ValueString())
		}
		r.claimable(ctx, unique, &resp.Diagnostics)
		return
	}
	var state entraAppModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// An import takes the app over from another configuration whose marker
	// it carries: a new marker, so that one's destroy leaves it. An app
	// without a marker is owned by this state already and gets one with its
	// next update, like state from before markers.
	if adopt, diags := req.Private.GetKey(ctx, adoptKey); len(adopt) > 0 && !diags.HasError() && state.OwnershipID.ValueString() != "" {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("ownership_id"), types.StringUnknown())...)
	}
	// Refresh kept a deleted app for its restore, but the configuration now
	// opts out: a new app replaces it (its destroy finds nothing to delete).
	if state.ServicePrincipalID.ValueString() == "" && !plan.RestoreSoftDeleted.IsUnknown() && !plan.RestoreSoftDeleted.ValueBool() {
		if _, err := r.data.Graph.GetApplication(ctx, state.ID.ValueString()); graph.IsNotFound(err) {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("restore_soft_deleted"))
		}
	}
}

func (r *entraAppResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx, cancel := withTimeout(ctx, req.State, "read", defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	// The identity never changes, so the prior state's is the answer; set
	// first, as a Read that removes the resource still owes Terraform
	// (before 1.12, which keeps no identity) the identity it had.
	resp.Diagnostics.Append(entraAppIdentity.fromState(ctx, req.State, resp.Identity)...)
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var state entraAppModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	app, err := r.data.Graph.GetApplication(ctx, state.ID.ValueString())
	if graph.IsNotFound(err) {
		r.readDeleted(ctx, state, resp)
		return
	}
	if err != nil {
		apiError(&resp.Diagnostics, "reading app registration "+state.ID.String(), err)
		return
	}
	r.fromAPI(ctx, &state, app, &resp.Diagnostics)
	r.readOwners(ctx, &state, &resp.Diagnostics)
	if state.RestoreSoftDeleted.IsNull() { // import
		state.RestoreSoftDeleted = types.BoolValue(true)
	}
	if state.OwnershipID.ValueString() == "" {
		// An import, or state from before markers: the app's own marker if
		// it has one (this resource made it), else plan adds one.
		state.OwnershipID = types.StringNull()
		if id := onboarding.OwnerOf(app.Tags); id != "" {
			state.OwnershipID = types.StringValue(id)
		}
	}
	if sp, err := r.data.Graph.GetServicePrincipalByAppID(ctx, app.AppID); err == nil {
		state.ServicePrincipalID = types.StringValue(sp.ID)
	} else if graph.IsNotFound(err) {
		state.ServicePrincipalID = types.StringValue("")
	} else {
		apiError(&resp.Diagnostics, "reading the app's service principal", err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// readDeleted handles an app deleted outside Terraform. Still in deleted
// items and ours: state stays, without its service principal, so plan shows
// an update, which restores the app (same client ID: customers keep their
// consent). Gone, or restore_soft_deleted false: state drops it and plan
// creates a new one. Either way plan says what it means for customers.
func (r *entraAppResource) readDeleted(ctx context.Context, state entraAppModel, resp *resource.ReadResponse) {
	deleted, err := r.data.Graph.GetDeletedApplication(ctx, state.ID.ValueString())
	restorable := err == nil && onboarding.MayDelete(deleted.Tags, state.OwnershipID.ValueString())
	if err != nil && !graph.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Cannot read deleted items", "Reading app registration "+state.ID.ValueString()+
			" in the home tenant's deleted items failed, so plan treats it as deleted permanently: "+err.Error())
	}
	restore := state.RestoreSoftDeleted.IsNull() || state.RestoreSoftDeleted.ValueBool()
	resp.Diagnostics.AddWarning(onboarding.AppDeletedWarning(state.DisplayName.ValueString(), state.ClientID.ValueString(), restorable, restore,
		deleted.DeletedDateTime.Add(30*24*time.Hour)))
	if !restorable || !restore {
		resp.State.RemoveResource(ctx)
		return
	}
	state.ServicePrincipalID = types.StringValue("")
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *entraAppResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	ctx, cancel := withTimeout(ctx, req.Plan, "update", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var plan, state entraAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if state.ServicePrincipalID.ValueString() == "" && !r.restoreIfDeleted(ctx, state, &resp.Diagnostics) {
		return
	}
	patch := r.patch(ctx, plan, &state, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	ownership := state.OwnershipID.ValueString()
	if ownership == "" || plan.OwnershipID.IsUnknown() {
		app, err := r.data.Graph.GetApplication(ctx, state.ID.ValueString())
		if err != nil {
			apiError(&resp.Diagnostics, "reading app registration "+state.ID.String(), err)
			return
		}
		ownership = uuid.NewString()
		tags := onboarding.OwnedTags(app.Tags, ownership, false)
		patch.Tags = &tags
	}
	if patch.AppRoles != nil {
		if off := rolesToDisable(appRolesFromSet(ctx, state.AppRoles, &resp.Diagnostics), *patch.AppRoles); off != nil {
			if err := r.data.Graph.UpdateApplication(ctx, state.ID.ValueString(), graph.ApplicationPatch{AppRoles: &off}); err != nil {
				apiError(&resp.Diagnostics, "disabling the app roles removed from app registration "+state.ID.String(), err)
				return
			}
		}
	}
	if patch.OAuth2PermissionScopes != nil {
		if off := scopesToDisable(scopesFromSet(ctx, state.OAuth2PermissionScopes, &resp.Diagnostics), *patch.OAuth2PermissionScopes); off != nil {
			if err := r.data.Graph.UpdateApplication(ctx, state.ID.ValueString(), graph.ApplicationPatch{OAuth2PermissionScopes: &off}); err != nil {
				apiError(&resp.Diagnostics, "disabling the scopes removed from app registration "+state.ID.String(), err)
				return
			}
		}
	}
	if patch != (graph.ApplicationPatch{}) {
		if err := r.data.Graph.UpdateApplication(ctx, state.ID.ValueString(), patch); err != nil {
			apiError(&resp.Diagnostics, "updating app registration "+state.ID.String(), err)
			return
		}
	}
	if !plan.Owners.Equal(state.Owners) {
		r.syncOwners(ctx, state.ID.ValueString(), plan.Owners, state.Owners, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	if state.ServicePrincipalID.ValueString() == "" {
		sp, err := r.servicePrincipal(ctx, state.ClientID.ValueString())
		if err != nil {
			apiError(&resp.Diagnostics, "creating the app's service principal", err)
			return
		}
		state.ServicePrincipalID = types.StringValue(sp.ID)
	}
	plan.ID, plan.ClientID, plan.TenantID, plan.UniqueName, plan.ServicePrincipalID = state.ID, state.ClientID, state.TenantID, state.UniqueName, state.ServicePrincipalID
	plan.OwnershipID = types.StringValue(ownership)
	if !r.uploadLogo(ctx, &plan, state.LogoImage, &resp.Diagnostics) {
		plan.LogoImage, plan.LogoURL = state.LogoImage, state.LogoURL
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, adoptKey, nil)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(entraAppIdentity.fromState(ctx, resp.State, resp.Identity)...)
}

// uploadLogo uploads plan's logo_image when it differs from prior (null on
// create) and settles logo_url, which plan leaves unknown then: Graph sets
// info.logoUrl on upload. A logo_image removed from the configuration leaves
// the logo in place, as Graph has no way to clear it. It reports false, with
// the error in diags, when the upload failed.
func (r *entraAppResource) uploadLogo(ctx context.Context, plan *entraAppModel, prior types.String, diags *diag.Diagnostics) bool {
	if !plan.LogoImage.IsNull() && !plan.LogoImage.Equal(prior) {
		image, contentType, msg := onboarding.DecodeLogo(plan.LogoImage.ValueString())
		if msg != "" {
			diags.AddAttributeError(path.Root("logo_image"), "Invalid value for logo_image", "logo_image: "+msg+".")
			return false
		}
		tflog.Info(ctx, "uploading app registration logo", map[string]any{"id": plan.ID.ValueString(), "content_type": contentType, "bytes": len(image)})
		if err := r.data.Graph.SetApplicationLogo(ctx, plan.ID.ValueString(), contentType, image); err != nil {
			apiError(diags, "uploading the logo of app registration "+plan.ID.String(), err)
			return false
		}
	}
	if !plan.LogoURL.IsUnknown() {
		return true
	}
	app, err := r.data.Graph.GetApplication(ctx, plan.ID.ValueString())
	if err != nil {
		apiError(diags, "reading the logo URL of app registration "+plan.ID.String(), err)
		return false
	}
	plan.LogoURL = nullableString(app.Info.LogoURL)
	return true
}

// logoURLFollowsImage keeps logo_url from state unless logo_image changes,
// when Entra gives the new logo a new URL.
type logoURLFollowsImage struct{}

func (logoURLFollowsImage) Description(context.Context) string {
	return "logo_url changes when logo_image does."
}

func (m logoURLFollowsImage) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (logoURLFollowsImage) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || !req.PlanValue.IsUnknown() {
		return
	}
	var planned, prior types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("logo_image"), &planned)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("logo_image"), &prior)...)
	if planned.Equal(prior) {
		resp.PlanValue = req.StateValue
	}
}

// restoreIfDeleted restores the app from deleted items when it is there
// (Read left it in state for that); an app that is live needs nothing.
func (r *entraAppResource) restoreIfDeleted(ctx context.Context, state entraAppModel, diags *diag.Diagnostics) bool {
	_, err := r.data.Graph.GetApplication(ctx, state.ID.ValueString())
	if err == nil {
		return true
	}
	if !graph.IsNotFound(err) {
		apiError(diags, "reading app registration "+state.ID.String(), err)
		return false
	}
	if _, err := r.data.Graph.RestoreApplication(ctx, state.ID.ValueString()); err != nil {
		apiError(diags, "restoring app registration "+state.ID.String()+" from deleted items", err)
		return false
	}
	if _, err := r.data.Graph.WaitForApplication(ctx, state.ID.ValueString()); err != nil {
		apiError(diags, "reading the restored app registration", err)
		return false
	}
	return true
}

// servicePrincipal gives the app its service principal in the home tenant
// again: restored from deleted items when it is there (same object ID,
// with the permissions granted to it; restoring the app did not bring it
// back), else a new one.
func (r *entraAppResource) servicePrincipal(ctx context.Context, appID string) (graph.ServicePrincipal, error) {
	if sp, err := r.data.Graph.GetServicePrincipalByAppID(ctx, appID); err == nil || !graph.IsNotFound(err) {
		return sp, err
	}
	sp, restored, err := r.data.Graph.RestoreDeletedServicePrincipal(ctx, appID)
	if err != nil && !graph.IsForbidden(err) {
		return sp, err
	}
	if restored {
		return sp, nil
	}
	return r.data.Graph.EnsureServicePrincipal(ctx, appID)
}

// defaultUniqueName plans the default unique_name of a new app, so plan
// shows the value that create will use; an existing app keeps its own
// (UseStateForUnknown runs first), whatever rule made it.
type defaultUniqueName struct{}

func (defaultUniqueName) Description(context.Context) string {
	return "The default unique name of the display name, for a new app."
}

func (m defaultUniqueName) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (defaultUniqueName) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.StateValue.IsNull() || !req.ConfigValue.IsNull() || !resp.PlanValue.IsUnknown() {
		return
	}
	var name types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("display_name"), &name)...)
	if name.IsNull() || name.IsUnknown() {
		return
	}
	resp.PlanValue = types.StringValue(onboarding.UniqueName(name.ValueString()))
}

// missingServicePrincipal keeps the service principal's ID from state, but
// plans a new one when state has none: the update creates it, and plan
// shows that instead of the apply producing a value plan did not have.
type missingServicePrincipal struct{}

func (missingServicePrincipal) Description(context.Context) string {
	return "The state's value, or unknown when the service principal is missing."
}

func (m missingServicePrincipal) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (missingServicePrincipal) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	switch {
	case req.StateValue.IsNull(): // create
	case req.StateValue.ValueString() == "":
		resp.PlanValue = types.StringUnknown()
	case req.PlanValue.IsUnknown():
		resp.PlanValue = req.StateValue
	}
}

func (r *entraAppResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx, cancel := withTimeout(ctx, req.State, "delete", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var state entraAppModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	app, err := r.data.Graph.GetApplication(ctx, state.ID.ValueString())
	if graph.IsNotFound(err) {
		return
	}
	if err != nil {
		apiError(&resp.Diagnostics, "reading app registration "+state.ID.String(), err)
		return
	}
	if !onboarding.MayDelete(app.Tags, state.OwnershipID.ValueString()) {
		resp.Diagnostics.AddWarning("App registration left in place",
			"App registration "+app.ID+" (client ID "+app.AppID+") now carries another resource's ownership marker (it was imported by another configuration), "+
				"so destroy removed it from this state only and did not delete it.")
		return
	}
	// Deleting the application also deletes its service principal in the
	// home tenant.
	if err := r.data.Graph.DeleteApplication(ctx, state.ID.ValueString()); err != nil {
		apiError(&resp.Diagnostics, "deleting app registration "+state.ID.String(), err)
	}
}

// ImportState accepts the object ID or the client ID.
func (r *entraAppResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := entraAppIdentity.importID(ctx, req)
	resp.Diagnostics.Append(diags...)
	req.ID = id
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	if !onboarding.IsGUID(req.ID) {
		resp.Diagnostics.AddError("Invalid import ID", "Import onboard_entra_app by the app's object ID or client ID (a GUID), got \""+req.ID+"\".")
		return
	}
	app, err := r.data.Graph.GetApplication(ctx, req.ID)
	if graph.IsNotFound(err) {
		app, err = r.data.Graph.GetApplicationByAppID(ctx, req.ID)
	}
	if err != nil {
		if graph.IsNotFound(err) {
			resp.Diagnostics.AddError("App registration not found", "No app with object ID or client ID "+req.ID+" exists in tenant "+r.data.TenantID+".")
			return
		}
		apiError(&resp.Diagnostics, "reading app registration "+req.ID, err)
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), app.ID)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, adoptKey, []byte(`true`))...)
}

// MoveState takes `moved` blocks from azuread_application (see moved.go).
func (r *entraAppResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{fromAzuread("azuread_application", movedApplication)}
}

// patch lists what differs from state (everything on create).
func (r *entraAppResource) patch(ctx context.Context, plan entraAppModel, state *entraAppModel, diags *diag.Diagnostics) graph.ApplicationPatch {
	var p graph.ApplicationPatch
	if state == nil || !plan.DisplayName.Equal(state.DisplayName) {
		p.DisplayName = plan.DisplayName.ValueStringPointer()
	}
	if state == nil || !plan.SignInAudience.Equal(state.SignInAudience) {
		p.SignInAudience = plan.SignInAudience.ValueStringPointer()
	}
	if state == nil && !plan.Notes.IsNull() || state != nil && !plan.Notes.Equal(state.Notes) {
		v := plan.Notes.ValueString()
		p.Notes = &v
	}
	if state == nil || !plan.AllowPublicClientFlows.Equal(state.AllowPublicClientFlows) {
		v := plan.AllowPublicClientFlows.ValueBool()
		p.IsFallbackPublicClient = &v
	}
	if state == nil || !plan.WebRedirectURIs.Equal(state.WebRedirectURIs) {
		v := setStrings(ctx, plan.WebRedirectURIs, diags)
		p.WebRedirectURIs = &v
	}
	if state == nil || !plan.PublicClientRedirectURIs.Equal(state.PublicClientRedirectURIs) {
		v := setStrings(ctx, plan.PublicClientRedirectURIs, diags)
		p.PublicClientRedirectURIs = &v
	}
	if state == nil || !plan.IdentifierURIs.Equal(state.IdentifierURIs) {
		v := setStrings(ctx, plan.IdentifierURIs, diags)
		p.IdentifierURIs = &v
	}
	if state == nil && len(plan.AppRoles.Elements()) > 0 || state != nil && !plan.AppRoles.Equal(state.AppRoles) {
		v := appRolesFromSet(ctx, plan.AppRoles, diags)
		p.AppRoles = &v
	}
	if state == nil && len(plan.SPARedirectURIs.Elements()) > 0 || state != nil && !plan.SPARedirectURIs.Equal(state.SPARedirectURIs) {
		v := setStrings(ctx, plan.SPARedirectURIs, diags)
		p.SPARedirectURIs = &v
	}
	if state == nil && len(plan.OAuth2PermissionScopes.Elements()) > 0 || state != nil && !plan.OAuth2PermissionScopes.Equal(state.OAuth2PermissionScopes) {
		v := scopesFromSet(ctx, plan.OAuth2PermissionScopes, diags)
		p.OAuth2PermissionScopes = &v
	}
	info := graph.Info{MarketingURL: plan.MarketingURL.ValueString(), PrivacyStatementURL: plan.PrivacyStatementURL.ValueString(),
		TermsOfServiceURL: plan.TermsOfServiceURL.ValueString(), SupportURL: plan.SupportURL.ValueString()}
	if state == nil && info != (graph.Info{}) || state != nil && (!plan.MarketingURL.Equal(state.MarketingURL) || !plan.PrivacyStatementURL.Equal(state.PrivacyStatementURL) ||
		!plan.TermsOfServiceURL.Equal(state.TermsOfServiceURL) || !plan.SupportURL.Equal(state.SupportURL)) {
		p.Info = &info
	}
	if state == nil && len(plan.OptionalClaims.Elements()) > 0 || state != nil && !plan.OptionalClaims.Equal(state.OptionalClaims) {
		v := optionalClaimsFromList(ctx, plan.OptionalClaims, diags)
		p.OptionalClaims = &v
	}
	return p
}

func (r *entraAppResource) fromAPI(ctx context.Context, m *entraAppModel, app graph.Application, diags *diag.Diagnostics) {
	m.ID, m.ClientID = types.StringValue(app.ID), types.StringValue(app.AppID)
	m.TenantID = types.StringValue(r.data.TenantID)
	if app.UniqueName != "" {
		m.UniqueName = types.StringValue(app.UniqueName)
	} else if m.UniqueName.IsUnknown() || m.UniqueName.IsNull() {
		m.UniqueName = types.StringValue("")
	}
	m.DisplayName = types.StringValue(app.DisplayName)
	m.SignInAudience = types.StringValue(app.SignInAudience)
	m.WebRedirectURIs = stringSet(ctx, app.WebRedirectURIs, diags)
	m.PublicClientRedirectURIs = stringSet(ctx, app.PublicClientRedirectURIs, diags)
	m.IdentifierURIs = stringSet(ctx, app.IdentifierURIs, diags)
	m.AllowPublicClientFlows = types.BoolValue(app.IsFallbackPublicClient != nil && *app.IsFallbackPublicClient)
	m.Notes = nullableString(app.Notes)
	m.AppRoles = appRolesSet(ctx, app.AppRoles, diags)
	m.SPARedirectURIs = stringSet(ctx, app.SPARedirectURIs, diags)
	m.OAuth2PermissionScopes = scopesSet(ctx, app.OAuth2PermissionScopes, diags)
	m.MarketingURL, m.PrivacyStatementURL = nullableString(app.Info.MarketingURL), nullableString(app.Info.PrivacyStatementURL)
	m.TermsOfServiceURL, m.SupportURL = nullableString(app.Info.TermsOfServiceURL), nullableString(app.Info.SupportURL)
	m.OptionalClaims = optionalClaimsList(ctx, app.OptionalClaims, diags)
	// logo_image stays as configured: Graph serves the bytes only from
	// GET /applications/{id}/logo, a download per refresh.
	m.LogoURL = nullableString(app.Info.LogoURL)
}
