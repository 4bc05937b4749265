package graph

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoft/kiota-abstractions-go/serialization"
	jsonser "github.com/microsoft/kiota-serialization-json-go"
	core "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/devices"
	"github.com/microsoftgraph/msgraph-sdk-go/groups"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/organization"
	"github.com/microsoftgraph/msgraph-sdk-go/subscribedskus"
	"github.com/microsoftgraph/msgraph-sdk-go/users"

	"github.com/onboard-tf/terraform-provider-onboard/internal/retryafter"
)

// A tenant's inventory read as JSON (organization, users, groups, devices,
// license subscriptions, Secure Score, Intune managed devices) is one JSON
// batch (https://learn.microsoft.com/graph/json-batching, up to 20
// requests): one HTTP request per tenant where seven single GETs were,
// which is what onboard_sync's requests per tenant against Microsoft's
// lower bound asked for (issue 20). The mailbox usage report stays a single
// GET: Graph answers it with a 302 to a preauthenticated CSV download, which
// the client would still have to GET on its own after a $batch, so batching
// it saves no request.
// Graph evaluates each request of a batch on its own: one may be throttled
// (429 with its own Retry-After) or fail while the others succeed, and only
// those are sent again.

// Parts of ReadDirectory, named as the collections they read.
const (
	PartOrganization   = "organization"
	PartUsers          = "users"
	PartGroups         = "groups"
	PartDevices        = "devices"
	PartSubscribedSkus = "subscribedSkus"
	PartSecureScores   = "secureScores"
	PartManagedDevices = "managedDevices"
)

// DirectoryParts are the parts ReadDirectory reads, in request order.
var DirectoryParts = []string{PartOrganization, PartUsers, PartGroups, PartDevices, PartSubscribedSkus, PartSecureScores, PartManagedDevices}

// partPaths are the parts' Graph paths, as a single GET's logs and errors
// name them.
var partPaths = map[string]string{PartSecureScores: "/v1.0/security/secureScores", PartManagedDevices: "/v1.0/deviceManagement/managedDevices"}

// partPath is a part's Graph path.
func partPath(part string) string {
	if p, ok := partPaths[part]; ok {
		return p
	}
	return "/v1.0/" + part
}

// Directory is what ReadDirectory read of a tenant.
type Directory struct {
	Organization           Organization
	Users, Groups, Devices int
	SubscribedSkus         []SubscribedSku
	// SecureScore is the newest daily score, nil when the tenant has none
	// yet (as LatestSecureScore's found).
	SecureScore *SecureScore
	// ManagedDevices counts the devices enrolled in Intune.
	ManagedDevices int
	// Errors holds, by part, why a part was not read: the *APIError its
	// single GET would have failed with (IsForbidden for a 403,
	// IsNotFound for a 404), or a *DeadlineError when its retries would
	// have passed the context's deadline. A part absent here was read.
	Errors map[string]error
}

// ReadDirectory reads the organization, the counts of users, groups and
// devices, the license subscriptions, the latest Secure Score and the count
// of Intune managed devices in one $batch, with the same query options and
// headers as the single reads: $count=true&$top=1 and ConsistencyLevel:
// eventual for the directory counts (one request however large the
// tenant), nothing for organization and subscribedSkus, $top=1 for
// secureScores (LatestSecureScore) and $top=1&$select=id for managedDevices
// (CountManagedDevices, whose paging fallback runs only should Intune's
// answer lack @odata.count). A sub-request
// answered 429 or 5xx is sent again, alone with the others that failed,
// after the longest Retry-After among them (else the client's backoff), up
// to the client's MaxRetries and never past the context's deadline; its last
// error stays in Errors when the retries run out. The error returned is the
// $batch's own (its token, or the POST failing after the transport's
// retries).
func (c *Client) ReadDirectory(ctx context.Context) (Directory, error) {
	d, err := c.readParts(ctx)
	if err != nil {
		return Directory{}, err
	}
	if errors.Is(d.Errors[PartManagedDevices], errNoManagedDeviceCount) {
		if n, err := c.countManagedDevicePages(ctx); err != nil {
			d.Errors[PartManagedDevices] = err
		} else {
			d.ManagedDevices = n
			delete(d.Errors, PartManagedDevices)
		}
	}
	return d, nil
}

// readParts is ReadDirectory's $batch and its retries.
func (c *Client) readParts(ctx context.Context) (Directory, error) {
	d := Directory{Errors: map[string]error{}}
	pending := DirectoryParts
	for attempt := 0; ; attempt++ {
		batch := core.NewBatchRequest(c.adapter)
		ids := make([]string, len(pending))
		for i, part := range pending {
			ri, err := c.partRequest(ctx, part)
			if err != nil {
				return Directory{}, err
			}
			item, err := batch.AddBatchRequestStep(*ri)
			if err != nil {
				return Directory{}, err
			}
			ids[i] = str(item.GetId())
		}
		// Every request of the batch is a GET: sending it again after a
		// 5xx or a lost answer changes nothing.
		answers, err := c.sendBatch(markRepeatable(ctx), batch)
		if err != nil {
			return Directory{}, err
		}
		var again []string
		var longest time.Duration
		asked := map[string]time.Duration{}
		status := map[string]int{}
		for i, part := range pending {
			a, ok := answers[ids[i]]
			if !ok {
				d.Errors[part] = &APIError{StatusCode: http.StatusBadGateway, Code: "NoBatchResponse", Message: "the $batch answer has no response for " + part}
				continue
			}
			retry, wait, err := judgeSubResponse(a, time.Now())
			switch {
			case retry:
				d.Errors[part] = err
				again, asked[part], status[part] = append(again, part), wait, a.status
				longest = max(longest, wait)
			case err != nil:
				d.Errors[part] = err
			default:
				if err := d.read(part, a.body); err != nil {
					d.Errors[part] = err
				} else {
					delete(d.Errors, part)
				}
			}
		}
		if len(again) == 0 || attempt >= c.opts.MaxRetries {
			return d, nil
		}
		wait := backoff(longest, c.opts.RetryBaseDelay, c.opts.MaxRetryWait, attempt)
		if retryafter.PastDeadline(ctx, wait) {
			// As the transport does for a single request: stop now with
			// the service's own answer rather than sleep into a timeout.
			for _, part := range again {
				c.logRetry(ctx, "Microsoft Graph: not retrying, the wait would pass the operation's deadline", part, status[part], asked[part], wait, attempt)
				de := &DeadlineError{Method: http.MethodGet, Path: partPath(part), Attempts: attempt + 1, Wait: wait}
				_ = asAPIError(d.Errors[part], &de.Last)
				d.Errors[part] = de
			}
			return d, nil
		}
		for _, part := range again {
			c.logRetry(ctx, "Microsoft Graph: waiting before retrying", part, status[part], asked[part], wait, attempt)
		}
		if err := sleep(ctx, wait); err != nil {
			return Directory{}, err
		}
		pending = again
	}
}

// logRetry logs a retry of one part with the transport's fields, marked as
// a request of a $batch.
func (c *Client) logRetry(ctx context.Context, msg, part string, status int, asked, wait time.Duration, attempt int) {
	if c.opts.Log == nil {
		return
	}
	f := retryafter.LogFields("Microsoft Graph", http.MethodGet, partPath(part), status, asked, wait, attempt+1, c.opts.MaxRetries)
	f["batch"] = true
	c.opts.Log(ctx, msg, f)
}

// partRequest is the request of one part, built by msgraph-sdk-go's request
// builder as its single GET would be.
func (c *Client) partRequest(ctx context.Context, part string) (*abs.RequestInformation, error) {
	yes, one := true, int32(1)
	switch part {
	case PartOrganization:
		return organization.NewOrganizationRequestBuilderInternal(c.base, c.adapter).ToGetRequestInformation(ctx, nil)
	case PartUsers:
		return users.NewUsersRequestBuilderInternal(c.base, c.adapter).ToGetRequestInformation(ctx, &users.UsersRequestBuilderGetRequestConfiguration{
			Headers: eventual(), QueryParameters: &users.UsersRequestBuilderGetQueryParameters{Count: &yes, Top: &one}})
	case PartGroups:
		return groups.NewGroupsRequestBuilderInternal(c.base, c.adapter).ToGetRequestInformation(ctx, &groups.GroupsRequestBuilderGetRequestConfiguration{
			Headers: eventual(), QueryParameters: &groups.GroupsRequestBuilderGetQueryParameters{Count: &yes, Top: &one}})
	case PartDevices:
		return devices.NewDevicesRequestBuilderInternal(c.base, c.adapter).ToGetRequestInformation(ctx, &devices.DevicesRequestBuilderGetRequestConfiguration{
			Headers: eventual(), QueryParameters: &devices.DevicesRequestBuilderGetQueryParameters{Count: &yes, Top: &one}})
	case PartSubscribedSkus:
		return subscribedskus.NewSubscribedSkusRequestBuilderInternal(c.base, c.adapter).ToGetRequestInformation(ctx, nil)
	case PartSecureScores:
		return getRequest(secureScoresTemplate, c.base, &topSelect{Top: &one}), nil
	case PartManagedDevices:
		return getRequest(managedDevicesTemplate, c.base, &topSelect{Top: &one, Select: []string{"id"}}), nil
	}
	return nil, errors.New("graph: no directory part " + part)
}

// read parses a part's successful answer into d.
func (d *Directory) read(part string, body []byte) error {
	node, err := jsonser.NewJsonParseNode(body)
	if err != nil {
		return err
	}
	parse := func(f serialization.ParsableFactory) (serialization.Parsable, error) {
		v, err := node.GetObjectValue(f)
		if err == nil && v == nil {
			err = errors.New("the " + part + " answer in the $batch response is empty")
		}
		return v, err
	}
	count := func(f serialization.ParsableFactory, dst *int) error {
		v, err := parse(f)
		if err != nil {
			return err
		}
		r, ok := v.(interface{ GetOdataCount() *int64 })
		if !ok || r.GetOdataCount() == nil {
			return &APIError{StatusCode: 500, Code: "NoCount", Message: "Graph returned no @odata.count for " + part}
		}
		*dst = int(*r.GetOdataCount())
		return nil
	}
	switch part {
	case PartOrganization:
		v, err := parse(models.CreateOrganizationCollectionResponseFromDiscriminatorValue)
		if err != nil {
			return err
		}
		r, ok := v.(models.OrganizationCollectionResponseable)
		if !ok {
			return errors.New("the organization answer is not a list")
		}
		d.Organization, err = organizationFrom(r)
		return err
	case PartUsers:
		return count(models.CreateUserCollectionResponseFromDiscriminatorValue, &d.Users)
	case PartGroups:
		return count(models.CreateGroupCollectionResponseFromDiscriminatorValue, &d.Groups)
	case PartDevices:
		return count(models.CreateDeviceCollectionResponseFromDiscriminatorValue, &d.Devices)
	case PartSubscribedSkus:
		v, err := parse(models.CreateSubscribedSkuCollectionResponseFromDiscriminatorValue)
		if err != nil {
			return err
		}
		r, ok := v.(models.SubscribedSkuCollectionResponseable)
		if !ok {
			return errors.New("the subscribedSkus answer is not a list")
		}
		d.SubscribedSkus = skusFrom(r)
		return nil
	case PartSecureScores:
		v, err := parse(models.CreateSecureScoreCollectionResponseFromDiscriminatorValue)
		if err != nil {
			return err
		}
		r, ok := v.(models.SecureScoreCollectionResponseable)
		if !ok {
			return errNotScoreList
		}
		if s, found := latestScore(r); found {
			d.SecureScore = &s
		}
		return nil
	case PartManagedDevices:
		v, err := parse(models.CreateManagedDeviceCollectionResponseFromDiscriminatorValue)
		if err != nil {
			return err
		}
		r, ok := v.(models.ManagedDeviceCollectionResponseable)
		if !ok {
			return errNotDeviceList
		}
		if n := r.GetOdataCount(); n != nil {
			d.ManagedDevices = int(*n)
			return nil
		}
		return errNoManagedDeviceCount
	}
	return errors.New("graph: no directory part " + part)
}

// subAnswer is one response inside a $batch answer.
type subAnswer struct {
	status  int
	headers map[string]string
	body    []byte // JSON
}

// sendBatch posts the library's batch request and reads its answer, by
// request id. The library's own Send would decode each response's body
// into a map that drops top-level numbers, @odata.count among them
// (msgraph-sdk-go-core v1.4.0: kiota's JSON parser reads every number as a
// float64, which the BatchItem body deserializer turns into nil), so the
// answer is read here with encoding/json.
func (c *Client) sendBatch(ctx context.Context, batch core.BatchRequest) (map[string]subAnswer, error) {
	ri := abs.NewRequestInformationWithMethodAndUrlTemplateAndPathParameters(abs.POST, "{+baseurl}/$batch", c.base)
	if err := ri.SetContentFromParsable(ctx, c.adapter, "application/json", batch); err != nil {
		return nil, err
	}
	ri.Headers.TryAdd("Accept", "application/json")
	raw, err := c.adapter.SendPrimitive(ctx, ri, "[]byte", odataErrors)
	if err != nil {
		return nil, wrap(err)
	}
	b, _ := raw.([]byte)
	return decodeBatchAnswer(b)
}

// decodeBatchAnswer reads a $batch answer's responses by id.
func decodeBatchAnswer(b []byte) (map[string]subAnswer, error) {
	var v struct {
		Responses []struct {
			ID      string            `json:"id"`
			Status  int               `json:"status"`
			Headers map[string]string `json:"headers"`
			Body    json.RawMessage   `json:"body"`
		} `json:"responses"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, errors.New("the $batch answer is not JSON: " + err.Error())
	}
	out := make(map[string]subAnswer, len(v.Responses))
	for _, r := range v.Responses {
		out[r.ID] = subAnswer{status: r.Status, headers: r.Headers, body: r.Body}
	}
	return out, nil
}

// judgeSubResponse decides about one sub-request's answer with a single
// GET's policy (retryable): a 2xx is read (false, 0, nil); a 429 or a 5xx
// is sent again (retry true) after asked, its own Retry-After (0: none
// given), and err is what it failed with should its retries run out; any
// other status is err, the *APIError the same answer to the single GET
// gives (IsForbidden for a 403, IsNotFound for a 404).
func judgeSubResponse(a subAnswer, now time.Time) (retry bool, asked time.Duration, err error) {
	if a.status >= 200 && a.status < 300 {
		return false, 0, nil
	}
	err = errorAnswer(a.status, a.body)
	if !retryable(true, a.status, nil) {
		return false, 0, err
	}
	if date, derr := http.ParseTime(header(a.headers, "Date")); derr == nil {
		now = date
	}
	return true, retryafter.Value(header(a.headers, "Retry-After"), now), err
}

// errorAnswer is Graph's error body of an answer as an *APIError, as wrap
// makes it of the SDK's OData error.
func errorAnswer(status int, body []byte) *APIError {
	var b struct {
		Error struct {
			Code       string `json:"code"`
			Message    string `json:"message"`
			InnerError struct {
				RequestID string `json:"request-id"`
			} `json:"innerError"`
		} `json:"error"`
	}
	_ = json.Unmarshal(body, &b)
	return &APIError{StatusCode: status, Code: b.Error.Code, Message: messageOr(b.Error.Message, status), RequestID: b.Error.InnerError.RequestID}
}

// header looks a header up by name in any case: a batch answer's headers
// are a JSON object, not canonicalized.
func header(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}
