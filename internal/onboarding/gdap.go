package onboarding

import (
	"math"
	"time"
)

// RelationshipStatus is how a GDAP relationship stands at a moment.
type RelationshipStatus struct {
	// Active: Partner Center says active and its end is not past (by
	// Entra's clock: a status can lag behind the end date).
	Active bool
	// EndingSoon: active with fewer than the warning days left.
	EndingSoon bool
	// DaysLeft is whole days to the end, rounded down.
	DaysLeft float64
}

// ReviewRelationship judges a GDAP relationship at now (Entra's clock).
func ReviewRelationship(status string, end, now time.Time, warnDays int64) RelationshipStatus {
	if status != "active" || now.After(end) {
		return RelationshipStatus{}
	}
	days := math.Floor(end.Sub(now).Hours() / 24)
	return RelationshipStatus{Active: true, EndingSoon: days < float64(warnDays), DaysLeft: days}
}
