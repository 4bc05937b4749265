package onboarding

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// AdminConsentURL is the v2 admin consent link for a tenant's administrator:
// https://login.microsoftonline.com/{tenant}/v2.0/adminconsent with the
// static permissions of the given resources (".default").
func AdminConsentURL(loginEndpoint, tenant, clientID, redirectURI string, resources ...string) string {
	if loginEndpoint == "" {
		loginEndpoint = "https://login.microsoftonline.com"
	}
	if len(resources) == 0 {
		resources = []string{"https://graph.microsoft.com"}
	}
	var scopes []string
	for _, r := range resources {
		scopes = append(scopes, strings.TrimSuffix(r, "/")+"/.default")
	}
	q := url.Values{"client_id": {clientID}, "scope": {strings.Join(scopes, " ")}}
	if redirectURI != "" {
		q.Set("redirect_uri", redirectURI)
	}
	return strings.TrimSuffix(loginEndpoint, "/") + "/" + url.PathEscape(tenant) + "/v2.0/adminconsent?" + q.Encode()
}

// ParseDuration accepts Go durations ("720h", "90m") and whole days ("30d").
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		// Beyond about 292 years the nanoseconds overflow int64.
		if err == nil && n >= 0 && int64(n) <= math.MaxInt64/int64(24*time.Hour) {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration: use hours such as \"720h\" or days such as \"30d\"", s)
	}
	return d, nil
}
