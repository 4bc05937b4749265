package businesscentral

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// defaultPermissionSets is a small, real subset of an online environment's
// permission sets, enough for the sets the seeds assign.
func defaultPermissionSets() []*store.BCPermissionSet {
	sys := func(id, name, app, ext string) *store.BCPermissionSet {
		return &store.BCPermissionSet{RoleID: id, DisplayName: name, AppID: app, ExtensionName: ext, Scope: "System"}
	}
	return []*store.BCPermissionSet{
		sys("SUPER", "This role has all permissions.", "00000000-0000-0000-0000-000000000000", ""),
		sys("SECURITY", "Assign permissions to users", "00000000-0000-0000-0000-000000000000", ""),
		sys("LOGIN", "Login", systemAppID, "System Application"),
		sys("D365 AUTOMATION", "Dynamics 365 Automation", baseAppID, "Base Application"),
		sys("EXTEN. MGT. - ADMIN", "Extension Management - Admin", systemAppID, "System Application"),
		sys("D365 BASIC", "Dynamics 365 Basic access", baseAppID, "Base Application"),
		sys("D365 BUS FULL ACCESS", "Dynamics 365 Full business access", baseAppID, "Base Application"),
		sys("D365 READ", "Dynamics 365 read access", baseAppID, "Base Application"),
		sys("D365 BACKUP/RESTORE", "Dynamics 365 Backup/Restore Env.", baseAppID, "Base Application"),
		sys("D365 ACC. PAYABLE", "Dynamics 365 Accounts payable", baseAppID, "Base Application"),
		sys("LOCAL", "Country/region-specific func.", baseAppID, "Base Application"),
	}
}

// defaultCompanyName follows the demo company names of online environments.
func defaultCompanyName(country string) string {
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

// ETag renders a weak ETag the way BC's OData layer does (W/"<base64>").
func ETag(id string, version int) string {
	raw := "'" + strconv.Itoa(len(id)) + ";" + id + ";" + strconv.Itoa(version) + ";'"
	return `W/"` + base64.StdEncoding.EncodeToString([]byte(raw)) + `"`
}

// IsGUID reports whether s is a GUID in its 36-character form.
func IsGUID(s string) bool {
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
