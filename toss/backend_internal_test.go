package toss

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestBackoffIsCappedAndJittered(t *testing.T) {
	t.Parallel()
	b := &backend{minBackoff: 100 * time.Millisecond, maxBackoff: time.Second}
	for _, tc := range []struct {
		attempt int
		lo, hi  time.Duration
	}{
		{0, 50 * time.Millisecond, 100 * time.Millisecond},
		{1, 100 * time.Millisecond, 200 * time.Millisecond},
		{3, 400 * time.Millisecond, 800 * time.Millisecond},
		{4, 500 * time.Millisecond, time.Second},  // 1.6 s capped at 1 s
		{62, 500 * time.Millisecond, time.Second}, // shift overflow is capped too
	} {
		b.jitter = func(n int64) int64 { return 0 }
		require.Equal(t, tc.lo, b.backoff(tc.attempt, nil), "attempt %d low", tc.attempt)
		b.jitter = func(n int64) int64 { return n - 1 }
		require.Equal(t, tc.hi, b.backoff(tc.attempt, nil), "attempt %d high", tc.attempt)
	}
	b.jitter = nil
	for range 100 {
		d := b.backoff(2, nil)
		require.GreaterOrEqual(t, d, 200*time.Millisecond)
		require.LessOrEqual(t, d, 400*time.Millisecond)
	}
	require.Equal(t, time.Second, b.backoff(0, &Error{HTTPStatus: 429, RetryAfter: time.Minute}))
	require.Equal(t, 3*time.Second/10, (&backend{maxBackoff: time.Second}).backoff(0, &Error{RetryAfter: 3 * time.Second / 10}))
	require.Zero(t, (&backend{}).backoff(5, nil))
}

func TestEscapeSegment(t *testing.T) {
	t.Parallel()
	require.Equal(t, "abc-._~XYZ09", escapeSegment("abc-._~XYZ09"))
	require.Equal(t, "a%2Bb%2Fc%3D%3D", escapeSegment("a+b/c=="))
	require.Equal(t, "%20%25%3F%23%EA%B0%80", escapeSegment(" %?#가"))
}

func TestMaskDigits(t *testing.T) {
	t.Parallel()
	require.Equal(t, "card [masked] refused", maskDigits("card 4330123412341234 refused"))
	require.Equal(t, "card [masked] refused", maskDigits("card 4330-1234-1234-1234 refused"))
	require.Equal(t, "paid 2025-03-01 12:00, 15000원", maskDigits("paid 2025-03-01 12:00, 15000원"))
}
