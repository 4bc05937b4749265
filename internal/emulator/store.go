package emulator

import (
	"sync"
	"time"
)

// The store is the emulated directory: every tenant with its directory objects,
// seeded users and partner relationships. One mutex guards all of it; handlers
// hold it only while they read or write objects, never while they write a
// response.
type store struct {
	mu      sync.RWMutex
	tenants map[string]*tenant // by lower-case tenant ID
	domains map[string]string  // lower-case domain name -> tenant ID
	// apps indexes every application object by appId across tenants, because
	// a multi-tenant app registered in one tenant is instantiated (as a
	// service principal) in others.
	apps map[string]*application
}

type tenant struct {
	ID                string
	DisplayName       string
	CountryLetterCode string
	TenantType        string // "AAD"
	CreatedDateTime   time.Time
	Domains           []domain
	Deleted           bool // a deleted tenant answers AADSTS90002 everywhere

	Users []*user

	// Counts stand for the inventory a sync reads ($count); the emulator does
	// not materialise 10,000 users to answer "how many users".
	Counts inventory

	Applications       map[string]*application      // by object ID
	ServicePrincipals  map[string]*servicePrincipal // by object ID
	AppRoleAssignments map[string]*appRoleAssignment
	PermissionGrants   map[string]*permissionGrant // oauth2PermissionGrants

	// GDAP relationships in which this tenant is the partner.
	Relationships []*gdapRelationship
	// Legacy DAP: customer tenant IDs where this partner has delegated admin.
	DAPCustomers []string

	// ConsentAdmin is the user (by UPN) who acts in /adminconsent for this
	// tenant; chosen through the control API.
	ConsentAdmin string

	// BC is the tenant's Business Central (bc_store.go); nil until used.
	BC *bcTenant
}

type domain struct {
	Name      string `json:"name"`
	IsDefault bool   `json:"isDefault"`
	IsInitial bool   `json:"isInitial"`
}

type inventory struct {
	Users          int `json:"users"`
	Groups         int `json:"groups"`
	Devices        int `json:"devices"`
	SubscribedSkus int `json:"subscribedSkus"`
	Mailboxes      int `json:"mailboxes"`
}

// user is a seeded person who can sign in (delegated flows, admin consent).
type user struct {
	ID          string
	UPN         string
	DisplayName string
	Password    string
	// Roles holds directory role template IDs (wids), e.g. Global
	// Administrator 62e90394-69f5-4237-9190-012177145e10.
	Roles []string
}

// gdapRelationship is a granular delegated admin relationship from the
// partner tenant that holds it to a customer tenant.
type gdapRelationship struct {
	ID               string
	DisplayName      string
	CustomerTenantID string
	CustomerName     string
	Roles            []string // unifiedRoles roleDefinitionId
	Status           string   // active, expired, terminated, ...
	Duration         string   // ISO 8601, e.g. P730D
	CreatedDateTime  time.Time
	ActivatedTime    time.Time
	EndDateTime      time.Time
	// Members are partner-tenant user IDs (security group members in real
	// GDAP) to whom the roles apply.
	Members []string
}

type application struct {
	TenantID string // home tenant

	ID                       string
	AppID                    string
	UniqueName               string
	DisplayName              string
	Description              string
	Notes                    string
	SignInAudience           string
	IsFallbackPublicClient   *bool
	IdentifierURIs           []string
	Tags                     []string
	WebRedirectURIs          []string
	PublicClientRedirectURIs []string
	SPARedirectURIs          []string
	RequiredResourceAccess   []requiredResourceAccess
	PasswordCredentials      []passwordCredential
	KeyCredentials           []keyCredential
	FederatedCredentials     []federatedCredential
	AppRoles                 []appRole
	OAuth2PermissionScopes   []permissionScope
	PublisherDomain          string
	CreatedDateTime          time.Time
	// Owners holds the object IDs of the app's owners (users or service
	// principals); Application.ReadWrite.OwnedBy only reaches owned apps.
	Owners []string
}

type requiredResourceAccess struct {
	ResourceAppID  string           `json:"resourceAppId"`
	ResourceAccess []resourceAccess `json:"resourceAccess"`
}

type resourceAccess struct {
	ID   string `json:"id"`
	Type string `json:"type"` // "Role" (application) or "Scope" (delegated)
}

type passwordCredential struct {
	KeyID         string
	DisplayName   string
	Hint          string
	SecretText    string // kept to authenticate; served only by addPassword
	StartDateTime time.Time
	EndDateTime   time.Time
}

type keyCredential struct {
	KeyID               string
	DisplayName         string
	Type                string // AsymmetricX509Cert
	Usage               string // Verify
	Key                 []byte // DER certificate
	CustomKeyIdentifier string // base64 SHA-1 thumbprint
	StartDateTime       time.Time
	EndDateTime         time.Time
}

type federatedCredential struct {
	ID          string
	Name        string
	Issuer      string
	Subject     string
	Audiences   []string
	Description string
}

type appRole struct {
	ID                 string   `json:"id"`
	Value              string   `json:"value"`
	DisplayName        string   `json:"displayName"`
	Description        string   `json:"description"`
	AllowedMemberTypes []string `json:"allowedMemberTypes"`
	IsEnabled          bool     `json:"isEnabled"`
	Origin             string   `json:"origin"`
}

type permissionScope struct {
	ID                      string `json:"id"`
	Value                   string `json:"value"`
	Type                    string `json:"type"` // "User" or "Admin"
	AdminConsentDisplayName string `json:"adminConsentDisplayName"`
	AdminConsentDescription string `json:"adminConsentDescription"`
	UserConsentDisplayName  string `json:"userConsentDisplayName"`
	UserConsentDescription  string `json:"userConsentDescription"`
	IsEnabled               bool   `json:"isEnabled"`
}

type servicePrincipal struct {
	TenantID string

	ID                        string
	AppID                     string
	DisplayName               string
	AppOwnerOrganizationID    string
	ServicePrincipalType      string // "Application"
	AccountEnabled            bool
	AppRoleAssignmentRequired bool
	ServicePrincipalNames     []string
	Tags                      []string
	SignInAudience            string
	AppRoles                  []appRole
	OAuth2PermissionScopes    []permissionScope
	CreatedDateTime           time.Time
}

type appRoleAssignment struct {
	ID                   string
	AppRoleID            string
	PrincipalID          string
	PrincipalType        string // "ServicePrincipal", "User", "Group"
	PrincipalDisplayName string
	ResourceID           string
	ResourceDisplayName  string
	CreatedDateTime      time.Time
}

type permissionGrant struct {
	ID          string
	ClientID    string // client service principal object ID
	ConsentType string // AllPrincipals or Principal
	PrincipalID string // user object ID when ConsentType is Principal
	ResourceID  string // resource service principal object ID
	Scope       string // space-separated scope values
}
