package onboarding

import "time"

// Progress is how far a run over many tenants has come.
type Progress struct {
	Done, Total int
	Elapsed     time.Duration
}

// Rate is tenants per second so far (0 before the first one).
func (p Progress) Rate() float64 {
	if p.Done == 0 || p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Done) / p.Elapsed.Seconds()
}

// ETA is the time left at the rate so far, to the second; unknown (-1)
// before the first tenant is done.
func (p Progress) ETA() time.Duration {
	if p.Done >= p.Total {
		return 0
	}
	r := p.Rate()
	if r == 0 {
		return -1
	}
	return time.Duration(float64(p.Total-p.Done) / r * float64(time.Second)).Round(time.Second)
}

// ProgressDue says whether a progress line is due: the first and the last
// always, otherwise once every interval, so that a run of 10,000 tenants
// logs a bounded number of lines whatever its speed.
func ProgressDue(done, total int, sinceLast, interval time.Duration) bool {
	return done == 0 || done == total || sinceLast >= interval
}
