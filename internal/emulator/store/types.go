package store

import "time"

type Tenant struct {
	ID                string
	DisplayName       string
	CountryLetterCode string
	TenantType        string // "AAD"
	CreatedDateTime   time.Time
	Domains           []Domain
	Deleted           bool // a deleted tenant answers AADSTS90002 everywhere

	Users []*User

	// Counts stand for the inventory a sync reads ($count); the emulator does
	// not materialise 10,000 users to answer "how many users".
	Counts Inventory

	Applications map[string]*Application // by object ID
	// DeletedApplications are soft-deleted apps (directory/deletedItems), by
	// object ID, restorable until DeletedDateTime + SoftDeleteRetention.
	DeletedApplications map[string]*Application
	ServicePrincipals   map[string]*ServicePrincipal // by object ID
	// DeletedServicePrincipals are soft-deleted service principals
	// (directory/deletedItems), by object ID, restorable until
	// DeletedDateTime + SoftDeleteRetention.
	DeletedServicePrincipals map[string]*DeletedServicePrincipal
	AppRoleAssignments       map[string]*AppRoleAssignment
	PermissionGrants         map[string]*PermissionGrant // oauth2PermissionGrants

	// GDAP relationships in which this tenant is the partner.
	Relationships []*GDAPRelationship
	// Legacy DAP: customer tenant IDs where this partner has delegated admin.
	DAPCustomers []string

	// ConsentAdmin is the user (by UPN) who acts in /adminconsent for this
	// tenant; chosen through the control API.
	ConsentAdmin string

	// BC is the tenant's Business Central (bc.go); nil until used.
	BC *BCTenant
}

type Domain struct {
	Name      string `json:"name"`
	IsDefault bool   `json:"isDefault"`
	IsInitial bool   `json:"isInitial"`
}

type Inventory struct {
	Users          int `json:"users"`
	Groups         int `json:"groups"`
	Devices        int `json:"devices"`
	SubscribedSkus int `json:"subscribedSkus"`
	Mailboxes      int `json:"mailboxes"`
	// Skus, when set, are the tenant's license subscriptions as they are;
	// otherwise subscribedSkus synthesises SubscribedSkus of them.
	Skus []Sku `json:"skus,omitempty"`
	// ActiveMailboxes is the mailbox usage report's "Active" column.
	ActiveMailboxes int `json:"activeMailboxes,omitempty"`
	// ManagedDevices are devices enrolled in Intune (not directory devices).
	ManagedDevices int `json:"managedDevices,omitempty"`
	// NoIntune is a tenant without an Intune license: deviceManagement
	// answers 400 "Request not applicable to target tenant."
	NoIntune bool `json:"noIntune,omitempty"`
	// SecureScore is the latest daily score; nil means none computed yet.
	SecureScore *SecureScore `json:"secureScore,omitempty"`
}

// Sku is one license subscription: what is bought and what is assigned.
type Sku struct {
	SkuPartNumber string `json:"skuPartNumber"`
	Enabled       int    `json:"enabled"`
	Consumed      int    `json:"consumed"`
}

// SecureScore is a tenant's Microsoft Secure Score.
type SecureScore struct {
	Current float64 `json:"current"`
	Max     float64 `json:"max"`
}

// User is a seeded person who can sign in (delegated flows, admin consent).
type User struct {
	ID          string
	UPN         string
	DisplayName string
	Password    string
	// Roles holds directory role template IDs (wids), e.g. Global
	// Administrator 62e90394-69f5-4237-9190-012177145e10.
	Roles []string
}

// GDAPRelationship is a granular delegated admin relationship from the
// partner tenant that holds it to a customer tenant.
type GDAPRelationship struct {
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

type Application struct {
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
	RequiredResourceAccess   []RequiredResourceAccess
	PasswordCredentials      []PasswordCredential
	KeyCredentials           []KeyCredential
	FederatedCredentials     []FederatedCredential
	AppRoles                 []AppRole
	OAuth2PermissionScopes   []PermissionScope
	Info                     InformationalURL
	OptionalClaims           *OptionalClaims
	PublisherDomain          string
	CreatedDateTime          time.Time
	// DeletedDateTime is when the app went to deletedItems; zero while live.
	DeletedDateTime time.Time
	// Owners holds the object IDs of the app's owners (users or service
	// principals); Application.ReadWrite.OwnedBy only reaches owned apps.
	Owners []string
	// Logo and LogoContentType are the image PUT to /applications/{id}/logo;
	// info.logoUrl is served once Logo is set.
	Logo            []byte
	LogoContentType string
}

type RequiredResourceAccess struct {
	ResourceAppID  string           `json:"resourceAppId"`
	ResourceAccess []ResourceAccess `json:"resourceAccess"`
}

type ResourceAccess struct {
	ID   string `json:"id"`
	Type string `json:"type"` // "Role" (application) or "Scope" (delegated)
}

type PasswordCredential struct {
	KeyID         string
	DisplayName   string
	Hint          string
	SecretText    string // kept to authenticate; served only by addPassword
	StartDateTime time.Time
	EndDateTime   time.Time
}

type KeyCredential struct {
	KeyID               string
	DisplayName         string
	Type                string // AsymmetricX509Cert
	Usage               string // Verify
	Key                 []byte // DER certificate
	CustomKeyIdentifier string // base64 SHA-1 thumbprint
	StartDateTime       time.Time
	EndDateTime         time.Time
}

type FederatedCredential struct {
	ID          string
	Name        string
	Issuer      string
	Subject     string
	Audiences   []string
	Description string
}

type AppRole struct {
	ID                 string   `json:"id"`
	Value              string   `json:"value"`
	DisplayName        string   `json:"displayName"`
	Description        string   `json:"description"`
	AllowedMemberTypes []string `json:"allowedMemberTypes"`
	IsEnabled          bool     `json:"isEnabled"`
	Origin             string   `json:"origin"`
}

type PermissionScope struct {
	ID                      string `json:"id"`
	Value                   string `json:"value"`
	Type                    string `json:"type"` // "User" or "Admin"
	AdminConsentDisplayName string `json:"adminConsentDisplayName"`
	AdminConsentDescription string `json:"adminConsentDescription"`
	UserConsentDisplayName  string `json:"userConsentDisplayName"`
	UserConsentDescription  string `json:"userConsentDescription"`
	IsEnabled               bool   `json:"isEnabled"`
}

// InformationalURL is the application's info: the links consent screens and
// the admin center show (graph/api/resources/informationalurl).
type InformationalURL struct {
	MarketingURL        string `json:"marketingUrl,omitempty"`
	PrivacyStatementURL string `json:"privacyStatementUrl,omitempty"`
	SupportURL          string `json:"supportUrl,omitempty"`
	TermsOfServiceURL   string `json:"termsOfServiceUrl,omitempty"`
}

// OptionalClaims are the claims added to the app's tokens
// (graph/api/resources/optionalclaims); nil until set.
type OptionalClaims struct {
	IDToken     []OptionalClaim `json:"idToken"`
	AccessToken []OptionalClaim `json:"accessToken"`
	SAML2Token  []OptionalClaim `json:"saml2Token"`
}

// OptionalClaim is one claim (graph/api/resources/optionalclaim).
type OptionalClaim struct {
	Name                 string   `json:"name"`
	Source               *string  `json:"source"`
	Essential            bool     `json:"essential"`
	AdditionalProperties []string `json:"additionalProperties"`
}

type ServicePrincipal struct {
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
	AppRoles                  []AppRole
	OAuth2PermissionScopes    []PermissionScope
	CreatedDateTime           time.Time
}

// DeletedServicePrincipal is a service principal in deleted items, with the
// app role assignments and delegated grants it held or offered when it was
// deleted: a restore brings them back where the other side still exists.
type DeletedServicePrincipal struct {
	*ServicePrincipal
	DeletedDateTime time.Time
	Assignments     []*AppRoleAssignment
	Grants          []*PermissionGrant
}

type AppRoleAssignment struct {
	ID                   string
	AppRoleID            string
	PrincipalID          string
	PrincipalType        string // "ServicePrincipal", "User", "Group"
	PrincipalDisplayName string
	ResourceID           string
	ResourceDisplayName  string
	CreatedDateTime      time.Time
}

type PermissionGrant struct {
	ID          string
	ClientID    string // client service principal object ID
	ConsentType string // AllPrincipals or Principal
	PrincipalID string // user object ID when ConsentType is Principal
	ResourceID  string // resource service principal object ID
	Scope       string // space-separated scope values
}
