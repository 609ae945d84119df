package sqlcore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// Combined writes. A money path's transaction writes several rows in a row
// whose answers nothing reads before its next statement: the confirm's
// payment update, its audit event and the order update; a new order, its
// items and its event. On an engine that combines writes (PostgreSQL,
// Dialect.CombinesWrites) the Tx holds such writes back and sends them, at
// its next statement or before its commit, as one statement of
// data-modifying CTEs: one statement and one round trip where three took
// three. SQLite runs each at once, as before.
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
//   - What a write answers (its rows, a new id) reaches its caller's
//     callback at the flush, and an error then fails the statement that
//     flushed, or the commit: the transaction is rolled back either way.
//     So a write is only held where its caller reads neither the answer nor
//     the error before its next statement (a failed write aborts a
//     PostgreSQL transaction anyway).

// heldWrite is a write a Tx may hold back until its next statement.
type heldWrite struct {
	table string // the one table it writes
	query string // an INSERT or UPDATE with '?' placeholders and no RETURNING
	args  []any
	// conflict is the user-safe message of a unique violation ("" for the
	// generic one).
	conflict string
	// id: the query inserts one row and done gets its id column; otherwise
	// done gets the number of rows it wrote.
	id   bool
	done func(n int64) error
}

// write runs w, or holds it back when the engine combines writes.
func (tx *Tx) write(ctx context.Context, w heldWrite) error {
	if err := checkText(w.args); err != nil {
		return err
	}
	if !tx.d.CombinesWrites() {
		n, err := tx.runWrite(ctx, w)
		if err != nil {
			return err
		}
		return w.done(n)
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

// runWrite runs one write on its own.
func (tx *Tx) runWrite(ctx context.Context, w heldWrite) (int64, error) {
	if !w.id {
		n, err := tx.q.Exec(ctx, tx.d.Rebind(w.query), w.args...)
		if err != nil {
			return 0, tx.formatError(err, w.conflict)
		}
		return n, nil
	}
	var id int64
	rows, err := tx.q.Query(ctx, tx.d.Rebind(w.query+" RETURNING id"), w.args...)
	if err != nil {
		return 0, tx.formatError(err, w.conflict)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return 0, tx.formatError(err, w.conflict)
		}
		return 0, errNotFound
	}
	if err := rows.Scan(&id); err != nil {
		return 0, fmt.Errorf("scan row: %w", err)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, tx.formatError(err, w.conflict)
	}
	return id, nil
}

// Flush sends the writes held back, if any. The stores call it before
// they commit; every statement of the Tx calls it first.
func (tx *Tx) Flush(ctx context.Context) error { return tx.flush(ctx) }

func (tx *Tx) flush(ctx context.Context) error {
	ws := tx.pending
	if len(ws) == 0 {
		return nil
	}
	tx.pending = nil
	if len(ws) == 1 {
		n, err := tx.runWrite(ctx, ws[0])
		if err != nil {
			return err
		}
		return ws[0].done(n)
	}
	query, args := combinedQuery(ws)
	rows, err := tx.q.Query(ctx, tx.d.Rebind(query), args...)
	if err != nil {
		return tx.combinedError(err, ws)
	}
	defer rows.Close()
	answers := make([]int64, len(ws))
	dest := make([]any, len(ws))
	for i := range answers {
		dest[i] = &answers[i]
	}
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return tx.combinedError(err, ws)
		}
		return errNotFound
	}
	if err := rows.Scan(dest...); err != nil {
		return fmt.Errorf("scan row: %w", err)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return tx.combinedError(err, ws)
	}
	for i, w := range ws {
		if err := w.done(answers[i]); err != nil {
			return err
		}
	}
	return nil
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
		}
		args = append(args, w.args...)
	}
	b.WriteString(" SELECT " + strings.Join(answers, ", "))
	return b.String(), args
}

// combinedError formats the error of a combined statement with the
// conflict message of the write whose table broke a unique constraint.
func (tx *Tx) combinedError(err error, ws []heldWrite) error {
	conflict := ""
	if table := tx.d.ViolationTable(err); table != "" {
		for _, w := range ws {
			if w.table == table {
				conflict = w.conflict
			}
		}
	}
	return tx.formatError(err, conflict)
}
