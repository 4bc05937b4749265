package graph

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoft/kiota-abstractions-go/serialization"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
	"github.com/microsoftgraph/msgraph-sdk-go/reports"
)

// The Microsoft 365 part of a tenant's inventory: Secure Score, Intune
// managed devices (both read in ReadDirectory's $batch) and the mailbox
// usage report. The security and deviceManagement request builder packages
// would each compile several MB of builders (and models/security) for one
// GET, so those two requests are built here with the SDK's own request
// information and models.

// topSelect are OData options, tagged as kiota's generated builders tag theirs.
type topSelect struct {
	Top    *int32   `uriparametername:"%24top"`
	Select []string `uriparametername:"%24select"`
}

var odataErrors = abs.ErrorMappings{"XXX": odataerrors.CreateODataErrorFromDiscriminatorValue}

// Templates of the Secure Score and Intune reads, as kiota's generated
// builders would declare them.
const (
	secureScoresTemplate   = "{+baseurl}/security/secureScores{?%24top,%24select}"
	managedDevicesTemplate = "{+baseurl}/deviceManagement/managedDevices{?%24top,%24select}"
)

// getRequest is a GET of template with its OData options, as a generated
// builder's ToGetRequestInformation makes it.
func getRequest(template string, base map[string]string, q *topSelect) *abs.RequestInformation {
	ri := abs.NewRequestInformationWithMethodAndUrlTemplateAndPathParameters(abs.GET, template, base)
	if q != nil {
		ri.AddQueryParameters(*q)
	}
	ri.Headers.TryAdd("Accept", "application/json")
	return ri
}

func (c *Client) getParsed(ctx context.Context, template string, q *topSelect, next string, parse serialization.ParsableFactory) (serialization.Parsable, error) {
	ri := getRequest(template, c.base, q)
	if next != "" {
		u, err := url.Parse(next)
		if err != nil {
			return nil, err
		}
		ri.SetUri(*u)
	}
	return c.adapter.Send(ctx, ri, parse, odataErrors)
}

// SecureScore is a tenant's Microsoft Secure Score on one day.
type SecureScore struct {
	Current, Max    float64
	CreatedDateTime time.Time
}

// latestScore is the newest daily score of a GET
// /security/secureScores?$top=1 answer (SecurityEvents.Read.All,
// https://learn.microsoft.com/graph/api/security-list-securescores: newest
// first); found is false when the tenant has none yet.
func latestScore(page models.SecureScoreCollectionResponseable) (score SecureScore, found bool) {
	list := page.GetValue()
	if len(list) == 0 {
		return SecureScore{}, false
	}
	s := list[0]
	if s.GetCurrentScore() != nil {
		score.Current = *s.GetCurrentScore()
	}
	if s.GetMaxScore() != nil {
		score.Max = *s.GetMaxScore()
	}
	if t := s.GetCreatedDateTime(); t != nil {
		score.CreatedDateTime = t.UTC()
	}
	return score, true
}

// countManagedDevicePages counts the devices enrolled in Intune
// (GET /deviceManagement/managedDevices, DeviceManagementManagedDevices.Read.All)
// page by page. Intune answers @odata.count with every page, so the $batch's
// request of one device counts them (ReadDirectory); this runs only should
// that answer come without it.
func (c *Client) countManagedDevicePages(ctx context.Context) (int, error) {
	most := int32(1000)
	total, next := 0, ""
	for {
		p, err := c.getParsed(ctx, managedDevicesTemplate, &topSelect{Top: &most, Select: []string{"id"}}, next, models.CreateManagedDeviceCollectionResponseFromDiscriminatorValue)
		if err != nil {
			return 0, wrap(err)
		}
		page, ok := p.(models.ManagedDeviceCollectionResponseable)
		if !ok {
			return 0, errNotDeviceList
		}
		total += len(page.GetValue())
		if page.GetOdataNextLink() == nil || *page.GetOdataNextLink() == "" {
			return total, nil
		}
		next = *page.GetOdataNextLink()
	}
}

var (
	errNotDeviceList        = errors.New("the managedDevices answer is not a list")
	errNotScoreList         = errors.New("the secureScores answer is not a list")
	errNoManagedDeviceCount = errors.New("the managedDevices answer has no @odata.count")
)

// IsNotApplicable reports Graph's answer for a service the tenant does not
// have, e.g. Intune without an Intune license: 400 "Request not applicable
// to target tenant."
func IsNotApplicable(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.StatusCode == http.StatusBadRequest && strings.Contains(strings.ToLower(e.Message), "not applicable to target tenant")
}

// MailboxCounts is the mailbox usage report's latest day.
type MailboxCounts struct {
	Total, Active int
	// ReportDate is the day counted, RefreshDate when the report was
	// last refreshed (both yyyy-mm-dd).
	ReportDate, RefreshDate string
}

// MailboxUsageCounts reads the mailbox usage report for a period ("D7", "D30",
// "D90" or "D180"; Reports.Read.All). Graph answers 302 to a preauthenticated
// CSV download, which the SDK's redirect handler follows; found is false
// when the report has no rows yet.
func (c *Client) MailboxUsageCounts(ctx context.Context, period string) (counts MailboxCounts, found bool, err error) {
	b, err := reports.NewGetMailboxUsageMailboxCountsWithPeriodRequestBuilderInternal(c.base, c.adapter, &period).Get(ctx, nil)
	if err != nil {
		return MailboxCounts{}, false, wrap(err)
	}
	return parseMailboxCounts(b)
}

// parseMailboxCounts reads the report's CSV (which starts with a byte-order
// mark) by column name and keeps its latest Report Date.
func parseMailboxCounts(b []byte) (MailboxCounts, bool, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	rows, err := r.ReadAll()
	if err != nil {
		return MailboxCounts{}, false, errors.New("the mailbox usage report is not CSV: " + err.Error())
	}
	if len(rows) == 0 {
		return MailboxCounts{}, false, errors.New("the mailbox usage report is empty, without even its header")
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimSpace(h)] = i
	}
	for _, h := range []string{"Report Refresh Date", "Total", "Active", "Report Date"} {
		if _, ok := col[h]; !ok {
			return MailboxCounts{}, false, errors.New("the mailbox usage report has no column " + strconv.Quote(h))
		}
	}
	var out MailboxCounts
	found := false
	for _, row := range rows[1:] {
		if len(row) != len(rows[0]) || row[col["Report Date"]] <= out.ReportDate {
			continue
		}
		total, err1 := strconv.Atoi(row[col["Total"]])
		active, err2 := strconv.Atoi(row[col["Active"]])
		if err1 != nil || err2 != nil {
			return MailboxCounts{}, false, errors.New("the mailbox usage report has a row that is not counts: " + strings.Join(row, ","))
		}
		out, found = MailboxCounts{Total: total, Active: active, ReportDate: row[col["Report Date"]], RefreshDate: row[col["Report Refresh Date"]]}, true
	}
	return out, found, nil
}
