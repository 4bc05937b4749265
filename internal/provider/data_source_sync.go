package provider

import (
	"context"
	"errors"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/onboard-tf/terraform-provider-onboard/internal/bcadmin"
	"github.com/onboard-tf/terraform-provider-onboard/internal/graph"
	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
	"github.com/onboard-tf/terraform-provider-onboard/internal/session"
)

var (
	_ datasource.DataSource                     = &syncDataSource{}
	_ datasource.DataSourceWithConfigure        = &syncDataSource{}
	_ datasource.DataSourceWithConfigValidators = &syncDataSource{}
)

func newSyncDataSource() datasource.DataSource { return &syncDataSource{} }

type syncDataSource struct {
	data *providerData
}

type syncModel struct {
	ClientID types.String `tfsdk:"client_id"`
	dataSourceCredentialModel
	Tenants           types.List   `tfsdk:"tenants"`
	Customers         types.Map    `tfsdk:"customers"`
	MaxParallel       types.Int64  `tfsdk:"max_parallel"`
	TenantTimeout     types.String `tfsdk:"tenant_timeout"`
	SecretWarningDays types.Int64  `tfsdk:"secret_warning_days"`
	Results           types.Map    `tfsdk:"results"`
	Secrets           types.List   `tfsdk:"secrets"`
	Summary           types.Object `tfsdk:"summary"`
}

type syncTenant struct {
	TenantID           types.String `tfsdk:"tenant_id"`
	Standing           types.String `tfsdk:"standing"`
	Status             types.String `tfsdk:"status"`
	Error              types.String `tfsdk:"error"`
	Cause              types.String `tfsdk:"cause"`
	Fix                types.String `tfsdk:"fix"`
	ConsentState       types.String `tfsdk:"consent_state"`
	ConsentURL         types.String `tfsdk:"consent_url"`
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
	syncInventory
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
	Expiring     types.Bool   `tfsdk:"expiring"`
	Superseded   types.Bool   `tfsdk:"superseded"`
	Managed      types.Bool   `tfsdk:"managed"`
}

// syncSummary counts each tenant once by its standing; the tenants_* counts
// are the earlier releases' names, derived from the same standings.
type syncSummary struct {
	Total                 types.Int64 `tfsdk:"total"`
	OK                    types.Int64 `tfsdk:"ok"`
	PendingConsent        types.Int64 `tfsdk:"pending_consent"`
	Revoked               types.Int64 `tfsdk:"revoked"`
	Unreachable           types.Int64 `tfsdk:"unreachable"`
	NotOnboarded          types.Int64 `tfsdk:"not_onboarded"`
	TenantsOK             types.Int64 `tfsdk:"tenants_ok"`
	TenantsFailing        types.Int64 `tfsdk:"tenants_failing"`
	TenantsPendingConsent types.Int64 `tfsdk:"tenants_pending_consent"`
	SecretsExpiring       types.Int64 `tfsdk:"secrets_expiring"`
	SecretsUnmanaged      types.Int64 `tfsdk:"secrets_unmanaged"`
}

var (
	syncTenantType = types.ObjectType{AttrTypes: withInventoryTypes(map[string]attr.Type{
		"tenant_id": types.StringType, "standing": types.StringType, "status": types.StringType, "error": types.StringType, "cause": types.StringType,
		"fix": types.StringType, "consent_state": types.StringType, "consent_url": types.StringType,
		"missing_permissions": types.ListType{ElemType: types.StringType}, "organization_name": types.StringType, "default_domain": types.StringType,
		"domains": types.ListType{ElemType: types.StringType}, "users": types.Int64Type, "groups": types.Int64Type, "devices": types.Int64Type, "licenses": types.Int64Type,
		"bc_authorized": types.BoolType, "bc_consented": types.BoolType, "bc_environments": types.ListType{ElemType: bcEnvViewType},
	})}
	syncSecretType = types.ObjectType{AttrTypes: map[string]attr.Type{"key_id": types.StringType, "display_name": types.StringType, "end_date": types.StringType,
		"days_to_expiry": types.Int64Type, "expiring": types.BoolType, "superseded": types.BoolType, "managed": types.BoolType}}
	syncSummaryType = map[string]attr.Type{"total": types.Int64Type, "ok": types.Int64Type, "pending_consent": types.Int64Type, "revoked": types.Int64Type,
		"unreachable": types.Int64Type, "not_onboarded": types.Int64Type,
		"tenants_ok": types.Int64Type, "tenants_failing": types.Int64Type, "tenants_pending_consent": types.Int64Type, "secrets_expiring": types.Int64Type,
		"secrets_unmanaged": types.Int64Type}
)

func (d *syncDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sync"
}

func (d *syncDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One read of the live state of every tenant an app is onboarded into, as the app itself sees it: whether its token works, " +
			"which required permissions are consented, the organization, and inventory counts (users, groups, devices, license subscriptions) — counted, " +
			"not listed, so a 10,000-user tenant costs a few calls: the organization, users, groups, devices, licenses, Secure Score and Intune devices are one Microsoft Graph `$batch` request (the mailbox usage report, a redirect to a download, is one more). One tenant's failure never hides the others. Also lists the app's secrets with days to expiry. " +
			"Use it in `check` blocks so `terraform plan` warns about revoked consent or expiring secrets without failing.",
		Attributes: withDataSourceCredential(map[string]schema.Attribute{
			"client_id": schema.StringAttribute{Required: true, MarkdownDescription: "Client ID of the onboarded app (registered in the provider's home tenant).",
				Validators: []validator.String{guidValidator()}},
			"tenants": schema.ListAttribute{ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Tenants to read, by ID or domain; `results` is keyed by these strings. Set this or `customers`. " +
					"Take them from the same list the `onboard_customer_tenant` resources come from (e.g. `[for c in local.customers : c.TenantId]`), " +
					"not from the resources: Terraform reads a data source at plan only when nothing it depends on has a change pending, " +
					"and a customer still to consent always has one."},
			"customers": schema.MapAttribute{ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Tenants to read by customer name: name → tenant ID or domain, e.g. `{ for name, c in local.customers : name => c.TenantId }`; " +
					"`results` is keyed by the names. Set this or `tenants`."},
			"max_parallel": schema.Int64Attribute{Optional: true, MarkdownDescription: "How many tenants are read at once (default 8).",
				Validators: []validator.Int64{int64validator.Between(1, 64)}},
			"tenant_timeout": schema.StringAttribute{Optional: true, MarkdownDescription: "Time allowed per tenant (default `60s`, at most `10m`); a tenant that takes longer is reported as failing.",
				Validators: []validator.String{durationValidator("must be a duration such as \"60s\""), durationBetween(time.Second, 10*time.Minute, "60s")}},
			"secret_warning_days": schema.Int64Attribute{Optional: true, MarkdownDescription: "A secret expiring within this many days counts in `summary.secrets_expiring` (default 30; 0 to 730, a secret's longest life).",
				Validators: []validator.Int64{int64validator.Between(0, 730)}},
			"results": schema.MapNestedAttribute{Computed: true, MarkdownDescription: "Per tenant, keyed as given: the strings of `tenants`, or the names of `customers`.",
				NestedObject: schema.NestedAttributeObject{Attributes: withInventoryAttributes(map[string]schema.Attribute{
					"tenant_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The tenant ID."},
					"standing": schema.StringAttribute{Computed: true, MarkdownDescription: "Where the customer stands, exactly one of: " +
						"`ok` (every required permission consented); " +
						"`not_onboarded` (the app has no service principal in the tenant: its admin has not opened the consent URL yet); " +
						"`pending_consent` (the app is in the tenant but some required permissions are not consented, e.g. one added to the app since); " +
						"`revoked` (consent was given and taken back: the app is in the tenant with no required permission consented); " +
						"`unreachable` (the tenant could not be read: a token error, a 5xx, a deleted tenant, a timeout; see `cause` and `fix`). " +
						"An unreachable tenant is never counted as pending: nobody can consent to fix it."},
					"status": schema.StringAttribute{Computed: true, MarkdownDescription: "`ok`, or `error` when the app cannot sign in or read the tenant (`standing = \"unreachable\"`)."},
					"error":  schema.StringAttribute{Computed: true, MarkdownDescription: "`cause` and `fix` on one line; empty when the tenant was read."},
					"cause":  schema.StringAttribute{Computed: true, MarkdownDescription: "Why the tenant could not be read (the error Microsoft returned); empty when it was read."},
					"fix":    schema.StringAttribute{Computed: true, MarkdownDescription: "What to do about `cause`; empty when the tenant was read."},
					"consent_state": schema.StringAttribute{Computed: true,
						MarkdownDescription: "`granted`, `partial` or `missing` for the app's required application permissions; `unknown` when the tenant could not be read (`status = \"error\"`)."},
					"consent_url": schema.StringAttribute{Computed: true,
						MarkdownDescription: "The admin-consent URL to send to the tenant's administrator for the app's required permissions; empty when the tenant ID is not known (an unresolvable domain)."},
					"missing_permissions": schema.ListAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "Required permissions not consented, as `<API>/<permission>`."},
					"organization_name":   schema.StringAttribute{Computed: true, MarkdownDescription: "The organization's name (needs `Organization.Read.All` or `Directory.Read.All`); null with `unavailable.organization` when not readable."},
					"default_domain":      schema.StringAttribute{Computed: true, MarkdownDescription: "The default verified domain."},
					"domains":             schema.ListAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "All verified domains."},
					"users":               schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of users (needs `User.Read.All` or `Directory.Read.All`); null with `unavailable.users` when not readable."},
					"groups":              schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of groups (needs `Group.Read.All` or `Directory.Read.All`); null with `unavailable.groups` when not readable."},
					"devices":             schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of directory devices (needs `Device.Read.All` or `Directory.Read.All`); null with `unavailable.devices` when not readable."},
					"licenses":            schema.Int64Attribute{Computed: true, MarkdownDescription: "Number of license subscriptions (see `license_skus`); null with `unavailable.licenses` when not readable."},
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
				})}},
			"secrets": schema.ListNestedAttribute{Computed: true, MarkdownDescription: "The app's client secrets, soonest expiry first.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"key_id":         schema.StringAttribute{Computed: true, MarkdownDescription: "The secret's key ID."},
					"display_name":   schema.StringAttribute{Computed: true, MarkdownDescription: "The secret's description."},
					"end_date":       schema.StringAttribute{Computed: true, MarkdownDescription: "When it expires (RFC 3339)."},
					"days_to_expiry": schema.Int64Attribute{Computed: true, MarkdownDescription: "Whole days until it expires by Entra's clock; negative once expired."},
					"expiring": schema.BoolAttribute{Computed: true,
						MarkdownDescription: "Fewer than `secret_warning_days` days left (or expired) and not `superseded`: this secret counts in `summary.secrets_expiring`."},
					"superseded": schema.BoolAttribute{Computed: true,
						MarkdownDescription: "Within `secret_warning_days`, but another secret of the app is valid now and is not: the old secret of a rotation, which is not counted as expiring."},
					"managed": schema.BoolAttribute{Computed: true,
						MarkdownDescription: "An `onboard_client_secret` in this configuration holds this secret (as its `key_id`, or as the `previous_key_id` an overlap rotation keeps). " +
							"Null unless `client_secret_key_id` is set: only then is the sync read after the configuration's secrets. " +
							"On an app this configuration owns (its ownership marker), the others count in `summary.secrets_unmanaged` and plan warns once about them, " +
							"with how to remove them (portal or `az ad app credential delete`) or adopt them (an `import` block with `<app object id>/<key id>`)."},
				}}},
			"summary": schema.SingleNestedAttribute{Computed: true,
				MarkdownDescription: "Counts for `check` blocks. Every tenant counts exactly once, by its `standing`: `ok + pending_consent + revoked + unreachable + not_onboarded = total`.",
				Attributes: map[string]schema.Attribute{
					"total":           schema.Int64Attribute{Computed: true, MarkdownDescription: "Tenants read (the length of `tenants` or `customers`)."},
					"ok":              schema.Int64Attribute{Computed: true, MarkdownDescription: "Tenants with `standing = \"ok\"`."},
					"pending_consent": schema.Int64Attribute{Computed: true, MarkdownDescription: "Tenants with `standing = \"pending_consent\"`."},
					"revoked":         schema.Int64Attribute{Computed: true, MarkdownDescription: "Tenants with `standing = \"revoked\"`."},
					"unreachable":     schema.Int64Attribute{Computed: true, MarkdownDescription: "Tenants with `standing = \"unreachable\"`."},
					"not_onboarded":   schema.Int64Attribute{Computed: true, MarkdownDescription: "Tenants with `standing = \"not_onboarded\"`."},
					"tenants_ok": schema.Int64Attribute{Computed: true,
						MarkdownDescription: "Derived, kept from earlier releases: tenants read without error, `total - unreachable` (whatever their consent)."},
					"tenants_failing": schema.Int64Attribute{Computed: true, MarkdownDescription: "Derived, kept from earlier releases: equals `unreachable`."},
					"tenants_pending_consent": schema.Int64Attribute{Computed: true,
						MarkdownDescription: "Derived, kept from earlier releases: tenants read whose consent is not complete, `pending_consent + revoked + not_onboarded`."},
					"secrets_expiring": schema.Int64Attribute{Computed: true,
						MarkdownDescription: "Secrets with `expiring = true`: within `secret_warning_days` of their end (or expired) and not superseded by a newer valid secret."},
					"secrets_unmanaged": schema.Int64Attribute{Computed: true,
						MarkdownDescription: "Secrets with `managed = false` on an app this configuration owns (0 for an app it does not): left by `terraform state rm` or added outside Terraform. " +
							"Null unless `client_secret_key_id` is set."},
				}},
		}, "to sign in as it in each tenant."),
	}
}

func (d *syncDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("tenants"), path.MatchRoot("customers"))}
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
	// tenants holds key → tenant as given: the list's strings are their
	// own keys, the map's names are.
	tenants := map[string]string{}
	if !m.Customers.IsNull() {
		resp.Diagnostics.Append(m.Customers.ElementsAs(ctx, &tenants, false)...)
	} else {
		var list []string
		resp.Diagnostics.Append(m.Tenants.ElementsAs(ctx, &list, false)...)
		for _, t := range list {
			tenants[t] = t
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	clientID := strings.ToLower(m.ClientID.ValueString())
	// With a key ID: read at plan, after onboard_client_secret's or
	// onboard_client_certificate's refresh; read at apply (a dependency
	// changes), what a changed consumer was handed.
	cred := d.data.dataSourceCredential(clientID, m.dataSourceCredentialModel)
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
	redirect, _ := onboarding.ConsentRedirect("", false, app.WebRedirectURIs, true)
	results := make(map[string]syncTenant, len(tenants))
	standings := make([]onboarding.Standing, 0, len(tenants))
	var mu sync.Mutex
	// max_parallel workers, not a goroutine per tenant: 10,000 tenants
	// cost 8 stacks, not 10,000.
	type job struct{ key, ref string }
	work := make(chan job)
	prog := startProgress(ctx, "onboard_sync", len(tenants))
	var wg sync.WaitGroup
	for range min(parallel, len(tenants)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for w := range work {
				tctx, cancel := context.WithTimeout(ctx, timeout)
				r, standing := d.syncTenant(tctx, w.ref, cred, required)
				cancel()
				if id := r.TenantID.ValueString(); onboarding.IsGUID(id) {
					r.ConsentURL = types.StringValue(onboarding.AdminConsentURL(d.data.Cloud.LoginEndpoint, id, clientID, redirect,
						onboarding.ConsentResources(required, d.data.resourceURI)...))
				}
				r.Standing = types.StringValue(string(standing))
				mu.Lock()
				results[w.key] = r
				standings = append(standings, standing)
				mu.Unlock()
				prog.step(ctx)
			}
		}()
	}
	for key, ref := range tenants {
		work <- job{key, ref}
	}
	close(work)
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
	keys := make([]onboarding.SecretKey, len(pcs))
	for i, pc := range pcs {
		keys[i] = onboarding.SecretKey{KeyID: pc.KeyID, DisplayName: pc.DisplayName, End: pc.EndDateTime}
	}
	// Only a sync that refers to client_secret_key_id is read after every
	// onboard_client_secret of the run; another may be read before them
	// and would see every secret as unmanaged, so it does not judge.
	judge := !m.ClientSecretKeyID.IsNull()
	unmanaged := onboarding.UnmanagedSecrets(judge && onboarding.OwnerOf(app.Tags) != "", keys, d.data.credentials.manages)
	if len(unmanaged) > 0 {
		resp.Diagnostics.AddWarning(onboarding.UnmanagedSecretsWarning(app.ID, clientID, unmanaged))
	}
	for i, st := range onboarding.ReviewSecrets(now, warn, dates) {
		// The old secret of a rotation (a newer one is valid and not
		// expiring) is on its way out, not a reason to warn.
		counts := st.Expiring && !st.Superseded
		if counts {
			expiring++
		}
		secrets = append(secrets, syncSecret{KeyID: types.StringValue(pcs[i].KeyID), DisplayName: types.StringValue(pcs[i].DisplayName),
			EndDate: types.StringValue(pcs[i].EndDateTime.Format(time.RFC3339)), DaysToExpiry: types.Int64Value(st.DaysToExpiry),
			Expiring: types.BoolValue(counts), Superseded: types.BoolValue(st.Expiring && st.Superseded), Managed: types.BoolNull()})
		if judge {
			secrets[len(secrets)-1].Managed = types.BoolValue(d.data.credentials.manages(pcs[i].KeyID))
		}
	}
	tally := onboarding.Count(standings)
	summary := syncSummary{Total: types.Int64Value(tally.Total()), OK: types.Int64Value(tally.OK), PendingConsent: types.Int64Value(tally.PendingConsent),
		Revoked: types.Int64Value(tally.Revoked), Unreachable: types.Int64Value(tally.Unreachable), NotOnboarded: types.Int64Value(tally.NotOnboarded),
		TenantsOK: types.Int64Value(tally.Reachable()), TenantsFailing: types.Int64Value(tally.Unreachable),
		TenantsPendingConsent: types.Int64Value(tally.NeedConsent()), SecretsExpiring: types.Int64Value(expiring), SecretsUnmanaged: types.Int64Null()}
	if judge {
		summary.SecretsUnmanaged = types.Int64Value(int64(len(unmanaged)))
	}
	var diags diag.Diagnostics
	// results go into the state after the rest (setSyncResults): the
	// framework's own conversion of 10,000 of them held 150 MiB.
	m.Results = types.MapNull(syncTenantType)
	if secrets == nil {
		secrets = []syncSecret{}
	}
	m.Secrets, diags = types.ListValueFrom(ctx, syncSecretType, secrets)
	resp.Diagnostics.Append(diags...)
	m.Summary, diags = types.ObjectValueFrom(ctx, syncSummaryType, summary)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(setSyncResults(ctx, &resp.State, results)...)
	}
}

// setSyncResults puts the per-tenant results into st's "results", one
// tenant at a time, with one shared protocol type (terraformValue) instead of
// the framework's conversion of the whole map, which builds every object's
// type again. It empties results as it goes, so each tenant's Go values can
// be collected while the rest are converted.
func setSyncResults(ctx context.Context, st *tfsdk.State, results map[string]syncTenant) diag.Diagnostics {
	var diags diag.Diagnostics
	var attrs map[string]tftypes.Value
	if err := st.Raw.As(&attrs); err != nil {
		diags.AddError("Setting onboard_sync's results", err.Error())
		return diags
	}
	ot, _ := st.Raw.Type().(tftypes.Object)
	mt, ok := ot.AttributeTypes["results"].(tftypes.Map)
	if !ok {
		diags.AddError("Setting onboard_sync's results", "the schema's results is not a map")
		return diags
	}
	elems := make(map[string]tftypes.Value, len(results))
	for key, r := range results {
		obj, d := types.ObjectValueFrom(ctx, syncTenantType.AttrTypes, r)
		if diags.Append(d...); diags.HasError() {
			return diags
		}
		tv, err := terraformValue(obj, mt.ElementType)
		if err != nil {
			diags.AddError("Setting onboard_sync's results", "tenant "+key+": "+err.Error())
			return diags
		}
		elems[key] = tv
		delete(results, key)
	}
	attrs["results"] = tftypes.NewValue(mt, elems)
	st.Raw = tftypes.NewValue(st.Raw.Type(), attrs)
	return diags
}

// syncTenant reads one tenant and says where it stands; every failure ends
// up in the result, never in the data source's diagnostics.
func (d *syncDataSource) syncTenant(ctx context.Context, ref string, cred session.AppCredential, required []requiredPermission) (syncTenant, onboarding.Standing) {
	clientID := cred.ClientID
	r := syncTenant{TenantID: types.StringValue(strings.ToLower(ref)), Status: types.StringValue("ok"), Error: types.StringValue(""),
		Cause: types.StringValue(""), Fix: types.StringValue(""), ConsentURL: types.StringValue(""),
		ConsentState: types.StringValue(string(onboarding.ConsentUnknown)), MissingPermissions: []string{}, Domains: []string{},
		OrganizationName: types.StringNull(), DefaultDomain: types.StringNull(),
		Users: types.Int64Null(), Groups: types.Int64Null(), Devices: types.Int64Null(), Licenses: types.Int64Null(),
		BCAuthorized: types.BoolNull(), BCConsented: types.BoolNull(), BCEnvironments: []bcEnvView{}}
	c := call{doing: "reading tenant " + ref, cred: session.App, tenant: strings.ToLower(ref), client: clientID}
	fail := func(err error) (syncTenant, onboarding.Standing) {
		// A tenant that cannot be read is unreachable, never pending;
		// consent stays unknown unless it was read before the failure.
		e := explain(c, err)
		r.Status = types.StringValue("error")
		r.Error, r.Cause, r.Fix = types.StringValue(e.line()), types.StringValue(e.cause()), types.StringValue(e.Fix)
		return r, onboarding.Classify(onboarding.TenantReading{Failed: true})
	}
	if !cred.Set() {
		return fail(errors.New("no secret to sign in with: set client_secret_key_id = onboard_client_secret.<name>.key_id (the provider uses the secret " +
			"that resource holds, read in the same run: not with -refresh=false, nor when the sync is read during apply and neither the secret nor a " +
			"resource given it as client_secret_wo changes), client_secret or client_certificate"))
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
	standing := onboarding.Classify(onboarding.TenantReading{AppPresent: o.SPPresent, Consent: consent.State})
	if !o.SPPresent {
		return r, standing // not onboarded yet: nothing more to read
	}
	if err := d.syncBC(ctx, &r, tenantID, cred, required, consent); err != nil {
		return fail(err)
	}
	g, err := d.data.Session.AppGraphAs(tenantID, cred, session.Sweep)
	if err != nil {
		return fail(err)
	}
	if err := readInventory(ctx, g, &r, c, required, consent); err != nil {
		return fail(err)
	}
	return r, standing
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
	c, err := d.data.Session.BC(bcCredentials(cred, false), session.Sweep)
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
