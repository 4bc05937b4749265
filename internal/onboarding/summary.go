package onboarding

// Standing is where one customer stands, for summaries: every customer has
// exactly one.
type Standing string

const (
	StandingOK             Standing = "ok"
	StandingPendingConsent Standing = "pending_consent"
	StandingRevoked        Standing = "revoked"
	StandingUnreachable    Standing = "unreachable"
	StandingNotOnboarded   Standing = "not_onboarded"
)

// TenantReading is what one read of a customer tenant found.
type TenantReading struct {
	// Failed: the tenant could not be read (a token error, a 5xx, a
	// deleted tenant, a timeout). Whatever else is set is ignored.
	Failed bool
	// AppPresent: the app's service principal is in the tenant.
	AppPresent bool
	Consent    ConsentState
	// WasGranted: an earlier read found consent granted.
	WasGranted bool
}

// Classify places a customer. A failed read is unreachable, never pending:
// nobody can consent to fix a deleted tenant or an expired secret. Consent
// taken back after it was given (the enterprise app deleted, or its
// permissions removed while its service principal stays) is revoked; an
// app never consented there is not onboarded; a partial consent (a
// permission added to the app since) is pending.
func Classify(r TenantReading) Standing {
	switch {
	case r.Failed || r.Consent == ConsentUnknown || r.Consent == "":
		return StandingUnreachable
	case r.Consent == ConsentGranted:
		return StandingOK
	case r.WasGranted:
		return StandingRevoked
	case !r.AppPresent:
		return StandingNotOnboarded
	case r.Consent == ConsentMissing:
		// The service principal is there, so consent was given once.
		return StandingRevoked
	}
	return StandingPendingConsent
}

// Tally counts customers by standing; the counts add up to the customers.
type Tally struct {
	OK, PendingConsent, Revoked, Unreachable, NotOnboarded int64
}

// Count tallies standings, each customer once.
func Count(standings []Standing) Tally {
	var t Tally
	for _, s := range standings {
		switch s {
		case StandingOK:
			t.OK++
		case StandingPendingConsent:
			t.PendingConsent++
		case StandingRevoked:
			t.Revoked++
		case StandingNotOnboarded:
			t.NotOnboarded++
		default:
			t.Unreachable++
		}
	}
	return t
}

// Total is the number of customers counted.
func (t Tally) Total() int64 {
	return t.OK + t.PendingConsent + t.Revoked + t.Unreachable + t.NotOnboarded
}

// Reachable counts the customers read without error (the sync's
// tenants_ok).
func (t Tally) Reachable() int64 { return t.Total() - t.Unreachable }

// NeedConsent counts the reachable customers whose consent is not complete
// (the sync's tenants_pending_consent).
func (t Tally) NeedConsent() int64 { return t.PendingConsent + t.Revoked + t.NotOnboarded }
