package emulator

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/businesscentral"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/control"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/graph"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/identity"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// Fault makes matching requests fail or slow down before they reach a
// service. Zero fields match everything.
type Fault = control.Fault

// fault is an injected Fault with its compiled path and hit counts.
type fault struct {
	Fault
	re *regexp.Regexp
	// hits counts failures served, by "METHOD path" with EachPath, else
	// all under "".
	hits map[string]int
}

type faultSet struct {
	mu     sync.Mutex
	faults []*fault
	// pending holds, per method and path, a failure answered with
	// Retry-After that has not been retried yet; retries lists how long
	// clients waited.
	pending map[string]servedFault
	retries []Retry
}

type servedFault struct {
	at         time.Time
	retryAfter time.Duration
}

// Retry is a request that came again after a fault answered it with
// Retry-After: how long the client was asked to wait and how long it did
// (real time).
type Retry struct {
	Request    string        // "METHOD path"
	RetryAfter time.Duration // what the fault asked for
	Waited     time.Duration
}

// Retries lists the requests retried after a fault with Retry-After, in
// order.
func (s *Server) Retries() []Retry {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	return append([]Retry(nil), s.faults.retries...)
}

// InjectFault adds a fault; it returns an error for a bad path expression.
func (s *Server) InjectFault(f Fault) error {
	in := &fault{Fault: f}
	if f.Path != "" {
		re, err := regexp.Compile(f.Path)
		if err != nil {
			return err
		}
		in.re = re
	}
	s.faults.mu.Lock()
	s.faults.faults = append(s.faults.faults, in)
	s.faults.mu.Unlock()
	return nil
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	s.faults.faults, s.faults.pending, s.faults.retries = nil, nil, nil
	s.faults.mu.Unlock()
}

// apply delays or answers the request per the first matching fault; it
// reports whether the request was answered. A fault with AfterHandler
// first has next handle the request, and drops its answer.
func (fs *faultSet) apply(w http.ResponseWriter, r *http.Request, svc string, c *store.Clock, next http.Handler) bool {
	fs.mu.Lock()
	key := r.Method + " " + r.URL.Path
	if p, ok := fs.pending[key]; ok {
		delete(fs.pending, key)
		fs.retries = append(fs.retries, Retry{Request: key, RetryAfter: p.retryAfter, Waited: time.Since(p.at)})
	}
	var latency time.Duration
	var fail *fault
	for _, f := range fs.faults {
		if (f.Service != "" && f.Service != svc) || (f.Method != "" && !strings.EqualFold(f.Method, r.Method)) ||
			(f.re != nil && !f.re.MatchString(r.URL.Path)) {
			continue
		}
		if f.Status == 0 {
			latency += f.Latency
			continue
		}
		counter := ""
		if f.EachPath {
			counter = key
		}
		if f.Count > 0 && f.hits[counter] >= f.Count {
			continue
		}
		if f.hits == nil {
			f.hits = map[string]int{}
		}
		f.hits[counter]++
		latency += f.Latency
		fail = f
		break
	}
	var status, retry int
	if fail != nil {
		status, retry = fail.Status, fail.RetryAfter
		if retry > 0 {
			if fs.pending == nil {
				fs.pending = map[string]servedFault{}
			}
			fs.pending[key] = servedFault{at: time.Now(), retryAfter: time.Duration(retry) * time.Second}
		}
	}
	fs.mu.Unlock()
	if latency > 0 {
		// Latency is real time on purpose: it models the network, which
		// benchmarks measure.
		time.Sleep(latency)
	}
	if fail == nil {
		return false
	}
	if fail.AfterHandler {
		next.ServeHTTP(discard{header: http.Header{}}, r)
	}
	if retry > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retry))
	}
	switch svc {
	case "graph":
		code := "serviceUnavailable"
		msg := "The service is temporarily unavailable."
		if status == http.StatusTooManyRequests {
			code, msg = "TooManyRequests", "Too many requests. Please retry after the time specified in the Retry-After header."
		}
		graph.WriteError(w, r, c.Now(), status, code, msg)
	case "login":
		identity.WriteError(w, r, c.Now(), status, "temporarily_unavailable", 50196, "The server is temporarily unavailable.")
	default:
		businesscentral.WriteFault(w, r, status)
	}
	return true
}

// discard is a response nobody receives.
type discard struct{ header http.Header }

func (d discard) Header() http.Header         { return d.header }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}

// counterSet counts requests per service, tenant and path.
type counterSet struct {
	mu   sync.Mutex
	byID map[string]int
}

func newCounterSet() *counterSet { return &counterSet{byID: map[string]int{}} }

// Counters is a snapshot of request counts: by service ("login", "graph",
// "bc") and by "METHOD path", and the token requests.
type Counters = control.Counters

func (cs *counterSet) count(svc string, r *http.Request) {
	cs.mu.Lock()
	cs.byID["svc "+svc]++
	cs.byID["path "+r.Method+" "+r.URL.Path]++
	if strings.HasSuffix(r.URL.Path, "/oauth2/v2.0/token") {
		cs.byID["tokens"]++
	}
	cs.byID["total"]++
	cs.mu.Unlock()
}

func (cs *counterSet) countThrottled() {
	cs.mu.Lock()
	cs.byID["throttled"]++
	cs.mu.Unlock()
}

// Counters returns the request counts since start or the last ResetCounters.
func (s *Server) Counters() Counters {
	cs := s.counters
	cs.mu.Lock()
	defer cs.mu.Unlock()
	c := Counters{ByService: map[string]int{}, ByPath: map[string]int{}}
	for k, v := range cs.byID {
		switch {
		case k == "total":
			c.Total = v
		case k == "tokens":
			c.Tokens = v
		case k == "throttled":
			c.Throttled = v
		case strings.HasPrefix(k, "svc "):
			c.ByService[strings.TrimPrefix(k, "svc ")] = v
		case strings.HasPrefix(k, "path "):
			c.ByPath[strings.TrimPrefix(k, "path ")] = v
		}
	}
	return c
}

// ResetCounters zeroes the request counters.
func (s *Server) ResetCounters() {
	s.counters.mu.Lock()
	s.counters.byID = map[string]int{}
	s.counters.mu.Unlock()
}
