package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// Resource identity over the plugin protocol, as Terraform 1.12+ drives it:
// an app made by hand is imported by its identity, and the read that
// follows returns the same identity. (The CLI on these machines may be
// older than 1.12; TestAccEntraApp_importByIdentity covers the CLI.)
func TestIdentityImportOverProtocol(t *testing.T) {
	srv := acctest.Emulator(t)
	ctx := context.Background()
	objectID, _, err := srv.RegisterApp(emulator.DefaultHomeTenantID, "", acctest.Name(t, "identity"))
	if err != nil {
		t.Fatal(err)
	}
	p, provSchema := configuredProvider(ctx, t)
	schemas, err := p.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"onboard_entra_app":         {"object_id"},
		"onboard_client_secret":     {"application_id", "key_id"},
		"onboard_api_permission":    {"application_id", "resource_app_id"},
		"onboard_customer_tenant":   {"client_id", "tenant_id"},
		"onboard_bc_authorized_app": {"client_id", "tenant_id"},
	}
	for typ, attrs := range want {
		s := schemas.IdentitySchemas[typ]
		if s == nil || len(s.IdentityAttributes) != len(attrs) {
			t.Fatalf("identity schema of %s: %+v, want attributes %v", typ, s, attrs)
		}
		for i, a := range s.IdentityAttributes {
			if a.Name != attrs[i] || !a.RequiredForImport {
				t.Errorf("%s identity attribute %d: %+v, want %s required for import", typ, i, a, attrs[i])
			}
		}
	}

	identityType := schemas.IdentitySchemas["onboard_entra_app"].ValueType()
	identity, err := tfprotov6.NewDynamicValue(identityType, tftypes.NewValue(identityType, map[string]tftypes.Value{"object_id": tftypes.NewValue(tftypes.String, objectID)}))
	if err != nil {
		t.Fatal(err)
	}
	imp, err := p.ImportResourceState(ctx, &tfprotov6.ImportResourceStateRequest{TypeName: "onboard_entra_app",
		Identity: &tfprotov6.ResourceIdentityData{IdentityData: &identity}})
	if err != nil || hasError(imp.Diagnostics) || len(imp.ImportedResources) != 1 {
		t.Fatalf("import by identity: %v %+v", err, imp)
	}
	resType := provSchema.ResourceSchemas["onboard_entra_app"].ValueType()
	if got := attr(t, imp.ImportedResources[0].State, resType, "id"); got != objectID {
		t.Fatalf("imported id %q, want %q", got, objectID)
	}
	read, err := p.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: "onboard_entra_app", CurrentState: imp.ImportedResources[0].State,
		CurrentIdentity: imp.ImportedResources[0].Identity})
	if err != nil || hasError(read.Diagnostics) || read.NewIdentity == nil {
		t.Fatalf("read after import: %v %+v", err, read)
	}
	if got := attr(t, read.NewIdentity.IdentityData, identityType, "object_id"); got != objectID {
		t.Fatalf("identity after read: object_id %q, want %q", got, objectID)
	}
	if got := attr(t, read.NewState, resType, "display_name"); got == "" {
		t.Fatal("read after import filled no display_name")
	}
}

// The same through the CLI, with an import block's identity (1.12+).
func TestAccEntraApp_importByIdentity(t *testing.T) {
	t.Parallel()
	srv := acctest.Emulator(t)
	name := acctest.Name(t, "identity-cli")
	objectID, _, err := srv.RegisterApp(emulator.DefaultHomeTenantID, "", name)
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:          fmt.Sprintf("resource \"onboard_entra_app\" \"app\" {\n  display_name = %q\n}\n", name),
			ResourceName:    "onboard_entra_app.app",
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithResourceIdentity,
			ImportStateIdFunc: func(*terraform.State) (string, error) {
				return objectID, nil
			},
		}},
	})
}
