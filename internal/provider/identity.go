package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity (Terraform 1.12+: `import` blocks with `identity`
// instead of an ID string). Each identity is a few GUIDs that are already
// state attributes; the import ID string is the same values joined by "/".

type identityAttr struct{ name, stateAttr, description string }

type identitySpec []identityAttr

var (
	entraAppIdentity = identitySpec{
		{"object_id", "id", "Object ID of the app registration."},
	}
	clientSecretIdentity = identitySpec{
		{"application_id", "application_id", "Object ID of the app registration."},
		{"key_id", "key_id", "Key ID of the secret."},
	}
	apiPermissionIdentity = identitySpec{
		{"application_id", "application_id", "Object ID of the app registration."},
		{"resource_app_id", "resource_app_id", "Application (client) ID of the API, e.g. `00000003-0000-0000-c000-000000000000` for Microsoft Graph."},
	}
	tenantAppIdentity = identitySpec{
		{"tenant_id", "tenant_id", "Tenant ID of the customer."},
		{"client_id", "client_id", "Application (client) ID of the app."},
	}
)

func (s identitySpec) schema() identityschema.Schema {
	attrs := map[string]identityschema.Attribute{}
	for _, a := range s {
		attrs[a.name] = identityschema.StringAttribute{RequiredForImport: true, Description: a.description}
	}
	return identityschema.Schema{Attributes: attrs}
}

// fromState sets the identity from a state (the one just written, or in
// Read the prior one); nothing when the resource is gone or the request
// carries no identity.
func (s identitySpec) fromState(ctx context.Context, st tfsdk.State, id *tfsdk.ResourceIdentity) diag.Diagnostics {
	var diags diag.Diagnostics
	if id == nil || st.Raw.IsNull() {
		return diags
	}
	for _, a := range s {
		var v types.String
		diags.Append(st.GetAttribute(ctx, path.Root(a.stateAttr), &v)...)
		diags.Append(id.SetAttribute(ctx, path.Root(a.name), strings.ToLower(v.ValueString()))...)
	}
	return diags
}

// importID turns an identity into the import ID string the resource's
// ImportState parses.
func (s identitySpec) importID(ctx context.Context, req resource.ImportStateRequest) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if req.ID != "" || req.Identity == nil {
		return req.ID, diags
	}
	parts := make([]string, 0, len(s))
	for _, a := range s {
		var v types.String
		diags.Append(req.Identity.GetAttribute(ctx, path.Root(a.name), &v)...)
		parts = append(parts, v.ValueString())
	}
	return strings.Join(parts, "/"), diags
}
