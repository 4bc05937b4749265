package provider

import (
	"context"
	"maps"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onboard-tf/terraform-provider-onboard/internal/graph"
	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
	"github.com/onboard-tf/terraform-provider-onboard/internal/session"
)

// The inventory part of onboard_sync's per-tenant results: what seed 004's
// initial sync lists (organization details, users and groups, license
// subscriptions and their assignments, Secure Score, Intune devices,
// Exchange Online mailboxes), counted rather than listed, each null with
// the reason when it cannot be read.

// syncInventory is embedded in syncTenant; its attributes join the tenant's.
type syncInventory struct {
	CountryCode     types.String               `tfsdk:"country_code"`
	CreatedDateTime types.String               `tfsdk:"created_date_time"`
	LicenseSkus     map[string]syncSku         `tfsdk:"license_skus"`
	SecureScore     *syncSecureScore           `tfsdk:"secure_score"`
	ManagedDevices  types.Int64                `tfsdk:"managed_devices"`
	Mailboxes       *syncMailboxes             `tfsdk:"mailboxes"`
	Unavailable     map[string]syncUnavailable `tfsdk:"unavailable"`
}

type syncSku struct {
	Enabled  types.Int64 `tfsdk:"enabled"`
	Consumed types.Int64 `tfsdk:"consumed"`
}

type syncSecureScore struct {
	Current types.Float64 `tfsdk:"current"`
	Max     types.Float64 `tfsdk:"max"`
}

type syncMailboxes struct {
	Total      types.Int64  `tfsdk:"total"`
	Active     types.Int64  `tfsdk:"active"`
	ReportDate types.String `tfsdk:"report_date"`
}

type syncUnavailable struct {
	Reason     types.String `tfsdk:"reason"`
	Permission types.String `tfsdk:"permission"`
	Detail     types.String `tfsdk:"detail"`
}

var (
	syncSkuType         = types.ObjectType{AttrTypes: map[string]attr.Type{"enabled": types.Int64Type, "consumed": types.Int64Type}}
	syncSecureScoreType = types.ObjectType{AttrTypes: map[string]attr.Type{"current": types.Float64Type, "max": types.Float64Type}}
	syncMailboxesType   = types.ObjectType{AttrTypes: map[string]attr.Type{"total": types.Int64Type, "active": types.Int64Type, "report_date": types.StringType}}
	syncUnavailableType = types.ObjectType{AttrTypes: map[string]attr.Type{"reason": types.StringType, "permission": types.StringType, "detail": types.StringType}}
)

// withInventoryTypes adds the inventory's attribute types to a tenant's.
func withInventoryTypes(tenant map[string]attr.Type) map[string]attr.Type {
	out := maps.Clone(tenant)
	maps.Copy(out, map[string]attr.Type{
		"country_code": types.StringType, "created_date_time": types.StringType, "license_skus": types.MapType{ElemType: syncSkuType},
		"secure_score": syncSecureScoreType, "managed_devices": types.Int64Type, "mailboxes": syncMailboxesType,
		"unavailable": types.MapType{ElemType: syncUnavailableType},
	})
	return out
}

// withInventoryAttributes adds the inventory's attributes to a tenant's.
func withInventoryAttributes(tenant map[string]schema.Attribute) map[string]schema.Attribute {
	out := maps.Clone(tenant)
	maps.Copy(out, map[string]schema.Attribute{
		"country_code": schema.StringAttribute{Computed: true, MarkdownDescription: "The organization's country or region (ISO 3166-2, e.g. `US`); " +
			"null with `unavailable.organization` when not readable."},
		"created_date_time": schema.StringAttribute{Computed: true, MarkdownDescription: "When the tenant was created (RFC 3339); null with `unavailable.organization` when not readable."},
		"license_skus": schema.MapNestedAttribute{Computed: true, MarkdownDescription: "License subscriptions by SKU part number (e.g. `SPE_E3`): units bought " +
			"(`enabled`, the prepaid units in the enabled state) and assigned (`consumed`). Null with `unavailable.licenses` when not readable " +
			"(needs `LicenseAssignment.Read.All`, `Organization.Read.All` or `Directory.Read.All`).",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"enabled":  schema.Int64Attribute{Computed: true, MarkdownDescription: "Units bought and enabled."},
				"consumed": schema.Int64Attribute{Computed: true, MarkdownDescription: "Units assigned to users."},
			}}},
		"secure_score": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "The latest Microsoft Secure Score (needs `SecurityEvents.Read.All`); " +
			"null with `unavailable.secure_score` when not readable or not computed yet.",
			Attributes: map[string]schema.Attribute{
				"current": schema.Float64Attribute{Computed: true, MarkdownDescription: "Points achieved."},
				"max":     schema.Float64Attribute{Computed: true, MarkdownDescription: "Points achievable."},
			}},
		"managed_devices": schema.Int64Attribute{Computed: true, MarkdownDescription: "Devices enrolled in Intune, distinct from the directory's `devices` " +
			"(needs `DeviceManagementManagedDevices.Read.All`); null with `unavailable.managed_devices` when not readable or the tenant has no Intune."},
		"mailboxes": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "Exchange Online user mailboxes from the mailbox usage report of the last 7 days, " +
			"its latest day (needs `Reports.Read.All`); null with `unavailable.mailboxes` when not readable.",
			Attributes: map[string]schema.Attribute{
				"total":       schema.Int64Attribute{Computed: true, MarkdownDescription: "User mailboxes."},
				"active":      schema.Int64Attribute{Computed: true, MarkdownDescription: "Mailboxes whose user sent or read mail that day."},
				"report_date": schema.StringAttribute{Computed: true, MarkdownDescription: "The day counted (`YYYY-MM-DD`); reports lag about two days."},
			}},
		"unavailable": schema.MapNestedAttribute{Computed: true, MarkdownDescription: unavailableDescription(),
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"reason": schema.StringAttribute{Computed: true, MarkdownDescription: "`permission_missing`, `not_licensed`, `no_data` or `failed`."},
				"permission": schema.StringAttribute{Computed: true, MarkdownDescription: "For `permission_missing`: the Microsoft Graph application permission to consent " +
					"(the one the app requires, else the least privileged); null otherwise."},
				"detail": schema.StringAttribute{Computed: true, MarkdownDescription: "What to do, or the error."},
			}}},
	})
	return out
}

// unavailableDescription lists every item with its permissions, from the
// onboarding table the read uses.
func unavailableDescription() string {
	var b strings.Builder
	b.WriteString("Why an inventory item is null, keyed by item; empty when everything was read, null when the tenant itself was not read " +
		"(see `status` and `error`). Items and the Microsoft Graph application permissions that read them (any one; least privileged first): ")
	for i, it := range onboarding.InventoryItems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString("`" + it.Name + "` (`" + strings.Join(it.Permissions, "`, `") + "`)")
	}
	b.WriteString(". Reasons: `permission_missing` (Graph answered 403; `permission` names what to consent and `detail` says whether the app does not " +
		"request it or this tenant has not consented to it), `not_licensed` (the tenant lacks the service, e.g. no Intune), `no_data` (no Secure Score " +
		"computed yet, a usage report without rows) and `failed` (the service failed; `detail` is the error). Organization, users, groups, devices " +
		"and licenses come from the directory: a failure there other than 403 is the tenant's `error` rather than an item's.")
	return b.String()
}

// readInventory reads every inventory item of one tenant with the app's own
// Graph client. What the app may not read is null with its reason; a
// directory read failing otherwise fails the tenant (returned), while
// Security, Intune and reports are services of their own whose failure
// nulls only their item.
func readInventory(ctx context.Context, g *graph.Client, r *syncTenant, c call, required []requiredPermission, consent onboarding.Consent) error {
	r.Unavailable = map[string]syncUnavailable{}
	skip := func(item onboarding.InventoryItem, err error, found bool) {
		u, ok := onboarding.ExplainUnavailable(item, readOutcome(err, found), required, consent, failure(c, item, err))
		if !ok {
			return
		}
		v := syncUnavailable{Reason: types.StringValue(u.Reason), Permission: types.StringNull(), Detail: types.StringValue(u.Detail)}
		if u.Permission != "" {
			v.Permission = types.StringValue(u.Permission)
		}
		r.Unavailable[item.Name] = v
	}
	directory := func(item onboarding.InventoryItem, err error) (bool, error) {
		if err == nil {
			return true, nil
		}
		if !graph.IsForbidden(err) {
			return false, err
		}
		skip(item, err, false)
		return false, nil
	}

	// The five directory reads, Secure Score and Intune are one $batch
	// (issue 20: requests at Microsoft's lower bound); each part fails or
	// succeeds on its own.
	dir, err := g.ReadDirectory(ctx)
	if err != nil {
		return err
	}
	if ok, err := directory(onboarding.ItemOrganization, dir.Errors[graph.PartOrganization]); err != nil {
		return err
	} else if ok {
		org := dir.Organization
		r.OrganizationName = types.StringValue(org.DisplayName)
		for _, dm := range org.Domains {
			r.Domains = append(r.Domains, dm.Name)
			if dm.IsDefault {
				r.DefaultDomain = types.StringValue(dm.Name)
			}
		}
		r.CountryCode = types.StringValue(org.CountryLetterCode)
		if !org.CreatedDateTime.IsZero() {
			r.CreatedDateTime = types.StringValue(org.CreatedDateTime.Format(time.RFC3339))
		}
	}
	for _, x := range []struct {
		item onboarding.InventoryItem
		part string
		n    int
		dst  *types.Int64
	}{{onboarding.ItemUsers, graph.PartUsers, dir.Users, &r.Users}, {onboarding.ItemGroups, graph.PartGroups, dir.Groups, &r.Groups},
		{onboarding.ItemDevices, graph.PartDevices, dir.Devices, &r.Devices}} {
		if ok, err := directory(x.item, dir.Errors[x.part]); err != nil {
			return err
		} else if ok {
			*x.dst = types.Int64Value(int64(x.n))
		}
	}
	if ok, err := directory(onboarding.ItemLicenses, dir.Errors[graph.PartSubscribedSkus]); err != nil {
		return err
	} else if ok {
		skus := dir.SubscribedSkus
		r.Licenses = types.Int64Value(int64(len(skus)))
		r.LicenseSkus = map[string]syncSku{}
		for _, s := range skus {
			r.LicenseSkus[s.SkuPartNumber] = syncSku{Enabled: types.Int64Value(int64(s.EnabledUnits)), Consumed: types.Int64Value(int64(s.ConsumedUnits))}
		}
	}

	if err := dir.Errors[graph.PartSecureScores]; err == nil && dir.SecureScore != nil {
		r.SecureScore = &syncSecureScore{Current: types.Float64Value(dir.SecureScore.Current), Max: types.Float64Value(dir.SecureScore.Max)}
	} else {
		skip(onboarding.ItemSecureScore, err, false)
	}
	if err := dir.Errors[graph.PartManagedDevices]; err == nil {
		r.ManagedDevices = types.Int64Value(int64(dir.ManagedDevices))
	} else {
		skip(onboarding.ItemManagedDevices, err, false)
	}
	// The mailbox usage report stays a single GET: Graph answers it with a
	// 302 to a preauthenticated CSV download
	// (https://learn.microsoft.com/graph/api/reportroot-getmailboxusagemailboxcounts),
	// so in the $batch it would still need a GET of its own of that
	// download: batching it saves no request.
	if mb, found, err := g.MailboxUsageCounts(ctx, "D7"); err == nil && found {
		r.Mailboxes = &syncMailboxes{Total: types.Int64Value(int64(mb.Total)), Active: types.Int64Value(int64(mb.Active)), ReportDate: types.StringValue(mb.ReportDate)}
	} else {
		skip(onboarding.ItemMailboxes, err, found)
	}
	return nil
}

// readOutcome classifies a read for onboarding.ExplainUnavailable.
func readOutcome(err error, found bool) onboarding.ReadOutcome {
	switch {
	case err == nil && found:
		return onboarding.ReadOK
	case err == nil:
		return onboarding.ReadNoData
	case graph.IsForbidden(err):
		return onboarding.ReadForbidden
	case graph.IsNotApplicable(err):
		return onboarding.ReadNotApplicable
	}
	return onboarding.ReadFailed
}

// failure is a failed read's error as the diagnostics table words it.
func failure(c call, item onboarding.InventoryItem, err error) string {
	if err == nil {
		return ""
	}
	c.doing, c.cred = "reading "+strings.ReplaceAll(item.Name, "_", " ")+" in tenant "+c.tenant, session.App
	return explain(c, err).line()
}
