package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/onboard-tf/terraform-provider-onboard/internal/acctest"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// The bulk authorization the admin center UI does not offer: 100 customers
// in one apply, each through the partner's GDAP Dynamics 365 Administrator role.
func TestAccBCAuthorizedApp_hundredCustomers(t *testing.T) {
	srv := acctest.Emulator(t)
	const n = 100
	var tenants []string
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("b1b1b1b1-0000-4000-8000-%012d", i)
		tenants = append(tenants, id)
		if err := srv.SeedTenant(emulator.TenantSeed{ID: id, DisplayName: fmt.Sprint("Customer ", i), Domains: []string{fmt.Sprintf("bulk%d.onmicrosoft.com", i)}}); err != nil {
			t.Fatal(err)
		}
		if err := srv.AddGDAPRelationship(emulator.DefaultHomeTenantID, emulator.GDAPSeed{CustomerTenantID: id, CustomerName: fmt.Sprint("Customer ", i),
			Roles: []string{"Dynamics 365 Administrator"}, Members: []string{emulator.DefaultPartnerAdminUPN}}); err != nil {
			t.Fatal(err)
		}
	}
	usePartner(t, srv)
	const clientID = "c0c0c0c0-0000-4000-8000-0000000000bc"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
locals {
  tenants = ["%s"]
}
resource "onboard_bc_authorized_app" "bulk" {
  count     = length(local.tenants)
  tenant_id = local.tenants[count.index]
  client_id = %q
}
`, strings.Join(tenants, `", "`), clientID),
			Check: func(*terraform.State) error {
				for _, id := range tenants {
					apps, err := srv.BCAuthorizedApps(id)
					if err != nil || len(apps) != 1 || !strings.EqualFold(apps[0], clientID) {
						return fmt.Errorf("tenant %s: authorized apps %v (%v)", id, apps, err)
					}
				}
				return nil
			},
		}},
	})
}
