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
	lag    time.Duration // how far the sandbox's clock is behind (AdvanceLocal)
	frozen *time.Time    // set by Freeze
}

// Now returns real time (or the frozen time) plus the offset, in UTC.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen != nil {
		return c.frozen.Add(c.offset).UTC()
	}
	return time.Now().Add(c.offset).UTC()
}

// Freeze stops the clock at its current reading: from then on only Advance
// moves it. Tests that assert exact durations (a Retry-After, a token's
// expiry) freeze the clock so that a slow, loaded machine cannot change
// the figures. Jobs scheduled on real time are not affected.
func (c *Clock) Freeze() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen == nil {
		now := time.Now()
		c.frozen = &now
	}
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

// AdvanceLocal moves paydeck's clock forward by d while the sandbox's stays
// where it is: the two clocks drift apart, paydeck's ahead (d <= 0 is
// ignored). The sandbox's own control API moves Toss's clock ahead.
func (c *Clock) AdvanceLocal(d time.Duration) {
	if d <= 0 {
		return
	}
	c.mu.Lock()
	c.offset += d
	c.lag += d
	c.mu.Unlock()
}

// SandboxNow is the sandbox's clock: Now minus what AdvanceLocal added.
func (c *Clock) SandboxNow() time.Time {
	c.mu.Lock()
	lag := c.lag
	c.mu.Unlock()
	return c.Now().Add(-lag)
}
