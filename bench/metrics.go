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
)

// storeCounts are the metered store's counters, summed over the targets.
type storeCounts struct {
	Writes, Statements, RoundTrips int64
	// Writer is set when every target publishes the writer's series.
	Writer        bool
	WriterBusy    float64 // seconds
	EngineCommits int64
}

func (c storeCounts) sub(o storeCounts) storeCounts {
	return storeCounts{c.Writes - o.Writes, c.Statements - o.Statements, c.RoundTrips - o.RoundTrips,
		c.Writer && o.Writer, c.WriterBusy - o.WriterBusy, c.EngineCommits - o.EngineCommits}
}

// storeCounters sums the store's counters over every target, read from
// their /metrics; ok is false when a target does not publish them.
func (r *run) storeCounters(ctx context.Context) (n storeCounts, ok bool) {
	n.Writer = true
	for _, t := range r.cfg.targets {
		if w, err := readSeries(ctx, r.cfg.HTTPClient, t+"/metrics", writerBusyMetric, engineCommitsMetric); err == nil {
			n.WriterBusy += w[0]
			n.EngineCommits += int64(w[1])
		} else {
			n.Writer = false
		}
		v, err := readCounters(ctx, r.cfg.HTTPClient, t+"/metrics", storeWritesMetric, storeStatementsMetric, storeRoundTripsMetric)
		if err != nil {
			return n, false
		}
		n.Writes += v[0]
		n.Statements += v[1]
		n.RoundTrips += v[2]
	}
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
	for i, f := range v {
		out[i] = int64(f)
	}
	return out, nil
}

// readSeries is readCounters with the values as they are written.
func readSeries(ctx context.Context, hc *http.Client, url string, series ...string) ([]float64, error) {
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
	out := make([]float64, len(series))
	found := make([]bool, len(series))
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		for i, name := range series {
			if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil {
					return nil, err
				}
				out[i], found[i] = f, true
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for i, ok := range found {
		if !ok {
			return nil, fmt.Errorf("%s: no series %s", url, series[i])
		}
	}
	return out, nil
}
