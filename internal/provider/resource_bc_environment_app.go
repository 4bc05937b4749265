package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onboard-tf/terraform-provider-onboard/internal/bcadmin"
	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
	"github.com/onboard-tf/terraform-provider-onboard/internal/session"
)

var (
	_ resource.Resource                = &bcEnvironmentAppResource{}
	_ resource.ResourceWithConfigure   = &bcEnvironmentAppResource{}
	_ resource.ResourceWithImportState = &bcEnvironmentAppResource{}
)

func newBCEnvironmentAppResource() resource.Resource { return &bcEnvironmentAppResource{} }

type bcEnvironmentAppResource struct {
	data *providerData
}

type bcEnvironmentAppModel struct {
	ID             types.String `tfsdk:"id"`
	TenantID       types.String `tfsdk:"tenant_id"`
	Environment    types.String `tfsdk:"environment"`
	ClientID       types.String `tfsdk:"client_id"`
	Description    types.String `tfsdk:"description"`
	PermissionSets types.Set    `tfsdk:"permission_sets"`
	State          types.String `tfsdk:"state"`
	UserName       types.String `tfsdk:"user_name"`

	appCredentialModel

	// cred is the app's credential for this call (app_credential.go);
	// never in state.
	cred     session.AppCredential `tfsdk:"-"`
	Timeouts timeouts.Value        `tfsdk:"timeouts"`
}

type permissionSetModel struct {
	RoleID  types.String `tfsdk:"role_id"`
	Company types.String `tfsdk:"company"`
}

var permissionSetType = types.ObjectType{AttrTypes: map[string]attr.Type{"role_id": types.StringType, "company": types.StringType}}

func (r *bcEnvironmentAppResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bc_environment_app"
}

func (r *bcEnvironmentAppResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The app inside one Business Central environment: the \"Microsoft Entra Applications\" card and its permission sets. " +
			"Microsoft has no API that creates the card, so a person creates it once in the Business Central client; until then plan shows this " +
			"resource to be created and apply fails with the exact steps. Once the card exists (and was enabled once), the provider assigns and removes " +
			"permission sets through the automation API and reports changed permission sets or state as drift. A card disabled in Business Central also shuts " +
			"the app out: signing in as the app (`client_secret*` or `client_certificate*`), the refresh cannot see it, so plan shows the resource to be created and apply says to enable the card. The automation API shows the " +
			"app's user only by name, which is the card's description in upper case: `description` must be what was typed on the card.",
		Attributes: withAppCredential(map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				MarkdownDescription: "`<tenant id>/<environment>/<client id>`."},
			"tenant_id":   schema.StringAttribute{Required: true, PlanModifiers: replace, Validators: []validator.String{guidValidator()}, MarkdownDescription: "The tenant."},
			"environment": schema.StringAttribute{Required: true, PlanModifiers: replace, MarkdownDescription: "The environment name, e.g. `Production`."},
			"client_id":   schema.StringAttribute{Required: true, PlanModifiers: replace, Validators: []validator.String{guidValidator()}, MarkdownDescription: "The app's client ID."},
			"description": schema.StringAttribute{Required: true, PlanModifiers: replace, Validators: []validator.String{stringvalidator.LengthBetween(1, 50), notBlank("Mosaic Business Central")},
				MarkdownDescription: "The card's Description, e.g. `Mosaic Business Central` (50 characters at most)."},
			"permission_sets": schema.SetNestedAttribute{Required: true,
				MarkdownDescription: "Permission sets of the app's user, e.g. `D365 AUTOMATION`, `LOCAL`, `LOGIN`. `SUPER` cannot be given to an app.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"role_id": schema.StringAttribute{Required: true, MarkdownDescription: "The permission set's ID.",
						Validators: []validator.String{stringvalidator.NoneOfCaseInsensitive("SUPER")}},
					"company": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(""),
						MarkdownDescription: "Limit the set to one company; empty for all companies."},
				}}},
			"state": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString("Enabled"),
				Validators:          []validator.String{stringvalidator.OneOf("Enabled", "Disabled")},
				MarkdownDescription: "The app user's state: `Enabled` (default) or `Disabled`."},
			"user_name": schema.StringAttribute{Computed: true, MarkdownDescription: "The app's user in Business Central."},
		}, "to use the automation API as the app itself (it needs Automation.ReadWrite.All and the D365 AUTOMATION permission set). "+
			"Without one the provider's `partner` credential is used."),
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx, true, "")},
	}
}

func (r *bcEnvironmentAppResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configureData(req.ProviderData, &resp.Diagnostics)
}

func (r *bcEnvironmentAppResource) client(m bcEnvironmentAppModel) (*bcadmin.Client, error) {
	switch {
	case m.cred.Set():
		return r.data.Session.BC(bcCredentials(m.cred, false), session.Standard)
	case r.data.HasPartner:
		return r.data.Session.BC(session.BCCredentials{Partner: true}, session.Standard)
	default:
		return nil, errors.New("set the app's own credential (client_secret_wo or client_certificate_wo; client_secret or client_certificate before Terraform 1.11) " +
			"or the provider's partner block: the automation API needs one of them")
	}
}

// call describes a request about m's app for the diagnostics table: made
// with the app's own credential when set, else with the partner's credential.
func (r *bcEnvironmentAppResource) call(doing string, m bcEnvironmentAppModel) call {
	tenant, client := strings.ToLower(m.TenantID.ValueString()), strings.ToLower(m.ClientID.ValueString())
	c := call{doing: doing + " in Business Central environment " + m.Environment.ValueString() + " of tenant " + tenant, cred: session.Partner, tenant: tenant, client: client}
	if m.cred.Set() {
		c.cred = session.App
	}
	return c
}

func (r *bcEnvironmentAppResource) apply(ctx context.Context, m *bcEnvironmentAppModel, diags *diag.Diagnostics) {
	c, err := r.client(*m)
	if err != nil {
		diags.AddAttributeError(path.Root("client_secret"), "No credential for the Business Central automation API", err.Error())
		return
	}
	tenant, env := strings.ToLower(m.TenantID.ValueString()), m.Environment.ValueString()
	app, err := c.ReadEnvironmentApp(ctx, tenant, env, m.ClientID.ValueString(), m.Description.ValueString())
	if cardMissing(err, *m) {
		diags.AddError(onboarding.CardMissingError(m.TenantID.ValueString(), env, m.ClientID.ValueString(), m.Description.ValueString(), err.Error()))
		return
	}
	if err != nil {
		addError(diags, r.call("reading the app", *m), err)
		return
	}
	var models []permissionSetModel
	diags.Append(m.PermissionSets.ElementsAs(ctx, &models, false)...)
	want := make([]onboarding.PermissionSet, len(models))
	for i, p := range models {
		want[i] = onboarding.PermissionSet{RoleID: p.RoleID.ValueString(), Company: p.Company.ValueString()}
	}
	have := make([]onboarding.PermissionSet, len(app.Permissions))
	for i, p := range app.Permissions {
		have[i] = onboarding.PermissionSet{RoleID: p.RoleID, Company: p.Company}
	}
	remove, add := onboarding.PermissionSetChanges(want, have)
	for _, i := range remove {
		p := app.Permissions[i]
		if err := c.RemoveUserPermission(ctx, tenant, env, app.User.CompanyID, app.User.UserSecurityID, p.ID, p.ETag); err != nil {
			addError(diags, r.call("removing permission set "+p.RoleID+" from the app", *m), err)
			return
		}
	}
	var sets []bcadmin.PermissionSet
	for _, p := range add {
		if sets == nil {
			if sets, err = c.ListPermissionSets(ctx, tenant, env, app.User.CompanyID); err != nil {
				addError(diags, r.call("listing the permission sets", *m), err)
				return
			}
		}
		if !permissionSetExists(sets, p.RoleID) {
			var names []string
			for _, s := range sets {
				names = append(names, s.ID)
			}
			sort.Strings(names)
			diags.AddAttributeError(path.Root("permission_sets"), "Unknown permission set",
				fmt.Sprintf("Environment %s has no permission set %q; it has: %s.", env, p.RoleID, strings.Join(names, ", ")))
			return
		}
		if _, err := c.AddUserPermission(ctx, tenant, env, app.User.CompanyID, app.User.UserSecurityID, p.RoleID, p.Company); err != nil && !errors.Is(err, bcadmin.ErrAlreadyExists) {
			addError(diags, r.call("assigning permission set "+p.RoleID+" to the app", *m), err)
			return
		}
	}
	if app.User.State != m.State.ValueString() {
		if _, err := c.SetUserState(ctx, tenant, env, app.User.CompanyID, app.User.UserSecurityID, m.State.ValueString(), app.User.ETag); err != nil {
			addError(diags, r.call("setting the app's state to "+m.State.ValueString(), *m), err)
			return
		}
	}
	m.ID = types.StringValue(tenant + "/" + env + "/" + strings.ToLower(m.ClientID.ValueString()))
	m.UserName = types.StringValue(app.User.UserName)
}

// cardMissing: no app user, or (app-only) Business Central's 401 for an app
// without an enabled "Microsoft Entra Applications" card.
func cardMissing(err error, m bcEnvironmentAppModel) bool {
	return onboarding.CardMissing(bcOutcome(err), m.cred.Set())
}

func permissionSetExists(sets []bcadmin.PermissionSet, role string) bool {
	for _, s := range sets {
		if strings.EqualFold(s.ID, role) {
			return true
		}
	}
	return false
}

func (r *bcEnvironmentAppResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx, cancel := withTimeout(ctx, req.Plan, "create", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	r.save(ctx, req.Plan, req.Config, &resp.State, resp.Private, &resp.Diagnostics)
}

// save reconciles Business Central with the plan (create and update alike).
func (r *bcEnvironmentAppResource) save(ctx context.Context, planned tfsdk.Plan, config tfsdk.Config, state *tfsdk.State, private privateData, diags *diag.Diagnostics) {
	if r.data == nil {
		notConfigured(diags)
		return
	}
	var plan bcEnvironmentAppModel
	diags.Append(planned.Get(ctx, &plan)...)
	if diags.HasError() {
		return
	}
	cred, d := r.data.planCredential(ctx, plan.ClientID.ValueString(), plan.appCredentialModel, config, private)
	diags.Append(d...)
	plan.cred = cred
	r.apply(ctx, &plan, diags)
	if diags.HasError() {
		return
	}
	diags.Append(state.Set(ctx, &plan)...)
}

func (r *bcEnvironmentAppResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx, cancel := withTimeout(ctx, req.State, "read", defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var state bcEnvironmentAppModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	state.cred = r.data.refreshCredential(ctx, state.ClientID.ValueString(), state.appCredentialModel, req.Private)
	c, err := r.client(state)
	if err != nil {
		// Right after import the secret is not known yet: keep what is there.
		resp.Diagnostics.AddWarning("Business Central app not read", err.Error())
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	app, err := c.ReadEnvironmentApp(ctx, strings.ToLower(state.TenantID.ValueString()), state.Environment.ValueString(), state.ClientID.ValueString(), state.Description.ValueString())
	if cardMissing(err, state) {
		resp.State.RemoveResource(ctx) // the card (or its user) is gone: plan shows it missing
		return
	}
	if err != nil && !state.cred.Set() && refused(err) {
		// No app credential in state (right after an import, or one given
		// write-only that nothing holds in this run) and the partner is
		// refused (e.g. no GDAP relationship with the home tenant): keep
		// what is there, as a customer tenant's refresh does; the next
		// apply reads with the configuration's credential.
		resp.Diagnostics.AddWarning("Business Central app not read",
			"The partner credential was refused: "+strings.TrimSuffix(explain(r.call("reading the app", state), err).Cause, ".")+
				". The app's own credential (client_secret_wo or client_certificate_wo) is not known to this refresh, e.g. right after an import; the next apply reads the app with it.")
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		return
	}
	if err != nil {
		addError(&resp.Diagnostics, r.call("reading the app", state), err)
		return
	}
	var sets []permissionSetModel
	for _, p := range app.Permissions {
		sets = append(sets, permissionSetModel{RoleID: types.StringValue(p.RoleID), Company: types.StringValue(p.Company)})
	}
	v, d := types.SetValueFrom(ctx, permissionSetType, sets)
	resp.Diagnostics.Append(d...)
	state.PermissionSets = v
	state.State = types.StringValue(app.User.State)
	state.UserName = types.StringValue(app.User.UserName)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *bcEnvironmentAppResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	ctx, cancel := withTimeout(ctx, req.Plan, "update", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	r.save(ctx, req.Plan, req.Config, &resp.State, resp.Private, &resp.Diagnostics)
}

// Delete removes the permission sets the resource gave; the card itself can
// only be removed by a person in the Business Central client.
func (r *bcEnvironmentAppResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx, cancel := withTimeout(ctx, req.State, "delete", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var state bcEnvironmentAppModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	state.PermissionSets = types.SetValueMust(permissionSetType, nil)
	state.cred = r.data.refreshCredential(ctx, state.ClientID.ValueString(), state.appCredentialModel, req.Private)
	var tmp diag.Diagnostics
	r.apply(ctx, &state, &tmp)
	if tmp.HasError() {
		why := ""
		for _, d := range tmp.Errors() {
			why += "\n\n" + d.Summary() + ": " + d.Detail()
		}
		resp.Diagnostics.AddWarning("Permission sets not removed", "Removing the app's permission sets failed; remove them in Business Central."+why)
	}
	resp.Diagnostics.AddWarning("Microsoft Entra Applications card left in place",
		"Business Central has no API to delete the card of app "+state.ClientID.ValueString()+" in environment "+state.Environment.ValueString()+"; its permission sets were removed. Delete the card in the Business Central client if it is no longer needed.")
}

// ImportState takes "<tenant id>/<environment>/<client id>/<description>":
// the description is how Business Central names the app's user.
func (r *bcEnvironmentAppResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	parts := strings.SplitN(req.ID, "/", 4)
	if len(parts) != 4 || !onboarding.IsGUID(parts[0]) || !onboarding.IsGUID(parts[2]) || parts[1] == "" || parts[3] == "" {
		resp.Diagnostics.AddError("Invalid import ID",
			"Import onboard_bc_environment_app as \"<tenant id>/<environment>/<client id>/<card description>\", got \""+req.ID+"\".")
		return
	}
	tenant, env, client := strings.ToLower(parts[0]), parts[1], strings.ToLower(parts[2])
	resp.Diagnostics.Append(setAll(ctx, &resp.State, map[string]any{"id": tenant + "/" + env + "/" + client, "tenant_id": tenant, "environment": env, "client_id": client, "description": parts[3]})...)
}
