package onboarding

import (
	"testing"
	"time"
)

func TestReviewRelationship(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name   string
		status string
		end    time.Time
		want   RelationshipStatus
	}{
		{"active for a year", "active", now.Add(365 * 24 * time.Hour), RelationshipStatus{Active: true, DaysLeft: 365}},
		{"active, ending in 10 days", "active", now.Add(10*24*time.Hour + time.Hour), RelationshipStatus{Active: true, EndingSoon: true, DaysLeft: 10}},
		{"exactly 30 days left: not yet", "active", now.Add(30 * 24 * time.Hour), RelationshipStatus{Active: true, DaysLeft: 30}},
		{"expired while Partner Center still says active (clock skew)", "active", now.Add(-time.Minute), RelationshipStatus{}},
		{"ends this very moment: still active", "active", now, RelationshipStatus{Active: true, EndingSoon: true}},
		{"approval pending", "approvalPending", now.Add(365 * 24 * time.Hour), RelationshipStatus{}},
		{"terminated", "terminated", now.Add(365 * 24 * time.Hour), RelationshipStatus{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ReviewRelationship(c.status, c.end, now, 30); got != c.want {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
		})
	}
}
