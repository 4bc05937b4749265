package provider

import (
	"context"
	"errors"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onboard-tf/terraform-provider-onboard/internal/auth"
	"github.com/onboard-tf/terraform-provider-onboard/internal/bcadmin"
	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
	"github.com/onboard-tf/terraform-provider-onboard/internal/session"
)

var (
	_ resource.Resource                = &bcAuthorizedAppResource{}
	_ resource.ResourceWithIdentity    = &bcAuthorizedAppResource{}
	_ resource.ResourceWithConfigure   = &bcAuthorizedAppResource{}
	_ resource.ResourceWithImportState = &bcAuthorizedAppResource{}
)

func newBCAuthorizedAppResource() resource.Resource { return &bcAuthorizedAppResource{} }

type bcAuthorizedAppResource struct {
	data *providerData
}

type bcAuthorizedAppModel struct {
	ID                  types.String   `tfsdk:"id"`
	TenantID            types.String   `tfsdk:"tenant_id"`
	ClientID            types.String   `tfsdk:"client_id"`
	AdminConsentGranted types.Bool     `tfsdk:"admin_consent_granted"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
	appCredentialModel
}

func (r *bcAuthorizedAppResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bc_authorized_app"
}

func (r *bcAuthorizedAppResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The app authorized in a tenant's Business Central admin center (\"Authorized Microsoft Entra apps\"), which the admin center " +
			"UI offers only one tenant at a time. Microsoft allows authorizing only with a signed-in Dynamics 365 Administrator or Business Central " +
			"Administrator (directly or through GDAP): the provider uses its `partner` credential. Every refresh reads the authorization, so removal in the " +
			"admin center shows as drift. With the app's own credential (a `client_secret*` or `client_certificate*` attribute), one app-only `manageableTenants` call per app and run answers for every tenant " +
			"(the fast path for many customers); otherwise, or for a tenant it does not list, the partner credential reads the tenant's authorized apps.",
		Attributes: withAppCredential(map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				MarkdownDescription: "`<tenant id>/<client id>`."},
			"tenant_id": schema.StringAttribute{Required: true, PlanModifiers: replace, Validators: []validator.String{guidValidator()},
				MarkdownDescription: "The customer tenant (e.g. `onboard_customer_tenant.<name>.tenant_id`)."},
			"client_id": schema.StringAttribute{Required: true, PlanModifiers: replace, Validators: []validator.String{guidValidator()},
				MarkdownDescription: "Client ID of the app to authorize."},
			"admin_consent_granted": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether Business Central reports admin consent for the app (its `AdminCenter.ReadWrite.All`) in the tenant, as last read " +
					"through the partner credential (`manageableTenants` does not report consent); granting it is `onboard_customer_tenant`'s job."},
		}, "to read the authorization app-only through `manageableTenants`: one request per run for all tenants instead of one per tenant, "+
			"and a way to read it without a partner credential."),
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx, false, "")},
	}
}

func (r *bcAuthorizedAppResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = tenantAppIdentity.schema()
}

func (r *bcAuthorizedAppResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configureData(req.ProviderData, &resp.Diagnostics)
}

// bc is a Business Central client with the partner's delegated
// credential and, when set, the app's own (secret or certificate).
func (r *bcAuthorizedAppResource) bc(cred session.AppCredential) (*bcadmin.Client, error) {
	return r.data.Session.BC(bcCredentials(cred, true), session.Standard)
}

type manageableRead struct {
	done    chan struct{}
	tenants []string
	err     error
}

// manageableTenants lists the tenants where app clientID is authorized in
// Business Central, asking once per run (through tenant, where the app's
// token is usually cached already). A failed call is not remembered: it may
// be that tenant's consent, not the app's authorization elsewhere.
func (d *providerData) manageableTenants(ctx context.Context, c *bcadmin.Client, clientID, tenant string) ([]string, error) {
	key := strings.ToLower(clientID)
	fresh := &manageableRead{done: make(chan struct{})}
	v, loaded := d.manageable.LoadOrStore(key, fresh)
	r, _ := v.(*manageableRead)
	if loaded {
		select {
		case <-r.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if r.err == nil {
			return r.tenants, nil
		}
		return c.ListManageableTenants(ctx, tenant)
	}
	r.tenants, r.err = c.ListManageableTenants(ctx, tenant)
	close(r.done)
	if r.err != nil {
		d.manageable.CompareAndDelete(key, r)
	}
	return r.tenants, r.err
}

func (r *bcAuthorizedAppResource) needsAdmin(diags *diag.Diagnostics, m bcAuthorizedAppModel, err error) {
	e := bcAuthorizationNeedsAdmin(r.call("authorizing the app", session.Partner, m), r.data.HasPartner, err)
	diags.AddAttributeError(path.Root("tenant_id"), e.Title, e.detail())
}

// call describes a request about m's app and tenant for the diagnostics
// table.
func (r *bcAuthorizedAppResource) call(doing string, cred session.Credential, m bcAuthorizedAppModel) call {
	tenant, client := strings.ToLower(m.TenantID.ValueString()), strings.ToLower(m.ClientID.ValueString())
	return call{doing: doing + " of app " + client + " in the Business Central admin center of tenant " + tenant, cred: cred, tenant: tenant, client: client}
}

func (r *bcAuthorizedAppResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx, cancel := withTimeout(ctx, req.Plan, "create", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var plan bcAuthorizedAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !r.data.HasPartner {
		r.needsAdmin(&resp.Diagnostics, plan, nil)
		return
	}
	cred, diags := r.data.planCredential(ctx, plan.ClientID.ValueString(), plan.appCredentialModel, req.Config, resp.Private)
	resp.Diagnostics.Append(diags...)
	c, err := r.bc(cred)
	if err != nil {
		addError(&resp.Diagnostics, r.call("preparing the authorization", session.App, plan), err)
		return
	}
	a, err := c.AuthorizeApp(ctx, strings.ToLower(plan.TenantID.ValueString()), strings.ToLower(plan.ClientID.ValueString()))
	if errors.Is(err, bcadmin.ErrDelegatedAdminRequired) || isTokenError(err) {
		r.needsAdmin(&resp.Diagnostics, plan, err)
		return
	}
	if err != nil {
		addError(&resp.Diagnostics, r.call("the authorization", session.Partner, plan), err)
		return
	}
	plan.ID = types.StringValue(strings.ToLower(plan.TenantID.ValueString() + "/" + plan.ClientID.ValueString()))
	plan.AdminConsentGranted = types.BoolValue(a.IsAdminConsentGranted)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(tenantAppIdentity.fromState(ctx, resp.State, resp.Identity)...)
}

func isTokenError(err error) bool {
	_, ok := auth.AsTokenError(err)
	return ok
}

// bcOutcome reduces a Business Central client error to what the onboarding
// decisions tell apart.
func bcOutcome(err error) onboarding.Outcome {
	switch {
	case err == nil:
		return onboarding.OutcomeOK
	case errors.Is(err, bcadmin.ErrNotFound):
		return onboarding.OutcomeNotFound
	case errors.Is(err, bcadmin.ErrUnauthorized):
		return onboarding.OutcomeUnauthorized
	}
	return onboarding.OutcomeFailed
}

func (r *bcAuthorizedAppResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	ctx, cancel := withTimeout(ctx, req.State, "read", defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	// The identity never changes, so the prior state's is the answer; set
	// first, as a Read that removes the resource still owes Terraform
	// (before 1.12, which keeps no identity) the identity it had.
	resp.Diagnostics.Append(tenantAppIdentity.fromState(ctx, req.State, resp.Identity)...)
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var state bcAuthorizedAppModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	tenant, client := strings.ToLower(state.TenantID.ValueString()), strings.ToLower(state.ClientID.ValueString())
	cred := r.data.refreshCredential(ctx, client, state.appCredentialModel, req.Private)
	c, err := r.bc(cred)
	if err != nil {
		addError(&resp.Diagnostics, r.call("preparing to read the authorization", session.App, state), err)
		return
	}
	listed := false
	if cred.Set() {
		// One manageableTenants call per app and run answers for every
		// tenant; only a tenant it does not list is read one by one.
		var tenants []string
		tenants, err = r.data.manageableTenants(ctx, c, client, tenant)
		listed = err == nil && containsFold(tenants, tenant)
	}
	used := session.App
	decision := onboarding.ReadBCAuthorization(cred.Set(), bcOutcome(err), listed, r.data.HasPartner)
	if decision == onboarding.AuthorizationAskPartner {
		var a bcadmin.AuthorizedApp
		used = session.Partner
		a, err = c.GetAuthorizedApp(ctx, tenant, client)
		if decision = onboarding.BCAuthorizationFromAdminCenter(bcOutcome(err)); decision == onboarding.AuthorizationKept {
			state.AdminConsentGranted = types.BoolValue(a.IsAdminConsentGranted)
		}
	}
	switch decision {
	case onboarding.AuthorizationGone:
		resp.State.RemoveResource(ctx) // removed in the admin center: plan authorizes again
		return
	case onboarding.AuthorizationFailed:
		addError(&resp.Diagnostics, r.call("reading the authorization", used, state), err)
		return
	case onboarding.AuthorizationUnchecked:
		resp.Diagnostics.AddWarning("Business Central authorization not checked",
			"Without a partner credential or the app's own credential (client_secret, client_certificate or their write-only forms) the provider cannot read whether app "+client+" is still authorized in tenant "+tenant+".")
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *bcAuthorizedAppResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state bcAuthorizedAppModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if r.data != nil {
		_, diags := r.data.planCredential(ctx, plan.ClientID.ValueString(), plan.appCredentialModel, req.Config, resp.Private)
		resp.Diagnostics.Append(diags...)
	}
	plan.ID, plan.AdminConsentGranted = state.ID, state.AdminConsentGranted
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(tenantAppIdentity.fromState(ctx, resp.State, resp.Identity)...)
}

func (r *bcAuthorizedAppResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx, cancel := withTimeout(ctx, req.State, "delete", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var state bcAuthorizedAppModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !r.data.HasPartner {
		resp.Diagnostics.AddWarning("Business Central authorization left in place",
			"Without a partner credential the provider cannot remove app "+state.ClientID.ValueString()+" from the admin center of tenant "+state.TenantID.ValueString()+"; an administrator there can.")
		return
	}
	c, err := r.bc(session.AppCredential{}) // the partner's alone removes an authorization
	if err == nil {
		err = c.RemoveAuthorizedApp(ctx, strings.ToLower(state.TenantID.ValueString()), strings.ToLower(state.ClientID.ValueString()))
	}
	if err != nil {
		addError(&resp.Diagnostics, r.call("removing the authorization", session.Partner, state), err)
	}
}

// ImportState takes "<tenant id>/<client id>".
func (r *bcAuthorizedAppResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := tenantAppIdentity.importID(ctx, req)
	resp.Diagnostics.Append(diags...)
	req.ID = id
	tenant, client, ok := strings.Cut(req.ID, "/")
	if !ok || !onboarding.IsGUID(tenant) || !onboarding.IsGUID(client) {
		resp.Diagnostics.AddError("Invalid import ID", "Import onboard_bc_authorized_app as \"<tenant id>/<client id>\", got \""+req.ID+"\".")
		return
	}
	resp.Diagnostics.Append(setAll(ctx, &resp.State, map[string]any{"id": strings.ToLower(req.ID), "tenant_id": strings.ToLower(tenant), "client_id": strings.ToLower(client)})...)
}
