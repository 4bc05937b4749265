package provider

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
)

// validates runs a schema validator on one configured value.
func validates(v validator.String, s string) bool {
	resp := &validator.StringResponse{}
	v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("x"), ConfigValue: types.StringValue(s)}, resp)
	return !resp.Diagnostics.HasError()
}

// CSV cells and pasted values: upper case, braces, spaces, a byte order
// mark, trailing dots.
var tenantSeeds = []string{
	"8c2f3a4b-1d5e-4f60-9a7b-0c1d2e3f4a5b", "8C2F3A4B-1D5E-4F60-9A7B-0C1D2E3F4A5B",
	"{8c2f3a4b-1d5e-4f60-9a7b-0c1d2e3f4a5b}", "{8C2F3A4B-1D5E-4F60-9A7B-0C1D2E3F4A5B}", " 8c2f3a4b-1d5e-4f60-9a7b-0c1d2e3f4a5b\t",
	"\ufeff8c2f3a4b-1d5e-4f60-9a7b-0c1d2e3f4a5b", "8c2f3a4b1d5e4f609a7b0c1d2e3f4a5b", "8c2f3a4b-1d5e-4f60-9a7b-0c1d2e3f4a5",
	"contoso.onmicrosoft.com", "Contoso.OnMicrosoft.com", "  fabrikam.com  ", "\ufefffabrikam.com", "fabrikam.com.",
	"northwind-traders.co.uk", "xn--mnchen-3ya.de", "contoso", "contoso..com", ".contoso.com", "-contoso.com",
	"contoso.com/evil", "admin@contoso.com", "contoso .com", "münchen.de", "", "{}", "{contoso.com}",
}

func FuzzNormalizeTenant(f *testing.F) {
	for _, s := range tenantSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ref string) {
		norm, isID, ok := normalizeTenant(ref)
		if !ok {
			if isID {
				t.Fatalf("normalizeTenant(%q): not ok but an ID", ref)
			}
			return
		}
		if norm != strings.ToLower(norm) || norm != strings.TrimSpace(norm) || norm == "" || strings.ContainsAny(norm, "\ufeff{} /@") {
			t.Fatalf("normalizeTenant(%q) = %q: not normalized", ref, norm)
		}
		if isID != onboarding.IsGUID(norm) || (isID && len(norm) != 36) || (!isID && (!strings.Contains(norm, ".") || strings.HasSuffix(norm, "."))) {
			t.Fatalf("normalizeTenant(%q) = %q, ID %v", ref, norm, isID)
		}
		// Idempotent, and the same for the variants a spreadsheet produces.
		variants := []string{norm, strings.ToUpper(norm), " \ufeff" + norm + "\t", "\ufeff " + strings.ToUpper(norm) + " "}
		if isID {
			variants = append(variants, "{"+norm+"}", "{"+strings.ToUpper(norm)+"}")
		} else {
			variants = append(variants, norm+".", " "+strings.ToUpper(norm)+". ")
		}
		for _, v := range variants {
			if n, id, ok := normalizeTenant(v); n != norm || id != isID || !ok {
				t.Fatalf("normalizeTenant(%q) = %q but normalizeTenant(%q) = %q %v %v", ref, norm, v, n, id, ok)
			}
		}
	})
}

func FuzzGUIDValidator(f *testing.F) {
	for _, s := range tenantSeeds {
		f.Add(s)
	}
	v := guidValidator()
	f.Fuzz(func(t *testing.T, s string) {
		ok := validates(v, s)
		if ok != onboarding.IsGUID(s) {
			t.Fatalf("guidValidator(%q) = %v, IsGUID = %v", s, ok, onboarding.IsGUID(s))
		}
		if !ok {
			return
		}
		// What the resources store: lowercase, 36 characters, still a GUID.
		l := strings.ToLower(s)
		if len(l) != 36 || !onboarding.IsGUID(l) || !validates(v, l) || strings.ToLower(l) != l {
			t.Fatalf("%q accepted but %q is not canonical", s, l)
		}
		if n, isID, ok := normalizeTenant(s); n != l || !isID || !ok {
			t.Fatalf("%q accepted as a GUID but normalizeTenant gives %q %v %v", s, n, isID, ok)
		}
	})
}

func FuzzDurationValidator(f *testing.F) {
	for _, s := range []string{
		"720h", "8760h", "365d", "30d", "0d", "1h30m", "90m", "60s", "15m", "1.5h", "0.5s",
		"106751d", "106752d", "9999999999d", "2562047h", "2562048h", "99999999999999999999s",
		"1 year", "-5h", "+3d", "30D", "1h 30m", "", " 720h", "720h ", "1e3h", "500ms", "1d12h",
	} {
		f.Add(s)
	}
	v := durationValidator("must be a duration")
	f.Fuzz(func(t *testing.T, s string) {
		ok := validates(v, s)
		if ok != validDuration(s) {
			t.Fatalf("durationValidator(%q) = %v, validDuration = %v", s, ok, !ok)
		}
		d, err := onboarding.ParseDuration(s)
		if !ok {
			return
		}
		// Every value the schema accepts, the resources can read.
		if err != nil || d < 0 {
			t.Fatalf("%q accepted but ParseDuration gives %v, %v", s, d, err)
		}
		// Accepted values re-format consistently, as hours/minutes/seconds
		// and (when whole) as days.
		if d%time.Second == 0 {
			if again, err := onboarding.ParseDuration(d.String()); !validates(v, d.String()) || err != nil || again != d {
				t.Fatalf("%q = %v, but %q gives %v, %v", s, d, d.String(), again, err)
			}
		}
		if d%(24*time.Hour) == 0 {
			days := strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
			if again, err := onboarding.ParseDuration(days); !validates(v, days) || err != nil || again != d {
				t.Fatalf("%q = %v, but %q gives %v, %v", s, d, days, again, err)
			}
		}
	})
}

func FuzzRFC3339Validator(f *testing.F) {
	for _, s := range []string{
		"2027-06-30T00:00:00Z", "2027-06-30T00:00:00+02:00", "2027-06-30T00:00:00.123456789Z", "2027-06-30t00:00:00z",
		"2027-06-30 00:00:00Z", "2027-06-30", "30/06/2027", "next year", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
		"2027-02-30T00:00:00Z", "2027-06-30T24:00:00Z", "2027-06-30T00:00:00+24:00", "2027-06-30T00:00:60Z", "",
		"2027-06-30T0:00:00Z", "0000-01-10T0:00:00+24:60", "2027-06-30T00:00:00-23:59", "2027-06-30T00:00:00.Z",
	} {
		f.Add(s)
	}
	v := rfc3339Validator()
	f.Fuzz(func(t *testing.T, s string) {
		ok := validates(v, s)
		if !ok {
			return
		}
		at, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatalf("rfc3339Validator accepts %q but time.Parse: %v", s, err)
		}
		// Formatting the instant again gives a value that validates and
		// parses to the same instant.
		for _, layout := range []string{time.RFC3339Nano, time.RFC3339} {
			out := at.Format(layout)
			back, err := time.Parse(time.RFC3339, out)
			want := at
			if layout == time.RFC3339 {
				want = at.Truncate(time.Second)
			}
			if !validates(v, out) || err != nil || !back.Equal(want) {
				t.Fatalf("%q: formatted %q gives %v, %v", s, out, back, err)
			}
		}
	})
}
