package bench

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// storeWritesMetric is the /metrics series of paydeck's committed write
// transactions (cmd/paydeck's metered store).
const storeWritesMetric = `paydeck_store_transactions_total{kind="write",outcome="commit"}`

// storeWrites sums paydeck's committed write transactions over every
// target, read from their /metrics; ok is false when a target does not
// publish the series.
func (r *run) storeWrites(ctx context.Context) (n int64, ok bool) {
	for _, t := range r.cfg.targets {
		v, err := readCounter(ctx, r.cfg.HTTPClient, t+"/metrics", storeWritesMetric)
		if err != nil {
			return 0, false
		}
		n += v
	}
	return n, true
}

// readCounter returns the value of one series of a Prometheus text page.
func readCounter(ctx context.Context, hc *http.Client, url, series string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s: HTTP %d", url, resp.StatusCode)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), series+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return int64(f), err
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("%s: no series %s", url, series)
}
