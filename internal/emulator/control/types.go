package control

import (
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// TenantSeed describes a tenant to create through the control API.
type TenantSeed struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	// Domains: the first is the initial (and default) domain.
	Domains []string   `json:"domains"`
	Country string     `json:"countryLetterCode,omitempty"`
	Users   []UserSeed `json:"users,omitempty"`
	// ConsentAdmin is the UPN that signs in for /adminconsent and
	// /authorize; default: the first Global Administrator.
	ConsentAdmin  string          `json:"consentAdmin,omitempty"`
	Inventory     store.Inventory `json:"inventory"`
	Relationships []GDAPSeed      `json:"relationships,omitempty"`
	// PartnerRelationships are GDAP relationships in which this tenant is
	// the customer. Each is added to its partner tenant, which must exist,
	// replacing that partner's earlier relationships to this tenant; the
	// partner tenant is otherwise untouched (re-seeding it would replace
	// its apps, the automation identity among them).
	PartnerRelationships []PartnerGDAPSeed `json:"partnerRelationships,omitempty"`
}

// PartnerGDAPSeed is a GDAP relationship seen from the customer: which
// partner tenant holds it, the roles it gives and to which partner users.
type PartnerGDAPSeed struct {
	PartnerTenantID string    `json:"partnerTenantId"` // ID or domain
	Roles           []string  `json:"roles"`
	Status          string    `json:"status,omitempty"` // default active
	EndDateTime     time.Time `json:"endDateTime,omitempty"`
	// Members are users (UPNs) of the partner tenant the roles apply to.
	Members []string `json:"members"`
}

// UserSeed is a user who can sign in. Roles are directory role names
// (see RoleIDs) or role template IDs.
type UserSeed struct {
	UPN         string   `json:"upn"`
	DisplayName string   `json:"displayName,omitempty"`
	Password    string   `json:"password,omitempty"`
	Roles       []string `json:"roles,omitempty"`
}

// GDAPSeed is a granular delegated admin relationship from the seeded
// (partner) tenant to a customer.
type GDAPSeed struct {
	CustomerTenantID string    `json:"customerTenantId"`
	CustomerName     string    `json:"customerName,omitempty"`
	Roles            []string  `json:"roles"`
	Status           string    `json:"status,omitempty"` // default active
	EndDateTime      time.Time `json:"endDateTime,omitempty"`
	// Members are partner users (UPNs) the roles apply to.
	Members []string `json:"members"`
}

// Fault makes matching requests fail or slow down before they reach a
// service. Zero fields match everything.
type Fault struct {
	Service    string        `json:"service,omitempty"` // login, graph, bc
	Method     string        `json:"method,omitempty"`
	Path       string        `json:"path,omitempty"` // regular expression on the URL path
	Status     int           `json:"status,omitempty"`
	RetryAfter int           `json:"retryAfter,omitempty"` // seconds, with 429/503
	Latency    time.Duration `json:"latency,omitempty"`
	// Count is how many matching requests fail; 0 means every one (latency
	// faults usually).
	Count int `json:"count,omitempty"`
	// EachPath applies Count to every distinct method and URL path on its
	// own: with Count 1, the first request to each endpoint fails once.
	EachPath bool `json:"eachPath,omitempty"`
	// AfterHandler lets the service handle the request (and write what it
	// writes) before the fault replaces its answer: a response lost on the
	// way back, after addPassword created the secret, say.
	AfterHandler bool `json:"afterHandler,omitempty"`
}

// Counters is a snapshot of request counts: by service ("login", "graph",
// "bc"), by "service tenant" (tenant from the token or path where known) and
// by "METHOD path".
type Counters struct {
	Total     int            `json:"total"`
	ByService map[string]int `json:"byService"`
	ByPath    map[string]int `json:"byPath"`
	Tokens    int            `json:"tokens"`
	// Throttled counts 429s answered by the published limits (throttling
	// on), $batch sub-requests included; injected faults are not counted.
	Throttled int `json:"throttled"`
}

// TenantSummary is one tenant as GET /_emulator/tenants lists it: what a
// user needs to point a configuration at it and to sign in as its people.
type TenantSummary struct {
	ID            string        `json:"id"`
	DisplayName   string        `json:"displayName"`
	Domains       []string      `json:"domains"`
	ConsentAdmin  string        `json:"consentAdmin,omitempty"`
	Users         []UserSeed    `json:"users"`
	Applications  []string      `json:"applications"` // client IDs registered here
	Relationships []GDAPSummary `json:"relationships,omitempty"`
}

// GDAPSummary is a relationship held by a partner tenant, roles by name.
type GDAPSummary struct {
	CustomerTenantID string    `json:"customerTenantId"`
	CustomerName     string    `json:"customerName"`
	Roles            []string  `json:"roles"`
	Status           string    `json:"status"`
	EndDateTime      time.Time `json:"endDateTime"`
	Members          []string  `json:"members"` // UPNs
}

// ThrottleStatus is GET and PUT /_emulator/throttling: whether Microsoft's
// published limits are enforced and the 429s they answered, by scope
// (Tenant_Application, Application, Tenant, BC).
type ThrottleStatus struct {
	Enabled   bool           `json:"enabled"`
	Throttled map[string]int `json:"throttled"`
}
