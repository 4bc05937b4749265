// Package retryafter reads the Retry-After header of Microsoft Graph and
// Business Central answers, for the API clients' retries.
package retryafter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Max bounds a Retry-After: a longer one is nonsense (or an overflow); the
// caller's context and its own caps bound the wait further.
const Max = 24 * time.Hour

// Parse reads h's Retry-After. A date is the service's clock, so it is
// measured from h's Date when there is one, else from local time.
func Parse(h http.Header) time.Duration {
	now, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		now = time.Now()
	}
	return Value(h.Get("Retry-After"), now)
}

// Value reads delta-seconds or an HTTP date relative to now, never below 0
// or above Max.
func Value(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseUint(v, 10, 64); err == nil {
		return time.Duration(min(s, uint64(Max/time.Second))) * time.Second
	} else if errors.Is(err, strconv.ErrRange) {
		return Max
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), Max)
	}
	return 0
}

// LogFields are the fields of a retry log line: status 0 is a transport
// error, retryAfter 0 means the service gave none. Never a query, header or
// body: they may carry names, tokens and secrets.
func LogFields(api, method, path string, status int, retryAfter, delay time.Duration, retry, of int) map[string]any {
	f := map[string]any{"api": api, "method": method, "path": path, "status": status,
		"delay": delay.String(), "delay_ms": delay.Milliseconds(), "retry": retry, "max_retries": of,
		"attempt": fmt.Sprintf("retry %d of %d", retry, of)}
	if retryAfter > 0 {
		f["retry_after"] = retryAfter.String()
	}
	return f
}

// PastDeadline reports whether a wait of d would end after ctx's deadline:
// then the caller gives up at once with the answer it has, rather than
// sleeping into a timeout.
func PastDeadline(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return ok && time.Until(dl) < d
}
