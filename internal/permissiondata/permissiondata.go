// Package permissiondata is a snapshot of the permissions Microsoft's
// first-party APIs offer, generated from exports of real tenants' service
// principals. It has no dependencies so that both the provider's offline
// catalog (internal/onboarding) and the emulator's service principals
// (internal/emulator/store) read the same list, and a test can hold them to
// it. A tenant's own service principal is the authority; this list serves
// only when none can be asked.
package permissiondata

// The Microsoft Graph list is ../shared/research/data (outside the module,
// beside the checkout); Business Central's is kept here, as no export of it
// exists there.
//go:generate go run ../../tools/permissiondata -csv ../../../shared/research/data/microsoft-graph-permissions.csv -out graph_gen.go -var Graph -name "Microsoft Graph" -appid 00000003-0000-0000-c000-000000000000 -date 2026-08-20 -source "merill/microsoft-info _info/GraphAppRoles.csv and GraphDelegateRoles.csv (MIT), read daily from a real tenant's Microsoft Graph service principal"
//go:generate go run ../../tools/permissiondata -csv business-central-permissions.csv -out businesscentral_gen.go -var BusinessCentral -name "Dynamics 365 Business Central" -appid 996def3d-b36c-4153-8607-a6fd3c01b89f -date 2026-12-02 -source "the Dynamics 365 Business Central service principal's appRoles and oauth2PermissionScopes in a public dump of first-party service principals, as cited in ../shared/research/graph-api.md §3.1"

// Kind is application (an app role) or delegated (an OAuth2 permission scope).
type Kind string

const (
	Application Kind = "application"
	Delegated   Kind = "delegated"
)

// Permission is one permission an API offers.
type Permission struct {
	Kind  Kind
	Value string
	ID    string
}

// API is a resource application and the permissions its service principal
// offered on Date.
type API struct {
	Name        string
	AppID       string
	Date        string
	Permissions []Permission
}

// APIs are the snapshots, Microsoft Graph first.
func APIs() []API { return []API{Graph, BusinessCentral} }
