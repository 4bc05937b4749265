package emulator

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Business Central state of the emulated cloud. It hangs off tenant.BC and is
// guarded by store.mu like everything else in the store.
//
// Sources (MicrosoftDocs/dynamics365smb-devitpro-pb): administration-center-api_*.md
// for the admin center, administration/api/dynamics_*.md for the automation
// API; the AL objects behind the automation API (page 30004 "APIV2 - Aut.
// Users", 30059 "APIV2 - Aut. User Permissions", 30005 "APIV2 - Aut.
// Permission Sets") and table 9012 "AAD Application" for what the "Microsoft
// Entra Applications" card does.

const (
	bcResource = "https://api.businesscentral.dynamics.com"
	bcAppID    = "996def3d-b36c-4153-8607-a6fd3c01b89f"

	// BC application permissions (appRoles of the BC service principal).
	bcRoleAdminCenter = "AdminCenter.ReadWrite.All"
	bcRoleAutomation  = "Automation.ReadWrite.All"
	bcRoleIDAdminCtr  = "a20fe46f-4f63-4666-8e0e-9b882d90b837"

	// Directory roles (wids) that may use the admin center: "Users with at
	// least the following Microsoft Entra roles" (tenant-admin-center.md);
	// Global Administrator is above both.
	bcWidGlobalAdmin = "62e90394-69f5-4237-9190-012177145e10"
	bcWidD365Admin   = "44367163-eba1-44c3-98af-f5787879f96a"
	bcWidBCAdmin     = "963797fb-eb3b-4cde-8ce3-5878b3f32a3f"
	bcLatestMinor    = 29 // developer/includes/admincenterapiversion.md: v2.29
	bcManageableFrom = 24 // manageableTenants "Introduced in: API version 2.24"

	bcFamily = "BusinessCentral"

	// App IDs that own the standard permission sets.
	bcSystemAppID = "63ca2fa4-4f03-4f2b-a480-172fef340d3f" // System Application
	bcBaseAppID   = "437dbf0e-84ff-417a-965d-ed2bb9650972" // Base Application
)

// bcTenant is one Entra tenant's Business Central: the admin center's list of
// authorized Entra apps and the environments.
type bcTenant struct {
	// AuthorizedApps lists client IDs (lower case) in the order they were
	// authorized, as the admin center's "Authorized Microsoft Entra apps".
	AuthorizedApps []string
	Environments   []*bcEnvironment

	// Throttle answers the next Throttle.Count BC requests made with a
	// token of this tenant with 429 and Retry-After (BC's limits are per user
	// and environment; operational-limits-online.md).
	Throttle bcThrottle

	// ConsentDelay is how long after consent isAdminConsentGranted turns
	// true (emulator clock); 0 by default.
	ConsentDelay time.Duration
}

type bcThrottle struct {
	Count             int
	RetryAfterSeconds int
}

type bcEnvironment struct {
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

	Companies      []*bcCompany
	Users          []*bcUser
	PermissionSets []*bcPermissionSet
	// EntraApps are the records of the "Microsoft Entra Applications" page
	// (table 9012 "AAD Application"), by lower-case client ID. No API
	// creates them; the control API plays the person who does.
	EntraApps map[string]*bcEntraApp
}

type bcCompany struct {
	ID                string
	Name              string
	DisplayName       string
	BusinessProfileID string
	SystemVersion     string
	EvaluationCompany bool
}

// bcUser is a row of the User table as page 30004 exposes it.
type bcUser struct {
	SecurityID   string
	UserName     string // Code[50]: upper case
	DisplayName  string // "Full Name"
	State        string // Enabled | Disabled
	ContactEmail string
	ExpiryDate   string // "" = none (served as 0001-01-01T00:00:00Z)
	// Not exposed by the automation API, but decisive for behaviour:
	LicenseType   string // "Full User", "Application", ...
	ApplicationID string // Entra client ID for LicenseType Application
	Permissions   []*bcUserPermission
	Version       int // bumps the @odata.etag
}

// bcUserPermission is an "Access Control" row (page 30059).
type bcUserPermission struct {
	ID            string // SystemId
	RoleID        string
	Company       string // company name; "" = all companies
	Scope         string // System | Tenant
	AppID         string
	DisplayName   string // Role Name
	ExtensionName string
	Version       int
}

// bcPermissionSet is an "Aggregate Permission Set" row (page 30005).
type bcPermissionSet struct {
	RoleID        string
	DisplayName   string
	AppID         string
	ExtensionName string
	Scope         string
}

// bcEntraApp is a "Microsoft Entra Application" card.
type bcEntraApp struct {
	ClientID           string
	Description        string // Text[50], mandatory before enabling
	ContactInformation string
	State              string // Enabled | Disabled
	UserID             string // the app's BC user; set on first enable
}

// bc returns the tenant's Business Central state, creating it on first use.
// Caller holds store.mu for writing, or only reads the result's nil-ness.
func (t *tenant) bc() *bcTenant {
	if t.BC == nil {
		t.BC = &bcTenant{}
	}
	return t.BC
}

func (b *bcTenant) environment(name string) *bcEnvironment {
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

func (b *bcTenant) isAuthorized(clientID string) bool {
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

func (e *bcEnvironment) company(id string) *bcCompany {
	for _, c := range e.Companies {
		if strings.EqualFold(c.ID, id) {
			return c
		}
	}
	return nil
}

func (e *bcEnvironment) companyByName(name string) *bcCompany {
	for _, c := range e.Companies {
		if strings.EqualFold(c.Name, name) {
			return c
		}
	}
	return nil
}

func (e *bcEnvironment) user(id string) *bcUser {
	for _, u := range e.Users {
		if strings.EqualFold(u.SecurityID, id) {
			return u
		}
	}
	return nil
}

// appUser is the BC user behind an enabled-once Entra app card; BC finds it by
// "User ID" or by Application ID + License Type Application (table 9012
// UserExists()).
func (e *bcEnvironment) appUser(clientID string) *bcUser {
	if a := e.EntraApps[strings.ToLower(clientID)]; a != nil && a.UserID != "" {
		if u := e.user(a.UserID); u != nil {
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

// bcDefaultPermissionSets is a small, real subset of an online environment's
// permission sets, enough for the sets the seeds assign.
func bcDefaultPermissionSets() []*bcPermissionSet {
	sys := func(id, name, app, ext string) *bcPermissionSet {
		return &bcPermissionSet{RoleID: id, DisplayName: name, AppID: app, ExtensionName: ext, Scope: "System"}
	}
	return []*bcPermissionSet{
		sys("SUPER", "This role has all permissions.", "00000000-0000-0000-0000-000000000000", ""),
		sys("SECURITY", "Assign permissions to users", "00000000-0000-0000-0000-000000000000", ""),
		sys("LOGIN", "Login", bcSystemAppID, "System Application"),
		sys("D365 AUTOMATION", "Dynamics 365 Automation", bcBaseAppID, "Base Application"),
		sys("EXTEN. MGT. - ADMIN", "Extension Management - Admin", bcSystemAppID, "System Application"),
		sys("D365 BASIC", "Dynamics 365 Basic access", bcBaseAppID, "Base Application"),
		sys("D365 BUS FULL ACCESS", "Dynamics 365 Full business access", bcBaseAppID, "Base Application"),
		sys("D365 READ", "Dynamics 365 read access", bcBaseAppID, "Base Application"),
		sys("D365 BACKUP/RESTORE", "Dynamics 365 Backup/Restore Env.", bcBaseAppID, "Base Application"),
		sys("D365 ACC. PAYABLE", "Dynamics 365 Accounts payable", bcBaseAppID, "Base Application"),
		sys("LOCAL", "Country/region-specific func.", bcBaseAppID, "Base Application"),
	}
}

// bcDefaultCompanyName follows the demo company names of online environments.
func bcDefaultCompanyName(country string) string {
	switch strings.ToUpper(country) {
	case "US":
		return "CRONUS USA, Inc."
	case "GB":
		return "CRONUS UK Ltd."
	case "DK":
		return "CRONUS Danmark A/S"
	case "DE":
		return "CRONUS AG"
	default:
		return "CRONUS International Ltd."
	}
}

// bcNewGUID returns a random lower-case GUID, the form BC's APIs answer.
func bcNewGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// bcETag renders a weak ETag the way BC's OData layer does (W/"<base64>").
func bcETag(id string, version int) string {
	raw := "'" + strconv.Itoa(len(id)) + ";" + id + ";" + strconv.Itoa(version) + ";'"
	return `W/"` + base64.StdEncoding.EncodeToString([]byte(raw)) + `"`
}

func bcIsGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
				return false
			}
		}
	}
	return true
}
