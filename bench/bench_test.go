package bench

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestPercentileIsNearestRank(t *testing.T) {
	t.Parallel()
	s := make([]time.Duration, 100)
	for i := range s {
		s[i] = time.Duration(i+1) * time.Millisecond
	}
	require.Equal(t, 50*time.Millisecond, percentile(s, 50))
	require.Equal(t, 99*time.Millisecond, percentile(s, 99))
	require.Equal(t, 100*time.Millisecond, percentile(s, 100))
	one := []time.Duration{7 * time.Millisecond}
	require.Equal(t, one[0], percentile(one, 1))
	require.Equal(t, one[0], percentile(one, 99))
}

func TestRecorderStatsInStepOrder(t *testing.T) {
	t.Parallel()
	r := newRecorder()
	for i := 1; i <= 10; i++ {
		r.observe(StepConfirm, time.Duration(i)*time.Millisecond)
	}
	r.observe(StepOrder, 3*time.Millisecond)
	r.fail("confirm 409")
	r.fail("confirm 409")
	st := r.stats()
	require.Len(t, st, 2)
	require.Equal(t, StepOrder, st[0].Step)
	require.Equal(t, StepStats{Step: StepConfirm, Count: 10, P50: 5 * time.Millisecond, P90: 9 * time.Millisecond,
		P99: 10 * time.Millisecond, Max: 10 * time.Millisecond}, st[1])
	require.Equal(t, map[string]int{"confirm 409": 2}, r.errors)
}

func TestConfigDefaultsAndValidation(t *testing.T) {
	t.Parallel()
	_, err := Config{AdminEmail: "a", AdminPassword: "b"}.withDefaults()
	require.ErrorContains(t, err, "--target")
	_, err = Config{Target: "http://x"}.withDefaults()
	require.ErrorContains(t, err, "createadmin")
	_, err = Config{Target: "http://x", AdminEmail: "a", AdminPassword: "b", RefundShare: 1.5}.withDefaults()
	require.ErrorContains(t, err, "refund-share")
	c, err := Config{Target: " http://a/ ,http://b", AdminEmail: "a", AdminPassword: "b"}.withDefaults()
	require.NoError(t, err)
	require.Equal(t, []string{"http://a", "http://b"}, c.targets)
	require.Equal(t, "http://a/toss-sandbox", c.Sandbox)
	require.Equal(t, 10*time.Second, c.Duration)
	require.Equal(t, 8, c.Concurrency)
}

func TestHTTPErrorKeys(t *testing.T) {
	t.Parallel()
	require.Equal(t, "confirm 409", errKey(StepConfirm, &httpError{Step: StepConfirm, Status: 409}))
	require.Equal(t, "authorize 400 INVALID_REQUEST", errKey(StepAuthorize, &httpError{Step: StepAuthorize, Status: 400, Code: "INVALID_REQUEST"}))
	require.Equal(t, "order transport", errKey(StepOrder, errTest))
	wait, ok := retryAfter(&httpError{Status: 429, Code: "7"})
	require.True(t, ok)
	require.Equal(t, 7*time.Second, wait)
	_, ok = retryAfter(&httpError{Status: 409})
	require.False(t, ok)
}

var errTest = errors.New("connection refused")

func TestPaceSpreadsStartsOverTime(t *testing.T) {
	r := &run{cfg: Config{Rate: 10}, start: time.Now()}
	require.True(t, r.pace(context.Background(), 1), "the first checkout starts at once")
	stop, cancel := context.WithCancel(context.Background())
	cancel()
	require.False(t, r.pace(stop, 1000), "the 1000th at 10/s is 100 s away: the stopped load ends first")
}

func TestReportSubtractsTheToolsOwnCommits(t *testing.T) {
	t.Parallel()
	r := &Result{Checkouts: 100, Elapsed: time.Second, Commits: 600, WriteTx: 470, StoreWrites: 410,
		Probe: &ProbeResult{Engine: "postgres", Writers: 4, CommitsPerSecond: 4000},
		Steps: []StepStats{
			{Step: StepConfirm, Count: 100, P50: 5 * time.Millisecond, P99: 12 * time.Millisecond},
			{Step: StepSandboxConfirm, Count: 10, P50: time.Millisecond, P99: 2 * time.Millisecond},
			{Step: StepDBCommit, Count: 60, P50: 2 * time.Millisecond, P99: 5 * time.Millisecond},
		}}
	var b strings.Builder
	r.Print(&b)
	out := b.String()
	require.Contains(t, out, "writing commits during the load: 470 = 4.70 per checkout")
	require.Contains(t, out, "less the tool's own (60 commit samples, 10 webhook records of its sandbox-only orders): 400 = 4.00 per checkout")
	require.Contains(t, out, "paydeck's store write commits (/metrics): 410; less 10 webhook records of the tool's sandbox-only orders: 4.00 per checkout")
	require.Contains(t, out, "checkouts/s = 10.0% of (commit ceiling / commits per checkout = 1000/s)")
	require.Contains(t, out, "paydeck added to the Toss confirm: p50 4.00ms, p99 10.00ms")
	require.Contains(t, out, "= 2.0× (p50) and 2.0× (p99) one single-row commit")
	require.True(t, strings.HasSuffix(out, "consistency: ok\n"))
	require.NotContains(t, out, "one writer", "PostgreSQL publishes no writer time")

	r.WriterBusy, r.EngineCommits = 650*time.Millisecond, 82
	b.Reset()
	r.Print(&b)
	require.Contains(t, b.String(), "the store's one writer was held (/metrics) 0.7 s of the 1.0 s load = 65%; 5.00 store write commits per engine commit")
}
