package paydeck_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
)

func TestPlanPeriodBoundary(t *testing.T) {
	t.Parallel()
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, paydeck.KST) }
	monthly := &paydeck.Plan{Interval: paydeck.IntervalMonth, IntervalCount: 1}
	anchor := at(2026, 1, 31)
	for n, want := range []time.Time{at(2026, 1, 31), at(2026, 2, 28), at(2026, 3, 31), at(2026, 4, 30), at(2026, 5, 31)} {
		require.True(t, want.Equal(monthly.PeriodBoundary(anchor, n)), "n=%d got %v", n, monthly.PeriodBoundary(anchor, n))
	}
	require.True(t, at(2028, 2, 28).Equal(monthly.PeriodBoundary(at(2027, 2, 28), 12)), "anchored on the 28th stays on the 28th")
	yearly := &paydeck.Plan{Interval: paydeck.IntervalYear, IntervalCount: 1}
	require.True(t, at(2029, 2, 28).Equal(yearly.PeriodBoundary(at(2028, 2, 29), 1)))
	days := &paydeck.Plan{Interval: paydeck.IntervalDay, IntervalCount: 10}
	require.True(t, at(2026, 2, 10).Equal(days.PeriodBoundary(at(2026, 1, 31), 1)))
}

func TestSubscriptionTransitions(t *testing.T) {
	t.Parallel()
	now := time.Now()
	s := &paydeck.Subscription{Status: paydeck.SubscriptionActive}
	require.NoError(t, s.Transition(paydeck.SubscriptionPastDue, now))
	require.NoError(t, s.Transition(paydeck.SubscriptionActive, now))
	require.NoError(t, s.Transition(paydeck.SubscriptionCanceled, now))
	require.NotNil(t, s.EndedAt)
	require.NotNil(t, s.CanceledAt)
	require.Equal(t, paydeck.CodeConflict, paydeck.ErrorCode(s.Transition(paydeck.SubscriptionActive, now)))
}
