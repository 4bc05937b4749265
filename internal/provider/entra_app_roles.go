package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onboard-tf/terraform-provider-onboard/internal/graph"
)

// The app roles an app registration exposes make it an API: other apps
// require them with onboard_api_permission (by this app's client ID or
// display name) and admins grant them by consent.

type appRoleModel struct {
	ID                 types.String `tfsdk:"id"`
	Value              types.String `tfsdk:"value"`
	DisplayName        types.String `tfsdk:"display_name"`
	Description        types.String `tfsdk:"description"`
	AllowedMemberTypes types.Set    `tfsdk:"allowed_member_types"`
	Enabled            types.Bool   `tfsdk:"enabled"`
}

var appRoleAttrTypes = map[string]attr.Type{
	"id": types.StringType, "value": types.StringType, "display_name": types.StringType, "description": types.StringType,
	"allowed_member_types": types.SetType{ElemType: types.StringType}, "enabled": types.BoolType,
}

func appRoleBlock() schema.SetNestedBlock {
	return schema.SetNestedBlock{
		MarkdownDescription: "An app role the app exposes (\"App roles\" in the Entra admin center): with `allowed_member_types = [\"Application\"]` it is an " +
			"application permission other apps require by its `value` with `onboard_api_permission` (`api` = this app's `client_id`). " +
			"Removing or renaming an enabled role disables it first, as Microsoft Graph requires.",
		NestedObject: schema.NestedBlockObject{Attributes: entitlementAttributes(entitlementText{
			ID: "The role's ID, a GUID you choose (e.g. from `random_uuid`); it is what grants refer to, so keep it stable.",
			Value: "The permission's name, as it appears in the `roles` claim of tokens, e.g. `Payroll.Read.All`: at most 120 characters, letters, digits and " +
				"``:!#$%&'()*+,-./;<=>?@[]^_`{|}~``, no spaces, not starting with `.`. Unique across the app's app roles and scopes. Checked at plan.",
			Enabled: "Whether the role can be required and granted (default `true`).",
			Example: "Payroll.Read.All",
		}, map[string]schema.Attribute{
			"display_name": schema.StringAttribute{Required: true, MarkdownDescription: "What consent screens and the admin center show."},
			"description":  schema.StringAttribute{Required: true, MarkdownDescription: "What granting the role allows, shown to the admin who consents."},
			"allowed_member_types": schema.SetAttribute{ElementType: types.StringType, Required: true,
				Validators:          []validator.Set{setvalidator.SizeAtLeast(1), setvalidator.ValueStringsAre(stringvalidator.OneOf("Application", "User"))},
				MarkdownDescription: "`Application` (an application permission for other apps), `User` (assignable to users and groups), or both."},
		})},
	}
}

func appRolesFromSet(ctx context.Context, set types.Set, diags *diag.Diagnostics) []graph.AppRole {
	out := []graph.AppRole{}
	for _, m := range modelsFromSet[appRoleModel](ctx, set, diags) {
		out = append(out, graph.AppRole{ID: strings.ToLower(m.ID.ValueString()), Value: m.Value.ValueString(), DisplayName: m.DisplayName.ValueString(),
			Description: m.Description.ValueString(), AllowedMemberTypes: setStrings(ctx, m.AllowedMemberTypes, diags), IsEnabled: m.Enabled.ValueBool()})
	}
	return out
}

func appRolesSet(ctx context.Context, roles []graph.AppRole, diags *diag.Diagnostics) types.Set {
	models := []appRoleModel{}
	for _, r := range roles {
		models = append(models, appRoleModel{ID: types.StringValue(strings.ToLower(r.ID)), Value: types.StringValue(r.Value), DisplayName: types.StringValue(r.DisplayName),
			Description: types.StringValue(r.Description), AllowedMemberTypes: stringSet(ctx, r.AllowedMemberTypes, diags), Enabled: types.BoolValue(r.IsEnabled)})
	}
	return setOfModels(ctx, appRoleAttrTypes, models, diags)
}

// rolesToDisable is the state's roles with those the plan removes or
// renames turned off, or nil when none is: Graph refuses to delete or
// change the value of an enabled role, so updates disable it first.
func rolesToDisable(current, planned []graph.AppRole) []graph.AppRole {
	return entitlementsToDisable(current, planned, func(r graph.AppRole) (string, string) { return r.ID, r.Value },
		func(r *graph.AppRole) *bool { return &r.IsEnabled })
}
