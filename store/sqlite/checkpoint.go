package sqlite

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Checkpoints off the writer's turn. In WAL mode SQLite copies the log
// back into the database file (a checkpoint) by default inside the commit
// that takes the log past 1,000 pages: on the writer connection, in the
// writer's turn, with every other writer queued behind it, and ending with
// an fsync of the database file. At the checkout peak that was 4.5 % of
// the process's CPU in the one turn the store's write throughput depends
// on (docs/performance.md, round two, seventh pass).
//
// So the writer checkpoints only as a backstop, once the log passes
// backstopPages, and a goroutine on a connection of its own runs a PASSIVE
// checkpoint every checkpointEvery when the writer has committed since its
// last one. A PASSIVE checkpoint takes no lock a writer waits for: the
// writer goes on appending to the log meanwhile, and it copies only frames
// no reader still needs. Once the whole log is copied, the next write
// transaction starts the log over from its beginning, as after SQLite's own
// checkpoints.
const (
	checkpointEvery = 200 * time.Millisecond
	backstopPages   = 10_000
)

// checkpointer runs the background checkpoints of one database file.
type checkpointer struct {
	conn *sql.DB
	// commits is the writer's commit count (writers.commits); a checkpoint
	// runs only when it moved since the last one.
	commits *atomic.Int64
	log     *slog.Logger
	// done counts the checkpoints run, for tests.
	done     atomic.Int64
	stop     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
}

// startCheckpointer opens its connection on the file at dsn and starts the
// loop; Close stops it.
func startCheckpointer(dsn string, commits *atomic.Int64, log *slog.Logger) (*checkpointer, error) {
	conn, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	conn.SetMaxOpenConns(1)
	c := &checkpointer{conn: conn, commits: commits, log: log, stop: make(chan struct{})}
	last := commits.Load() // before the loop starts: a commit made meanwhile counts
	c.wg.Go(func() { c.loop(last) })
	return c, nil
}

// loop checkpoints at every tick when the commit count moved from last.
func (c *checkpointer) loop(last int64) {
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		n := c.commits.Load()
		if n == last {
			continue
		}
		// A failed checkpoint (the disk is full, say) leaves the frames in
		// the log, where readers still find them; the next tick, or the
		// writer's backstop, tries again.
		if _, err := c.conn.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)"); err != nil {
			if !failing {
				c.log.Warn("sqlite: background checkpoint failed; retrying", "err", err)
			}
			failing = true
			continue
		}
		last, failing = n, false
		c.done.Add(1)
	}
}

// Close stops the loop and closes the connection.
func (c *checkpointer) Close() error {
	c.stopOnce.Do(func() { close(c.stop) })
	c.wg.Wait()
	return c.conn.Close()
}
