package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paydeck/paydeck/store/internal/sqlcore"
)

// maxGroup bounds the Updates that share one SQLite transaction, so that
// the first of a long line of writers is not kept waiting for its commit.
const maxGroup = 32

// Group commit. SQLite has one writer, and with synchronous=FULL each
// commit waits for an fsync of the WAL: under load the writer spends most
// of its time in that fsync while the other writers queue for the
// connection. So Updates that find others queued behind them leave their
// transaction open for the next: each runs on its own goroutine, in turn
// (the writer connection allows nothing else), inside a SAVEPOINT of one
// shared SQLite transaction, and the last of the line commits it. Every
// Update still returns only once its writes are committed (or with the
// error that rolled them back), so what a caller sees is what it saw with
// one transaction each: atomic, durable, serialized in the order the
// writers ran. An Update that fails is rolled back to its savepoint and
// leaves the others' writes alone; an engine error that ends the whole
// transaction (the file is full, an I/O error) or a failed commit fails
// every Update of the group.
type writeGroup struct {
	tx *sql.Tx
	// size counts the Updates whose writes are in tx.
	size int
	// broken is set once SQLite has rolled tx back on its own: nothing in
	// it can commit.
	broken error
	done   chan struct{} // closed once tx is committed or rolled back
	err    error         // the outcome, set before done is closed
}

// writers serializes the store's Updates on the writer connection and
// groups their commits.
type writers struct {
	turn    sync.Mutex
	waiting atomic.Int32 // Updates queued for turn
	open    *writeGroup  // the transaction of the current group, or nil (under turn)
	// commits counts the SQLite transactions committed (a group is one), for
	// tests and benchmarks.
	commits atomic.Int64
	// busy adds up the nanoseconds turn was held (from a writer taking it to
	// it passing on), which bounds the store's write throughput; heldSince
	// is when the current holder took it (under turn).
	busy      atomic.Int64
	heldSince time.Time
}

// take waits for the writer's turn.
func (w *writers) take() {
	w.waiting.Add(1)
	w.turn.Lock()
	w.heldSince = time.Now()
	w.waiting.Add(-1)
}

// pass ends the writer's turn.
func (w *writers) pass() {
	w.busy.Add(int64(time.Since(w.heldSince)))
	w.turn.Unlock()
}

// update runs one Update's body, run, in its turn: begin (or join) the
// group's transaction, run, then either leave the transaction to the next
// writer in line or commit it. prepare runs after a commit, when the
// connection is free.
func (w *writers) update(ctx context.Context, begin func() (*sql.Tx, error), run func(tx *sql.Tx) error,
	prepare func()) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w.take()
	g := w.open
	if g == nil {
		tx, err := begin()
		if err != nil {
			w.pass()
			return unavailable(err)
		}
		g = &writeGroup{tx: tx, done: make(chan struct{})}
		w.open = g
	}
	// The writer's turn ends in the deferred function even when run panics
	// or its goroutine exits (a test's FailNow): the group must go on.
	ran := false
	defer func() {
		if !ran { // run did not return
			w.settle(g, errors.New("sqlite: update abandoned"), prepare)
		}
	}()
	var own error
	if g.size == 0 {
		own = run(g.tx)
	} else {
		own = w.inSavepoint(g, run)
	}
	ran = true
	return w.settle(g, own, prepare)
}

// inSavepoint runs run inside a savepoint of g's transaction, rolling back
// to it when run fails.
func (w *writers) inSavepoint(g *writeGroup, run func(tx *sql.Tx) error) error {
	ctx := context.Background()
	if _, err := g.tx.ExecContext(ctx, "SAVEPOINT paydeck_update"); err != nil {
		g.broken = err
		return unavailable(err)
	}
	done := false
	defer func() {
		if done {
			return
		}
		// run failed, panicked or exited: undo its writes only.
		if _, rerr := g.tx.ExecContext(ctx, "ROLLBACK TO paydeck_update"); rerr != nil {
			g.broken = rerr
		} else if _, rerr := g.tx.ExecContext(ctx, "RELEASE paydeck_update"); rerr != nil {
			g.broken = rerr
		}
	}()
	if err := run(g.tx); err != nil {
		return err
	}
	done = true
	if _, err := g.tx.ExecContext(ctx, "RELEASE paydeck_update"); err != nil {
		g.broken = err
		return unavailable(err)
	}
	return nil
}

// settle ends a writer's turn in g; own is its error (or why its body did
// not return). A failed first writer rolls the still empty transaction
// back (no one waits on it). Otherwise the turn passes to the next writer
// while one waits and the group has room; the last commits. It returns
// the Update's outcome: own when it failed, else the group's.
func (w *writers) settle(g *writeGroup, own error, prepare func()) error {
	if own == nil && g.broken == nil {
		g.size++
	}
	switch {
	case g.size == 0: // nothing of anyone's to keep
		w.open = nil
		_ = g.tx.Rollback()
		close(g.done)
		prepare()
		w.pass()
		return own
	case g.broken == nil && w.waiting.Load() > 0 && g.size < maxGroup:
		w.pass() // the next writer joins g, and it or a later one commits
		if own != nil {
			return own
		}
		<-g.done
		return g.err
	}
	w.open = nil
	if g.broken != nil {
		_ = g.tx.Rollback()
		g.err = fmt.Errorf("%w (the transaction this update shared was rolled back)", unavailable(g.broken))
	} else if err := g.tx.Commit(); err != nil {
		g.err = fmt.Errorf("commit: %w", err)
	} else {
		w.commits.Add(1)
	}
	close(g.done)
	prepare()
	w.pass()
	if own != nil {
		return own
	}
	return g.err
}

// steady is an Executor whose statements a cancelled context does not
// interrupt: SQLite rolls back the whole transaction when a write
// statement is interrupted, and the transaction is shared. A context
// already done stops the Update before its next statement instead.
type steady struct{ sqlcore.Executor }

func (s steady) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	ctx, err := steadyContext(ctx)
	if err != nil {
		return 0, err
	}
	return s.Executor.Exec(ctx, query, args...)
}

func (s steady) Query(ctx context.Context, query string, args ...any) (sqlcore.Rows, error) {
	ctx, err := steadyContext(ctx)
	if err != nil {
		return nil, err
	}
	return s.Executor.Query(ctx, query, args...)
}

// steadyContext returns ctx's error if it is done, else ctx without its
// cancellation, for one statement of the shared transaction (see steady).
func steadyContext(ctx context.Context) (context.Context, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return context.WithoutCancel(ctx), nil
}
