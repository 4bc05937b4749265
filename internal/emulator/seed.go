package emulator

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/control"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// The control API's types, named here as the emulator's public API.
type (
	// TenantSeed describes a tenant to create through the control API.
	TenantSeed = control.TenantSeed
	// UserSeed is a user who can sign in.
	UserSeed = control.UserSeed
	// GDAPSeed is a granular delegated admin relationship from the seeded
	// (partner) tenant to a customer.
	GDAPSeed = control.GDAPSeed
	// PartnerGDAPSeed is a GDAP relationship seen from the customer.
	PartnerGDAPSeed = control.PartnerGDAPSeed
	// Inventory is what a sync counts in a tenant.
	Inventory = store.Inventory
	// SkuSeed is one license subscription of a tenant's inventory.
	SkuSeed = store.Sku
	// SecureScoreSeed is a tenant's Secure Score.
	SecureScoreSeed = store.SecureScore
)

// RoleIDs maps the directory role names the control API accepts to their
// template IDs.
var RoleIDs = store.RoleIDs

func roleID(r string) (string, error) {
	if id, ok := RoleIDs[r]; ok {
		return id, nil
	}
	for _, id := range RoleIDs {
		if strings.EqualFold(id, r) {
			return id, nil
		}
	}
	if len(r) == 36 && strings.Count(r, "-") == 4 {
		return strings.ToLower(r), nil
	}
	return "", fmt.Errorf("unknown directory role %q", r)
}

// SeedTenant creates or replaces a tenant.
func (s *Server) SeedTenant(seed TenantSeed) error {
	if seed.ID == "" || len(seed.Domains) == 0 {
		return fmt.Errorf("a tenant needs an id and at least one domain")
	}
	now := s.now()
	t := store.NewTenant(seed.ID, seed.DisplayName)
	t.CreatedDateTime = now.Add(-365 * 24 * time.Hour)
	if seed.Country != "" {
		t.CountryLetterCode = seed.Country
	}
	for i, d := range seed.Domains {
		t.Domains = append(t.Domains, store.Domain{Name: strings.ToLower(d), IsDefault: i == 0, IsInitial: i == 0})
	}
	t.Counts = seed.Inventory
	for _, us := range seed.Users {
		u := &store.User{ID: store.NewGUID(), UPN: us.UPN, DisplayName: us.DisplayName, Password: us.Password}
		for _, r := range us.Roles {
			id, err := roleID(r)
			if err != nil {
				return err
			}
			u.Roles = append(u.Roles, id)
		}
		t.Users = append(t.Users, u)
		if seed.ConsentAdmin == "" && containsFold(u.Roles, store.RoleGlobalAdmin) {
			seed.ConsentAdmin = u.UPN
		}
	}
	t.ConsentAdmin = seed.ConsentAdmin
	for _, g := range seed.Relationships {
		rel := &store.GDAPRelationship{ID: store.NewGUID() + "-" + store.NewGUID(), DisplayName: "GDAP " + g.CustomerName,
			CustomerTenantID: strings.ToLower(g.CustomerTenantID), CustomerName: g.CustomerName, Status: g.Status,
			Duration: "P730D", CreatedDateTime: now.Add(-30 * 24 * time.Hour), ActivatedTime: now.Add(-30 * 24 * time.Hour), EndDateTime: g.EndDateTime}
		if rel.Status == "" {
			rel.Status = "active"
		}
		if rel.EndDateTime.IsZero() {
			rel.EndDateTime = now.Add(700 * 24 * time.Hour)
		}
		for _, r := range g.Roles {
			id, err := roleID(r)
			if err != nil {
				return err
			}
			rel.Roles = append(rel.Roles, id)
		}
		for _, m := range g.Members {
			if u := t.UserByUPN(m); u != nil {
				rel.Members = append(rel.Members, u.ID)
			} else {
				return fmt.Errorf("GDAP member %q is not a user of tenant %s", m, seed.ID)
			}
		}
		t.Relationships = append(t.Relationships, rel)
	}
	for _, sp := range store.FirstPartyServicePrincipals(t.ID, now) {
		t.ServicePrincipals[sp.ID] = sp
	}
	return s.store.Update(func(tx *store.Tx) error {
		// Check everything before changing anything.
		if err := tx.DomainsFree(t); err != nil {
			return err
		}
		linkPartners, err := partnerRelationships(tx, seed, now)
		if err != nil {
			return err
		}
		if err := tx.PutTenant(t); err != nil {
			return err
		}
		linkPartners()
		return nil
	})
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// Default customer tenants, for the demo and tests.
const (
	FabrikamTenantID  = "3c9f1a2b-4d5e-4f60-8a7b-9c0d1e2f3a41"
	NorthwindTenantID = "5e1d2c3b-6a7f-4e80-9b1c-2d3e4f5a6b52"
	TailspinTenantID  = "8a7b6c5d-4e3f-4a21-8b0c-9d8e7f6a5b63"
	// DefaultPartnerAdminUPN is a home-tenant user whose GDAP relationships
	// give Cloud Application Administrator in Fabrikam and Northwind.
	DefaultPartnerAdminUPN = "partner.admin@" + DefaultHomeTenantDomain
)

func customerSeed(id, name, short string, users int) TenantSeed {
	d := short + ".onmicrosoft.com"
	return TenantSeed{
		ID: id, DisplayName: name, Domains: []string{d, short + ".com"},
		Users: []UserSeed{
			{UPN: "admin@" + d, DisplayName: name + " Global Admin", Roles: []string{"Global Administrator"}},
			{UPN: "appadmin@" + d, DisplayName: name + " Cloud App Admin", Roles: []string{"Cloud Application Administrator"}},
			{UPN: "d365admin@" + d, DisplayName: name + " Dynamics 365 Admin", Roles: []string{"Dynamics 365 Administrator"}},
			{UPN: "user@" + d, DisplayName: name + " User"},
		},
		Inventory: Inventory{Users: users, Groups: users / 10, Devices: users / 2, SubscribedSkus: 3, Mailboxes: users,
			ActiveMailboxes: users * 4 / 5, ManagedDevices: users / 3, SecureScore: &SecureScoreSeed{Current: float64(users%70) + 20.5, Max: 245}},
	}
}

// seedDefaults loads the home tenant with its automation identity and three
// customers (see defaults.go).
func (s *Server) seedDefaults() {
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	home := TenantSeed{
		ID: DefaultHomeTenantID, DisplayName: DefaultHomeTenantName, Domains: []string{DefaultHomeTenantDomain},
		Users: []UserSeed{
			{UPN: "admin@" + DefaultHomeTenantDomain, DisplayName: "Vendor Global Admin", Roles: []string{"Global Administrator"}},
			{UPN: DefaultPartnerAdminUPN, DisplayName: "Partner Admin Agent"},
		},
		Inventory: Inventory{Users: 42, Groups: 7, Devices: 30, SubscribedSkus: 2, Mailboxes: 40},
		Relationships: []GDAPSeed{
			{CustomerTenantID: FabrikamTenantID, CustomerName: "Fabrikam", Roles: []string{"Cloud Application Administrator", "Dynamics 365 Administrator"}, Members: []string{DefaultPartnerAdminUPN}},
			{CustomerTenantID: NorthwindTenantID, CustomerName: "Northwind Traders", Roles: []string{"Global Administrator"}, Members: []string{DefaultPartnerAdminUPN}},
			{CustomerTenantID: TailspinTenantID, CustomerName: "Tailspin Toys", Roles: []string{"Global Reader"}, Status: "expired", Members: []string{DefaultPartnerAdminUPN}},
		},
	}
	must(s.SeedTenant(home))
	must(s.SeedTenant(customerSeed(FabrikamTenantID, "Fabrikam", "fabrikam", 1200)))
	must(s.SeedTenant(customerSeed(NorthwindTenantID, "Northwind Traders", "northwind", 350)))
	must(s.SeedTenant(customerSeed(TailspinTenantID, "Tailspin Toys", "tailspin", 12000)))
	must(s.seedAutomationIdentity())
	must(s.seedBCDefaults())
}

// seedAutomationIdentity registers the app the provider signs in as, with
// its secret and consented Graph application permissions in the home tenant.
func (s *Server) seedAutomationIdentity() error {
	return s.store.Update(func(tx *store.Tx) error {
		now := tx.Now()
		t := tx.TenantByID(DefaultHomeTenantID)
		app := &store.Application{
			TenantID: t.ID, ID: store.NewGUID(), AppID: DefaultAutomationClientID, DisplayName: DefaultAutomationDisplayName,
			SignInAudience: "AzureADMyOrg", PublisherDomain: DefaultHomeTenantDomain, CreatedDateTime: now.Add(-24 * time.Hour),
			PasswordCredentials: []store.PasswordCredential{{KeyID: store.NewGUID(), DisplayName: "automation", Hint: DefaultAutomationClientSecret[:3],
				SecretText: DefaultAutomationClientSecret, StartDateTime: now.Add(-24 * time.Hour), EndDateTime: now.Add(2 * 365 * 24 * time.Hour)}},
		}
		var access []store.ResourceAccess
		for _, v := range []string{"Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All", "Organization.Read.All", "CrossTenantInformation.ReadBasic.All"} {
			for _, r := range store.GraphApp.AppRoles {
				if r.Value == v {
					access = append(access, store.ResourceAccess{ID: r.ID, Type: "Role"})
				}
			}
		}
		app.RequiredResourceAccess = []store.RequiredResourceAccess{{ResourceAppID: store.GraphAppID, ResourceAccess: access}}
		tx.PutApp(t, app)
		tx.GrantConsent(t, app, nil, now.Add(-24*time.Hour))
		return nil
	})
}

// SeedFile seeds every tenant listed in a JSON file ([]TenantSeed).
func (s *Server) SeedFile(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var seeds []TenantSeed
	if err := json.Unmarshal(b, &seeds); err != nil {
		return err
	}
	for _, t := range seeds {
		if err := s.SeedTenant(t); err != nil {
			return err
		}
	}
	return nil
}

// AddGDAPRelationship adds a relationship to a partner tenant without
// reseeding it (for tests with many customers).
func (s *Server) AddGDAPRelationship(partnerTenantID string, g GDAPSeed) error {
	return s.store.Update(func(tx *store.Tx) error {
		now := tx.Now()
		t, err := tx.TenantErr(partnerTenantID)
		if err != nil {
			return err
		}
		rel := &store.GDAPRelationship{ID: store.NewGUID() + "-" + store.NewGUID(), DisplayName: "GDAP " + g.CustomerName, CustomerTenantID: strings.ToLower(g.CustomerTenantID),
			CustomerName: g.CustomerName, Status: g.Status, Duration: "P730D", CreatedDateTime: now, ActivatedTime: now, EndDateTime: g.EndDateTime}
		if rel.Status == "" {
			rel.Status = "active"
		}
		if rel.EndDateTime.IsZero() {
			rel.EndDateTime = now.Add(700 * 24 * time.Hour)
		}
		for _, r := range g.Roles {
			id, err := roleID(r)
			if err != nil {
				return err
			}
			rel.Roles = append(rel.Roles, id)
		}
		for _, m := range g.Members {
			u := t.UserByUPN(m)
			if u == nil {
				return fmt.Errorf("GDAP member %q is not a user of tenant %s", m, partnerTenantID)
			}
			rel.Members = append(rel.Members, u.ID)
		}
		t.Relationships = append(t.Relationships, rel)
		return nil
	})
}

// partnerRelationships checks a seed's partner relationships and returns
// the function that adds them to their partners, so that a seed with a
// wrong partner or member changes nothing.
func partnerRelationships(tx *store.Tx, seed TenantSeed, now time.Time) (func(), error) {
	customerID := strings.ToLower(seed.ID)
	type link struct {
		partner *store.Tenant
		rel     *store.GDAPRelationship
	}
	var links []link
	for _, p := range seed.PartnerRelationships {
		partner := tx.Tenant(p.PartnerTenantID)
		if partner == nil || strings.EqualFold(partner.ID, customerID) {
			return nil, fmt.Errorf("partner tenant %q of %s: not a seeded tenant (seed the partner first)", p.PartnerTenantID, seed.ID)
		}
		g := GDAPSeed{CustomerTenantID: customerID, CustomerName: seed.DisplayName, Roles: p.Roles, Status: p.Status, EndDateTime: p.EndDateTime, Members: p.Members}
		rel := &store.GDAPRelationship{ID: store.NewGUID() + "-" + store.NewGUID(), DisplayName: "GDAP " + g.CustomerName, CustomerTenantID: customerID,
			CustomerName: g.CustomerName, Status: g.Status, Duration: "P730D", CreatedDateTime: now, ActivatedTime: now, EndDateTime: g.EndDateTime}
		if rel.Status == "" {
			rel.Status = "active"
		}
		if rel.EndDateTime.IsZero() {
			rel.EndDateTime = now.Add(700 * 24 * time.Hour)
		}
		if len(g.Roles) == 0 {
			return nil, fmt.Errorf("GDAP relationship from %s to %s: no roles", p.PartnerTenantID, seed.ID)
		}
		for _, r := range g.Roles {
			id, err := roleID(r)
			if err != nil {
				return nil, err
			}
			rel.Roles = append(rel.Roles, id)
		}
		for _, m := range g.Members {
			u := partner.UserByUPN(m)
			if u == nil {
				return nil, fmt.Errorf("GDAP member %q is not a user of partner tenant %s", m, p.PartnerTenantID)
			}
			rel.Members = append(rel.Members, u.ID)
		}
		links = append(links, link{partner, rel})
	}
	return func() {
		replaced := map[*store.Tenant]bool{}
		for _, l := range links {
			if !replaced[l.partner] {
				replaced[l.partner] = true
				l.partner.Relationships = slices.DeleteFunc(l.partner.Relationships, func(r *store.GDAPRelationship) bool {
					return strings.EqualFold(r.CustomerTenantID, customerID)
				})
			}
			l.partner.Relationships = append(l.partner.Relationships, l.rel)
		}
	}, nil
}
