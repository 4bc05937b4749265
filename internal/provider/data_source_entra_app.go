package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onboard-tf/terraform-provider-onboard/internal/graph"
)

var (
	_ datasource.DataSource                     = &entraAppDataSource{}
	_ datasource.DataSourceWithConfigure        = &entraAppDataSource{}
	_ datasource.DataSourceWithConfigValidators = &entraAppDataSource{}
)

func newEntraAppDataSource() datasource.DataSource { return &entraAppDataSource{} }

type entraAppDataSource struct {
	data *providerData
}

type entraAppDataModel struct {
	ID                 types.String `tfsdk:"id"`
	ClientID           types.String `tfsdk:"client_id"`
	DisplayName        types.String `tfsdk:"display_name"`
	TenantID           types.String `tfsdk:"tenant_id"`
	SignInAudience     types.String `tfsdk:"sign_in_audience"`
	WebRedirectURIs    types.Set    `tfsdk:"web_redirect_uris"`
	PublisherDomain    types.String `tfsdk:"publisher_domain"`
	ServicePrincipalID types.String `tfsdk:"service_principal_id"`
}

func (d *entraAppDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_entra_app"
}

func (d *entraAppDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Looks up an existing app registration in the provider's home tenant, e.g. one a vendor created for you, by client ID or display name.",
		Attributes: map[string]schema.Attribute{
			"client_id":            schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "The application (client) ID to look up.", Validators: []validator.String{guidValidator()}},
			"display_name":         schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "The display name to look up; it must match exactly one app."},
			"id":                   schema.StringAttribute{Computed: true, MarkdownDescription: "The application's object ID."},
			"tenant_id":            schema.StringAttribute{Computed: true, MarkdownDescription: "The tenant the app is registered in."},
			"sign_in_audience":     schema.StringAttribute{Computed: true, MarkdownDescription: "Who can sign in to the app."},
			"web_redirect_uris":    schema.SetAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "The app's web redirect URIs."},
			"publisher_domain":     schema.StringAttribute{Computed: true, MarkdownDescription: "The app's publisher domain."},
			"service_principal_id": schema.StringAttribute{Computed: true, MarkdownDescription: "The app's service principal in the home tenant, empty if it has none."},
		},
	}
}

func (d *entraAppDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("client_id"), path.MatchRoot("display_name"))}
}

func (d *entraAppDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configureData(req.ProviderData, &resp.Diagnostics)
}

func (d *entraAppDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.data == nil {
		notConfigured(&resp.Diagnostics)
		return
	}
	var m entraAppDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var app graph.Application
	if !m.ClientID.IsNull() {
		var err error
		app, err = d.data.Graph.GetApplicationByAppID(ctx, m.ClientID.ValueString())
		if graph.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("client_id"), "App registration not found",
				"No app with client ID "+m.ClientID.ValueString()+" is registered in tenant "+d.data.TenantID+". A multi-tenant app registered by a vendor lives in the vendor's tenant: "+
					"look it up there, or use onboard_customer_tenant to onboard it into yours.")
			return
		}
		if err != nil {
			apiError(&resp.Diagnostics, "looking up the app", err)
			return
		}
	} else {
		apps, err := d.data.Graph.ListApplicationsByDisplayName(ctx, m.DisplayName.ValueString())
		if err != nil {
			apiError(&resp.Diagnostics, "looking up the app", err)
			return
		}
		switch len(apps) {
		case 0:
			resp.Diagnostics.AddAttributeError(path.Root("display_name"), "App registration not found", "No app named \""+m.DisplayName.ValueString()+"\" is registered in tenant "+d.data.TenantID+".")
			return
		case 1:
			app = apps[0]
		default:
			var ids []string
			for _, a := range apps {
				ids = append(ids, a.AppID)
			}
			resp.Diagnostics.AddAttributeError(path.Root("display_name"), "Several apps have this name",
				"Apps named \""+m.DisplayName.ValueString()+"\" have client IDs "+strings.Join(ids, ", ")+"; look one up by client_id.")
			return
		}
	}
	m.ID, m.ClientID, m.DisplayName = types.StringValue(app.ID), types.StringValue(app.AppID), types.StringValue(app.DisplayName)
	m.TenantID, m.SignInAudience, m.PublisherDomain = types.StringValue(d.data.TenantID), types.StringValue(app.SignInAudience), types.StringValue(app.PublisherDomain)
	m.WebRedirectURIs = stringSet(ctx, app.WebRedirectURIs, &resp.Diagnostics)
	m.ServicePrincipalID = types.StringValue("")
	if sp, err := d.data.Graph.GetServicePrincipalByAppID(ctx, app.AppID); err == nil {
		m.ServicePrincipalID = types.StringValue(sp.ID)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
