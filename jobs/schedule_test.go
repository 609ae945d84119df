package jobs

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
)

func TestDailyKSTNext(t *testing.T) {
	t.Parallel()
	d := dailyKST{hour: 3}
	kst := func(day, hour, min int) time.Time { return time.Date(2026, 3, day, hour, min, 0, 0, paydeck.KST) }
	require.True(t, d.Next(kst(10, 2, 59)).Equal(kst(10, 3, 0)))
	require.True(t, d.Next(kst(10, 3, 0)).Equal(kst(11, 3, 0)), "strictly after")
	require.True(t, d.Next(kst(10, 23, 0)).Equal(kst(11, 3, 0)))
	// 18:30 UTC on the 9th is 03:30 KST on the 10th.
	require.True(t, d.Next(time.Date(2026, 3, 9, 18, 30, 0, 0, time.UTC)).Equal(kst(11, 3, 0)))
}

func TestYesterdayIsKST(t *testing.T) {
	t.Parallel()
	require.Equal(t, "2026-03-09", Yesterday(time.Date(2026, 3, 9, 16, 0, 0, 0, time.UTC)), "01:00 KST on the 10th")
	require.Equal(t, "2026-03-08", Yesterday(time.Date(2026, 3, 9, 14, 59, 0, 0, time.UTC)))
}

func TestPeriodicJobs(t *testing.T) {
	t.Parallel()
	require.Len(t, PeriodicJobs(time.Now, 0), 2)
}
