package account

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLimiterRefillsAndForgets(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	l := newLimiter(Limit{Burst: 2, Every: 10 * time.Second}, func() time.Time { return now })
	for range 2 {
		ok, _ := l.take("k")
		require.True(t, ok)
	}
	ok, wait := l.take("k")
	require.False(t, ok)
	require.Equal(t, 10*time.Second, wait)
	ok, _ = l.take("other")
	require.True(t, ok, "keys have their own buckets")

	now = now.Add(5 * time.Second)
	ok, wait = l.take("k")
	require.False(t, ok)
	require.Equal(t, 5*time.Second, wait)
	now = now.Add(5 * time.Second)
	ok, _ = l.take("k")
	require.True(t, ok)

	now = now.Add(time.Hour)
	for range sweepEvery {
		l.take("fresh")
	}
	require.NotContains(t, l.buckets, "k", "full buckets are dropped")
}
