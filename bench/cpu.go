package bench

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// processCPUMetric is the CPU seconds a process has used, as Prometheus'
// process collector publishes it (paydeck serve registers it on /metrics).
const processCPUMetric = "process_cpu_seconds_total"

// userHZ is the unit of /proc/stat's times: USER_HZ, 100 on every Linux
// architecture whatever the kernel's own tick rate.
const userHZ = 100

// hostCPU is what this process and this machine have used of the CPU up to
// a moment (At), read where the system publishes it.
type hostCPU struct {
	At time.Time
	// Span is the time between two readings, set by sub.
	Span time.Duration
	// Tool is this process's CPU seconds (user and system), 0 when unknown.
	Tool float64
	// Busy is every core's non-idle seconds from /proc/stat (user, nice,
	// system, irq, softirq: neither idle nor I/O wait nor the time a
	// hypervisor stole), and Cores the number of cores it counts; both 0
	// off Linux.
	Busy  float64
	Cores int
}

func (h hostCPU) sub(o hostCPU) hostCPU {
	return hostCPU{At: h.At, Span: h.At.Sub(o.At), Tool: h.Tool - o.Tool, Busy: h.Busy - o.Busy, Cores: h.Cores}
}

// readHostCPU reads this process's and this machine's CPU times.
func readHostCPU() hostCPU {
	h := hostCPU{At: time.Now(), Tool: toolCPU()}
	h.Busy, h.Cores = machineBusy()
	return h
}

// machineBusy returns the machine's busy CPU seconds since boot over all its
// cores, and the number of cores, from /proc/stat; 0, 0 when unreadable.
func machineBusy() (float64, int) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	var (
		busy  float64
		cores int
		seen  bool
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || !strings.HasPrefix(fields[0], "cpu") {
			continue
		}
		if fields[0] != "cpu" {
			cores++
			continue
		}
		// cpu user nice system idle iowait irq softirq steal ...
		if len(fields) < 8 {
			return 0, 0
		}
		for _, i := range []int{1, 2, 3, 6, 7} {
			v, err := strconv.ParseUint(fields[i], 10, 64)
			if err != nil {
				return 0, 0
			}
			busy += float64(v) / userHZ
		}
		seen = true
	}
	if !seen || cores == 0 {
		return 0, 0
	}
	return busy, cores
}

// onThisMachine reports whether every target's host is a loopback address,
// so that the machine's CPU is the server's machine's too.
func onThisMachine(targets []string) bool {
	for _, t := range targets {
		u, err := url.Parse(t)
		if err != nil {
			return false
		}
		host := u.Hostname()
		if host == "localhost" {
			continue
		}
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			return false
		}
	}
	return len(targets) > 0
}

// CPUUse is the CPU time the load cost, over the window from the load's
// start until paydeck's store settled.
type CPUUse struct {
	Window time.Duration
	// Paydeck is the targets' own CPU time (their /metrics), Toss sandbox
	// included when it is mounted in paydeck serve.
	Paydeck time.Duration
	// Tool is this process's CPU time, 0 when unknown.
	Tool time.Duration
	// Machine is this machine's busy CPU time over all its Cores, 0 when
	// unknown or when a target is on another machine.
	Machine time.Duration
	Cores   int
}

// cpuUse makes the CPUUse of the counts' difference n; local says the
// targets run on this machine.
func cpuUse(n storeCounts, local bool) CPUUse {
	sec := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
	c := CPUUse{Window: n.Host.Span, Paydeck: sec(n.CPU), Tool: sec(n.Host.Tool)}
	if local && n.Host.Cores > 0 {
		c.Machine, c.Cores = sec(n.Host.Busy), n.Host.Cores
	}
	return c
}

// print writes the CPU per checkout, when paydeck's is known: paydeck's,
// the tool's and the rest of the machine's (the database when it runs
// there), and how busy the machine's cores were.
func (c CPUUse) print(w io.Writer, checkouts int) {
	if c.Paydeck <= 0 || checkouts <= 0 || c.Window <= 0 {
		return
	}
	per := func(d time.Duration) string { return fmt.Sprintf("%.2f ms", d.Seconds()*1e3/float64(checkouts)) }
	fmt.Fprintf(w, "CPU per checkout over the %.1f s from the load's start until the store settled: paydeck %s (its /metrics, a mounted Toss sandbox included)",
		c.Window.Seconds(), per(c.Paydeck))
	if c.Tool > 0 {
		fmt.Fprintf(w, ", this tool %s", per(c.Tool))
	}
	if c.Machine > 0 {
		// Process times and the machine's are accounted apart (and the
		// tool may run inside paydeck's process), so the rest is only
		// about right, and never below zero.
		rest := max(c.Machine-c.Paydeck-c.Tool, 0)
		fmt.Fprintf(w, "; this machine %s in all (its %d cores busy %.0f%% of the time), so about %s elsewhere (the database when it runs here, and every other process)",
			per(c.Machine), c.Cores, 100*c.Machine.Seconds()/(float64(c.Cores)*c.Window.Seconds()), per(rest))
	}
	fmt.Fprintln(w)
}
