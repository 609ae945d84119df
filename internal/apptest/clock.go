package apptest

import (
	"sync"
	"time"
)

// Clock is a test clock that follows real time plus an offset the test
// moves with Advance, so jobs and HTTP timeouts still see time pass while
// a test jumps over payment timeouts and due dates. Safe for concurrent use.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now returns real time plus the offset, in UTC.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset).UTC()
}

// Advance moves the clock forward by d (d < 0 is ignored: time never runs
// backwards for the store).
func (c *Clock) Advance(d time.Duration) {
	if d <= 0 {
		return
	}
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}
