package onboarding

import "testing"

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		name string
		r    TenantReading
		want Standing
	}{
		{"granted", TenantReading{AppPresent: true, Consent: ConsentGranted}, StandingOK},
		{"granted before, still granted", TenantReading{AppPresent: true, Consent: ConsentGranted, WasGranted: true}, StandingOK},
		{"never consented: app not in the tenant", TenantReading{Consent: ConsentMissing}, StandingNotOnboarded},
		{"partial consent", TenantReading{AppPresent: true, Consent: ConsentPartial}, StandingPendingConsent},
		{"apply left a human step", TenantReading{AppPresent: true, Consent: ConsentPending}, StandingPendingConsent},
		{"revoked after grant: permissions removed", TenantReading{AppPresent: true, Consent: ConsentMissing, WasGranted: true}, StandingRevoked},
		{"revoked after grant: enterprise app deleted", TenantReading{Consent: ConsentMissing, WasGranted: true}, StandingRevoked},
		{"revoked after grant: partly", TenantReading{AppPresent: true, Consent: ConsentPartial, WasGranted: true}, StandingRevoked},
		{"service principal without any consent", TenantReading{AppPresent: true, Consent: ConsentMissing}, StandingRevoked},
		// An error is never pending: nobody can consent to fix it.
		{"tenant unreachable (5xx)", TenantReading{Failed: true, Consent: ConsentMissing}, StandingUnreachable},
		{"expired secret, consent granted before", TenantReading{Failed: true, Consent: ConsentGranted, WasGranted: true}, StandingUnreachable},
		{"consent unknown after a failed refresh", TenantReading{Consent: ConsentUnknown}, StandingUnreachable},
		{"nothing read at all", TenantReading{}, StandingUnreachable},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Classify(c.r); got != c.want {
				t.Fatalf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestCount(t *testing.T) {
	for _, c := range []struct {
		name                   string
		standings              []Standing
		want                   Tally
		reachable, needConsent int64
	}{
		{"none", nil, Tally{}, 0, 0},
		{"the sync's three tenants: granted, never consented, deleted", []Standing{StandingOK, StandingNotOnboarded, StandingUnreachable},
			Tally{OK: 1, NotOnboarded: 1, Unreachable: 1}, 2, 1},
		{"every standing once", []Standing{StandingOK, StandingPendingConsent, StandingRevoked, StandingUnreachable, StandingNotOnboarded},
			Tally{OK: 1, PendingConsent: 1, Revoked: 1, Unreachable: 1, NotOnboarded: 1}, 4, 3},
		{"all unreachable: none pending", []Standing{StandingUnreachable, StandingUnreachable}, Tally{Unreachable: 2}, 0, 0},
		{"an unknown standing counts as unreachable, still once", []Standing{"bogus", StandingOK}, Tally{OK: 1, Unreachable: 1}, 1, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Count(c.standings)
			if got != c.want || got.Total() != int64(len(c.standings)) || got.Reachable() != c.reachable || got.NeedConsent() != c.needConsent {
				t.Fatalf("got %+v (total %d, reachable %d, need consent %d)", got, got.Total(), got.Reachable(), got.NeedConsent())
			}
		})
	}
}
