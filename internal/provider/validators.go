package provider

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
)

var (
	durationPattern = regexp.MustCompile(`^([0-9]+d|([0-9]+(\.[0-9]+)?(h|m|s))+)$`)
	guidPattern     = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	// rfc3339Pattern is RFC 3339's date-time: two-digit fields, an offset
	// of at most 23:59.
	rfc3339Pattern = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$`)
)

// parseRFC3339 is time.Parse(time.RFC3339, s) for values that are RFC 3339:
// time.Parse alone also takes one-digit hours ("T0:00:00Z") and offsets
// such as +24:60, which Graph would not.
func parseRFC3339(s string) (time.Time, error) {
	if !rfc3339Pattern.MatchString(s) {
		return time.Time{}, errors.New("not an RFC 3339 date and time")
	}
	return time.Parse(time.RFC3339, s)
}

func guidValidator() validator.String {
	return stringvalidator.RegexMatches(guidPattern, "must be a GUID such as 00000000-0000-0000-0000-000000000000")
}

type rfc3339 struct{}

func rfc3339Validator() validator.String { return rfc3339{} }

func (rfc3339) Description(context.Context) string               { return "must be an RFC 3339 date and time" }
func (v rfc3339) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (rfc3339) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := parseRFC3339(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid date", "\""+req.ConfigValue.ValueString()+"\" is not an RFC 3339 date and time; write it like \"2027-06-30T00:00:00Z\".")
	}
}

// durationValidator accepts the durations the provider reads with
// onboarding.ParseDuration, written as durationPattern says ("8760h",
// "1h30m", "365d"). The pattern alone let through values too large for a
// time.Duration ("9999999999d"), which then read as 0.
func durationValidator(msg string) validator.String { return durationValue{msg} }

type durationValue struct{ msg string }

func (v durationValue) Description(context.Context) string { return v.msg }
func (v durationValue) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v durationValue) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if !validDuration(s) {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value Match", "Attribute "+req.Path.String()+" "+v.msg+", got: "+s)
	}
}

// validDuration: s matches durationPattern and ParseDuration takes it.
func validDuration(s string) bool {
	if !durationPattern.MatchString(s) {
		return false
	}
	_, err := onboarding.ParseDuration(s)
	return err == nil
}

// durationBetween accepts a duration from lo to hi (with durationValidator,
// which checks the form); example is a valid value for the message.
func durationBetween(lo, hi time.Duration, example string) validator.String {
	return durationRange{lo, hi, example}
}

type durationRange struct {
	lo, hi  time.Duration
	example string
}

func (v durationRange) Description(context.Context) string {
	return "must be a duration from " + formatDuration(v.lo) + " to " + formatDuration(v.hi) + ", such as \"" + v.example + "\""
}

func (v durationRange) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationRange) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if !validDuration(req.ConfigValue.ValueString()) {
		return // durationValidator says so
	}
	if _, msg := checkDurationBetween(req.ConfigValue.ValueString(), v.lo, v.hi, v.example); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration", "Attribute "+req.Path.String()+" "+msg)
	}
}

// checkDurationBetween reads s; msg says what is wrong, or is empty.
func checkDurationBetween(s string, lo, hi time.Duration, example string) (time.Duration, string) {
	d, err := onboarding.ParseDuration(s)
	if !validDuration(s) || err != nil {
		return 0, "must be a duration such as \"" + example + "\" (units d, h, m, s), got: \"" + s + "\""
	}
	if d < lo || d > hi {
		return 0, "must be from " + formatDuration(lo) + " to " + formatDuration(hi) + ", such as \"" + example + "\", got: \"" + s + "\""
	}
	return d, ""
}

// formatDuration writes whole hours and minutes without the zero parts
// time.Duration.String adds ("1h", not "1h0m0s").
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// ruleValidator puts a pure rule's answer ("" when the value is fine) on
// the attribute.
type ruleValidator struct {
	desc string
	rule func(string) string
}

func (v ruleValidator) Description(context.Context) string             { return v.desc }
func (v ruleValidator) MarkdownDescription(ctx context.Context) string { return v.desc }
func (v ruleValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := v.rule(req.ConfigValue.ValueString()); msg != "" {
		// The attribute's name without the element ("[Value(...)]"): the
		// message quotes the value, Terraform shows the line.
		name := attrName(req.Path.String())
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid value for "+name, name+": "+msg+".")
	}
}

// attrName is the attribute of a path, without set element or index.
func attrName(p string) string {
	if i := strings.IndexByte(p, '['); i >= 0 {
		return p[:i]
	}
	return p
}

// redirectURIValidator: Microsoft's redirect URI rules, for web or public
// client redirect URIs.
func redirectURIValidator(publicClient bool) validator.String {
	return ruleValidator{"must be a redirect URI Entra accepts", func(s string) string { return onboarding.CheckRedirectURI(s, publicClient) }}
}

// notBlank refuses names that are empty after trimming.
func notBlank(example string) validator.String {
	return ruleValidator{"must contain more than spaces", func(s string) string { return onboarding.CheckName(s, example) }}
}

// tenantRefValidator: a tenant ID or a verified domain, as
// onboard_customer_tenant and admin_consent_url take them.
func tenantRefValidator() validator.String {
	return ruleValidator{"must be a tenant ID or domain", checkTenantRef}
}

func checkTenantRef(s string) string {
	if _, _, ok := normalizeTenant(s); ok {
		return ""
	}
	return "must be a tenant ID (a GUID) or a verified domain, e.g. \"contoso.onmicrosoft.com\": got \"" + s + "\""
}
