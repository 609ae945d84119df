package account

import (
	"sync"
	"time"
)

// Limit is a token bucket: Burst attempts at once, then one more every
// Every.
type Limit struct {
	Burst int
	Every time.Duration
}

// limiter keeps one token bucket per key in memory. Take is atomic: the
// check and the decrement happen under one lock, so parallel attempts can
// never take more slots than the bucket holds. Safe for concurrent use.
type limiter struct {
	limit Limit
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	calls   int
}

// bucket is the token count of one key at a point in time.
type bucket struct {
	tokens float64
	at     time.Time
}

// sweepEvery is how many calls pass between removals of full buckets,
// which bounds the memory an attacker can make the limiter hold.
const sweepEvery = 1024

func newLimiter(limit Limit, now func() time.Time) *limiter {
	return &limiter{limit: limit, now: now, buckets: map[string]*bucket{}}
}

// take takes one token from key's bucket. When none is left it returns
// false and how long until one is.
func (l *limiter) take(key string) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if l.calls++; l.calls%sweepEvery == 0 {
		l.sweep(now)
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: float64(l.limit.Burst), at: now}
		l.buckets[key] = b
	}
	l.refill(b, now)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(l.limit.Every))
}

// reset forgets key: its next attempt finds a full bucket.
func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.buckets, key)
}

// refill adds the tokens earned since b.at, up to Burst.
func (l *limiter) refill(b *bucket, now time.Time) {
	if elapsed := now.Sub(b.at); elapsed > 0 {
		b.tokens = min(float64(l.limit.Burst), b.tokens+float64(elapsed)/float64(l.limit.Every))
		b.at = now
	}
}

// sweep drops buckets that are full again: they behave like new ones.
func (l *limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		l.refill(b, now)
		if b.tokens >= float64(l.limit.Burst) {
			delete(l.buckets, k)
		}
	}
}

// Limiter is a per-key token bucket for limits outside sign-in, such as
// webhook deliveries per client IP. Safe for concurrent use.
type Limiter struct{ l *limiter }

// NewLimiter returns a Limiter with limit; now nil means time.Now.
func NewLimiter(limit Limit, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{l: newLimiter(limit, now)}
}

// Allow takes one token from key's bucket. When none is left it returns
// false and how long until one is.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) { return l.l.take(key) }
