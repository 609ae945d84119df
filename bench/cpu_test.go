package bench

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestReportCPUPerCheckout(t *testing.T) {
	t.Parallel()
	r := &Result{Checkouts: 100, Elapsed: 10 * time.Second, StoreWrites: -1, Statements: -1,
		CPU: CPUUse{Window: 10 * time.Second, Paydeck: 200 * time.Millisecond, Tool: 50 * time.Millisecond,
			Machine: time.Second, Cores: 2}}
	var b strings.Builder
	r.Print(&b)
	require.Contains(t, b.String(), "CPU per checkout over the 10.0 s from the load's start until the store settled: paydeck 2.00 ms (its /metrics, a mounted Toss sandbox included), this tool 0.50 ms; this machine 10.00 ms in all (its 2 cores busy 5% of the time), so about 7.50 ms elsewhere (the database when it runs here, and every other process)\n")

	// The tool inside paydeck's process: its time is paydeck's too, so
	// the rest stops at zero.
	r.CPU.Machine = 220 * time.Millisecond
	b.Reset()
	r.Print(&b)
	require.Contains(t, b.String(), "this tool 0.50 ms; this machine 2.20 ms in all (its 2 cores busy 1% of the time), so about 0.00 ms elsewhere")

	r.CPU.Machine, r.CPU.Tool = 0, 0 // another machine's server, a tool that cannot read its own time
	b.Reset()
	r.Print(&b)
	require.Contains(t, b.String(), "settled: paydeck 2.00 ms (its /metrics, a mounted Toss sandbox included)\n")

	r.CPU = CPUUse{}
	b.Reset()
	r.Print(&b)
	require.NotContains(t, b.String(), "CPU per checkout", "a server without process_cpu_seconds_total")
}

// TestHostCPUSeesThisProcessWork spins a core and finds the spin in this
// process's time and in the machine's (which other processes only add to).
func TestHostCPUSeesThisProcessWork(t *testing.T) {
	before := readHostCPU()
	if before.Cores == 0 || before.Tool == 0 {
		t.Skipf("%s publishes no /proc/stat or process times", runtime.GOOS)
	}
	x := 1
	for readHostCPU().Tool-before.Tool < 0.3 {
		for i := range 1_000_000 {
			x = x*31 + i
		}
	}
	d := readHostCPU().sub(before)
	require.GreaterOrEqual(t, d.Tool, 0.3, x)
	require.GreaterOrEqual(t, d.Busy, 0.2, "the machine's busy time holds this process's (at 10-ms ticks)")
	require.GreaterOrEqual(t, d.Span, time.Duration(float64(time.Second)*d.Tool/float64(d.Cores)))
	require.LessOrEqual(t, d.Busy, d.Span.Seconds()*float64(d.Cores)+0.1, "no more than every core all the time")
}

func TestOnThisMachine(t *testing.T) {
	t.Parallel()
	require.True(t, onThisMachine([]string{"http://127.0.0.1:8080", "http://localhost:8081", "http://[::1]:8082"}))
	require.False(t, onThisMachine([]string{"http://127.0.0.1:8080", "http://10.0.0.7:8080"}))
	require.False(t, onThisMachine([]string{"https://shop.example.kr"}))
	require.False(t, onThisMachine(nil))
}
