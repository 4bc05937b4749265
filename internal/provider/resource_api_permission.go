package provider

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/onboard-tf/terraform-provider-onboard/internal/graph"
	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
)

var (
	_ resource.Resource                   = &apiPermissionResource{}
	_ resource.ResourceWithIdentity       = &apiPermissionResource{}
	_ resource.ResourceWithConfigure      = &apiPermissionResource{}
	_ resource.ResourceWithModifyPlan     = &apiPermissionResource{}
	_ resource.ResourceWithValidateConfig = &apiPermissionResource{}
	_ resource.ResourceWithMoveState      = &apiPermissionResource{}
	_ resource.ResourceWithImportState    = &apiPermissionResource{}
)

func newAPIPermissionResource() resource.Resource { return &apiPermissionResource{} }

type apiPermissionResource struct {
	data *providerData
}

type apiPermissionModel struct {
	ID                       types.String   `tfsdk:"id"`
	ApplicationID            types.String   `tfsdk:"application_id"`
	API                      types.String   `tfsdk:"api"`
	ResourceAppID            types.String   `tfsdk:"resource_app_id"`
	ApplicationPermissions   types.Set      `tfsdk:"application_permissions"`
	DelegatedPermissions     types.Set      `tfsdk:"delegated_permissions"`
	ApplicationPermissionIDs types.Map      `tfsdk:"application_permission_ids"`
	DelegatedPermissionIDs   types.Map      `tfsdk:"delegated_permission_ids"`
	Timeouts                 timeouts.Value `tfsdk:"timeouts"`
}

func (r *apiPermissionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_permission"
}

func (r *apiPermissionResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	emptySet := setdefault.StaticValue(basetypes.NewSetValueMust(types.StringType, nil))
	resp.Schema = schema.Schema{
		MarkdownDescription: "The permissions an app registration requires on one API (\"API permissions\" in the Entra admin center), by name: any permission " +
			"the API's service principal in the home tenant offers (Microsoft Graph's hundreds, Business Central's, Exchange Online's, another vendor's). " +
			"A name it lacks fails at plan with the closest names, and a name that exists only as the other kind (an app role asked for as a delegated scope, " +
			"or the reverse) says so. " +
			"Each resource owns only its API's entry of the app's `requiredResourceAccess`, so several of them on one app never overwrite each other. " +
			"Requiring a permission grants nothing: admin consent does (`onboard_customer_tenant`).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				MarkdownDescription: "`<application object id>/<resource app id>`."},
			"application_id": schema.StringAttribute{Required: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				MarkdownDescription: "Object ID of the app registration (`onboard_entra_app.<name>.id`).", Validators: []validator.String{guidValidator()}},
			"api": schema.StringAttribute{Required: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(otherAPI,
				"Replaced when the value names another API.", "Replaced when the value names another API (a name and its client ID are the same API).")},
				MarkdownDescription: "The API: its application (client) ID, the display name of its service principal in the home tenant (e.g. `Office 365 Exchange Online`, " +
					"`Office 365 SharePoint Online`, another vendor's multi-tenant API), or `Microsoft Graph` / `Dynamics 365 Business Central` (aliases `graph`, `business central`). " +
					"Permission names are checked at plan against what that service principal offers, read once per run; the provider's embedded snapshot of " +
					"Microsoft Graph's and Business Central's permissions serves only when the tenant cannot be asked (before the provider has credentials, or when " +
					"the home tenant has no service principal of the API yet)."},
			"resource_app_id": schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				MarkdownDescription: "The API's application ID, e.g. `00000003-0000-0000-c000-000000000000` for Microsoft Graph."},
			"application_permissions": schema.SetAttribute{ElementType: types.StringType, Optional: true, Computed: true, Default: emptySet,
				MarkdownDescription: "Application permissions (app roles: the app's own access, with no user signed in) by name, e.g. Microsoft Graph's `Sites.Read.All`, `Mail.Send`, `Files.Read.All`, `User.Read.All`, " +
					"or Business Central's `API.ReadWrite.All`, `Automation.ReadWrite.All`, `AdminCenter.ReadWrite.All`."},
			"delegated_permissions": schema.SetAttribute{ElementType: types.StringType, Optional: true, Computed: true, Default: emptySet,
				MarkdownDescription: "Delegated permissions (scopes: acting for a signed-in user) by name, e.g. Microsoft Graph's `User.Read`, `Mail.Send`, `Files.Read.All`, or Business Central's `Financials.ReadWrite.All`."},
			"application_permission_ids": schema.MapAttribute{ElementType: types.StringType, Computed: true,
				MarkdownDescription: "Application permission name to app role ID."},
			"delegated_permission_ids": schema.MapAttribute{ElementType: types.StringType, Computed: true,
				MarkdownDescription: "Delegated permission name to scope ID."},
		},
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx, true, "")},
	}
}

func (r *apiPermissionResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = apiPermissionIdentity.schema()
}

func (r *apiPermissionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configureData(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig runs before the provider has credentials (terraform
// validate, the start of plan), when only the embedded snapshot can be
// asked: a name it lacks is a warning, as Microsoft may have added the
// permission since. The API's service principal in the tenant decides at
// plan (ModifyPlan), with errors.
func (r *apiPermissionResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m apiPermissionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.API.IsUnknown() || m.API.IsNull() || r.data != nil {
		return
	}
	api, err := onboarding.LookupAPI(m.API.ValueString())
	if err != nil {
		return // a client ID or a service principal's display name: resolved at plan
	}
	var found diag.Diagnostics
	resolveAll(ctx, api, m, &found)
	for _, d := range found.Errors() {
		if d, ok := d.(diag.DiagnosticWithPath); ok {
			resp.Diagnostics.AddAttributeWarning(d.Path(), "Permission not in the snapshot", d.Detail())
		}
	}
}

func resolveAll(ctx context.Context, api onboarding.API, m apiPermissionModel, diags *diag.Diagnostics) (app, del map[string]string) {
	app, del = map[string]string{}, map[string]string{}
	for _, k := range []struct {
		set  types.Set
		kind onboarding.Kind
		attr string
		out  map[string]string
	}{{m.ApplicationPermissions, onboarding.Application, "application_permissions", app}, {m.DelegatedPermissions, onboarding.Delegated, "delegated_permissions", del}} {
		if k.set.IsUnknown() {
			continue
		}
		for _, name := range setStrings(ctx, k.set, diags) {
			p, err := api.Resolve(name, k.kind)
			if err != nil {
				diags.AddAttributeError(path.Root(k.attr), "Unknown permission", strings.TrimSpace(err.Error()+" "+api.SnapshotNote()))
				continue
			}
			k.out[p.Name] = p.ID
		}
	}
	return app, del
}

// lookupAPI finds the API ref names (alias, client ID or service principal
// display name) and what it offers: its service principal in the home tenant
// is the authority; the embedded snapshot serves only when the tenant cannot
// answer for a well-known API (no credentials yet, or no service principal
// of it in the home tenant, as for Business Central before it is provisioned).
// false with no error: unknown until the provider has credentials.
func (r *apiPermissionResource) lookupAPI(ctx context.Context, ref string, diags *diag.Diagnostics) (onboarding.API, bool) {
	known, lerr := onboarding.LookupAPI(ref)
	if r.data == nil {
		return known, lerr == nil
	}
	appID := strings.ToLower(strings.TrimSpace(ref))
	switch {
	case lerr == nil:
		appID = known.AppID
	case onboarding.IsGUID(appID):
	default:
		name := strings.TrimSpace(ref)
		sps, err := r.data.Graph.ListServicePrincipalsByDisplayName(ctx, name)
		if err != nil {
			apiError(diags, "looking up the service principal named "+strconv.Quote(name), err)
			return known, false
		}
		switch len(sps) {
		case 0:
			diags.AddAttributeError(path.Root("api"), "Unknown API",
				lerr.Error()+", or the display name of a service principal in tenant "+r.data.TenantID+"; none is named "+strconv.Quote(name)+".")
			return known, false
		case 1:
			appID = strings.ToLower(sps[0].AppID)
		default:
			var ids []string
			for _, sp := range sps {
				ids = append(ids, sp.AppID)
			}
			diags.AddAttributeError(path.Root("api"), "Ambiguous API",
				"Several service principals in tenant "+r.data.TenantID+" are named "+strconv.Quote(name)+" (client IDs "+strings.Join(ids, ", ")+"): set api to the client ID of the one meant.")
			return known, false
		}
	}
	api, err := r.data.apiPermissions(ctx, appID)
	switch {
	case err == nil:
		return api, true
	case lerr == nil && graph.IsNotFound(err):
		return known, true
	case lerr == nil && graph.IsForbidden(err):
		// Least privilege (Application.ReadWrite.OwnedBy alone) cannot read
		// Microsoft's service principals: the snapshot answers, and says so.
		diags.AddAttributeWarning(path.Root("api"), "Permissions checked against the snapshot",
			"The automation identity may not read the service principal of "+known.Name+" in tenant "+r.data.TenantID+" ("+err.Error()+"), so its permission names "+
				"were checked against the provider's snapshot of "+known.SnapshotDate+". Grant it Application.Read.All to check them against the tenant.")
		return known, true
	case graph.IsNotFound(err):
		diags.AddAttributeError(path.Root("api"), "API not found",
			"No API with application ID "+appID+" has a service principal in tenant "+r.data.TenantID+". Use a known API name or the app ID of an API present in the tenant.")
	default:
		apiError(diags, "reading the permissions of API "+ref, err)
	}
	return known, false
}

// apiPermissions reads, once per run, what an API's service principal in
// the home tenant offers, so every resource on that API shares one read.
// Failures are not remembered: the next resource asks again.
func (d *providerData) apiPermissions(ctx context.Context, appID string) (onboarding.API, error) {
	e, _ := d.apis.LoadOrStore(appID, &apiEntry{})
	entry, _ := e.(*apiEntry)
	entry.mu.Lock()
	defer entry.mu.Unlock()
	if entry.read {
		return entry.api, nil
	}
	sp, err := d.Graph.GetAPIPermissions(ctx, appID)
	if err != nil {
		return onboarding.API{}, err
	}
	api := onboarding.API{Name: sp.DisplayName, AppID: strings.ToLower(sp.AppID), Local: strings.EqualFold(sp.AppOwnerOrganizationID, d.TenantID)}
	for _, role := range sp.AppRoles {
		api.Permissions = append(api.Permissions, onboarding.Permission{Name: role.Value, ID: strings.ToLower(role.ID), Kind: onboarding.Application})
	}
	for _, sc := range sp.OAuth2PermissionScopes {
		api.Permissions = append(api.Permissions, onboarding.Permission{Name: sc.Value, ID: strings.ToLower(sc.ID), Kind: onboarding.Delegated})
	}
	// An API registered in the home tenant may gain roles during this run
	// (an onboard_entra_app updated before the permission): read it afresh.
	entry.api, entry.read = api, !api.Local
	return api, nil
}

// apiEntry is one API's permissions as read in this run.
type apiEntry struct {
	mu   sync.Mutex
	read bool
	api  onboarding.API
}

// ModifyPlan resolves the names against the tenant. Without credentials
// yet (provider settings unknown until apply) the IDs stay unknown: apply
// resolves them, and the snapshot's warnings have already spoken.
func (r *apiPermissionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan apiPermissionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.API.IsUnknown() || plan.ApplicationPermissions.IsUnknown() || plan.DelegatedPermissions.IsUnknown() {
		return
	}
	api, ok := r.lookupAPI(ctx, plan.API.ValueString(), &resp.Diagnostics)
	if !ok {
		return
	}
	var found diag.Diagnostics
	app, del := resolveAll(ctx, api, plan, &found)
	if found.HasError() && api.Local {
		// The API is an app of the home tenant: the same apply may add the
		// role (onboard_entra_app's app_role), so apply decides.
		for _, d := range found.Errors() {
			if d, ok := d.(diag.DiagnosticWithPath); ok {
				resp.Diagnostics.AddAttributeWarning(d.Path(), "Permission not offered yet",
					d.Detail()+" "+api.Name+" is registered in this tenant, so apply checks again after updating it, and fails if it still lacks the permission.")
			}
		}
		plan.ResourceAppID = types.StringValue(api.AppID)
		plan.ApplicationPermissionIDs = types.MapUnknown(types.StringType)
		plan.DelegatedPermissionIDs = types.MapUnknown(types.StringType)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	resp.Diagnostics.Append(found...)
	if resp.Diagnostics.HasError() {
		return
	}
	// A display name is resolved only here: naming another API replaces.
	var state apiPermissionModel
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if id := state.ResourceAppID.ValueString(); id != "" && !strings.EqualFold(id, api.AppID) {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("api"))
		}
	}
	plan.ResourceAppID = types.StringValue(api.AppID)
	plan.ApplicationPermissionIDs = mapValue(ctx, app, &resp.Diagnostics)
	plan.DelegatedPermissionIDs = mapValue(ctx, del, &resp.Diagnostics)
	if !plan.ApplicationID.IsUnknown() {
		plan.ID = types.StringValue(plan.ApplicationID.ValueString() + "/" + api.AppID)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func mapValue(ctx context.Context, m map[string]string, diags *diag.Diagnostics) types.Map {
	v, d := types.MapValueFrom(ctx, types.StringType, m)
	diags.Append(d...)
	return v
}

func (r *apiPermissionResource) write(ctx context.Context, plan *apiPermissionModel, diags *diag.Diagnostics) {
	api, ok := r.lookupAPI(ctx, plan.API.ValueString(), diags)
	if !ok {
		return
	}
	app, del := resolveAll(ctx, api, *plan, diags)
	if diags.HasError() {
		return
	}
	entry := graph.RequiredResourceAccess{ResourceAppID: api.AppID}
	for _, id := range sortedValues(app) {
		entry.Access = append(entry.Access, graph.ResourceAccess{ID: id, Type: "Role"})
	}
	for _, id := range sortedValues(del) {
		entry.Access = append(entry.Access, graph.ResourceAccess{ID: id, Type: "Scope"})
	}
	objectID := plan.ApplicationID.ValueString()
	if err := r.replaceEntry(ctx, objectID, api.AppID, &entry); err != nil {
		if graph.IsNotFound(err) {
			diags.AddAttributeError(path.Root("application_id"), "App registration not found",
				"No app registration with object ID "+objectID+" exists. Use onboard_entra_app.<name>.id (the object ID, not the client ID).")
			return
		}
		apiError(diags, "setting the API permissions of app "+objectID, err)
		return
	}
	plan.ID = types.StringValue(objectID + "/" + api.AppID)
	plan.ResourceAppID = types.StringValue(api.AppID)
	plan.ApplicationPermissionIDs = mapValue(ctx, app, diags)
	plan.DelegatedPermissionIDs = mapValue(ctx, del, diags)
}

// replaceEntry reads the app's requiredResourceAccess, swaps this API's
// entry (nil removes it) and writes it back, under a per-app lock so
// parallel resources on one app don't lose each other's entries.
func (r *apiPermissionResource) replaceEntry(ctx context.Context, objectID, resourceAppID string, entry *graph.RequiredResourceAccess) error {
	unlock := r.data.lockApp(objectID)
	defer unlock()
	app, err := r.data.Graph.WaitForApplication(ctx, objectID)
	if err != nil {
		return err
	}
	var rra []graph.RequiredResourceAccess
	for _, e := range app.RequiredResourceAccess {
		if !strings.EqualFold(e.ResourceAppID, resourceAppID) {
			rra = append(rra, e)
		}
	}
	if entry != nil {
		rra = append(rra, *entry)
	}
	return r.data.Graph.SetRequiredResourceAccess(ctx, objectID, rra)
}

func sortedValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

func (r *apiPermissionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx, cancel := withTimeout(ctx, req.Plan, "create", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	r.save(ctx, req.Plan, &resp.State, &resp.Diagnostics)
	resp.Diagnostics.Append(apiPermissionIdentity.fromState(ctx, resp.State, resp.Identity)...)
}

// save writes the planned entry (create and update alike) and records it.
func (r *apiPermissionResource) save(ctx context.Context, planned tfsdk.Plan, state *tfsdk.State, diags *diag.Diagnostics) {
	if r.data == nil {
		notConfigured(diags)
		return
	}
	var plan apiPermissionModel
	diags.Append(planned.Get(ctx, &plan)...)
	if diags.HasError() {
		return
	}
	r.write(ctx, &plan, diags)
	if diags.HasError() {
		return
	}
	diags.Append(state.Set(ctx, &plan)...)
}

func (r *apiPermissionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx, cancel := withTimeout(ctx, req.State, "read", defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	// The identity never changes, so the prior state's is the answer; set
	// first, as a Read that removes the resource still owes Terraform
	// (before 1.12, which keeps no identity) the identity it had.
	resp.Diagnostics.Append(apiPermissionIdentity.fromState(ctx, req.State, resp.Identity)...)
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var state apiPermissionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	app, err := r.data.Graph.GetApplication(ctx, state.ApplicationID.ValueString())
	if graph.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		apiError(&resp.Diagnostics, "reading the API permissions of app "+state.ApplicationID.String(), err)
		return
	}
	resourceAppID := state.ResourceAppID.ValueString()
	var entry *graph.RequiredResourceAccess
	for i, e := range app.RequiredResourceAccess {
		if strings.EqualFold(e.ResourceAppID, resourceAppID) {
			entry = &app.RequiredResourceAccess[i]
		}
	}
	if entry == nil {
		resp.State.RemoveResource(ctx)
		return
	}
	api, ok := r.lookupAPI(ctx, resourceAppID, &resp.Diagnostics)
	if !ok {
		return
	}
	appNames, delNames := []string{}, []string{}
	appIDs, delIDs := map[string]string{}, map[string]string{}
	for _, a := range entry.Access {
		name := a.ID // a permission unknown to the API shows by its ID
		for _, p := range api.Permissions {
			if strings.EqualFold(p.ID, a.ID) && p.Kind.GraphType() == a.Type {
				name = p.Name
			}
		}
		if a.Type == "Role" {
			appNames, appIDs[name] = append(appNames, name), a.ID
		} else {
			delNames, delIDs[name] = append(delNames, name), a.ID
		}
	}
	state.ApplicationPermissions = stringSet(ctx, appNames, &resp.Diagnostics)
	state.DelegatedPermissions = stringSet(ctx, delNames, &resp.Diagnostics)
	state.ApplicationPermissionIDs = mapValue(ctx, appIDs, &resp.Diagnostics)
	state.DelegatedPermissionIDs = mapValue(ctx, delIDs, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *apiPermissionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	ctx, cancel := withTimeout(ctx, req.Plan, "update", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	r.save(ctx, req.Plan, &resp.State, &resp.Diagnostics)
	resp.Diagnostics.Append(apiPermissionIdentity.fromState(ctx, resp.State, resp.Identity)...)
}

func (r *apiPermissionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx, cancel := withTimeout(ctx, req.State, "delete", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var state apiPermissionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.replaceEntry(ctx, state.ApplicationID.ValueString(), state.ResourceAppID.ValueString(), nil)
	if err != nil && !graph.IsNotFound(err) {
		apiError(&resp.Diagnostics, "removing the API permissions of app "+state.ApplicationID.String(), err)
	}
}

// ImportState takes "<application object id>/<api app id or name>".
func (r *apiPermissionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := apiPermissionIdentity.importID(ctx, req)
	resp.Diagnostics.Append(diags...)
	req.ID = id
	app, ref, ok := strings.Cut(req.ID, "/")
	if !ok || !onboarding.IsGUID(app) || ref == "" {
		resp.Diagnostics.AddError("Invalid import ID", "Import onboard_api_permission as \"<application object id>/<api app id>\", got \""+req.ID+"\".")
		return
	}
	resourceAppID := strings.ToLower(ref)
	if api, err := onboarding.LookupAPI(ref); err == nil {
		resourceAppID = api.AppID
	}
	resp.Diagnostics.Append(setAll(ctx, &resp.State, map[string]any{"id": app + "/" + resourceAppID, "application_id": app, "api": ref, "resource_app_id": resourceAppID})...)
}

// otherAPI: "Microsoft Graph" and 00000003-0000-0000-c000-000000000000 are
// one API, so an import or move by ID followed by a config by name is an
// in-place update, not a replacement.
// A service principal's display name is left to ModifyPlan, which resolves it.
func otherAPI(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	appID := func(ref string) string {
		a, _ := onboarding.LookupAPI(ref)
		if a.AppID == "" {
			return strings.ToLower(strings.TrimSpace(ref))
		}
		return a.AppID
	}
	was, is := appID(req.StateValue.ValueString()), appID(req.PlanValue.ValueString())
	resp.RequiresReplace = onboarding.IsGUID(was) && onboarding.IsGUID(is) && was != is
}

// MoveState takes `moved` blocks from azuread_application_api_access (see moved.go).
func (r *apiPermissionResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{fromAzuread("azuread_application_api_access", movedAPIAccess)}
}
