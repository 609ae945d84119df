package bench

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// The /metrics series of cmd/paydeck's metered store the tool reads.
const (
	// storeWritesMetric counts paydeck's committed write transactions.
	storeWritesMetric = `paydeck_store_transactions_total{kind="write",outcome="commit"}`
	// storeStatementsMetric counts the SQL statements paydeck's
	// transactions sent, storeRoundTripsMetric the round trips they took.
	storeStatementsMetric = "paydeck_store_statements_total"
	storeRoundTripsMetric = "paydeck_store_round_trips_total"
	// A store with one serialized writer (SQLite) also publishes how long
	// the writer was held and the engine's commits (a commit group is one).
	writerBusyMetric    = "paydeck_store_writer_busy_seconds_total"
	engineCommitsMetric = "paydeck_store_engine_commits_total"
	// webhooksRefusedMetric counts the Toss webhook deliveries paydeck's
	// limiter (PAYDECK_WEBHOOK_RATE) turned away with 429; the series is
	// absent until the first one.
	webhooksRefusedMetric = `paydeck_http_requests_total{code="429",route="POST /api/payments/webhook"}`
)

// storeCounts are the metered store's counters, summed over the targets.
type storeCounts struct {
	Writes, Statements, RoundTrips int64
	// Writer is set when every target publishes the writer's series.
	Writer        bool
	WriterBusy    float64 // seconds
	EngineCommits int64
	// WebhooksRefused is the Toss webhook deliveries answered 429.
	WebhooksRefused int64
	// CPU is the targets' CPU seconds (processCPUMetric), CPUKnown set when
	// every target publishes it; Host is this tool's and this machine's,
	// read right after.
	CPU      float64
	CPUKnown bool
	Host     hostCPU
}

func (c storeCounts) sub(o storeCounts) storeCounts {
	return storeCounts{c.Writes - o.Writes, c.Statements - o.Statements, c.RoundTrips - o.RoundTrips,
		c.Writer && o.Writer, c.WriterBusy - o.WriterBusy, c.EngineCommits - o.EngineCommits,
		c.WebhooksRefused - o.WebhooksRefused, c.CPU - o.CPU, c.CPUKnown && o.CPUKnown, c.Host.sub(o.Host)}
}

// storeCounters sums the store's counters over every target, read from
// their /metrics; ok is false when a target does not publish them.
func (r *run) storeCounters(ctx context.Context) (n storeCounts, ok bool) {
	n.Writer, n.CPUKnown = true, true
	for _, t := range r.cfg.targets {
		v, err := readSeries(ctx, r.cfg.HTTPClient, t+"/metrics", storeWritesMetric, storeStatementsMetric,
			storeRoundTripsMetric, writerBusyMetric, engineCommitsMetric, webhooksRefusedMetric, processCPUMetric)
		if err != nil || !v[0].ok || !v[1].ok || !v[2].ok {
			return n, false
		}
		n.Writes += int64(v[0].value)
		n.Statements += int64(v[1].value)
		n.RoundTrips += int64(v[2].value)
		n.Writer = n.Writer && v[3].ok && v[4].ok
		n.WriterBusy += v[3].value
		n.EngineCommits += int64(v[4].value)
		n.WebhooksRefused += int64(v[5].value)
		n.CPUKnown = n.CPUKnown && v[6].ok
		n.CPU += v[6].value
	}
	n.Host = readHostCPU()
	return n, true
}

// readCounter returns the value of one series of a Prometheus text page.
func readCounter(ctx context.Context, hc *http.Client, url, series string) (int64, error) {
	v, err := readCounters(ctx, hc, url, series)
	if err != nil {
		return 0, err
	}
	return v[0], nil
}

// readCounters returns the values of series of a Prometheus text page, in
// their order; every one must be present.
func readCounters(ctx context.Context, hc *http.Client, url string, series ...string) ([]int64, error) {
	v, err := readSeries(ctx, hc, url, series...)
	if err != nil {
		return nil, err
	}
	out := make([]int64, len(v))
	for i, s := range v {
		if !s.ok {
			return nil, fmt.Errorf("%s: no series %s", url, series[i])
		}
		out[i] = int64(s.value)
	}
	return out, nil
}

// sample is one series' value on a Prometheus text page; ok is false when
// the page does not have the series.
type sample struct {
	value float64
	ok    bool
}

// readSeries reads one Prometheus text page and returns the samples of
// series, in their order.
func readSeries(ctx context.Context, hc *http.Client, url string, series ...string) ([]sample, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP %d", url, resp.StatusCode)
	}
	out := make([]sample, len(series))
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		for i, name := range series {
			if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil {
					return nil, err
				}
				out[i] = sample{f, true}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
