package provider_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// A team on azuread moves its app, secret and API access into onboard_*
// with `moved` blocks: nothing is created or replaced, and the secret's
// value, which exists only in state, comes along.
func TestAccMovedFromAzuread(t *testing.T) {
	t.Parallel()
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "moved")
	objectID, clientID, err := srv.RegisterApp(emulator.DefaultHomeTenantID, "", name)
	if err != nil {
		t.Fatal(err)
	}
	const userReadAll = "df021288-bdef-4463-88db-98f22de89214"
	if err := srv.EditApp(emulator.DefaultHomeTenantID, objectID, map[string]any{"requiredResourceAccess": []map[string]any{{
		"resourceAppId": graphAppID, "resourceAccess": []map[string]any{{"id": userReadAll, "type": "Role"}}}}}); err != nil {
		t.Fatal(err)
	}
	end := srv.Now().Add(180 * 24 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
	endTime, _ := time.Parse(time.RFC3339, end)
	keyID, secret, err := srv.AddSecret(emulator.DefaultHomeTenantID, objectID, "", endTime)
	if err != nil {
		t.Fatal(err)
	}
	// What azuread v3 writes to state for these three resources.
	azuread := fmt.Sprintf(`
resource "azuread_application" "app" {
  id           = "/applications/%[1]s"
  object_id    = "%[1]s"
  client_id    = "%[2]s"
  display_name = %[3]q
}
resource "azuread_application_password" "app" {
  id             = "/applications/%[1]s/password/%[4]s"
  application_id = "/applications/%[1]s"
  key_id         = "%[4]s"
  value          = %[5]q
  end_date       = %[6]q
}
resource "azuread_application_api_access" "graph" {
  id             = "/applications/%[1]s/apiAccess/%[7]s"
  application_id = "/applications/%[1]s"
  api_client_id  = "%[7]s"
  role_ids       = ["%[8]s"]
}
`, objectID, clientID, name, keyID, secret, end, graphAppID, userReadAll)
	onboard := fmt.Sprintf(`
resource "onboard_entra_app" "app" {
  display_name = %q
}
resource "onboard_client_secret" "app" {
  application_id = onboard_entra_app.app.id
  end_date       = %q
}
resource "onboard_api_permission" "graph" {
  application_id          = onboard_entra_app.app.id
  api                     = "Microsoft Graph"
  application_permissions = ["User.Read.All"]
}
moved {
  from = azuread_application.app
  to   = onboard_entra_app.app
}
moved {
  from = azuread_application_password.app
  to   = onboard_client_secret.app
}
moved {
  from = azuread_application_api_access.graph
  to   = onboard_api_permission.graph
}
`, name, end)
	factories := map[string]func() (tfprotov6.ProviderServer, error){
		"onboard": acctest.ProtoV6ProviderFactories["onboard"],
		"azuread": providerserver.NewProtocol6WithError(&stubAzuread{}),
	}
	tfresource.Test(t, tfresource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: factories,
		Steps: []tfresource.TestStep{
			{Config: azuread},
			{
				Config: onboard,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: expectNoop(
					"onboard_entra_app.app", "onboard_client_secret.app", "onboard_api_permission.graph")},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("onboard_entra_app.app", tfjsonpath.New("id"), knownvalue.StringExact(objectID)),
					statecheck.ExpectKnownValue("onboard_entra_app.app", tfjsonpath.New("client_id"), knownvalue.StringExact(clientID)),
					statecheck.ExpectKnownValue("onboard_client_secret.app", tfjsonpath.New("key_id"), knownvalue.StringExact(keyID)),
					statecheck.ExpectKnownValue("onboard_client_secret.app", tfjsonpath.New("value"), knownvalue.StringExact(secret)),
					statecheck.ExpectKnownValue("onboard_api_permission.graph", tfjsonpath.New("resource_app_id"), knownvalue.StringExact(graphAppID)),
				},
				Check: func(*terraform.State) error {
					apps := srv.AppsNamed(emulator.DefaultHomeTenantID, name)
					if len(apps) != 1 || len(apps[0].Secrets) != 1 || apps[0].Secrets[0].KeyID != keyID {
						return fmt.Errorf("want the one app with its one secret, emulator has %+v", apps)
					}
					return nil
				},
			},
		},
	})
}

// stubAzuread stands in for hashicorp/azuread (not reachable offline): the
// three resource types with the attributes azuread writes, kept as given.
type stubAzuread struct{}

func (*stubAzuread) Metadata(_ context.Context, _ fwprovider.MetadataRequest, resp *fwprovider.MetadataResponse) {
	resp.TypeName = "azuread"
}
func (*stubAzuread) Schema(context.Context, fwprovider.SchemaRequest, *fwprovider.SchemaResponse) {}
func (*stubAzuread) Configure(context.Context, fwprovider.ConfigureRequest, *fwprovider.ConfigureResponse) {
}
func (*stubAzuread) DataSources(context.Context) []func() datasource.DataSource { return nil }
func (*stubAzuread) Resources(context.Context) []func() resource.Resource {
	mk := func(name string, strs []string, sets ...string) func() resource.Resource {
		return func() resource.Resource {
			attrs := map[string]schema.Attribute{}
			for _, a := range strs {
				attrs[a] = schema.StringAttribute{Optional: true, Sensitive: a == "value"}
			}
			for _, a := range sets {
				attrs[a] = schema.SetAttribute{ElementType: types.StringType, Optional: true}
			}
			return &stubResource{name: name, schema: schema.Schema{Attributes: attrs}}
		}
	}
	return []func() resource.Resource{
		mk("application", []string{"id", "object_id", "client_id", "display_name"}),
		mk("application_password", []string{"id", "application_id", "key_id", "value", "end_date"}),
		mk("application_api_access", []string{"id", "application_id", "api_client_id"}, "role_ids", "scope_ids"),
	}
}

type stubResource struct {
	name   string
	schema schema.Schema
}

func (r *stubResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.name
}
func (r *stubResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.schema
}
func (r *stubResource) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw = req.Plan.Raw
}
func (r *stubResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}
func (r *stubResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
}
func (r *stubResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
