package web

import (
	"sync"
	"time"
)

// Sign-in throttling: after too many failed sign-ins for one email, or too
// many failures and sign-ups from one IP, within a window, further attempts
// are refused until the window ends. Counts are kept in memory, per process.
const (
	throttleWindow   = 15 * time.Minute
	maxEmailFailures = 10
	maxIPFailures    = 50
	maxTrackedKeys   = 100_000
)

// throttle counts events per key in fixed windows. Safe for concurrent use.
type throttle struct {
	max int
	now func() time.Time

	mu      sync.Mutex
	windows map[string]*window
}

// window is the count of one key since start.
type window struct {
	start time.Time
	n     int
}

func newThrottle(max int, now func() time.Time) *throttle {
	return &throttle{max: max, now: now, windows: map[string]*window{}}
}

// blocked reports whether key has used up its window.
func (t *throttle) blocked(key string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	w := t.windows[key]
	return w != nil && t.now().Sub(w.start) < throttleWindow && w.n >= t.max
}

// count records one event for key.
func (t *throttle) count(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if len(t.windows) >= maxTrackedKeys {
		for k, w := range t.windows {
			if now.Sub(w.start) >= throttleWindow {
				delete(t.windows, k)
			}
		}
	}
	w := t.windows[key]
	if w == nil || now.Sub(w.start) >= throttleWindow {
		w = &window{start: now}
		t.windows[key] = w
	}
	w.n++
}
