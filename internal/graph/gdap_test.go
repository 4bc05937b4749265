package graph

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/auth"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator"
)

// More relationships than one page (Graph pages GDAP lists at 100): every
// customer is listed.
func TestListDelegatedAdminRelationshipsReadsEveryPage(t *testing.T) {
	srv, _ := newClient(t)
	const n = 150
	for i := range n {
		id := fmt.Sprintf("9a9e0000-0000-4000-8000-%012d", i)
		if err := srv.SeedTenant(emulator.TenantSeed{ID: id, DisplayName: "c", Domains: []string{fmt.Sprintf("paged%d.onmicrosoft.com", i)}}); err != nil {
			t.Fatal(err)
		}
		if err := srv.AddGDAPRelationship(emulator.DefaultHomeTenantID, emulator.GDAPSeed{CustomerTenantID: id, CustomerName: "c",
			Roles: []string{"Global Administrator"}, Members: []string{emulator.DefaultPartnerAdminUPN}}); err != nil {
			t.Fatal(err)
		}
	}
	const cli = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
	rt, err := srv.IssueRefreshToken(emulator.DefaultPartnerAdminUPN, cli)
	if err != nil {
		t.Fatal(err)
	}
	cloud, _ := auth.CloudByName("public")
	cloud.LoginEndpoint = srv.URL()
	c, err := New(Options{Endpoint: srv.URL(), Resource: cloud.GraphResource, TenantID: emulator.DefaultHomeTenantID,
		Tokens: auth.NewRefreshTokenSource(cloud, cli, rt, srv.HTTPClient()), HTTPClient: srv.HTTPClient(), RetryBaseDelay: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	rels, err := c.ListDelegatedAdminRelationships(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rels {
		seen[r.CustomerTenantID] = true
	}
	for i := range n {
		if id := fmt.Sprintf("9a9e0000-0000-4000-8000-%012d", i); !seen[id] {
			t.Fatalf("%d relationships listed; customer %s missing", len(rels), id)
		}
	}
}
