package provider_test

import (
	"regexp"
	"testing"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

func regexpMust(s string) *regexp.Regexp { return regexp.MustCompile(s) }

// usePartner gives the provider the default partner admin's refresh token
// (Azure CLI client), as a partner's CI would hold one, for this test.
func usePartner(t *testing.T, srv *emulator.Server) {
	t.Helper()
	rt, err := srv.IssueRefreshToken(emulator.DefaultPartnerAdminUPN, "04b07795-8ddb-461a-bbee-02f9e1bf7b46")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("ONBOARD_PARTNER_REFRESH_TOKEN", rt)
}
