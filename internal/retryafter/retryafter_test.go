package retryafter

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Fuzz targets moved here from internal/graph (FuzzRetryAfter) and
// internal/bcadmin (FuzzParseRetryAfter) when both used this package.

func FuzzValue(f *testing.F) {
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC).Unix()
	for _, v := range []string{
		"5", "0", "120", " 30 ", "86400", "86401", "-1", "+5", "1.5", "0x10", "",
		"9223372036854775807", "9223372036854775808", "99999999999999999999999",
		"Mon, 30 Nov 2026 09:00:10 GMT",     // IMF-fixdate, 10 s after now
		"Monday, 30-Nov-26 09:01:00 GMT",    // RFC 850
		"Mon Nov 30 09:00:30 2026",          // asctime
		"Sun, 29 Nov 2026 09:00:00 GMT",     // in the past
		"Fri, 31 Dec 9999 23:59:59 GMT",     // far future
		"Mon, 30 Nov 2026 09:00:10 +0100",   // not GMT: not an HTTP date
		"Mon, 30 Nov 2026 09:00:10 GMT\r\n", // stray line end
	} {
		f.Add(v, now)
	}
	f.Fuzz(func(t *testing.T, v string, unix int64) {
		at := time.Unix(unix%(1<<40), 0).UTC() // years -32000..+36000
		d := Value(v, at)
		if d < 0 || d > Max {
			t.Fatalf("Value(%q) = %v: out of [0, %v]", v, d, Max)
		}
		if n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64); err == nil && n <= uint64(Max/time.Second) && d != time.Duration(n)*time.Second {
			t.Fatalf("Value(%q) = %v, want %d s", v, d, n)
		}
		if d == 0 || d%time.Second != 0 {
			return
		}
		// The same wait written as seconds or as a date gives the same
		// duration.
		if again := Value(strconv.Itoa(int(d/time.Second)), at); again != d {
			t.Fatalf("Value(%q) = %v but as seconds %v", v, d, again)
		}
		if y := at.Add(d).Year(); y >= 1 && y <= 9999 {
			date := at.Add(d).Format(http.TimeFormat)
			if again := Value(date, at); again != d {
				t.Fatalf("Value(%q) = %v but as date %q %v", v, d, date, again)
			}
		}
	})
}

func FuzzParse(f *testing.F) {
	const date = "Mon, 30 Nov 2026 09:00:00 GMT"
	for _, s := range [][2]string{
		{"5", date}, {"0", ""}, {"120", date}, {" 30 ", date}, {"86400", ""}, {"86401", ""},
		{"-1", date}, {"+5", date}, {"1.5", date}, {"", date},
		{"9223372036854775807", date}, {"99999999999999999999999", ""},
		{"Mon, 30 Nov 2026 09:00:10 GMT", date},  // 10 s by the service's clock
		{"Monday, 30-Nov-26 09:01:00 GMT", date}, // RFC 850
		{"Mon Nov 30 09:00:30 2026", date},       // asctime
		{"Sun, 29 Nov 2026 09:00:00 GMT", date},  // already past
		{"Fri, 31 Dec 9999 23:59:59 GMT", date},
		{"Mon, 30 Nov 2026 09:00:10 GMT", "not a date"},
		{"Mon, 30 Nov 2026 09:00:10 GMT", "Mon, 01 Jan 0001 00:00:00 GMT"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, v, date string) {
		resp := &http.Response{Header: http.Header{}}
		resp.Header.Set("Retry-After", v)
		resp.Header.Set("Date", date)
		d := Parse(resp.Header)
		if d < 0 || d > Max {
			t.Fatalf("retryAfter(%q, Date %q) = %v: out of [0, %v]", v, date, d, Max)
		}
		if n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64); err == nil && n <= uint64(Max/time.Second) && d != time.Duration(n)*time.Second {
			t.Fatalf("retryAfter(%q) = %v, want %d s", v, d, n)
		}
		served, err := http.ParseTime(date)
		if err != nil || d == 0 {
			return
		}
		// With a Date, the result does not depend on the local clock, and
		// the same wait written the other way gives the same duration.
		if at, err := http.ParseTime(strings.TrimSpace(v)); err == nil && d != min(at.Sub(served), Max) {
			t.Fatalf("retryAfter(%q, Date %q) = %v, want %v", v, date, d, at.Sub(served))
		}
		if d%time.Second == 0 {
			resp.Header.Set("Retry-After", strconv.Itoa(int(d/time.Second)))
			if again := Parse(resp.Header); again != d {
				t.Fatalf("retryAfter(%q) = %v but as seconds %v", v, d, again)
			}
			if y := served.Add(d).Year(); y >= 1 && y <= 9999 {
				resp.Header.Set("Retry-After", served.Add(d).Format(http.TimeFormat))
				if again := Parse(resp.Header); again != d {
					t.Fatalf("retryAfter(%q) = %v but as date %v", v, d, again)
				}
			}
		}
	})
}

// The service's clock decides: an hour-fast local clock must not turn a
// 7 s Retry-After date into an hour's wait or none.
func TestDateCountsFromResponseDate(t *testing.T) {
	server := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	resp := &http.Response{Header: http.Header{}}
	resp.Header.Set("Date", server.Format(http.TimeFormat))
	resp.Header.Set("Retry-After", server.Add(7*time.Second).Format(http.TimeFormat))
	if d := Parse(resp.Header); d != 7*time.Second {
		t.Fatalf("retryAfter = %v, want 7s", d)
	}
	resp.Header.Del("Date")
	resp.Header.Set("Retry-After", time.Now().Add(7*time.Second).UTC().Format(http.TimeFormat))
	if d := Parse(resp.Header); d < 5*time.Second || d > 7*time.Second {
		t.Fatalf("retryAfter without Date = %v, want about 6s", d)
	}
}
