package provider

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onboard-tf/terraform-provider-onboard/internal/bcadmin"
	"github.com/onboard-tf/terraform-provider-onboard/internal/graph"
	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
	"github.com/onboard-tf/terraform-provider-onboard/internal/session"
)

var (
	_ datasource.DataSource              = &syncDataSource{}
	_ datasource.DataSourceWithConfigure = &syncDataSource{}
)

func newSyncDataSource() datasource.DataSource { return &syncDataSource{} }

type syncDataSource struct {
	data *providerData
}

type syncModel struct {
	ClientID          types.String `tfsdk:"client_id"`
	ClientSecret      types.String `tfsdk:"client_secret"`
	ClientCertificate types.String `tfsdk:"client_certificate"`
	Tenants           types.List   `tfsdk:"tenants"`
	MaxParallel       types.Int64  `tfsdk:"max_parallel"`
	TenantTimeout     types.String `tfsdk:"tenant_timeout"`
	SecretWarningDays types.Int64  `tfsdk:"secret_warning_days"`
	Results           types.Map    `tfsdk:"results"`
	Secrets           types.List   `tfsdk:"secrets"`
	Summary           types.Object `tfsdk:"summary"`
}

type syncTenant struct {
	TenantID           types.String `tfsdk:"tenant_id"`
	Status             types.String `tfsdk:"status"`
	Error              types.String `tfsdk:"error"`
	ConsentState       types.String `tfsdk:"consent_state"`
	MissingPermissions []string     `tfsdk:"missing_permissions"`
	OrganizationName   types.String `tfsdk:"organization_name"`
	DefaultDomain      types.String `tfsdk:"default_domain"`
	Domains            []string     `tfsdk:"domains"`
	Users              types.Int64  `tfsdk:"users"`
	Groups             types.Int64  `tfsdk:"groups"`
	Devices            types.Int64  `tfsdk:"devices"`
	Licenses           types.Int64  `tfsdk:"licenses"`
	BCAuthorized       types.Bool   `tfsdk:"bc_authorized"`
	BCConsented        types.Bool   `tfsdk:"bc_consented"`
	BCEnvironments     []bcEnvView  `tfsdk:"bc_environments"`

	standing onboarding.Standing
}

type bcEnvView struct {
	Name        types.String `tfsdk:"name"`
	Type        types.String `tfsdk:"type"`
	CountryCode types.String `tfsdk:"country_code"`
	Version     types.String `tfsdk:"version"`
	Status      types.String `tfsdk:"status"`
}

var bcEnvViewType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"name": types.StringType, "type": types.StringType, "country_code": types.StringType, "version": types.StringType, "status": types.StringType,
}}

type syncSecret struct {
	KeyID        types.String `tfsdk:"key_id"`
	DisplayName  types.String `tfsdk:"display_name"`
	EndDate      types.String `tfsdk:"end_date"`
	DaysToExpiry types.Int64  `tfsdk:"days_to_expiry"`
}

type syncSummary struct {
	TenantsOK             types.Int64 `tfsdk:"tenants_ok"`
	TenantsFailing        types.Int64 `tfsdk:"tenants_failing"`
	TenantsPendingConsent types.Int64 `tfsdk:"tenants_pending_consent"`
	SecretsExpiring       types.Int64 `tfsdk:"secrets_expiring"`
}

var (
	syncTenantType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"tenant_id": types.StringType, "status": types.StringType, "error": types.StringType, "consent_state": types.StringType,
		"missing_permissions": types.ListType{ElemType: types.StringType}, "organization_name": types.StringType, "default_domain": types.StringType,
		"domains": types.ListType{ElemType: types.StringType}, "users": types.Int64Type, "groups": types.Int64Type, "devices": types.Int64Type, "licenses": types.Int64Type,
		"bc_authorized": types.BoolType, "bc_consented": types.BoolType, "bc_environments": types.ListType{ElemType: bcEnvViewType},
	}}
	syncSecretType  = types.ObjectType{AttrTypes: map[string]attr.Type{"key_id": types.StringType, "display_name": types.StringType, "end_date": types.StringType, "days_to_expiry": types.Int64Type}}
	syncSummaryType = map[string]attr.Type{"tenants_ok": types.Int64Type, "tenants_failing": types.Int64Type, "tenants_pending_consent": types.Int64Type, "secrets_expiring": types.Int64Type}
)

func (d *syncDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sync"
}

func (d *syncDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One read of the live state of every tenant an app is onboarded into, as the app itself sees it: whether its token works, " +
			"which required permissions are consented, the organization, and inventory counts (users, groups, devices, license subscriptions) — counted, " +
			"not listed, so a 10,000-user tenant costs a few calls. One tenant's failure never hides the others. Also lists the app's secrets with days to expiry. " +
			"Use it in `check` blocks so `terraform plan` warns about revoked consent or expiring secrets without failing.",
		Attributes: map[string]schema.Attribute{
			"client_id": schema.StringAttribute{Required: true, MarkdownDescription: "Client ID of the onboarded app (registered in the provider's home tenant).",
				Validators: []validator.String{guidValidator()}},
			"client_secret": schema.StringAttribute{Optional: true, Sensitive: true, MarkdownDescription: "A secret of the app, to sign in as it in each tenant."},
			"tenants": schema.ListAttribute{ElementType: types.StringType, Required: true,
				MarkdownDescription: "Tenant IDs to read, e.g. `[for t in onboard_customer_tenant.customer : t.tenant_id]`."},
			"client_certificate": clientCertificateDataSourceAttribute(),
			"max_parallel": schema.Int64Attribute{Optional: true, MarkdownDescription: "How many tenants are read at once (default 8).",
				Validators: []validator.Int64{int64validator.Between(1, 64)}},
			"tenant_timeout": schema.StringAttribute{Optional: true, MarkdownDescription: "Time allowed per tenant (default `60s`, at most `10m`); a tenant that takes longer is reported as failing.",
				Validators: []validator.String{durationValidator("must be a duration such as \"60s\""), durationBetween(time.Second, 10*time.Minute, "60s")}},
			"secret_warning_days": schema.Int64Attribute{Optional: true, MarkdownDescription: "A secret expiring within this many days counts in `summary.secrets_expiring` (default 30; 0 to 730, a secret's longest life).",
				Validators: []validator.Int64{int64validator.Between(0, 730)}},
			"results": schema.MapNestedAttribute{Computed: true, MarkdownDescription: "Per tenant (keyed as given in `tenants`).",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"tenant_id":           schema.StringAttribute{Computed: true, MarkdownDescription: "The tenant ID."},
					"status":              schema.StringAttribute{Computed: true, MarkdownDescription: "`ok`, or `error` when the app cannot sign in or read the tenant."},
					"error":               schema.StringAttribute{Computed: true, MarkdownDescription: "What went wrong and how to fix it; empty when `ok`."},
					"consent_state":       schema.StringAttribute{Computed: true, MarkdownDescription: "`granted`, `partial` or `missing` for the app's required application permissions; `unknown` when the tenant could not be read (`status = \"error\"`)."},
					"missing_permissions": schema.ListAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "Required permissions not consented, as `<API>/<permission>`."},
					"organization_name":   schema.StringAttribute{Computed: true, MarkdownDescription: "The organization's name (needs `Organization.Read.All`)."},
					"default_domain":      schema.StringAttribute{Computed: true, MarkdownDescription: "The default verified domain."},
					"domains":             schema.ListAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "All verified domains."},
					"users":               schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of users (needs `User.Read.All`); null when not readable."},
					"groups":              schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of groups (needs `Group.Read.All`); null when not readable."},
					"devices":             schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of devices (needs `Device.Read.All`); null when not readable."},
					"licenses":            schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of license subscriptions (needs `Organization.Read.All`); null when not readable."},
					"bc_authorized": schema.BoolAttribute{Computed: true,
						MarkdownDescription: "Whether the app is authorized in the tenant's Business Central admin center (read app-only; needs the app's `AdminCenter.ReadWrite.All`); null when the app requires no Business Central permission or it could not be told."},
					"bc_consented": schema.BoolAttribute{Computed: true,
						MarkdownDescription: "Whether every Business Central application permission the app requires is consented; null when it requires none."},
					"bc_environments": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The Business Central environments the app can reach.",
						NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
							"name":         schema.StringAttribute{Computed: true, MarkdownDescription: "Environment name."},
							"type":         schema.StringAttribute{Computed: true, MarkdownDescription: "`Production` or `Sandbox`."},
							"country_code": schema.StringAttribute{Computed: true, MarkdownDescription: "Country/region."},
							"version":      schema.StringAttribute{Computed: true, MarkdownDescription: "Application version."},
							"status":       schema.StringAttribute{Computed: true, MarkdownDescription: "E.g. `Active`."},
						}}},
				}}},
			"secrets": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The app's client secrets, soonest expiry first.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"key_id":         schema.StringAttribute{Computed: true, MarkdownDescription: "The secret's key ID."},
					"display_name":   schema.StringAttribute{Computed: true, MarkdownDescription: "The secret's description."},
					"end_date":       schema.StringAttribute{Computed: true, MarkdownDescription: "When it expires (RFC 3339)."},
					"days_to_expiry": schema.Int64Attribute{Computed: true, MarkdownDescription: "Whole days until it expires by Entra's clock; negative once expired."},
				}}},
			"summary": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "Counts for `check` blocks.",
				Attributes: map[string]schema.Attribute{
					"tenants_ok":              schema.Int64Attribute{Computed: true, MarkdownDescription: "Tenants read without error."},
					"tenants_failing":         schema.Int64Attribute{Computed: true, MarkdownDescription: "Tenants with `status = \"error\"`."},
					"tenants_pending_consent": schema.Int64Attribute{Computed: true, MarkdownDescription: "Tenants read without error whose consent is not `granted`; a tenant that could not be read counts in `tenants_failing` only."},
					"secrets_expiring":        schema.Int64Attribute{Computed: true, MarkdownDescription: "Secrets expiring within `secret_warning_days` (or expired)."},
				}},
		},
	}
}

func (d *syncDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configureData(req.ProviderData, &resp.Diagnostics)
}

func (d *syncDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var m syncModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var tenants []string
	resp.Diagnostics.Append(m.Tenants.ElementsAs(ctx, &tenants, false)...)
	clientID := strings.ToLower(m.ClientID.ValueString())
	app, err := d.data.Graph.GetApplicationByAppID(ctx, clientID)
	if err != nil {
		apiError(&resp.Diagnostics, "reading app "+clientID, err)
		return
	}
	required, err := d.data.requiredPermissions(ctx, clientID)
	if err != nil {
		apiError(&resp.Diagnostics, "reading the permissions app "+clientID+" requires", err)
		return
	}
	parallel := int(m.MaxParallel.ValueInt64())
	if m.MaxParallel.IsNull() {
		parallel = 8
	}
	timeout := 60 * time.Second
	if !m.TenantTimeout.IsNull() {
		timeout, _ = onboarding.ParseDuration(m.TenantTimeout.ValueString())
	}
	results := make(map[string]syncTenant, len(tenants))
	var mu sync.Mutex
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for _, ref := range tenants {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			tctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			r := d.syncTenant(tctx, ref, appCredential(m.ClientID, m.ClientSecret, m.ClientCertificate), required)
			mu.Lock()
			results[ref] = r
			mu.Unlock()
		}()
	}
	wg.Wait()

	now := d.data.Graph.Now()
	warn := m.SecretWarningDays.ValueInt64()
	if m.SecretWarningDays.IsNull() {
		warn = 30
	}
	var secrets []syncSecret
	expiring := int64(0)
	pcs := append([]graph.PasswordCredential(nil), app.PasswordCredentials...)
	sort.Slice(pcs, func(i, j int) bool { return pcs[i].EndDateTime.Before(pcs[j].EndDateTime) })
	dates := make([]onboarding.SecretDates, len(pcs))
	for i, pc := range pcs {
		dates[i] = onboarding.SecretDates{Start: pc.StartDateTime, End: pc.EndDateTime}
	}
	for i, st := range onboarding.ReviewSecrets(now, warn, dates) {
		if st.Expiring {
			expiring++
		}
		secrets = append(secrets, syncSecret{KeyID: types.StringValue(pcs[i].KeyID), DisplayName: types.StringValue(pcs[i].DisplayName),
			EndDate: types.StringValue(pcs[i].EndDateTime.Format(time.RFC3339)), DaysToExpiry: types.Int64Value(st.DaysToExpiry)})
	}
	standings := make([]onboarding.Standing, 0, len(results))
	for _, r := range results {
		standings = append(standings, r.standing)
	}
	tally := onboarding.Count(standings)
	summary := syncSummary{TenantsOK: types.Int64Value(tally.Reachable()), TenantsFailing: types.Int64Value(tally.Unreachable),
		TenantsPendingConsent: types.Int64Value(tally.NeedConsent()), SecretsExpiring: types.Int64Value(expiring)}
	var diags diag.Diagnostics
	m.Results, diags = types.MapValueFrom(ctx, syncTenantType, results)
	resp.Diagnostics.Append(diags...)
	if secrets == nil {
		secrets = []syncSecret{}
	}
	m.Secrets, diags = types.ListValueFrom(ctx, syncSecretType, secrets)
	resp.Diagnostics.Append(diags...)
	m.Summary, diags = types.ObjectValueFrom(ctx, syncSummaryType, summary)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// syncTenant reads one tenant; every failure ends up in the result, never
// in the data source's diagnostics.
func (d *syncDataSource) syncTenant(ctx context.Context, ref string, cred session.AppCredential, required []requiredPermission) syncTenant {
	clientID := cred.ClientID
	r := syncTenant{TenantID: types.StringValue(strings.ToLower(ref)), Status: types.StringValue("ok"), Error: types.StringValue(""),
		ConsentState: types.StringValue(string(onboarding.ConsentUnknown)), MissingPermissions: []string{}, Domains: []string{},
		OrganizationName: types.StringNull(), DefaultDomain: types.StringNull(),
		Users: types.Int64Null(), Groups: types.Int64Null(), Devices: types.Int64Null(), Licenses: types.Int64Null(),
		BCAuthorized: types.BoolNull(), BCConsented: types.BoolNull(), BCEnvironments: []bcEnvView{}}
	c := call{doing: "reading tenant " + ref, cred: session.App, tenant: strings.ToLower(ref), client: clientID}
	fail := func(err error) syncTenant {
		// A tenant that cannot be read is unreachable, never pending;
		// consent stays unknown unless it was read before the failure.
		r.standing = onboarding.Classify(onboarding.TenantReading{Failed: true})
		r.Status = types.StringValue("error")
		r.Error = types.StringValue(explain(c, err).line())
		return r
	}
	if !cred.Set() {
		return fail(errors.New("set client_secret or client_certificate so the app can sign in to the tenant"))
	}
	tenantID, isID, ok := normalizeTenant(ref)
	r.TenantID = types.StringValue(tenantID)
	if !ok {
		return fail(errors.New("\"" + ref + "\" is neither a tenant ID (GUID) nor a domain such as contoso.onmicrosoft.com"))
	}
	if !isID {
		info, err := d.data.Graph.FindTenantByDomain(ctx, tenantID)
		if err != nil {
			c.cred = session.Automation // the lookup is the provider's own
			return fail(err)
		}
		tenantID = strings.ToLower(info.TenantID)
		r.TenantID = types.StringValue(tenantID)
	}
	c.tenant = tenantID
	o, err := d.data.observeWithAppToken(ctx, tenantID, cred, required)
	if err != nil {
		return fail(err)
	}
	consent := o.consent()
	r.ConsentState, r.MissingPermissions = types.StringValue(string(consent.State)), append([]string{}, consent.Missing...)
	r.standing = onboarding.Classify(onboarding.TenantReading{AppPresent: o.SPPresent, Consent: consent.State})
	if !o.SPPresent {
		return r // not onboarded yet: nothing more to read
	}
	if err := d.syncBC(ctx, &r, tenantID, cred, required, consent); err != nil {
		return fail(err)
	}
	g, err := d.data.Session.AppGraphAs(tenantID, cred, session.Sweep)
	if err != nil {
		return fail(err)
	}
	// Each read needs its own permission; what the app may not read stays null.
	if org, err := g.GetOrganization(ctx); err == nil {
		r.OrganizationName = types.StringValue(org.DisplayName)
		for _, dm := range org.Domains {
			r.Domains = append(r.Domains, dm.Name)
			if dm.IsDefault {
				r.DefaultDomain = types.StringValue(dm.Name)
			}
		}
	} else if !graph.IsForbidden(err) {
		return fail(err)
	}
	for _, c := range []struct {
		name string
		dst  *types.Int64
	}{{"users", &r.Users}, {"groups", &r.Groups}, {"devices", &r.Devices}} {
		if n, err := g.Count(ctx, c.name); err == nil {
			*c.dst = types.Int64Value(int64(n))
		} else if !graph.IsForbidden(err) {
			return fail(err)
		}
	}
	if skus, err := g.ListSubscribedSkus(ctx); err == nil {
		r.Licenses = types.Int64Value(int64(len(skus)))
	} else if !graph.IsForbidden(err) {
		return fail(err)
	}
	return r
}

// syncBC fills the Business Central part: consent from the observation,
// authorization and environments from the admin center, app-only. What the
// app may not read stays null; any other failure is the tenant's error.
func (d *syncDataSource) syncBC(ctx context.Context, r *syncTenant, tenantID string, cred session.AppCredential, required []requiredPermission, consent onboarding.Consent) error {
	needsBC, consented := onboarding.BusinessCentralConsent(required, consent)
	if !needsBC {
		return nil
	}
	r.BCConsented = types.BoolValue(consented)
	c, err := d.data.Session.BC(session.BCCredentials{ClientID: cred.ClientID, Secret: cred.Secret, Certificate: cred.Certificate}, session.Sweep)
	if err != nil {
		return err
	}
	envs, err := c.ListEnvironments(ctx, tenantID)
	authorized, known := onboarding.BCAuthorizedFromEnvironments(bcOutcome(err))
	switch {
	case known:
		r.BCAuthorized = types.BoolValue(authorized)
	case errors.Is(err, bcadmin.ErrForbidden):
		// Without AdminCenter.ReadWrite.All the app cannot ask: as with
		// Graph, what it may not read stays null.
	default:
		return err
	}
	for _, e := range envs {
		r.BCEnvironments = append(r.BCEnvironments, bcEnvView{Name: types.StringValue(e.Name), Type: types.StringValue(e.Type),
			CountryCode: types.StringValue(e.CountryCode), Version: types.StringValue(e.Version()), Status: types.StringValue(e.Status)})
	}
	return nil
}
