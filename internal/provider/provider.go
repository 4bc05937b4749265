package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

var (
	_ provider.Provider              = &onboardProvider{}
	_ provider.ProviderWithFunctions = &onboardProvider{}
)

// New returns a constructor for the provider, as providerserver expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &onboardProvider{version: version}
	}
}

type onboardProvider struct {
	version string
}

func (p *onboardProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "onboard"
	resp.Version = p.version
}

func (p *onboardProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Onboards Microsoft Entra apps and customer tenants (Microsoft Graph, Business Central) declaratively.",
	}
}

func (p *onboardProvider) Configure(_ context.Context, _ provider.ConfigureRequest, _ *provider.ConfigureResponse) {
}

func (p *onboardProvider) Resources(_ context.Context) []func() resource.Resource {
	return nil
}

func (p *onboardProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return nil
}

func (p *onboardProvider) Functions(_ context.Context) []func() function.Function {
	return nil
}
