package provider

import (
	"context"
	"net/netip"
	"net/url"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// checkEndpoint: an endpoint override carries bearer tokens and secrets, so
// it must be https; plain http only to this machine (the emulator, a local
// proxy), where nothing crosses a network. It returns what is wrong, or "".
func checkEndpoint(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || u.Hostname() == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "must be an absolute https:// URL of an origin"
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return ""
	case "http":
		if isLoopback(u.Hostname()) {
			return ""
		}
		return "must use https://: tokens and secrets would cross the network in cleartext (http:// is accepted only for loopback addresses: localhost, 127.0.0.0/8, ::1)"
	}
	return "must be an https:// URL"
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

type endpointValidator struct{ example string }

func (v endpointValidator) Description(context.Context) string {
	return "must be an https:// URL such as \"" + v.example + "\" (http:// only for loopback addresses)"
}

func (v endpointValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v endpointValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := checkEndpoint(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Insecure or invalid endpoint", endpointMessage(req.Path.String(), req.ConfigValue.ValueString(), msg, v.example))
	}
}

func endpointMessage(attr, value, msg, example string) string {
	return attr + " " + msg + ", e.g. \"" + example + "\"; got \"" + value + "\"."
}
