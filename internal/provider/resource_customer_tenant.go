package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onboard-tf/terraform-provider-onboard/internal/auth"
	"github.com/onboard-tf/terraform-provider-onboard/internal/graph"
	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
	"github.com/onboard-tf/terraform-provider-onboard/internal/session"
)

var (
	_ resource.Resource                = &customerTenantResource{}
	_ resource.ResourceWithIdentity    = &customerTenantResource{}
	_ resource.ResourceWithConfigure   = &customerTenantResource{}
	_ resource.ResourceWithModifyPlan  = &customerTenantResource{}
	_ resource.ResourceWithImportState = &customerTenantResource{}
)

func newCustomerTenantResource() resource.Resource { return &customerTenantResource{} }

type customerTenantResource struct {
	data *providerData
}

type customerTenantModel struct {
	ID                  types.String `tfsdk:"id"`
	ClientID            types.String `tfsdk:"client_id"`
	Tenant              types.String `tfsdk:"tenant"`
	TenantID            types.String `tfsdk:"tenant_id"`
	CompanyName         types.String `tfsdk:"company_name"`
	AdminEmail          types.String `tfsdk:"admin_email"`
	Categories          types.Set    `tfsdk:"categories"`
	RedirectURI         types.String `tfsdk:"redirect_uri"`
	WaitForConsent      types.String `tfsdk:"wait_for_consent"`
	RevokeOnDestroy     types.Bool   `tfsdk:"revoke_on_destroy"`
	ConsentState        types.String `tfsdk:"consent_state"`
	GrantedPermissions  types.Set    `tfsdk:"granted_permissions"`
	MissingPermissions  types.Set    `tfsdk:"missing_permissions"`
	ConsentURL          types.String `tfsdk:"consent_url"`
	ServicePrincipalID  types.String `tfsdk:"service_principal_id"`
	TenantDisplayName   types.String `tfsdk:"tenant_display_name"`
	TenantDefaultDomain types.String `tfsdk:"tenant_default_domain"`
	appCredentialModel

	// cred is the app's credential for this call (app_credential.go);
	// never in state.
	cred session.AppCredential `tfsdk:"-"`
	// writeOnly says the resource was applied with a write-only
	// credential; unverified, that a refresh had none to read with and
	// kept the consent as last read (ModifyPlan reads it with the
	// configuration's write-only credential).
	writeOnly, unverified bool
	Timeouts              timeouts.Value `tfsdk:"timeouts"`
}

// unverifiedKey marks, in private state, a refresh that could not read
// consent: a certificate handed only write-only (its key in the user's own
// store) is seen by plan, never by refresh.
const unverifiedKey = "consent_unverified"

func (r *customerTenantResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_customer_tenant"
}

func (r *customerTenantResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "\"This app is onboarded into tenant X\": the app's service principal is there and admin consent covers every permission the app requires " +
			"(its `onboard_api_permission` resources). Every refresh reads the consent in the tenant itself; while it is incomplete (never given, partial, revoked, " +
			"or a permission was added to the app since) the resource has a pending change, so `terraform plan -detailed-exitcode` exits 2 and a warning carries the " +
			"admin consent URL. Apply grants consent itself where the provider may (the provider's home tenant, through its automation identity); " +
			"elsewhere it finishes with a warning that says who must open the consent URL. Give it `depends_on` on the app's `onboard_api_permission` resources, " +
			"so consent is read and granted after the permissions are written.",
		Attributes: withAppCredential(map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: keep, MarkdownDescription: "`<tenant id>/<client id>`."},
			"client_id": schema.StringAttribute{Required: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				MarkdownDescription: "Client ID of the app to onboard (`onboard_entra_app.<name>.client_id`); it must be registered in the provider's home tenant.",
				Validators:          []validator.String{guidValidator()}},
			"tenant": schema.StringAttribute{Required: true,
				MarkdownDescription: "The customer tenant: its ID (GUID) or a verified domain such as `contoso.onmicrosoft.com` or `contoso.com`. Domains are resolved at plan. Naming another tenant replaces the resource; the same tenant by its ID or another of its domains (e.g. a domain after an import, which records the ID) is an in-place update.",
				Validators:          []validator.String{tenantRefValidator()}},
			"tenant_id":    schema.StringAttribute{Computed: true, PlanModifiers: keep, MarkdownDescription: "The tenant's ID."},
			"company_name": schema.StringAttribute{Optional: true, MarkdownDescription: "Label: the customer's company name (CSV column `companyname`)."},
			"admin_email":  schema.StringAttribute{Optional: true, MarkdownDescription: "Label: the customer admin's e-mail, whom to send the consent URL to (CSV column `AdminEmail`)."},
			"categories": schema.SetAttribute{ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Labels: the customer's categories (CSV column `CategoryName`, split on `;`)."},
			"redirect_uri": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Where Microsoft sends the administrator after consent; one of the app's web redirect URIs (refresh warns when it is not, as Microsoft would answer AADSTS50011). Without it the alphabetically first of them is used (they are a set).",
				Validators:          []validator.String{redirectURIValidator(false)}},
			"wait_for_consent": schema.StringAttribute{Optional: true,
				MarkdownDescription: "How long apply waits for consent to appear (e.g. `15m`) before finishing with the pending warning; at most `2h`. Default: don't wait.",
				Validators:          []validator.String{durationValidator("must be a duration such as \"15m\" or \"1h\""), durationBetween(0, 2*time.Hour, "15m")}},
			"revoke_on_destroy": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "On destroy, remove the app's service principal (and so its consent) from the tenant. Only possible where the provider may write (its home tenant). Default `false`: destroy forgets the tenant."},
			"consent_state": schema.StringAttribute{Computed: true,
				MarkdownDescription: "`granted`, `partial` or `missing`, as read from the tenant; `pending` right after an apply that could not grant consent itself; `unknown` when the last refresh could not read it (a wrong or expired `client_secret`, a deleted tenant: a warning says which, and the next apply reads again) or after an import until an apply sets `client_secret`."},
			"granted_permissions": schema.SetAttribute{ElementType: types.StringType, Computed: true,
				MarkdownDescription: "Required permissions consented in the tenant, as `<API>/<permission>`."},
			"missing_permissions": schema.SetAttribute{ElementType: types.StringType, Computed: true,
				MarkdownDescription: "Required permissions not consented in the tenant, as `<API>/<permission>`."},
			"consent_url": schema.StringAttribute{Computed: true,
				MarkdownDescription: "The admin consent URL for a Global Administrator or Cloud Application Administrator of the tenant (Dynamics 365 Administrator is not enough; granting Microsoft Graph application permissions needs Global or Privileged Role Administrator)."},
			"service_principal_id":  schema.StringAttribute{Computed: true, MarkdownDescription: "The app's service principal in the tenant, empty while the app is not there or cannot be seen."},
			"tenant_display_name":   schema.StringAttribute{Computed: true, PlanModifiers: keep, MarkdownDescription: "The tenant's name."},
			"tenant_default_domain": schema.StringAttribute{Computed: true, PlanModifiers: keep, MarkdownDescription: "The tenant's default domain."},
		}, "with which the provider signs in as the app in the customer tenant to read which permissions are consented there (the `roles` of an app-only token). "+
			"One of them is required for tenants other than the provider's home tenant unless the provider has a `partner` credential."),
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx, true, " plus `wait_for_consent`")},
	}
}

func (r *customerTenantResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = tenantAppIdentity.schema()
}

func (r *customerTenantResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configureData(req.ProviderData, &resp.Diagnostics)
}

// otherTenant reports whether ref names another tenant than tenantID: an
// import records the tenant's ID, and a configuration naming the same
// tenant by a domain must adopt it, not revoke consent and grant it again.
// A domain that cannot be resolved fails the plan (resolveTenant says why)
// rather than proposing a replacement.
func (r *customerTenantResource) otherTenant(ctx context.Context, ref, tenantID string, diags *diag.Diagnostics) bool {
	if onboarding.IsGUID(ref) || tenantID == "" {
		return !strings.EqualFold(ref, tenantID)
	}
	resolved := r.resolveTenant(ctx, ref, diags)
	return resolved != "" && !strings.EqualFold(resolved, tenantID)
}

// resolveTenant turns a GUID or domain into the tenant's ID.
func (r *customerTenantResource) resolveTenant(ctx context.Context, ref string, diags *diag.Diagnostics) string {
	ref, isID, ok := normalizeTenant(ref)
	if isID {
		return ref
	}
	if !ok {
		diags.AddAttributeError(path.Root("tenant"), "Invalid tenant", "\""+ref+"\" is neither a tenant ID (GUID) nor a domain such as contoso.onmicrosoft.com.")
		return ""
	}
	info, err := r.data.Graph.FindTenantByDomain(ctx, ref)
	if graph.IsNotFound(err) {
		diags.AddAttributeError(path.Root("tenant"), "Tenant not found",
			"No Microsoft Entra tenant has the verified domain \""+ref+"\". Check the spelling, or use the tenant ID.")
		return ""
	}
	if err != nil {
		apiError(diags, "looking up the tenant of domain "+ref+" (the automation identity needs CrossTenantInformation.ReadBasic.All)", err)
		return ""
	}
	return strings.ToLower(info.TenantID)
}

func (r *customerTenantResource) consentURL(m customerTenantModel, redirectURI string, required []requiredPermission) string {
	resources := onboarding.ConsentResources(required, r.data.resourceURI)
	return onboarding.AdminConsentURL(r.data.Cloud.LoginEndpoint, m.TenantID.ValueString(), m.ClientID.ValueString(), redirectURI, resources...)
}

// observe fills the computed consent attributes from the tenant.
func (r *customerTenantResource) observe(ctx context.Context, m *customerTenantModel, diags *diag.Diagnostics) {
	r.observeFor(ctx, m, false, diags)
}

// observeFor is observe; refreshing says a missing client_secret is not an
// error yet (an import has none until the next apply sets it).
func (r *customerTenantResource) observeFor(ctx context.Context, m *customerTenantModel, refreshing bool, diags *diag.Diagnostics) {
	required, err := r.data.requiredPermissions(ctx, m.ClientID.ValueString())
	if graph.IsNotFound(err) && refreshing {
		// The app was deleted outside Terraform: the refresh keeps this
		// tenant as it was and says so, and plan goes on to propose the
		// app's restore or replacement instead of failing (-target too).
		summary, detail := onboarding.CustomerAppMissing(tenantLabel(*m), m.ClientID.ValueString(), r.data.TenantID)
		diags.AddAttributeWarning(path.Root("client_id"), summary, detail)
		return
	}
	if graph.IsNotFound(err) {
		diags.AddAttributeError(path.Root("client_id"), "App not registered in the home tenant",
			"No app with client ID "+m.ClientID.ValueString()+" is registered in tenant "+r.data.TenantID+"; onboard_customer_tenant onboards the provider's own apps.")
		return
	}
	if err != nil {
		apiError(diags, "reading the permissions app "+m.ClientID.ValueString()+" requires", err)
		return
	}
	app, appErr := r.data.Graph.CachedApplicationByAppID(ctx, m.ClientID.ValueString())
	redirect, unregistered := onboarding.ConsentRedirect(m.RedirectURI.ValueString(), !m.RedirectURI.IsNull(), app.WebRedirectURIs, appErr == nil)
	m.ConsentURL = types.StringValue(r.consentURL(*m, redirect, required))
	if unregistered {
		// Microsoft reports a redirect URI the app does not have
		// (AADSTS50011) only in the administrator's browser, after sign-in.
		summary, detail := onboarding.RedirectNotRegistered(redirect, m.ClientID.ValueString(), app.WebRedirectURIs)
		diags.AddAttributeWarning(path.Root("redirect_uri"), summary, detail)
	}
	tenantID := m.TenantID.ValueString()
	var o consentObservation
	spID := ""
	cred := m.cred
	c := call{doing: "reading the consent of app " + m.ClientID.ValueString() + " in tenant " + tenantID, tenant: tenantID, client: m.ClientID.ValueString()}
	fallback := ""
	source := onboarding.ChooseConsentSource(cred.Set(), strings.EqualFold(tenantID, r.data.TenantID), r.data.HasPartner, refreshing)
	switch source {
	case onboarding.ReadAsApp:
		c.cred = session.App
		o, err = r.data.observeWithAppToken(ctx, tenantID, cred, required)
	case onboarding.ReadAsAutomation:
		c.cred = session.Automation
		o, spID, err = observeWithGraph(ctx, r.data.Graph, m.ClientID.ValueString(), required)
	case onboarding.ReadAsPartner:
		// The partner admin reads the tenant's enterprise apps through GDAP.
		c.cred = session.Partner
		var g *graph.Client
		if g, err = r.data.Session.PartnerGraph(tenantID); err == nil {
			o, spID, err = observeWithGraph(ctx, g, m.ClientID.ValueString(), required)
		}
		if refused(err) {
			// client_secret is what is missing; the partner's refusal
			// (no GDAP relationship, say) is only why the fallback failed.
			fallback, err = " "+fallbackRefused(c, err), nil
			source = onboarding.ChooseConsentSource(false, false, false, refreshing)
		}
	}
	switch source {
	case onboarding.ReadLater:
		if refreshing && m.writeOnly {
			// Nothing held for a write-only credential: keep what the last
			// read found instead of "unknown", which would show a change at
			// every plan; ModifyPlan reads with the configuration's
			// credential and shows any drift.
			m.unverified = true
			return
		}
		summary, detail := onboarding.ConsentNotReadYet(tenantLabel(*m), tenantID, m.ClientID.ValueString())
		diags.AddWarning(summary, detail+fallback)
		markUnknown(m)
		return
	case onboarding.ReadImpossible:
		summary, detail := onboarding.ConsentNeedsSecret(tenantID, m.ClientID.ValueString())
		diags.AddAttributeError(path.Root("client_secret"), summary, detail+fallback)
		return
	}
	if te, ok := auth.AsTokenError(err); ok && onboarding.OnReadError(te.Code, te.Err, refreshing) == onboarding.MarkUnknown {
		// A refresh that fails stops the whole plan; this tenant's problem
		// belongs to this resource only, so plan carries on and the next
		// apply tries again (and fails just this resource if it must).
		e := explain(c, err)
		diags.AddWarning("Consent could not be read",
			tenantLabel(*m)+": "+onboarding.Sentence(e.cause())+"\n\n"+e.Fix+"\n\nconsent_state is \"unknown\"; the next apply reads it again.")
		markUnknown(m)
		return
	}
	if err != nil {
		addError(diags, c, err)
		return
	}
	consent := o.consent()
	m.ConsentState = types.StringValue(string(consent.State))
	m.GrantedPermissions = stringSet(ctx, consent.Granted, diags)
	m.MissingPermissions = stringSet(ctx, consent.Missing, diags)
	if spID == "" {
		spID = o.SPID
	}
	m.ServicePrincipalID = types.StringValue(spID)
}

// checkListedOnce refuses a second resource for the same customer and app
// (a spreadsheet listing a customer by domain and again by tenant ID): both
// would read and write one consent, and destroying one would undo the other.
func (r *customerTenantResource) checkListedOnce(tenantID string, plan customerTenantModel, diags *diag.Diagnostics) {
	if other, dup := r.data.planCustomer(tenantID, plan.ClientID.ValueString(), plan.Tenant.ValueString()); dup {
		diags.AddAttributeError(path.Root("tenant"), "Customer tenant listed twice",
			fmt.Sprintf("%q and %q are the same tenant (%s), and both onboard app %s. Keep one onboard_customer_tenant per tenant and app: remove the duplicate row or resource.",
				other, plan.Tenant.ValueString(), tenantID, plan.ClientID.ValueString()))
	}
}

// markUnknown records that consent could not be read; ModifyPlan then plans
// an update, which reads it again.
func markUnknown(m *customerTenantModel) {
	m.ConsentState = types.StringValue(string(onboarding.ConsentUnknown))
	m.GrantedPermissions, m.MissingPermissions = types.SetValueMust(types.StringType, nil), types.SetValueMust(types.StringType, nil)
	if m.ServicePrincipalID.IsNull() || m.ServicePrincipalID.IsUnknown() {
		m.ServicePrincipalID = types.StringValue("")
	}
}

func (r *customerTenantResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan customerTenantModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.Tenant.IsUnknown() {
		if !req.State.Raw.IsNull() {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("tenant"))
		}
		return
	}
	// Held for what runs after this resource (the sync, at apply).
	cred, diags := r.data.planCredential(ctx, plan.ClientID.ValueString(), plan.appCredentialModel, req.Config, nil)
	resp.Diagnostics.Append(diags...)
	if req.State.Raw.IsNull() {
		if id := r.resolveTenant(ctx, plan.Tenant.ValueString(), &resp.Diagnostics); id != "" {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("tenant_id"), id)...)
			if !plan.ClientID.IsUnknown() {
				resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), id+"/"+plan.ClientID.ValueString())...)
				r.checkListedOnce(id, plan, &resp.Diagnostics)
			}
		}
		return
	}
	var state customerTenantModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.Tenant.ValueString() != state.Tenant.ValueString() && r.otherTenant(ctx, plan.Tenant.ValueString(), state.TenantID.ValueString(), &resp.Diagnostics) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("tenant"))
		for _, p := range []string{"id", "tenant_id"} {
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(p), types.StringUnknown())...)
		}
		return
	}
	if !plan.ClientID.IsUnknown() {
		r.checkListedOnce(state.TenantID.ValueString(), plan, &resp.Diagnostics)
	}
	if mark, _ := req.Private.GetKey(ctx, unverifiedKey); string(mark) == "true" && cred.Set() {
		// The refresh could not read consent; the configuration's
		// write-only credential can. What it finds counts as read.
		observed := state
		observed.cred = cred
		r.observeFor(ctx, &observed, true, &resp.Diagnostics)
		if !observed.unverified && !resp.Diagnostics.HasError() {
			state.ConsentState, state.GrantedPermissions, state.MissingPermissions = observed.ConsentState, observed.GrantedPermissions, observed.MissingPermissions
			state.ServicePrincipalID, state.ConsentURL = observed.ServicePrincipalID, observed.ConsentURL
		}
	}
	decision := onboarding.PlanConsent(onboarding.ConsentState(state.ConsentState.ValueString()))
	if !decision.Update {
		// Computed values stay as read; nothing pending.
		plan.ConsentState, plan.GrantedPermissions, plan.MissingPermissions = state.ConsentState, state.GrantedPermissions, state.MissingPermissions
		plan.ConsentURL, plan.ServicePrincipalID = state.ConsentURL, state.ServicePrincipalID
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
		return
	}
	if decision.Warn {
		missing := setStrings(ctx, state.MissingPermissions, &resp.Diagnostics)
		resp.Diagnostics.AddWarning(onboarding.ConsentPlanWarning(onboarding.ConsentState(state.ConsentState.ValueString()), tenantLabel(state),
			state.ClientID.ValueString(), missing, r.humanStep(state)))
	}
	for _, p := range []string{"consent_state", "consent_url", "service_principal_id"} {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(p), types.StringUnknown())...)
	}
	for _, p := range []string{"granted_permissions", "missing_permissions"} {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root(p), types.SetUnknown(types.StringType))...)
	}
}

func tenantLabel(m customerTenantModel) string {
	return onboarding.TenantLabel(m.TenantID.ValueString(), m.CompanyName.ValueString(), m.TenantDisplayName.ValueString())
}

// grantor says who can grant consent in the tenant.
func (r *customerTenantResource) grantor(m customerTenantModel) onboarding.Grantor {
	return onboarding.ChooseGrantor(strings.EqualFold(m.TenantID.ValueString(), r.data.TenantID), r.data.HasPartner)
}

// humanStep says what a person must do when the provider cannot consent.
func (r *customerTenantResource) humanStep(m customerTenantModel) string {
	return onboarding.ConsentStep(r.grantor(m), m.ConsentURL.ValueString(), m.AdminEmail.ValueString())
}

func (r *customerTenantResource) apply(ctx context.Context, m *customerTenantModel, diags *diag.Diagnostics) {
	r.observe(ctx, m, diags)
	if diags.HasError() || m.ConsentState.ValueString() == string(onboarding.ConsentGranted) {
		return
	}
	grantor := r.grantor(*m)
	if grantor == onboarding.GrantByAutomation {
		required, err := r.data.requiredPermissions(ctx, m.ClientID.ValueString())
		if err != nil {
			apiError(diags, "reading the permissions the app requires", err)
			return
		}
		if err := grantWithGraph(ctx, r.data.Graph, m.ClientID.ValueString(), required); err != nil {
			apiError(diags, "granting admin consent in the home tenant", err)
			return
		}
		r.observe(ctx, m, diags)
		return
	}
	partnerReason := ""
	if grantor == onboarding.GrantByPartner {
		if partnerReason = r.grantAsPartner(ctx, m, diags); diags.HasError() || m.ConsentState.ValueString() == string(onboarding.ConsentGranted) {
			return
		}
	}
	if !m.WaitForConsent.IsNull() {
		d, _ := onboarding.ParseDuration(m.WaitForConsent.ValueString())
		interval := envDuration("ONBOARD_CONSENT_POLL_INTERVAL")
		if interval == 0 {
			interval = 10 * time.Second
		}
		deadline := time.Now().Add(d)
		if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
			// The timeouts block ends the wait: the consent URL is still
			// owed to the user, so stop a poll early rather than time out.
			deadline = dl.Add(-interval)
		}
		for time.Now().Before(deadline) && m.ConsentState.ValueString() != string(onboarding.ConsentGranted) {
			select {
			case <-ctx.Done():
				return
			case <-time.After(interval):
			}
			r.observe(ctx, m, diags)
			if diags.HasError() {
				return
			}
		}
	}
	recorded, humanStep := onboarding.AfterApply(onboarding.ConsentState(m.ConsentState.ValueString()))
	if humanStep {
		missing := setStrings(ctx, m.MissingPermissions, diags)
		diags.AddWarning(onboarding.ConsentApplyWarning(tenantLabel(*m), m.ClientID.ValueString(), missing, partnerReason, r.humanStep(*m)))
	}
	m.ConsentState = types.StringValue(string(recorded))
}

// grantAsPartner grants consent with the partner admin's GDAP access. What
// GDAP does not allow is returned as the reason, for the one warning that
// names the human step that remains.
func (r *customerTenantResource) grantAsPartner(ctx context.Context, m *customerTenantModel, diags *diag.Diagnostics) (reason string) {
	required, err := r.data.requiredPermissions(ctx, m.ClientID.ValueString())
	if err != nil {
		apiError(diags, "reading the permissions the app requires", err)
		return ""
	}
	c := call{doing: "granting consent to app " + m.ClientID.ValueString() + " in tenant " + m.TenantID.ValueString(), cred: session.Partner,
		tenant: m.TenantID.ValueString(), client: m.ClientID.ValueString()}
	g, err := r.data.Session.PartnerGraph(m.TenantID.ValueString())
	if err != nil {
		addError(diags, c, err)
		return ""
	}
	if err := grantWithGraph(ctx, g, m.ClientID.ValueString(), required); err != nil {
		e := explain(c, err)
		reason = onboarding.Sentence(e.Fix)
		if e.summary != "" {
			// An identity platform error: its title says it; Microsoft's
			// AADSTS text adds nothing the fix does not.
			reason = onboarding.Sentence(e.summary) + " " + reason
		}
	}
	r.observe(ctx, m, diags)
	return reason
}

func (r *customerTenantResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	ctx, cancel := withTimeout(ctx, req.Plan, "create", defaultWriteTimeout+waitForConsent(ctx, req.Plan), &resp.Diagnostics)
	defer cancel()
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var plan customerTenantModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cred, diags := r.data.planCredential(ctx, plan.ClientID.ValueString(), plan.appCredentialModel, req.Config, resp.Private)
	resp.Diagnostics.Append(diags...)
	plan.cred = cred
	if plan.TenantID.IsUnknown() || plan.TenantID.ValueString() == "" {
		id := r.resolveTenant(ctx, plan.Tenant.ValueString(), &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
		plan.TenantID = types.StringValue(id)
	}
	plan.ID = types.StringValue(plan.TenantID.ValueString() + "/" + strings.ToLower(plan.ClientID.ValueString()))
	plan.TenantDisplayName, plan.TenantDefaultDomain = types.StringValue(""), types.StringValue("")
	if info, err := r.data.Graph.FindTenantByID(ctx, plan.TenantID.ValueString()); err == nil {
		plan.TenantDisplayName, plan.TenantDefaultDomain = types.StringValue(info.DisplayName), types.StringValue(info.DefaultDomainName)
	} else if graph.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("tenant"), "Tenant not found", "Tenant "+plan.TenantID.ValueString()+" does not exist (or was deleted).")
		return
	}
	r.apply(ctx, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(tenantAppIdentity.fromState(ctx, resp.State, resp.Identity)...)
}

func (r *customerTenantResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
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
	var state customerTenantModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	state.cred = r.data.refreshCredential(ctx, state.ClientID.ValueString(), state.appCredentialModel, req.Private)
	state.writeOnly = usedWriteOnly(ctx, req.Private)
	r.observeFor(ctx, &state, true, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	var mark []byte
	if state.unverified {
		mark = []byte("true")
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, unverifiedKey, mark)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *customerTenantResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	ctx, cancel := withTimeout(ctx, req.Plan, "update", defaultWriteTimeout+waitForConsent(ctx, req.Plan), &resp.Diagnostics)
	defer cancel()
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var plan, state customerTenantModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.ID, plan.TenantID, plan.TenantDisplayName, plan.TenantDefaultDomain = state.ID, state.TenantID, state.TenantDisplayName, state.TenantDefaultDomain
	cred, diags := r.data.planCredential(ctx, plan.ClientID.ValueString(), plan.appCredentialModel, req.Config, resp.Private)
	resp.Diagnostics.Append(diags...)
	plan.cred = cred
	r.apply(ctx, &plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(tenantAppIdentity.fromState(ctx, resp.State, resp.Identity)...)
}

func (r *customerTenantResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	ctx, cancel := withTimeout(ctx, req.State, "delete", defaultWriteTimeout, &resp.Diagnostics)
	defer cancel()
	if r.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var state customerTenantModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !state.RevokeOnDestroy.ValueBool() {
		return
	}
	if r.grantor(state) != onboarding.GrantByAutomation {
		resp.Diagnostics.AddWarning("Consent left in place in "+tenantLabel(state),
			"revoke_on_destroy is set, but the provider cannot write in tenant "+state.TenantID.ValueString()+". An administrator there removes the app under Enterprise applications.")
		return
	}
	if err := revokeWithGraph(ctx, r.data.Graph, state.ClientID.ValueString()); err != nil {
		apiError(&resp.Diagnostics, "removing the app from the home tenant", err)
	}
}

// ImportState takes "<tenant id>/<client id>".
func (r *customerTenantResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := tenantAppIdentity.importID(ctx, req)
	resp.Diagnostics.Append(diags...)
	req.ID = id
	tenant, client, ok := strings.Cut(req.ID, "/")
	if !ok || !onboarding.IsGUID(tenant) || !onboarding.IsGUID(client) {
		resp.Diagnostics.AddError("Invalid import ID", "Import onboard_customer_tenant as \"<tenant id>/<client id>\", got \""+req.ID+"\".")
		return
	}
	tenant, client = strings.ToLower(tenant), strings.ToLower(client)
	resp.Diagnostics.Append(setAll(ctx, &resp.State, map[string]any{"id": tenant + "/" + client, "tenant": tenant, "tenant_id": tenant, "client_id": client})...)
	if info, err := r.data.Graph.FindTenantByID(ctx, tenant); err == nil {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("tenant_display_name"), info.DisplayName)...)
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("tenant_default_domain"), info.DefaultDomainName)...)
	}
}

// waitForConsent is the plan's wait_for_consent, which the default create
// and update timeouts add to their own.
func waitForConsent(ctx context.Context, plan attributeGetter) time.Duration {
	var v types.String
	if plan.GetAttribute(ctx, path.Root("wait_for_consent"), &v).HasError() || v.IsNull() || v.IsUnknown() {
		return 0
	}
	d, _ := onboarding.ParseDuration(v.ValueString())
	return d
}
