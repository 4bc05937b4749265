package provider

import (
	"bytes"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/onboard-tf/terraform-provider-onboard/internal/retryafter"
)

// Waits before retries are logged at INFO, so TF_LOG=INFO shows them.
func TestRetryWaitsLoggedAtInfo(t *testing.T) {
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(t.Context(), &out)
	logRetry(ctx, "Microsoft Graph: waiting before retrying", retryafter.LogFields("Microsoft Graph", "PATCH", "/v1.0/applications", 429, 0, 0, 1, 8))
	lines, err := tflogtest.MultilineJSONDecode(&out)
	if err != nil || len(lines) != 1 {
		t.Fatalf("logged %v, %v", lines, err)
	}
	l := lines[0]
	if l["@level"] != "info" || l["api"] != "Microsoft Graph" || l["path"] != "/v1.0/applications" || l["attempt"] != "retry 1 of 8" || l["status"] != float64(429) {
		t.Fatalf("logged %v", l)
	}
}
