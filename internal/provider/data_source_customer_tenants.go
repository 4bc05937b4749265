package provider

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onboard-tf/terraform-provider-onboard/internal/graph"
	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
	"github.com/onboard-tf/terraform-provider-onboard/internal/session"
)

var (
	_ datasource.DataSource              = &customerTenantsDataSource{}
	_ datasource.DataSourceWithConfigure = &customerTenantsDataSource{}
)

func newCustomerTenantsDataSource() datasource.DataSource { return &customerTenantsDataSource{} }

type customerTenantsDataSource struct {
	data *providerData
}

type customerTenantsModel struct {
	ExpiryWarningDays types.Int64  `tfsdk:"expiry_warning_days"`
	ClientID          types.String `tfsdk:"client_id"`
	dataSourceCredentialModel
	Customers           types.Map  `tfsdk:"customers"`
	BCManageableTenants types.List `tfsdk:"bc_manageable_tenants"`
}

type gdapCustomer struct {
	TenantID      types.String `tfsdk:"tenant_id"`
	DisplayName   types.String `tfsdk:"display_name"`
	Active        types.Bool   `tfsdk:"active"`
	Roles         []string     `tfsdk:"roles"`
	EndDateTime   types.String `tfsdk:"end_date_time"`
	Relationships []string     `tfsdk:"relationships"`
}

var gdapCustomerType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"tenant_id": types.StringType, "display_name": types.StringType, "active": types.BoolType,
	"roles": types.ListType{ElemType: types.StringType}, "end_date_time": types.StringType, "relationships": types.ListType{ElemType: types.StringType},
}}

// roleNames names the directory roles partners most often hold through GDAP.
var roleNames = map[string]string{
	"62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
	"e8611ab8-c189-46e8-94e1-60213ab1f814": "Privileged Role Administrator",
	"158c047a-c907-4556-b7ef-446551a6b5f7": "Cloud Application Administrator",
	"9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3": "Application Administrator",
	"44367163-eba1-44c3-98af-f5787879f96a": "Dynamics 365 Administrator",
	"963797fb-eb3b-4cde-8ce3-5878b3f32a3f": "Dynamics 365 Business Central Administrator",
	"f2ef992c-3afb-46b9-b7cf-a126ee74c451": "Global Reader",
}

func (d *customerTenantsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_customer_tenants"
}

func (d *customerTenantsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Discovery (seed 000 \"Fetch tenants\"): the customers the partner reaches through GDAP, with their relationships, roles and end dates. " +
			"Microsoft serves GDAP lists only to a signed-in partner user, so this needs the provider's `partner` credential. The result is keyed by tenant ID " +
			"and fits `for_each` directly; a relationship that ends within `expiry_warning_days` is reported as a warning.",
		Attributes: withDataSourceCredential(map[string]schema.Attribute{
			"expiry_warning_days": schema.Int64Attribute{Optional: true, MarkdownDescription: "Warn about active relationships ending within this many days (default 30)."},
			"client_id": schema.StringAttribute{Optional: true, Validators: []validator.String{guidValidator()},
				MarkdownDescription: "With one of its credentials (`client_secret`, `client_secret_key_id`, `client_certificate` or `client_certificate_key_id`): " +
					"an app whose Business Central manageable tenants to list (tenants whose admin center authorized it)."},
			"bc_manageable_tenants": schema.ListAttribute{ElementType: types.StringType, Computed: true,
				MarkdownDescription: "Tenants where `client_id` is authorized in the Business Central admin center (`manageableTenants`, app-only; needs the app's `AdminCenter.ReadWrite.All` in the provider's home tenant). Empty without `client_id`."},
			"customers": schema.MapNestedAttribute{Computed: true, MarkdownDescription: "Customers by tenant ID.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"tenant_id":     schema.StringAttribute{Computed: true, MarkdownDescription: "The customer's tenant ID."},
					"display_name":  schema.StringAttribute{Computed: true, MarkdownDescription: "The customer's name."},
					"active":        schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether at least one relationship is active."},
					"roles":         schema.ListAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "Directory roles the active relationships give (names where known, else role IDs)."},
					"end_date_time": schema.StringAttribute{Computed: true, MarkdownDescription: "When the last active relationship ends (RFC 3339); empty when none is active."},
					"relationships": schema.ListAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "Relationships as `<display name> (<status>)`."},
				}}},
		}, "of `client_id`, to list its Business Central manageable tenants app-only."),
	}
}

func (d *customerTenantsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configureData(req.ProviderData, &resp.Diagnostics)
}

func (d *customerTenantsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var m customerTenantsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.BCManageableTenants = types.ListValueMust(types.StringType, []attr.Value{})
	if cred := d.data.dataSourceCredential(m.ClientID.ValueString(), m.dataSourceCredentialModel); !m.ClientID.IsNull() && cred.Set() {
		c := call{doing: "listing the Business Central manageable tenants of app " + m.ClientID.ValueString(), cred: session.App,
			tenant: d.data.TenantID, client: m.ClientID.ValueString()}
		bc, err := d.data.Session.BC(bcCredentials(cred, false), session.Standard)
		var ids []string
		if err == nil {
			ids, err = bc.ListManageableTenants(ctx, d.data.TenantID)
		}
		if err != nil {
			addError(&resp.Diagnostics, c, err, path.Root("client_id"))
			return
		}
		sort.Strings(ids)
		list, diags := types.ListValueFrom(ctx, types.StringType, ids)
		resp.Diagnostics.Append(diags...)
		m.BCManageableTenants = list
	}
	if !d.data.HasPartner {
		resp.Diagnostics.AddError("Partner credential needed",
			"Microsoft lists GDAP customers only to a signed-in partner user: configure the provider's partner block (or ONBOARD_PARTNER_REFRESH_TOKEN).")
		return
	}
	c := call{doing: "listing GDAP relationships (the partner user needs DelegatedAdminRelationship.Read.All)", cred: session.Partner, tenant: d.data.TenantID}
	g, err := d.data.Session.PartnerGraph(d.data.TenantID)
	var rels []graph.DelegatedAdminRelationship
	if err == nil {
		rels, err = g.ListDelegatedAdminRelationships(ctx)
	}
	if err != nil {
		addError(&resp.Diagnostics, c, err)
		return
	}
	warnDays := m.ExpiryWarningDays.ValueInt64()
	if m.ExpiryWarningDays.IsNull() {
		warnDays = 30
	}
	now := g.Now()
	type acc struct {
		c     gdapCustomer
		roles map[string]bool
		end   time.Time
	}
	byTenant := map[string]*acc{}
	for _, r := range rels {
		a := byTenant[r.CustomerTenantID]
		if a == nil {
			a = &acc{c: gdapCustomer{TenantID: types.StringValue(r.CustomerTenantID), DisplayName: types.StringValue(r.CustomerName), Active: types.BoolValue(false),
				Roles: []string{}, Relationships: []string{}}, roles: map[string]bool{}}
			byTenant[r.CustomerTenantID] = a
		}
		a.c.Relationships = append(a.c.Relationships, fmt.Sprintf("%s (%s)", r.DisplayName, r.Status))
		st := onboarding.ReviewRelationship(r.Status, r.EndDateTime, now, warnDays)
		if !st.Active {
			continue
		}
		a.c.Active = types.BoolValue(true)
		for _, id := range r.RoleDefinitionIDs {
			name := id
			if n, ok := roleNames[id]; ok {
				name = n
			}
			a.roles[name] = true
		}
		if r.EndDateTime.After(a.end) {
			a.end = r.EndDateTime
		}
		if st.EndingSoon {
			resp.Diagnostics.AddWarning(onboarding.RelationshipWarning(r.DisplayName, r.CustomerName, r.CustomerTenantID, r.EndDateTime, st.DaysLeft))
		}
	}
	out := map[string]gdapCustomer{}
	for id, a := range byTenant {
		for r := range a.roles {
			a.c.Roles = append(a.c.Roles, r)
		}
		sort.Strings(a.c.Roles)
		a.c.EndDateTime = types.StringValue("")
		if !a.end.IsZero() {
			a.c.EndDateTime = types.StringValue(a.end.Format(time.RFC3339))
		}
		out[id] = a.c
	}
	customers, diags := types.MapValueFrom(ctx, gdapCustomerType, out)
	resp.Diagnostics.Append(diags...)
	m.Customers = customers
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
