package store

import (
	"strings"
	"time"
)

// Business Central state of a tenant. It hangs off Tenant.BC.
//
// Sources (MicrosoftDocs/dynamics365smb-devitpro-pb): administration-center-api_*.md
// for the admin center, administration/api/dynamics_*.md for the automation
// API; the AL objects behind the automation API (page 30004 "APIV2 - Aut.
// Users", 30059 "APIV2 - Aut. User Permissions", 30005 "APIV2 - Aut.
// Permission Sets") and table 9012 "AAD Application" for what the "Microsoft
// Entra Applications" card does.

// BCTenant is one Entra tenant's Business Central: the admin center's list of
// authorized Entra apps and the environments.
type BCTenant struct {
	// AuthorizedApps lists client IDs (lower case) in the order they were
	// authorized, as the admin center's "Authorized Microsoft Entra apps".
	AuthorizedApps []string
	Environments   []*BCEnvironment

	// Throttle answers the next Throttle.Count BC requests made with a
	// token of this tenant with 429 and Retry-After (BC's limits are per user
	// and environment; operational-limits-online.md).
	Throttle BCThrottle

	// ConsentDelay is how long after consent isAdminConsentGranted turns
	// true (emulator clock); 0 by default.
	ConsentDelay time.Duration
}

type BCThrottle struct {
	Count             int
	RetryAfterSeconds int
}

type BCEnvironment struct {
	Name                 string
	FriendlyName         string
	Type                 string // Production | Sandbox
	CountryCode          string
	ApplicationFamily    string
	Status               string // Active, NotReady, Preparing, ...
	LocationName         string
	GeoName              string
	RingName             string
	AppInsightsKey       string
	Version              string // versionDetails.version, e.g. "26.0"
	GracePeriodStart     time.Time
	EnforcedUpdateStart  time.Time
	AppSourceAppsCadence string

	Companies      []*BCCompany
	Users          []*BCUser
	PermissionSets []*BCPermissionSet
	// EntraApps are the records of the "Microsoft Entra Applications" page
	// (table 9012 "AAD Application"), by lower-case client ID. No API
	// creates them; the control API plays the person who does.
	EntraApps map[string]*BCEntraApp
}

type BCCompany struct {
	ID                string
	Name              string
	DisplayName       string
	BusinessProfileID string
	SystemVersion     string
	EvaluationCompany bool
}

// BCUser is a row of the User table as page 30004 exposes it.
type BCUser struct {
	SecurityID   string
	UserName     string // Code[50]: upper case
	DisplayName  string // "Full Name"
	State        string // Enabled | Disabled
	ContactEmail string
	ExpiryDate   string // "" = none (served as 0001-01-01T00:00:00Z)
	// Not exposed by the automation API, but decisive for behaviour:
	LicenseType   string // "Full User", "Application", ...
	ApplicationID string // Entra client ID for LicenseType Application
	Permissions   []*BCUserPermission
	Version       int // bumps the @odata.etag
}

// BCUserPermission is an "Access Control" row (page 30059).
type BCUserPermission struct {
	ID            string // SystemId
	RoleID        string
	Company       string // company name; "" = all companies
	Scope         string // System | Tenant
	AppID         string
	DisplayName   string // Role Name
	ExtensionName string
	Version       int
}

// BCPermissionSet is an "Aggregate Permission Set" row (page 30005).
type BCPermissionSet struct {
	RoleID        string
	DisplayName   string
	AppID         string
	ExtensionName string
	Scope         string
}

// BCEntraApp is a "Microsoft Entra Application" card.
type BCEntraApp struct {
	ClientID           string
	Description        string // Text[50], mandatory before enabling
	ContactInformation string
	State              string // Enabled | Disabled
	UserID             string // the app's BC user; set on first enable
}

// BCState returns the tenant's Business Central state, creating it on first
// use (so only in an Update).
func (t *Tenant) BCState() *BCTenant {
	if t.BC == nil {
		t.BC = &BCTenant{}
	}
	return t.BC
}

// Environment finds an environment by name.
func (b *BCTenant) Environment(name string) *BCEnvironment {
	if b == nil {
		return nil
	}
	for _, e := range b.Environments {
		// Environment names are case-insensitive in BC URLs.
		if strings.EqualFold(e.Name, name) {
			return e
		}
	}
	return nil
}

// IsAuthorized reports whether the admin center lists the app.
func (b *BCTenant) IsAuthorized(clientID string) bool {
	if b == nil {
		return false
	}
	for _, id := range b.AuthorizedApps {
		if id == strings.ToLower(clientID) {
			return true
		}
	}
	return false
}

// Company finds a company by ID.
func (e *BCEnvironment) Company(id string) *BCCompany {
	for _, c := range e.Companies {
		if strings.EqualFold(c.ID, id) {
			return c
		}
	}
	return nil
}

// CompanyByName finds a company by name.
func (e *BCEnvironment) CompanyByName(name string) *BCCompany {
	for _, c := range e.Companies {
		if strings.EqualFold(c.Name, name) {
			return c
		}
	}
	return nil
}

// User finds a BC user by security ID.
func (e *BCEnvironment) User(id string) *BCUser {
	for _, u := range e.Users {
		if strings.EqualFold(u.SecurityID, id) {
			return u
		}
	}
	return nil
}

// AppUser is the BC user behind an enabled-once Entra app card; BC finds it by
// "User ID" or by Application ID + License Type Application (table 9012
// UserExists()).
func (e *BCEnvironment) AppUser(clientID string) *BCUser {
	if a := e.EntraApps[strings.ToLower(clientID)]; a != nil && a.UserID != "" {
		if u := e.User(a.UserID); u != nil {
			return u
		}
	}
	for _, u := range e.Users {
		if u.LicenseType == "Application" && strings.EqualFold(u.ApplicationID, clientID) {
			return u
		}
	}
	return nil
}
