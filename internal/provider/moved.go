package provider

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
)

// `moved` blocks from the azuread provider (Terraform 1.8+): the source
// state is read raw, as azuread's schema differs between its major versions
// (v2 names the app's object ID application_object_id, v3 writes IDs as
// "/applications/<object id>"). Only what identifies the object is carried
// over; the refresh that follows a move reads the rest from Graph, as an
// import does.

const azureadType = "hashicorp/azuread"

// fromAzuread is a StateMover for one azuread resource type; convert fills
// the target state from the source's attributes.
func fromAzuread(sourceType string, convert func(ctx context.Context, src map[string]any, target *tfsdk.State) diag.Diagnostics) resource.StateMover {
	return resource.StateMover{StateMover: func(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
		if req.SourceTypeName != sourceType || !strings.HasSuffix(req.SourceProviderAddress, azureadType) || req.SourceRawState == nil {
			return // not ours: the framework tries the next mover
		}
		var src map[string]any
		if err := json.Unmarshal(req.SourceRawState.JSON, &src); err != nil {
			resp.Diagnostics.AddError("Cannot read the "+sourceType+" state", "The state of the moved "+sourceType+" is not the JSON object expected: "+err.Error())
			return
		}
		resp.Diagnostics.Append(convert(ctx, src, &resp.TargetState)...)
	}}
}

// objectID takes an object ID out of azuread's "/applications/<id>" (v3)
// or a bare ID (v2).
func objectID(v any) string {
	s, _ := v.(string)
	s = s[strings.LastIndex(s, "/")+1:]
	if !onboarding.IsGUID(s) {
		return ""
	}
	return strings.ToLower(s)
}

func rawString(src map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := src[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

func movedApplication(ctx context.Context, src map[string]any, target *tfsdk.State) diag.Diagnostics {
	var diags diag.Diagnostics
	id := objectID(rawString(src, "object_id", "id"))
	if id == "" {
		diags.AddError("Cannot move azuread_application", "Its state holds no object ID (object_id or id); import the app with its object ID instead.")
		return diags
	}
	return setAll(ctx, target, map[string]any{"id": id, "display_name": rawString(src, "display_name")})
}

func movedPassword(ctx context.Context, src map[string]any, target *tfsdk.State) diag.Diagnostics {
	var diags diag.Diagnostics
	app := objectID(rawString(src, "application_id", "application_object_id"))
	if app == "" { // v2 ids are "<object id>/password/<key id>"
		app = objectID(strings.Split(rawString(src, "id"), "/password/")[0])
	}
	key := strings.ToLower(rawString(src, "key_id"))
	if app == "" || !onboarding.IsGUID(key) {
		diags.AddError("Cannot move azuread_application_password", "Its state holds no application object ID or key ID; import the secret as \"<application object id>/<key id>\" instead.")
		return diags
	}
	attrs := map[string]any{"id": app + "/" + key, "application_id": app, "key_id": key}
	// The value is only ever in state: carrying it over is what makes the
	// move worth doing.
	if v := rawString(src, "value"); v != "" {
		attrs["value"] = v
	}
	if v := rawString(src, "end_date"); v != "" {
		attrs["end_date"] = v
	}
	return setAll(ctx, target, attrs)
}

func movedAPIAccess(ctx context.Context, src map[string]any, target *tfsdk.State) diag.Diagnostics {
	var diags diag.Diagnostics
	app := objectID(rawString(src, "application_id"))
	api := strings.ToLower(rawString(src, "api_client_id"))
	if app == "" || !onboarding.IsGUID(api) {
		diags.AddError("Cannot move azuread_application_api_access", "Its state holds no application_id or api_client_id; import the permission as \"<application object id>/<api app id>\" instead.")
		return diags
	}
	ref := api
	if a, err := onboarding.LookupAPI(api); err == nil {
		ref = a.Name // as the docs write it, so that a config naming the API plans no replacement
	}
	return setAll(ctx, target, map[string]any{"id": app + "/" + api, "application_id": app, "api": ref, "resource_app_id": api})
}
