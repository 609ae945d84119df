package bench

import (
	"context"
	"sync"
	"time"
)

// StepDBCommit is the latency of one single-row commit to paydeck's
// PostgreSQL database, sampled by the tool during the load (see
// sampleCommits). SQLite has one writer, paydeck's: a second one would
// measure SQLite's busy handler, not a commit.
const StepDBCommit = "db-commit"

// sampleEvery is the interval between sampled commits: 50 a second, a
// small load next to paydeck's own.
const sampleEvery = 20 * time.Millisecond

// sampleTable is created for the sampler and dropped after it.
const sampleTable = "paydeck_bench_commit_sample"

// sampleCommits commits one single-row insert every sampleEvery to the
// database at url, from one connection, until the returned stop func is
// called, and records each commit's latency as StepDBCommit: the
// database's own commit latency under the same load as paydeck's
// transactions. A database it cannot use records nothing and is reported as
// an error key.
func (r *run) sampleCommits(ctx context.Context, url string) (stop func()) {
	insert, closeDB, err := openScratchTable(ctx, url, sampleTable, 1)
	if err != nil {
		r.rec.fail("db-commit sampler: " + err.Error())
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer closeDB()
		t := time.NewTicker(sampleEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			start := time.Now()
			if err := insert(ctx); err != nil {
				if ctx.Err() == nil {
					r.rec.fail("db-commit " + err.Error())
				}
				continue
			}
			r.rec.observe(StepDBCommit, time.Since(start))
		}
	})
	return func() { cancel(); wg.Wait() }
}
