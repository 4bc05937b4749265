package graph

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/route"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// The Microsoft 365 part of a tenant's inventory, beyond the directory:
// license subscriptions as seeded, Secure Score, Intune managed devices and
// the mailbox usage report. Each is its own service behind Graph, with its
// own permission.

var (
	// https://learn.microsoft.com/en-us/graph/api/security-list-securescores
	secureScoresRead = access{App: []string{"SecurityEvents.Read.All", "SecurityEvents.ReadWrite.All"}, Delegated: []string{"SecurityEvents.Read.All", "SecurityEvents.ReadWrite.All"}}
	// https://learn.microsoft.com/en-us/graph/api/intune-devices-manageddevice-list
	managedDevicesRead = access{App: []string{"DeviceManagementManagedDevices.Read.All", "DeviceManagementManagedDevices.ReadWrite.All"},
		Delegated: []string{"DeviceManagementManagedDevices.Read.All", "DeviceManagementManagedDevices.ReadWrite.All"}}
	// https://learn.microsoft.com/en-us/graph/api/reportroot-getmailboxusagemailboxcounts
	// (delegated callers also need an admin role that may read reports:
	// https://learn.microsoft.com/en-us/graph/reportroot-authorization).
	reportsRead = access{App: []string{"Reports.Read.All"}, Delegated: []string{"Reports.Read.All"}, Roles: []string{store.RoleGlobalAdmin, store.RoleGlobalReader}}
)

// seededSkus answers subscribedSkus from the seed's own SKUs (enabled and
// consumed units as given), in the shape of
// https://learn.microsoft.com/en-us/graph/api/subscribedsku-list.
func seededSkus(t *store.Tenant) []map[string]any {
	items := []map[string]any{}
	for i, sku := range t.Counts.Skus {
		skuID := stableGUID(t.ID + "/sku/" + sku.SkuPartNumber)
		for _, known := range wellKnownSkus {
			if known[0] == sku.SkuPartNumber {
				skuID = known[1]
			}
		}
		items = append(items, map[string]any{"id": t.ID + "_" + skuID, "skuPartNumber": sku.SkuPartNumber, "skuId": skuID, "accountId": t.ID,
			"accountName": t.DisplayName, "capabilityStatus": "Enabled", "appliesTo": "User", "consumedUnits": sku.Consumed,
			"prepaidUnits": map[string]int{"enabled": sku.Enabled, "lockedOut": 0, "suspended": 0, "warning": 0}, "servicePlans": []any{},
			"subscriptionIds": []string{stableGUID(t.ID + "/subscription/" + strconv.Itoa(i))}})
	}
	return items
}

// secureScores lists the tenant's daily scores, newest first, as
// https://learn.microsoft.com/en-us/graph/api/security-list-securescores
// documents (GET /security/secureScores?$top=1 is the latest). A tenant
// whose score was never computed lists none.
func (s *Service) secureScores(r *request) (*route.Response, error) {
	q := r.URL.Query()
	if q.Get("$filter") != "" {
		return nil, unsupportedQuery("Unsupported or invalid query filter clause specified for property of resource 'secureScore'.")
	}
	top, skip, err := topSkip(q.Get("$top"), q.Get("$skip"), 7)
	if err != nil {
		return nil, err
	}
	items := []map[string]any{}
	_ = s.store.View(func(tx *store.Tx) error {
		t := r.tenant(tx)
		sc := t.Counts.SecureScore
		if sc == nil {
			return nil
		}
		// Scores are computed once a day; the emulator keeps a week.
		day := tx.Now().UTC().Truncate(24 * time.Hour)
		for i := skip; i < min(skip+top, 7); i++ {
			d := day.Add(-time.Duration(i) * 24 * time.Hour)
			items = append(items, map[string]any{"id": t.ID + "_" + d.Format("2006-01-02"), "azureTenantId": t.ID,
				"activeUserCount": t.Counts.Users, "licensedUserCount": t.Counts.Users, "createdDateTime": ts(d.Add(3 * time.Hour)),
				"currentScore": sc.Current, "maxScore": sc.Max, "enabledServices": []string{"HasExchange", "HasSharePoint"},
				"averageComparativeScores": []map[string]any{{"basis": "AllTenants", "averageScore": 37.0}}, "controlScores": []any{},
				"vendorInformation": map[string]any{"provider": "SecureScore", "providerVersion": nil, "subProvider": nil, "vendor": "Microsoft"}})
		}
		return nil
	})
	return route.JSON(http.StatusOK, map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#security/secureScores", "value": items}), nil
}

// managedDevices lists Intune's enrolled devices, synthesised from the
// seeded count (https://learn.microsoft.com/en-us/graph/api/intune-devices-manageddevice-list).
// Intune answers @odata.count with every page, $count or not (as seen in
// https://github.com/microsoftgraph/msgraph-sdk-powershell/issues/1819), so
// `?$top=1` counts the devices in one request. A tenant without an Intune
// license answers 400 "Request not applicable to target tenant."
func (s *Service) managedDevices(r *request) (*route.Response, error) {
	q := r.URL.Query()
	if q.Get("$filter") != "" {
		return nil, unsupportedQuery("Unsupported or invalid query filter clause specified for property of resource 'managedDevice'.")
	}
	top, skip, err := topSkip(q.Get("$top"), q.Get("$skip"), 1000)
	if err != nil {
		return nil, err
	}
	if tok := q.Get("$skiptoken"); tok != "" {
		n, err := strconv.Atoi(tok)
		if err != nil || n < 0 {
			return nil, badRequest("Invalid $skiptoken.")
		}
		skip = n
	}
	var total int
	var noIntune bool
	items := []map[string]any{}
	_ = s.store.View(func(tx *store.Tx) error {
		t := r.tenant(tx)
		total, noIntune = t.Counts.ManagedDevices, t.Counts.NoIntune
		for i := skip; i < min(skip+top, total) && !noIntune; i++ {
			id := stableGUID(t.ID + "/managedDevice/" + strconv.Itoa(i))
			n := strconv.Itoa(i + 1)
			items = append(items, map[string]any{"@odata.type": "#microsoft.graph.managedDevice", "id": id, "deviceName": "LAPTOP-" + n,
				"managedDeviceOwnerType": "company", "operatingSystem": "Windows", "complianceState": "compliant", "managementAgent": "mdm",
				"azureADDeviceId": stableGUID(t.ID + "/devices/" + strconv.Itoa(i)), "azureADRegistered": true,
				"userPrincipalName": "user" + n + "@" + t.DefaultDomain(), "enrolledDateTime": ts(t.CreatedDateTime.Add(time.Duration(i) * time.Hour))})
		}
		return nil
	})
	if noIntune {
		return nil, Errorf(http.StatusBadRequest, "BadRequest", "Request not applicable to target tenant.")
	}
	body := map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#deviceManagement/managedDevices", "@odata.count": total,
		"value": selectFields(r.Request, items)}
	if end := skip + len(items); end < total {
		next := r.URL.Query()
		next.Del("$skip")
		next.Set("$skiptoken", strconv.Itoa(end))
		body["@odata.nextLink"] = s.url + r.URL.Path + "?" + next.Encode()
	}
	return route.JSON(http.StatusOK, body), nil
}

// topSkip reads $top (1 to most) and $skip (0 or more).
func topSkip(topParam, skipParam string, most int) (top, skip int, err error) {
	top = most
	if topParam != "" {
		n, err := strconv.Atoi(topParam)
		if err != nil || n < 1 || n > most {
			return 0, 0, badRequest("Invalid page size specified: '" + topParam + "'. Must be between 1 and " + strconv.Itoa(most) + " inclusive.")
		}
		top = n
	}
	if skipParam != "" {
		n, err := strconv.Atoi(skipParam)
		if err != nil || n < 0 {
			return 0, 0, badRequest("Invalid value '" + skipParam + "' for $skip.")
		}
		skip = n
	}
	return top, skip, nil
}

var reMailboxCounts = regexp.MustCompile(`^getMailboxUsageMailboxCounts\(period='([^']*)'\)$`)

// reportFunction plays the reports that the sync reads. Per
// https://learn.microsoft.com/en-us/graph/api/reportroot-getmailboxusagemailboxcounts
// Graph answers 302 Found with a Location: a preauthenticated download URL
// (valid a few minutes, no Authorization needed) for a CSV with the columns
// Report Refresh Date, Total, Active, Report Date, Report Period.
func (s *Service) reportFunction(r *request) (*route.Response, error) {
	m := reMailboxCounts.FindStringSubmatch(r.PathValue("fn"))
	if m == nil {
		return nil, Errorf(http.StatusBadRequest, "BadRequest", "Resource not found for the segment '"+r.PathValue("fn")+"'.")
	}
	days, ok := map[string]int{"D7": 7, "D30": 30, "D90": 90, "D180": 180}[m[1]]
	if !ok {
		return nil, Errorf(http.StatusBadRequest, "BadRequest", "Invalid period: '"+m[1]+"'. Supported values are D7, D30, D90 and D180.")
	}
	var csv strings.Builder
	var now time.Time
	_ = s.store.View(func(tx *store.Tx) error {
		t := r.tenant(tx)
		now = tx.Now()
		// Usage data lags about two days behind.
		refreshed := now.UTC().Truncate(24 * time.Hour).Add(-48 * time.Hour).Format("2006-01-02")
		csv.WriteString("\ufeffReport Refresh Date,Total,Active,Report Date,Report Period\n")
		for i := range days {
			day := now.UTC().Truncate(24 * time.Hour).Add(-time.Duration(48+24*i) * time.Hour).Format("2006-01-02")
			csv.WriteString(refreshed + "," + strconv.Itoa(t.Counts.Mailboxes) + "," + strconv.Itoa(t.Counts.ActiveMailboxes) + "," + day + "," + strconv.Itoa(days) + "\n")
		}
		return nil
	})
	token := s.reports.add(csv.String(), now.Add(5*time.Minute))
	resp := route.Empty(http.StatusFound).With("Location", s.url+"/data/download/"+token)
	return resp.With("Content-Type", "text/plain"), nil
}

// reportLinks are the preauthenticated download links handed out, until
// they expire.
type reportLinks struct {
	mu    sync.Mutex
	links map[string]reportLink
}

type reportLink struct {
	csv     string
	expires time.Time
}

func (l *reportLinks) add(csv string, expires time.Time) string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.links == nil {
		l.links = map[string]reportLink{}
	}
	l.links[token] = reportLink{csv: csv, expires: expires}
	return token
}

func (l *reportLinks) get(token string, now time.Time) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, v := range l.links {
		if now.After(v.expires) {
			delete(l.links, k)
		}
	}
	v, ok := l.links[token]
	return v.csv, ok
}

// ReportDownloads serves the preauthenticated report links (reports.office.com's
// /data/download/{token}): the CSV as application/octet-stream, as the
// documented example answers; no Authorization header is needed. An unknown
// or expired link answers 404 (Microsoft does not document that answer).
func (s *Service) ReportDownloads() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.URL.Path, "/data/download/")
		if r.Method != http.MethodGet || !ok {
			http.NotFound(w, r)
			return
		}
		csv, ok := s.reports.get(token, s.now())
		if !ok {
			http.Error(w, "The download link is not valid or has expired.", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(csv))
	})
}
