package onboarding

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPlanSecret(t *testing.T) {
	end := time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)
	month := 720 * time.Hour
	for _, c := range []struct {
		name        string
		now         time.Time
		before      time.Duration
		hasLifetime bool
		want        SecretPlan
	}{
		{"far from its end", end.Add(-90 * 24 * time.Hour), month, true, SecretPlan{Action: SecretKeep}},
		{"one second before rotate_before", end.Add(-month - time.Second), month, true, SecretPlan{Action: SecretKeep}},
		{"exactly at rotate_before: rotate", end.Add(-month), month, true, SecretPlan{Action: SecretReplace}},
		{"within rotate_before", end.Add(-10 * 24 * time.Hour), month, true, SecretPlan{Action: SecretReplace}},
		{"expired, with a lifetime: replaced", end.Add(time.Hour), month, true, SecretPlan{Action: SecretReplace, Expired: true}},
		{"expired without rotate_before", end.Add(time.Minute), 0, true, SecretPlan{Action: SecretReplace, Expired: true}},
		{"no rotate_before, still valid: kept until it expires", end.Add(-time.Minute), 0, true, SecretPlan{Action: SecretKeep}},
		{"fixed end_date within rotate_before: warn only", end.Add(-24 * time.Hour), month, false, SecretPlan{Action: SecretWarn}},
		{"fixed end_date, expired: warn only", end.Add(24 * time.Hour), month, false, SecretPlan{Action: SecretWarn, Expired: true}},
		// The provider passes Entra's clock: a machine clock a day ahead
		// must not rotate early, one behind must not rotate late.
		{"clock skew: Entra's clock a day short of rotate_before", end.Add(-month - 24*time.Hour), month, true, SecretPlan{Action: SecretKeep}},
		{"clock skew: Entra's clock past it", end.Add(-month + time.Second), month, true, SecretPlan{Action: SecretReplace}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := PlanSecret(c.now, end, c.before, c.hasLifetime); got != c.want {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestSecretLifetimeAndWindow(t *testing.T) {
	for _, c := range []struct {
		d  time.Duration
		ok bool
	}{
		{59 * time.Minute, false},
		{time.Hour, true},
		{365 * 24 * time.Hour, true},
		{2 * 366 * 24 * time.Hour, true},
		{2*366*24*time.Hour + time.Hour, false},
	} {
		t.Run(c.d.String(), func(t *testing.T) {
			if SecretLifetimeAllowed(c.d) != c.ok {
				t.Fatalf("SecretLifetimeAllowed(%s) = %v", c.d, !c.ok)
			}
		})
	}
	start, end := SecretWindow(time.Date(2026, 1, 1, 10, 0, 0, 987654321, time.UTC), 720*time.Hour)
	if start != time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC) || end != time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC) {
		t.Fatalf("SecretWindow = %s %s", start, end)
	}
}

func TestReviewSecrets(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	days := func(n float64) time.Time { return now.Add(time.Duration(n * 24 * float64(time.Hour))) }
	fresh := SecretDates{Start: days(-1), End: days(364)}
	for _, c := range []struct {
		name    string
		secrets []SecretDates
		want    []SecretStatus
	}{
		{"valid for a year", []SecretDates{fresh}, []SecretStatus{{DaysToExpiry: 364}}},
		{"29 days and a half left counts 29", []SecretDates{{Start: days(-1), End: days(29.5)}}, []SecretStatus{{DaysToExpiry: 29, Expiring: true}}},
		{"exactly 30 days: not expiring", []SecretDates{{Start: days(-1), End: days(30)}}, []SecretStatus{{DaysToExpiry: 30}}},
		{"expired an hour ago", []SecretDates{{Start: days(-30), End: days(-1.0 / 24)}}, []SecretStatus{{DaysToExpiry: -1, Expiring: true, Expired: true}}},
		{"not yet valid (its start ahead of Entra's clock)", []SecretDates{{Start: days(1), End: days(365)}}, []SecretStatus{{DaysToExpiry: 365, NotYetValid: true}}},
		{"rotation overlap: the old one is superseded", []SecretDates{{Start: days(-700), End: days(5)}, fresh},
			[]SecretStatus{{DaysToExpiry: 5, Expiring: true, Superseded: true}, {DaysToExpiry: 364}}},
		{"a not yet valid successor supersedes nothing", []SecretDates{{Start: days(-700), End: days(5)}, {Start: days(2), End: days(400)}},
			[]SecretStatus{{DaysToExpiry: 5, Expiring: true}, {DaysToExpiry: 400, NotYetValid: true}}},
		{"two expiring secrets supersede nothing", []SecretDates{{Start: days(-700), End: days(5)}, {Start: days(-700), End: days(6)}},
			[]SecretStatus{{DaysToExpiry: 5, Expiring: true}, {DaysToExpiry: 6, Expiring: true}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ReviewSecrets(now, 30, c.secrets)
			if len(got) != len(c.want) {
				t.Fatalf("got %+v", got)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("secret %d: got %+v, want %+v", i, got[i], c.want[i])
				}
			}
		})
	}
}

func TestSecretWarning(t *testing.T) {
	end := time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name          string
		plan          SecretPlan
		summary, want string
	}{
		{"rotation", SecretPlan{Action: SecretReplace}, "Client secret will be rotated",
			`Client secret "ci" (key ID k1) of app "Mosaic" (client ID c1) expires on 2026-06-30T12:00:00Z, within rotate_before (720h): it will be replaced`},
		{"rotation of an expired secret", SecretPlan{Action: SecretReplace, Expired: true}, "Client secret will be rotated", " expired on 2026-06-30T12:00:00Z, within"},
		{"fixed end_date", SecretPlan{Action: SecretWarn}, "Client secret expiring", "Its end_date is fixed, so it cannot be rotated automatically"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, d := SecretWarning(c.plan, "ci", "k1", `"Mosaic" (client ID c1)`, end, "720h")
			if s != c.summary || !strings.Contains(d, c.want) {
				t.Fatalf("got %q: %q", s, d)
			}
		})
	}
}

func TestLostSecrets(t *testing.T) {
	end := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	before := []SecretKey{{KeyID: "old", DisplayName: "ci", End: end}}
	after := []SecretKey{
		{KeyID: "OLD", DisplayName: "ci", End: end},          // was there: not the lost one
		{KeyID: "lost", DisplayName: "ci", End: end},         // the lost answer's secret
		{KeyID: "other", DisplayName: "deploy", End: end},    // someone else's name
		{KeyID: "later", DisplayName: "ci", End: end.Add(1)}, // another end date
	}
	if got := LostSecrets(before, after, "ci", end); len(got) != 1 || got[0] != "lost" {
		t.Errorf("LostSecrets = %q, want [lost]", got)
	}
	if got := LostSecrets(before, after, "ci", time.Time{}); len(got) != 2 {
		t.Errorf("without an end date, any new secret of that name: %q", got)
	}
	if got := LostSecrets(after, after, "ci", end); len(got) != 0 {
		t.Errorf("nothing new: %q", got)
	}
}

func TestPlanOverlap(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 500, time.UTC)
	week := 168 * time.Hour
	for _, c := range []struct {
		name string
		end  time.Time
		keep time.Duration
		want Overlap
	}{
		{"keep 0s: replaced as before", now.Add(30 * 24 * time.Hour), 0, Overlap{}},
		{"kept a week", now.Add(30 * 24 * time.Hour), week, Overlap{Keep: true, RemoveAfter: now.Truncate(time.Second).Add(week)}},
		{"ends within the week: kept until its end", now.Add(48 * time.Hour), week, Overlap{Keep: true, RemoveAfter: now.Add(48 * time.Hour)}},
		{"already expired: removed at the next apply", now.Add(-time.Hour), week, Overlap{Keep: true, RemoveAfter: now.Add(-time.Hour)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := PlanOverlap(now, c.end, c.keep); got != c.want {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestPreviousDue(t *testing.T) {
	after := time.Date(2026, 6, 8, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		now  time.Time
		want bool
	}{
		{after.Add(-time.Second), false},
		{after, true},
		{after.Add(24 * time.Hour), true},
	} {
		if got := PreviousDue(c.now, after); got != c.want {
			t.Errorf("PreviousDue(%s) = %v, want %v", c.now, got, c.want)
		}
	}
}

func TestUnmanagedSecrets(t *testing.T) {
	end := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	held := SecretKey{KeyID: "11111111-1111-1111-1111-111111111111", DisplayName: "replicator", End: end}
	kept := SecretKey{KeyID: "22222222-2222-2222-2222-222222222222", DisplayName: "replicator", End: end.AddDate(0, -2, 0)}
	stray := SecretKey{KeyID: "33333333-3333-3333-3333-333333333333", DisplayName: "portal", End: end.AddDate(1, 0, 0)}
	// Key IDs as Graph may spell them, upper case; the registry is lower case.
	managed := func(ids ...string) func(string) bool {
		return func(k string) bool { return slices.Contains(ids, k) }
	}
	for _, tc := range []struct {
		name    string
		owned   bool
		secrets []SecretKey
		managed func(string) bool
		want    []string
	}{
		{"all held", true, []SecretKey{held, kept}, managed(held.KeyID, kept.KeyID), nil},
		{"one out of band", true, []SecretKey{held, stray}, managed(held.KeyID), []string{stray.KeyID}},
		{"upper-case key ID still matches", true, []SecretKey{{KeyID: strings.ToUpper(held.KeyID)}}, managed(held.KeyID), nil},
		{"no onboard_client_secret at all", true, []SecretKey{held, stray}, managed(), []string{held.KeyID, stray.KeyID}},
		{"app not owned: not ours to judge", false, []SecretKey{held, stray}, managed(), nil},
		{"no secrets", true, nil, managed(held.KeyID), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, s := range UnmanagedSecrets(tc.owned, tc.secrets, tc.managed) {
				got = append(got, s.KeyID)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestUnmanagedSecretsWarning(t *testing.T) {
	end := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	app := "aaaaaaaa-0000-0000-0000-000000000001"
	summary, detail := UnmanagedSecretsWarning(app, "cccccccc-0000-0000-0000-000000000002", []SecretKey{
		{KeyID: "33333333-3333-3333-3333-333333333333", DisplayName: "portal", End: end},
		{KeyID: "44444444-4444-4444-4444-444444444444", DisplayName: "", End: end},
	})
	if want := "2 client secret(s) of app cccccccc-0000-0000-0000-000000000002 are not managed by this configuration"; summary != want {
		t.Errorf("summary %q, want %q", summary, want)
	}
	for _, want := range []string{
		`key ID 33333333-3333-3333-3333-333333333333, display name "portal", ends 2027-03-01T12:00:00Z`,
		`key ID 44444444-4444-4444-4444-444444444444, display name "", ends`,
		"az ad app credential delete --id " + app + " --key-id 33333333-3333-3333-3333-333333333333",
		"az ad app credential delete --id " + app + " --key-id 44444444-4444-4444-4444-444444444444",
		`id = "` + app + `/33333333-3333-3333-3333-333333333333"`,
		"to = onboard_client_secret.adopted",
		"Certificates & secrets",
	} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail lacks %q:\n%s", want, detail)
		}
	}
}
