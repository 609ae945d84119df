package sqlcore

import (
	"context"
	"errors"
	"strconv"
	"strings"
)

// Combined writes. A money path's transaction writes several rows in a row
// whose answers nothing reads before its next statement: the confirm's new
// payment and its audit event; its payment update, event and order update;
// a new order, its items and its event. On an engine that combines writes
// (PostgreSQL, Dialect.CombinesWrites) the Tx holds such writes back and
// sends them, at its next statement or before its commit, as one statement
// of data-modifying CTEs: one statement and one round trip where each
// write took its own. SQLite runs each at once, as before.
//
// What keeps a combined statement equal to the writes run one by one:
//   - Every statement flushes the held writes first, so a read sees them.
//   - At most one held write per table. The CTEs of one statement share a
//     snapshot and run in no set order: two writes of one row would not see
//     each other, and two inserts of one table would take their serial ids
//     in no set order (the audit log is ordered by id).
//   - A held write reads no other table (a plain INSERT or an UPDATE … WHERE
//     id = ?), so no CTE could miss another's rows. Foreign keys are checked
//     at the end of the statement, when every row of it exists.
//   - A held write's answer (a new id) reaches it at the flush, before any
//     later statement or the event hook: a write is only held where its
//     caller does not read the answer before then.
//   - A held write's error (a missing row, a conflict) would reach its
//     caller late, from another call, which may read it as its own; and
//     until the flush the Tx serves the written rows as kept (held,
//     moneypath.go). So a failed flush marks the Tx (FlushFailed), every
//     later statement fails, and the store runs the whole callback again
//     in a new transaction with combining off (Tx.Separate), where each
//     write answers at once and its caller handles its error as it would
//     on SQLite. A callback that fails with writes still held has them
//     flushed first, so that a write's failure, not what followed from
//     it, decides. A failed flush costs a rolled-back run; none happens on
//     a path that succeeds.

// heldWrite is a write a Tx may hold back until its next statement.
type heldWrite struct {
	table string // the one table it writes
	query string // an INSERT or UPDATE with '?' placeholders and no RETURNING
	args  []any
	// conflict is the user-safe message of a unique violation ("" for the
	// generic one).
	conflict string
	// id: the query inserts one row (a plain INSERT, which writes its row
	// or fails) and done gets its id column; otherwise done gets the
	// number of rows it wrote. done may be nil.
	id   bool
	done func(n int64) error
	// mustWrite: writing no row is an error of done's. A combined
	// statement then fails in the database (paydeck_wrote, PostgreSQL
	// migration 0017), before any COMMIT sent with it.
	mustWrite bool
}

// finish hands w's answer to its done.
func (w heldWrite) finish(n int64) error {
	if w.done == nil {
		return nil
	}
	return w.done(n)
}

// write runs w, or holds it back when the engine combines writes.
func (tx *Tx) write(ctx context.Context, w heldWrite) error {
	if err := checkText(w.args); err != nil {
		return err
	}
	if !tx.combine {
		return tx.runWrite(ctx, w)
	}
	for _, h := range tx.pending {
		if h.table == w.table {
			if err := tx.flush(ctx); err != nil {
				return err
			}
			break
		}
	}
	tx.pending = append(tx.pending, w)
	return nil
}

// runWrite runs one write on its own and hands its answer to done.
func (tx *Tx) runWrite(ctx context.Context, w heldWrite) error {
	var n int64
	var err error
	if w.id {
		err = tx.scanRow(ctx, []any{&n}, w.conflict, w.query+" RETURNING id", w.args)
	} else if n, err = tx.q.Exec(ctx, tx.d.Rebind(w.query), w.args...); err != nil {
		err = tx.formatError(err, w.conflict)
	}
	if err != nil {
		return err
	}
	return w.finish(n)
}

// Flush sends the writes held back, if any. The stores call it before
// they commit; every statement of the Tx calls it first.
func (tx *Tx) Flush(ctx context.Context) error { return tx.flush(ctx) }

func (tx *Tx) flush(ctx context.Context) error {
	if tx.flushErr != nil {
		return tx.flushErr
	}
	if _, err := tx.sendHeld(ctx, nil); err != nil {
		tx.flushErr = err
		return err
	}
	return nil
}

// FlushFailed reports whether a flush of held writes failed: the store
// must not commit, and runs the callback again with Separate.
func (tx *Tx) FlushFailed() bool { return tx.flushErr != nil }

// Separate turns combining off: every write runs at once.
func (tx *Tx) Separate() { tx.combine = false }

// FlushCommit ends a transaction's statements: it sends the writes held
// back and, where the executor can (Committer), the COMMIT with them, in
// one round trip. committed reports that it did; otherwise the store
// commits as before. A *CommitError comes back as it is, not as a failed
// flush: the transaction may have committed, so the store must not run it
// again. Every write whose answer could fail its done is a mustWrite, which
// the statement checks itself, so no done fails once the COMMIT has run.
func (tx *Tx) FlushCommit(ctx context.Context) (committed bool, err error) {
	c := asCommitter(tx.q)
	if c == nil || tx.flushErr != nil || len(tx.pending) == 0 {
		return false, tx.flush(ctx)
	}
	committed, err = tx.sendHeld(ctx, c)
	var ce *CommitError
	if err != nil && !committed && !errors.As(err, &ce) {
		tx.flushErr = err
	}
	return committed, err
}

// sendHeld runs the held writes, one statement for them all, and with c
// (when not nil) the COMMIT in the same round trip; committed reports that
// the COMMIT ran.
func (tx *Tx) sendHeld(ctx context.Context, c Committer) (committed bool, err error) {
	ws := tx.pending
	if len(ws) == 0 {
		return false, nil
	}
	tx.pending = nil
	if len(ws) == 1 && c == nil {
		return false, tx.runWrite(ctx, ws[0])
	}
	query, args := combinedQuery(ws)
	answers := make([]int64, len(ws))
	dest := make([]any, len(ws))
	for i := range answers {
		dest[i] = &answers[i]
	}
	var ce *CommitError
	if c == nil {
		err = tx.scanRow(ctx, dest, "", query, args)
	} else if err = c.QueryRowCommit(ctx, dest, tx.d.Rebind(query), args...); err != nil && !errors.As(err, &ce) {
		err = tx.formatError(err, "")
	}
	if err != nil {
		return false, err
	}
	for i, w := range ws {
		if err := w.finish(answers[i]); err != nil {
			return c != nil, err
		}
	}
	return c != nil, nil
}

// combinedQuery is one statement running every write of ws:
//
//	WITH w0 AS (UPDATE … RETURNING 1), w1 AS (INSERT … RETURNING id)
//	SELECT (SELECT count(*) FROM w0), (SELECT id FROM w1)
func combinedQuery(ws []heldWrite) (string, []any) {
	var b strings.Builder
	var args []any
	answers := make([]string, len(ws))
	for i, w := range ws {
		name := "w" + strconv.Itoa(i)
		if i == 0 {
			b.WriteString("WITH ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(name + " AS (" + w.query)
		if w.id {
			b.WriteString(" RETURNING id)")
			answers[i] = "(SELECT id FROM " + name + ")"
		} else {
			b.WriteString(" RETURNING 1)")
			answers[i] = "(SELECT count(*) FROM " + name + ")"
			if w.mustWrite {
				answers[i] = "paydeck_wrote(" + answers[i] + ", '" + w.table + "')"
			}
		}
		args = append(args, w.args...)
	}
	b.WriteString(" SELECT " + strings.Join(answers, ", "))
	return b.String(), args
}
