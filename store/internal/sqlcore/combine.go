package sqlcore

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// Combined writes. A money path's transaction writes several rows in a row
// whose answers nothing reads before its next statement: the confirm's new
// payment and its audit event; its payment update, event and order update;
// a new order, its items and its event; the outbound event and the mail
// records its event hook writes (their answers, the endpoints and the
// message id, go to callbacks that enqueue the jobs, so those writes never
// ride with the COMMIT). On an engine that combines writes
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
	// returning, when set, is the RETURNING list of an INSERT whose
	// answer is more than its id: one expression per name in cols (each
	// "expr AS name" or a column), scanned into dest before done gets 1.
	// An expression may read a table no money path writes (the outbound
	// event's endpoints), which no other write of the statement touches.
	returning string
	cols      []string
	dest      []any
	// then: done may run statements (a job insert), so the write never
	// rides with the COMMIT (FlushCommit).
	then bool
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
	if w.returning != "" {
		if err = tx.scanRow(ctx, w.dest, w.conflict, w.query+" RETURNING "+w.returning, w.args); err == nil {
			n = 1
		}
	} else if w.id {
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
	// A write whose done runs statements goes first, on its own: its
	// statements (and any write they hold) must come before the COMMIT.
	for slices.ContainsFunc(tx.pending, func(w heldWrite) bool { return w.then }) {
		if err := tx.flush(ctx); err != nil {
			return false, err
		}
	}
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
	tx.pending, tx.heldBeforeHook = nil, false
	if len(ws) == 1 && c == nil {
		return false, tx.runWrite(ctx, ws[0])
	}
	query, args := combinedQuery(ws)
	answers := make([]int64, len(ws))
	var dest []any
	for i, w := range ws {
		if w.returning != "" {
			dest = append(dest, w.dest...)
			answers[i] = 1 // a plain INSERT writes its row or fails
		} else {
			dest = append(dest, &answers[i])
		}
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
//	WITH w0 AS (UPDATE … RETURNING 1), w1 AS (INSERT … RETURNING id),
//	  w2 AS (INSERT … RETURNING seq, (SELECT …) AS x)
//	SELECT (SELECT count(*) FROM w0), (SELECT id FROM w1), (SELECT seq FROM w2), (SELECT x FROM w2)
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
		if w.returning != "" {
			b.WriteString(" RETURNING " + w.returning + ")")
			cols := make([]string, len(w.cols))
			for j, c := range w.cols {
				cols[j] = "(SELECT " + c + " FROM " + name + ")"
			}
			answers[i] = strings.Join(cols, ", ")
		} else if w.id {
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
