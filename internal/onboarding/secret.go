package onboarding

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Every time here is Entra's (the Date header of Graph's responses), never
// the machine's: a local clock that runs ahead or behind must not rotate a
// secret early or late.

// SecretAction is what plan does with a client secret.
type SecretAction int

const (
	// SecretKeep: the secret is not within rotate_before of its end.
	SecretKeep SecretAction = iota
	// SecretWarn: within rotate_before (or expired), but its end_date is
	// fixed in configuration, so replacing it would give the same date.
	SecretWarn
	// SecretReplace: within rotate_before (or expired), and it has a
	// lifetime: plan replaces it; with create_before_destroy the new secret
	// exists before the old one goes.
	SecretReplace
)

// SecretPlan is plan's decision about one secret.
type SecretPlan struct {
	Action  SecretAction
	Expired bool
}

// PlanSecret decides at now (Entra's clock) about a secret that ends at
// end. It acts once now + rotateBefore reaches end; a secret that has
// already expired is acted on all the same.
func PlanSecret(now, end time.Time, rotateBefore time.Duration, hasLifetime bool) SecretPlan {
	if now.Add(rotateBefore).Before(end) {
		return SecretPlan{Action: SecretKeep}
	}
	p := SecretPlan{Action: SecretWarn, Expired: now.After(end)}
	if hasLifetime {
		p.Action = SecretReplace
	}
	return p
}

// Entra accepts client secrets valid for more than an hour and at most
// two years (a leap year included).
const (
	MinSecretLifetime = time.Hour
	MaxSecretLifetime = 2 * 366 * 24 * time.Hour
)

// SecretLifetimeAllowed reports whether Entra accepts a secret lifetime.
func SecretLifetimeAllowed(d time.Duration) bool {
	return d >= MinSecretLifetime && d <= MaxSecretLifetime
}

// SecretWindow is when a new secret with a lifetime is valid: from now
// (Entra's clock, whole seconds as Graph stores them) for the lifetime.
func SecretWindow(now time.Time, lifetime time.Duration) (start, end time.Time) {
	start = now.Truncate(time.Second)
	return start, start.Add(lifetime)
}

// SecretDates are a secret's validity as Graph reports it.
type SecretDates struct {
	Start, End time.Time
}

// SecretStatus is how the sync reports one secret.
type SecretStatus struct {
	// DaysToExpiry is whole days until the end, rounded down: negative
	// once expired.
	DaysToExpiry int64
	// Expiring: fewer than the warning days left (expired included).
	Expiring bool
	Expired  bool
	// NotYetValid: its start is still ahead (a secret created with a
	// future start, or a clock behind Entra's).
	NotYetValid bool
	// Superseded: another secret of the app is valid now and not
	// expiring. While a rotation overlaps, this is the old secret.
	Superseded bool
}

// ReviewSecrets reports each secret of an app at now (Entra's clock), in
// the order given; warnDays is the sync's secret_warning_days.
func ReviewSecrets(now time.Time, warnDays int64, secrets []SecretDates) []SecretStatus {
	out := make([]SecretStatus, len(secrets))
	for i, s := range secrets {
		days := int64(math.Floor(s.End.Sub(now).Hours() / 24))
		out[i] = SecretStatus{DaysToExpiry: days, Expiring: days < warnDays, Expired: now.After(s.End), NotYetValid: now.Before(s.Start)}
	}
	for i := range out {
		if !out[i].Expiring {
			continue
		}
		for j := range out {
			if j != i && !out[j].Expiring && !out[j].NotYetValid {
				out[i].Superseded = true
			}
		}
	}
	return out
}

// SecretKey is what an app shows of one of its secrets: enough to tell
// which secret a lost addPassword answer was about.
type SecretKey struct {
	KeyID       string
	DisplayName string
	End         time.Time
}

// LostSecrets finds the secret an addPassword made when its answer was
// lost (a 5xx or a broken connection after Entra wrote it): one that is on
// the app after the call and was not before, with the display name asked
// for and, when the request fixed it, the end date. Its text came only in
// the lost answer, so it can never be used: the caller removes it instead
// of leaving a live secret that no state tracks, then adds one again.
func LostSecrets(before, after []SecretKey, displayName string, end time.Time) []string {
	var out []string
	for _, a := range after {
		if a.DisplayName != displayName || (!end.IsZero() && !a.End.Equal(end)) {
			continue
		}
		known := false
		for _, b := range before {
			known = known || strings.EqualFold(a.KeyID, b.KeyID)
		}
		if !known {
			out = append(out, a.KeyID)
		}
	}
	return out
}

// DefaultKeepPrevious is how long a rotated secret stays valid beside its
// successor when keep_previous_for is not set: a week for every system that
// uses it to pick up the new one.
const DefaultKeepPrevious = 168 * time.Hour

// Overlap is a rotation that keeps the previous secret for a while.
type Overlap struct {
	// Keep: the rotation adds the new secret in place and keeps the
	// previous one; otherwise the secret is replaced (today's behaviour,
	// keep_previous_for = "0s").
	Keep bool
	// RemoveAfter is when the previous secret goes: keep after now, or its
	// own end when that comes first (an expired secret helps nobody).
	RemoveAfter time.Time
}

// PlanOverlap decides how a rotation due at now (Entra's clock) treats the
// secret that ends at end.
func PlanOverlap(now, end time.Time, keep time.Duration) Overlap {
	if keep <= 0 {
		return Overlap{}
	}
	after := now.Truncate(time.Second).Add(keep)
	if end.Before(after) {
		after = end
	}
	return Overlap{Keep: true, RemoveAfter: after}
}

// PreviousDue reports whether the previous secret, kept until removeAfter,
// goes at now (Entra's clock): from the first apply after the window.
func PreviousDue(now, removeAfter time.Time) bool {
	return !now.Before(removeAfter)
}

// UnmanagedSecrets are the secrets of an app this configuration owns that
// no onboard_client_secret in this run holds (managed reports a key ID it
// does): left by `terraform state rm`, or added by someone else. None for
// an app the configuration does not own: its secrets are not ours to judge.
func UnmanagedSecrets(owned bool, secrets []SecretKey, managed func(keyID string) bool) []SecretKey {
	if !owned {
		return nil
	}
	var out []SecretKey
	for _, s := range secrets {
		if !managed(strings.ToLower(s.KeyID)) {
			out = append(out, s)
		}
	}
	return out
}

// UnmanagedSecretsWarning is the one warning about an owned app's
// unmanaged secrets: which they are, and how to remove or adopt each.
func UnmanagedSecretsWarning(appObjectID, clientID string, unmanaged []SecretKey) (summary, detail string) {
	summary = fmt.Sprintf("%d client secret(s) of app %s are not managed by this configuration", len(unmanaged), clientID)
	var b strings.Builder
	b.WriteString("The app is owned by this configuration, but no onboard_client_secret holds these secrets ")
	b.WriteString("(left by `terraform state rm`, or added in the portal or by another tool). A secret nobody tracks is never rotated and stays usable until it expires.\n")
	for _, s := range unmanaged {
		fmt.Fprintf(&b, "\n- key ID %s, display name %q, ends %s", s.KeyID, s.DisplayName, s.End.UTC().Format(time.RFC3339))
	}
	b.WriteString("\n\nRemove one in the portal (App registrations → Certificates & secrets) or with:\n")
	for _, s := range unmanaged {
		fmt.Fprintf(&b, "  az ad app credential delete --id %s --key-id %s\n", appObjectID, s.KeyID)
	}
	b.WriteString("\nOr adopt one into this configuration with an import block:\n")
	fmt.Fprintf(&b, "  import {\n    to = onboard_client_secret.adopted\n    id = \"%s/%s\"\n  }", appObjectID, unmanaged[0].KeyID)
	return summary, b.String()
}
