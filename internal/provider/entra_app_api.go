package provider

import (
	"context"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onboard-tf/terraform-provider-onboard/internal/graph"
	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
)

// What a vendor's API registration exposes beyond app roles: delegated
// scopes, the consent screen's links, owners and optional claims.

type permissionScopeModel struct {
	ID                      types.String `tfsdk:"id"`
	Value                   types.String `tfsdk:"value"`
	Type                    types.String `tfsdk:"type"`
	AdminConsentDisplayName types.String `tfsdk:"admin_consent_display_name"`
	AdminConsentDescription types.String `tfsdk:"admin_consent_description"`
	UserConsentDisplayName  types.String `tfsdk:"user_consent_display_name"`
	UserConsentDescription  types.String `tfsdk:"user_consent_description"`
	Enabled                 types.Bool   `tfsdk:"enabled"`
}

var permissionScopeAttrTypes = map[string]attr.Type{
	"id": types.StringType, "value": types.StringType, "type": types.StringType,
	"admin_consent_display_name": types.StringType, "admin_consent_description": types.StringType,
	"user_consent_display_name": types.StringType, "user_consent_description": types.StringType, "enabled": types.BoolType,
}

func entitlementValueValidator(example string) validator.String {
	return ruleValidator{"must be a permission value Entra accepts", func(s string) string { return onboarding.CheckPermissionValue(s, example) }}
}

func permissionScopeBlock() schema.SetNestedBlock {
	return schema.SetNestedBlock{
		MarkdownDescription: "A delegated permission (scope) the app exposes (\"Expose an API\" in the Entra admin center, Graph `api.oauth2PermissionScopes`): " +
			"other apps require it by its `value` in `delegated_permissions` of `onboard_api_permission` (`api` = this app's `client_id`), and users or " +
			"admins consent to it. Set `identifier_uris` (e.g. `api://<client id>`) so clients can request it. Removing or renaming an enabled scope " +
			"disables it first, as Microsoft Graph requires (\"To delete a permission, this property must first be set to false\").",
		NestedObject: schema.NestedBlockObject{Attributes: entitlementAttributes(entitlementText{
			ID: "The scope's ID, a GUID you choose (e.g. from `random_uuid`); grants refer to it, so keep it stable.",
			Value: "The scope's name, as it appears in the `scp` claim of tokens, e.g. `Payroll.Read`: at most 120 characters, letters, digits and " +
				"``:!#$%&'()*+,-./;<=>?@[]^_`{|}~``, no spaces, not starting with `.`. Unique across the app's scopes and app roles. Checked at plan.",
			Enabled: "Whether the scope can be requested and granted (default `true`).",
			Example: "Payroll.Read",
		}, map[string]schema.Attribute{
			// Required, not defaulted: the framework matches a set element to
			// its configuration by value, so a second default in one element
			// (after enabled's) would be applied over a configured value.
			"type": schema.StringAttribute{Required: true,
				Validators:          []validator.String{stringvalidator.OneOf("User", "Admin")},
				MarkdownDescription: "`User` (users may consent for themselves) or `Admin` (only an admin may consent for the organization)."},
			"admin_consent_display_name": schema.StringAttribute{Required: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				MarkdownDescription: "The permission's title on the admin consent screen, e.g. `Read payroll data`."},
			"admin_consent_description": schema.StringAttribute{Required: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
				MarkdownDescription: "What granting the scope for the whole organization allows, shown to the admin who consents."},
			"user_consent_display_name": schema.StringAttribute{Optional: true,
				MarkdownDescription: "The permission's title when a user consents for themselves."},
			"user_consent_description": schema.StringAttribute{Optional: true,
				MarkdownDescription: "What consenting allows, shown to a user who consents for themselves."},
		})},
	}
}

func scopesFromSet(ctx context.Context, set types.Set, diags *diag.Diagnostics) []graph.PermissionScope {
	out := []graph.PermissionScope{}
	for _, m := range modelsFromSet[permissionScopeModel](ctx, set, diags) {
		out = append(out, graph.PermissionScope{ID: strings.ToLower(m.ID.ValueString()), Value: m.Value.ValueString(), Type: m.Type.ValueString(),
			AdminConsentDisplayName: m.AdminConsentDisplayName.ValueString(), AdminConsentDescription: m.AdminConsentDescription.ValueString(),
			UserConsentDisplayName: m.UserConsentDisplayName.ValueString(), UserConsentDescription: m.UserConsentDescription.ValueString(),
			IsEnabled: m.Enabled.ValueBool()})
	}
	return out
}

func scopesSet(ctx context.Context, scopes []graph.PermissionScope, diags *diag.Diagnostics) types.Set {
	models := []permissionScopeModel{}
	for _, s := range scopes {
		models = append(models, permissionScopeModel{ID: types.StringValue(strings.ToLower(s.ID)), Value: types.StringValue(s.Value), Type: types.StringValue(s.Type),
			AdminConsentDisplayName: types.StringValue(s.AdminConsentDisplayName), AdminConsentDescription: types.StringValue(s.AdminConsentDescription),
			UserConsentDisplayName: nullableString(s.UserConsentDisplayName), UserConsentDescription: nullableString(s.UserConsentDescription),
			Enabled: types.BoolValue(s.IsEnabled)})
	}
	return setOfModels(ctx, permissionScopeAttrTypes, models, diags)
}

// scopesToDisable is rolesToDisable for scopes.
func scopesToDisable(current, planned []graph.PermissionScope) []graph.PermissionScope {
	return entitlementsToDisable(current, planned, func(s graph.PermissionScope) (string, string) { return s.ID, s.Value },
		func(s *graph.PermissionScope) *bool { return &s.IsEnabled })
}

// brandingURLValidator: the consent screen's links, https only.
func brandingURLValidator(example string) validator.String {
	return ruleValidator{"must be an https URL", func(s string) string { return onboarding.CheckBrandingURL(s, example) }}
}

func brandingAttribute(what, example string) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, Validators: []validator.String{brandingURLValidator(example)},
		MarkdownDescription: "Link to the " + what + ", shown on the consent screen a customer's admin sees (Graph `info`); an https URL, e.g. `" + example + "`. Checked at plan."}
}

type optionalClaimsModel struct {
	IDToken     types.Set `tfsdk:"id_token"`
	AccessToken types.Set `tfsdk:"access_token"`
	SAML2Token  types.Set `tfsdk:"saml2_token"`
}

type optionalClaimModel struct {
	Name                 types.String `tfsdk:"name"`
	Source               types.String `tfsdk:"source"`
	Essential            types.Bool   `tfsdk:"essential"`
	AdditionalProperties types.List   `tfsdk:"additional_properties"`
}

var (
	optionalClaimAttrTypes = map[string]attr.Type{
		"name": types.StringType, "source": types.StringType, "essential": types.BoolType, "additional_properties": types.ListType{ElemType: types.StringType},
	}
	optionalClaimsAttrTypes = map[string]attr.Type{
		"id_token": types.SetType{ElemType: types.ObjectType{AttrTypes: optionalClaimAttrTypes}}, "access_token": types.SetType{ElemType: types.ObjectType{AttrTypes: optionalClaimAttrTypes}},
		"saml2_token": types.SetType{ElemType: types.ObjectType{AttrTypes: optionalClaimAttrTypes}},
	}
)

func optionalClaimsBlock() schema.ListNestedBlock {
	claim := func(token string) schema.SetNestedBlock {
		return schema.SetNestedBlock{
			MarkdownDescription: "An optional claim added to the " + token + ".",
			NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"name": schema.StringAttribute{Required: true, Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
					MarkdownDescription: "The claim's name, e.g. `email`, `groups`, `upn` or `extension_<app id>_<attribute>`."},
				"source": schema.StringAttribute{Optional: true, Validators: []validator.String{stringvalidator.OneOf("user")},
					MarkdownDescription: "Where the value comes from: unset for a predefined claim, `user` for a property of the user object (a directory extension)."},
				"essential": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
					MarkdownDescription: "Whether the claim is necessary for a smooth sign-in for the task the user asked for (default `false`)."},
				"additional_properties": schema.ListAttribute{ElementType: types.StringType, Optional: true,
					MarkdownDescription: "How the claim is shaped, e.g. `[\"include_externally_authenticated_upn\"]` for `upn`, `[\"sam_account_name\"]` for `groups`."},
			}},
		}
	}
	return schema.ListNestedBlock{
		MarkdownDescription: "Claims added to the app's tokens (\"Token configuration\" in the Entra admin center, Graph `optionalClaims`). At most one block; " +
			"removing it removes every optional claim.",
		Validators: []validator.List{listvalidator.SizeAtMost(1)},
		NestedObject: schema.NestedBlockObject{Blocks: map[string]schema.Block{
			"id_token": claim("ID token"), "access_token": claim("access token"), "saml2_token": claim("SAML token"),
		}},
	}
}

func optionalClaimsFromList(ctx context.Context, list types.List, diags *diag.Diagnostics) graph.OptionalClaims {
	var blocks []optionalClaimsModel
	diags.Append(list.ElementsAs(ctx, &blocks, false)...)
	if len(blocks) == 0 {
		return graph.OptionalClaims{}
	}
	claims := func(set types.Set) []graph.OptionalClaim {
		var models []optionalClaimModel
		diags.Append(set.ElementsAs(ctx, &models, false)...)
		var out []graph.OptionalClaim
		for _, m := range models {
			var props []string
			diags.Append(m.AdditionalProperties.ElementsAs(ctx, &props, false)...)
			out = append(out, graph.OptionalClaim{Name: m.Name.ValueString(), Source: m.Source.ValueString(), Essential: m.Essential.ValueBool(), AdditionalProperties: props})
		}
		slices.SortFunc(out, func(a, b graph.OptionalClaim) int { return strings.Compare(a.Name, b.Name) })
		return out
	}
	b := blocks[0]
	return graph.OptionalClaims{IDToken: claims(b.IDToken), AccessToken: claims(b.AccessToken), SAML2Token: claims(b.SAML2Token)}
}

// optionalClaimsList is the block as Graph returns it: none when the app has
// no optional claim (Graph's null and a block of empty lists look alike).
func optionalClaimsList(ctx context.Context, oc graph.OptionalClaims, diags *diag.Diagnostics) types.List {
	objType := types.ObjectType{AttrTypes: optionalClaimsAttrTypes}
	if oc.IsZero() {
		return types.ListValueMust(objType, nil)
	}
	claims := func(list []graph.OptionalClaim) types.Set {
		models := []optionalClaimModel{}
		for _, c := range list {
			props := types.ListNull(types.StringType)
			if len(c.AdditionalProperties) > 0 {
				var d diag.Diagnostics
				props, d = types.ListValueFrom(ctx, types.StringType, c.AdditionalProperties)
				diags.Append(d...)
			}
			models = append(models, optionalClaimModel{Name: types.StringValue(c.Name), Source: nullableString(c.Source), Essential: types.BoolValue(c.Essential), AdditionalProperties: props})
		}
		v, d := types.SetValueFrom(ctx, types.ObjectType{AttrTypes: optionalClaimAttrTypes}, models)
		diags.Append(d...)
		return v
	}
	v, d := types.ListValueFrom(ctx, objType, []optionalClaimsModel{{IDToken: claims(oc.IDToken), AccessToken: claims(oc.AccessToken), SAML2Token: claims(oc.SAML2Token)}})
	diags.Append(d...)
	return v
}

// ValidateConfig refuses at plan what Graph refuses at apply: two app roles
// or scopes with one ID, or one value used twice across app roles and
// scopes (Graph's 400 DuplicateValue, "Request contains a property with
// duplicate values.").
func (r *entraAppResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var roleSet, scopeSet types.Set
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("app_role"), &roleSet)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("oauth2_permission_scope"), &scopeSet)...)
	if resp.Diagnostics.HasError() || roleSet.IsUnknown() || scopeSet.IsUnknown() {
		return
	}
	var roles []appRoleModel
	var scopes []permissionScopeModel
	resp.Diagnostics.Append(roleSet.ElementsAs(ctx, &roles, false)...)
	resp.Diagnostics.Append(scopeSet.ElementsAs(ctx, &scopes, false)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var entries []onboarding.Entitlement
	for _, r := range roles {
		entries = append(entries, onboarding.Entitlement{Kind: "app_role", ID: r.ID.ValueString(), Value: r.Value.ValueString(), Known: !r.ID.IsUnknown() && !r.Value.IsUnknown()})
	}
	for _, s := range scopes {
		entries = append(entries, onboarding.Entitlement{Kind: "oauth2_permission_scope", ID: s.ID.ValueString(), Value: s.Value.ValueString(), Known: !s.ID.IsUnknown() && !s.Value.IsUnknown()})
	}
	for _, msg := range onboarding.DuplicateEntitlements(entries) {
		resp.Diagnostics.AddAttributeError(path.Root(msg.Kind), "Duplicate app role or scope", msg.Detail)
	}
}

// syncOwners adds the planned owners the app lacks and removes those the
// prior state listed and the plan no longer does; owners this resource
// never listed (the automation identity that created the app under
// Application.ReadWrite.OwnedBy, or anyone added in the portal) stay.
func (r *entraAppResource) syncOwners(ctx context.Context, objectID string, planned, prior types.Set, diags *diag.Diagnostics) {
	if planned.IsNull() && prior.IsNull() {
		return
	}
	current, err := r.data.Graph.ListOwnerIDs(ctx, objectID)
	if err != nil {
		apiError(diags, "listing the owners of app registration "+objectID, err)
		return
	}
	add, remove := onboarding.OwnerChanges(current, setStrings(ctx, planned, diags), setStrings(ctx, prior, diags))
	for _, id := range add {
		if err := r.data.Graph.AddOwner(ctx, objectID, id); err != nil {
			apiError(diags, "adding owner "+id+" to app registration "+objectID, err)
			return
		}
	}
	for _, id := range remove {
		if err := r.data.Graph.RemoveOwner(ctx, objectID, id); err != nil {
			apiError(diags, "removing owner "+id+" from app registration "+objectID, err)
			return
		}
	}
}

// readOwners keeps in state the listed owners the app still has, so one
// removed outside Terraform shows as drift; unlisted owners never appear.
func (r *entraAppResource) readOwners(ctx context.Context, m *entraAppModel, diags *diag.Diagnostics) {
	if m.Owners.IsNull() || m.Owners.IsUnknown() {
		return
	}
	current, err := r.data.Graph.ListOwnerIDs(ctx, m.ID.ValueString())
	if err != nil {
		apiError(diags, "listing the owners of app registration "+m.ID.String(), err)
		return
	}
	var kept []string
	for _, id := range setStrings(ctx, m.Owners, diags) {
		if slices.Contains(current, strings.ToLower(id)) {
			kept = append(kept, id)
		}
	}
	m.Owners = stringSet(ctx, kept, diags)
}
