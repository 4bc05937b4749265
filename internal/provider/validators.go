package provider

import (
	"context"
	"regexp"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var (
	durationPattern = regexp.MustCompile(`^([0-9]+d|([0-9]+(\.[0-9]+)?(h|m|s))+)$`)
	guidPattern     = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

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
	if _, err := time.Parse(time.RFC3339, req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid date", "\""+req.ConfigValue.ValueString()+"\" is not an RFC 3339 date and time; write it like \"2027-06-30T00:00:00Z\".")
	}
}
