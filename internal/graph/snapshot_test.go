package graph

import (
	"context"
	"testing"

	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
)

// The provider's offline catalog (the embedded snapshot) and the emulator's
// first-party service principals, as Graph serves them, offer the same
// permissions with the same IDs: a permission added to one and not the
// other fails here.
func TestSnapshotMatchesEmulator(t *testing.T) {
	_, c := newClient(t)
	for _, ref := range []string{"Microsoft Graph", "Dynamics 365 Business Central"} {
		api, err := onboarding.LookupAPI(ref)
		if err != nil {
			t.Fatal(err)
		}
		sp, err := c.GetAPIPermissions(context.Background(), api.AppID)
		if err != nil {
			t.Fatal(err)
		}
		if sp.DisplayName != api.Name {
			t.Errorf("%s: the emulator calls it %q", ref, sp.DisplayName)
		}
		served := map[string]bool{}
		for _, r := range sp.AppRoles {
			served["application/"+r.Value+"/"+r.ID] = true
			if !r.IsEnabled || len(r.AllowedMemberTypes) != 1 || r.AllowedMemberTypes[0] != "Application" || r.DisplayName == "" {
				t.Errorf("%s: app role %+v is not shaped like Microsoft's", ref, r)
			}
		}
		for _, s := range sp.OAuth2PermissionScopes {
			served["delegated/"+s.Value+"/"+s.ID] = true
			if !s.IsEnabled || (s.Type != "User" && s.Type != "Admin") {
				t.Errorf("%s: scope %+v is not shaped like Microsoft's", ref, s)
			}
		}
		catalog := map[string]bool{}
		for _, p := range api.Permissions {
			catalog[string(p.Kind)+"/"+p.Name+"/"+p.ID] = true
			if !served[string(p.Kind)+"/"+p.Name+"/"+p.ID] {
				t.Errorf("%s: the snapshot has %s %s (%s); the emulator's service principal does not", ref, p.Kind, p.Name, p.ID)
			}
		}
		for k := range served {
			if !catalog[k] {
				t.Errorf("%s: the emulator's service principal offers %s; the snapshot does not", ref, k)
			}
		}
		if ref == "Microsoft Graph" && len(served) != 1523 {
			t.Errorf("Microsoft Graph: %d permissions served, want the snapshot's 716 application and 807 delegated", len(served))
		}
	}
}

// A tenant has Microsoft's other first-party APIs too, each with real IDs.
func TestEmulatorHasOtherFirstPartyAPIs(t *testing.T) {
	_, c := newClient(t)
	for appID, want := range map[string][3]string{
		"00000002-0000-0ff1-ce00-000000000000": {"Office 365 Exchange Online", "full_access_as_app", "dc890d15-9560-4a4c-9b7f-a736ec74ec40"},
		"00000003-0000-0ff1-ce00-000000000000": {"Office 365 SharePoint Online", "Sites.FullControl.All", "678536fe-1083-478a-9c59-b99265e6b0d3"},
	} {
		sp, err := c.GetAPIPermissions(context.Background(), appID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range sp.AppRoles {
			found = found || (r.Value == want[1] && r.ID == want[2])
		}
		if sp.DisplayName != want[0] || !found {
			t.Errorf("%s: %q, roles %+v; want %s with %s %s", appID, sp.DisplayName, sp.AppRoles, want[0], want[1], want[2])
		}
	}
	sps, err := c.ListServicePrincipalsByDisplayName(context.Background(), "windows azure service management api")
	if err != nil || len(sps) != 1 {
		t.Fatalf("by display name: %+v %v", sps, err)
	}
	sp := sps[0]
	if sp.AppID != "797f4846-ba00-4fd7-ba43-dac1f8f63013" || sp.DisplayName != "Windows Azure Service Management API" || len(sp.OAuth2PermissionScopes) != 1 ||
		sp.OAuth2PermissionScopes[0].ID != "41094075-9dad-400e-a0bd-54e686782033" {
		t.Errorf("Azure Service Management: %+v %v", sp, err)
	}
}
