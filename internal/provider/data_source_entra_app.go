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
	PublicClientURIs   types.Set    `tfsdk:"public_client_redirect_uris"`
	SPARedirectURIs    types.Set    `tfsdk:"spa_redirect_uris"`
	IdentifierURIs     types.Set    `tfsdk:"identifier_uris"`
	AppRoles           types.Set    `tfsdk:"app_roles"`
	Scopes             types.Set    `tfsdk:"oauth2_permission_scopes"`
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
			"client_id":                   schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "The application (client) ID to look up.", Validators: []validator.String{guidValidator()}},
			"display_name":                schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "The display name to look up; it must match exactly one app."},
			"id":                          schema.StringAttribute{Computed: true, MarkdownDescription: "The application's object ID."},
			"tenant_id":                   schema.StringAttribute{Computed: true, MarkdownDescription: "The tenant the app is registered in."},
			"sign_in_audience":            schema.StringAttribute{Computed: true, MarkdownDescription: "Who can sign in to the app."},
			"web_redirect_uris":           schema.SetAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "The app's web redirect URIs."},
			"public_client_redirect_uris": schema.SetAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "The app's mobile and desktop redirect URIs."},
			"spa_redirect_uris":           schema.SetAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "The app's single-page application redirect URIs."},
			"identifier_uris":             schema.SetAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "The app's application ID URIs, e.g. `api://<client id>`."},
			"app_roles": schema.SetNestedAttribute{Computed: true,
				MarkdownDescription: "The app roles the app exposes; those allowing `Application` are application permissions other apps can require by `value`.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                   schema.StringAttribute{Computed: true, MarkdownDescription: "The role's ID."},
					"value":                schema.StringAttribute{Computed: true, MarkdownDescription: "The role's value, as in the `roles` claim."},
					"display_name":         schema.StringAttribute{Computed: true, MarkdownDescription: "The role's display name."},
					"description":          schema.StringAttribute{Computed: true, MarkdownDescription: "The role's description."},
					"allowed_member_types": schema.SetAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "`Application`, `User` or both."},
					"enabled":              schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the role can be granted."},
				}}},
			"oauth2_permission_scopes": schema.SetNestedAttribute{Computed: true,
				MarkdownDescription: "The delegated permissions (scopes) the app exposes, which other apps can require by `value` in `delegated_permissions`.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":                         schema.StringAttribute{Computed: true, MarkdownDescription: "The scope's ID."},
					"value":                      schema.StringAttribute{Computed: true, MarkdownDescription: "The scope's value, as in the `scp` claim."},
					"type":                       schema.StringAttribute{Computed: true, MarkdownDescription: "`User` or `Admin`: who may consent."},
					"admin_consent_display_name": schema.StringAttribute{Computed: true, MarkdownDescription: "The title on the admin consent screen."},
					"admin_consent_description":  schema.StringAttribute{Computed: true, MarkdownDescription: "The description on the admin consent screen."},
					"user_consent_display_name":  schema.StringAttribute{Computed: true, MarkdownDescription: "The title on the user consent screen."},
					"user_consent_description":   schema.StringAttribute{Computed: true, MarkdownDescription: "The description on the user consent screen."},
					"enabled":                    schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the scope can be requested."},
				}}},
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
	m.PublicClientURIs = stringSet(ctx, app.PublicClientRedirectURIs, &resp.Diagnostics)
	m.SPARedirectURIs = stringSet(ctx, app.SPARedirectURIs, &resp.Diagnostics)
	m.IdentifierURIs = stringSet(ctx, app.IdentifierURIs, &resp.Diagnostics)
	m.AppRoles = appRolesSet(ctx, app.AppRoles, &resp.Diagnostics)
	m.Scopes = scopesSet(ctx, app.OAuth2PermissionScopes, &resp.Diagnostics)
	m.ServicePrincipalID = types.StringValue("")
	if sp, err := d.data.Graph.GetServicePrincipalByAppID(ctx, app.AppID); err == nil {
		m.ServicePrincipalID = types.StringValue(sp.ID)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
