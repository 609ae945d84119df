package bench

import (
	"slices"
	"sync"
	"time"
)

// Step names, in the order reports list them.
const (
	StepSignup         = "signup"
	StepLogin          = "login"
	StepOrder          = "order"
	StepAuthorize      = "authorize"
	StepConfirm        = "confirm"
	StepRefund         = "refund"
	StepSandboxConfirm = "sandbox-confirm"
)

var stepOrder = []string{StepSignup, StepLogin, StepCatalogue, StepCart, StepOrder, StepAuthorize, StepConfirm, StepDeposit,
	StepRefund, StepOrderPage, StepSandboxConfirm, StepDBCommit}

// recorder collects latencies per step and error counts per key. It is safe
// for concurrent use.
type recorder struct {
	mu      sync.Mutex
	samples map[string][]time.Duration
	errors  map[string]int
}

func newRecorder() *recorder {
	return &recorder{samples: map[string][]time.Duration{}, errors: map[string]int{}}
}

func (r *recorder) observe(step string, d time.Duration) {
	r.mu.Lock()
	r.samples[step] = append(r.samples[step], d)
	r.mu.Unlock()
}

func (r *recorder) fail(key string) {
	r.mu.Lock()
	r.errors[key]++
	r.mu.Unlock()
}

func (r *recorder) count(step string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.samples[step])
}

// StepStats are the latency figures of one step.
type StepStats struct {
	Step               string
	Count              int
	P50, P90, P99, Max time.Duration
}

// stats returns the per-step figures in report order, skipping unused steps.
func (r *recorder) stats() []StepStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []StepStats
	for _, step := range stepOrder {
		s := slices.Clone(r.samples[step])
		if len(s) == 0 {
			continue
		}
		slices.Sort(s)
		out = append(out, StepStats{Step: step, Count: len(s),
			P50: percentile(s, 50), P90: percentile(s, 90), P99: percentile(s, 99), Max: s[len(s)-1]})
	}
	return out
}

// percentile returns the nearest-rank p-th percentile of sorted, which must
// not be empty.
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 * n)
	return sorted[max(rank, 1)-1]
}
