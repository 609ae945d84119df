package sqlcore

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paydeck/paydeck"
)

// EnqueueFunc inserts a job in the engine transaction behind a Tx.
type EnqueueFunc func(ctx context.Context, args paydeck.JobArgs, opts *paydeck.JobOptions) error

// Tx implements paydeck.Tx over one engine transaction.
type Tx struct {
	q       Executor
	d       Dialect
	now     time.Time
	enqueue EnqueueFunc
	// appended are the audit events of this transaction, for RunEventHook.
	appended []*paydeck.PaymentEvent
	// held are the orders and payments it locked or wrote (moneypath.go).
	held held
	// combine holds writes back (combine.go); pending are those held
	// until the next statement, flushErr the failure of a flush.
	combine  bool
	pending  []heldWrite
	flushErr error
	// inHook: the event hook is running (RunEventHook); heldBeforeHook:
	// writes the callback held are still pending.
	inHook, heldBeforeHook bool
	// readOnly marks a View's transaction: one snapshot, so a row read
	// once reads the same again.
	readOnly bool
	// knownUser is a user read along with another row (FindSessionByID
	// with its session, LockPaymentAndOrder with the order), returned by
	// FindUserByID instead of reading it again: as read by this
	// transaction, like a read of its own. Writing the user forgets it.
	knownUser *paydeck.User
	// lockedUser is the user whose row TakeStockFor locked (PostgreSQL).
	lockedUser string
}

var _ paydeck.Tx = (*Tx)(nil)

// NewTx returns the paydeck.Tx for an engine transaction begun at now.
func NewTx(q Executor, d Dialect, now time.Time, enqueue EnqueueFunc) *Tx {
	return &Tx{q: q, d: d, now: Now(now), enqueue: enqueue, combine: d.CombinesWrites()}
}

// NewReadTx returns the paydeck.Tx for a read-only engine transaction (one
// snapshot) begun at now; it refuses jobs.
func NewReadTx(q Executor, d Dialect, now time.Time) *Tx {
	tx := NewTx(q, d, now, ReadOnlyEnqueue)
	tx.readOnly = true
	return tx
}

// Now normalizes a clock reading to what the stores keep: UTC, microseconds.
func Now(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// normTimes rewrites caller-set times to what the store keeps (UTC,
// microseconds), so an entity equals itself read back.
func normTimes(ts ...*time.Time) {
	for _, t := range ts {
		*t = Now(*t)
	}
}

// normTimePtrs is normTimes for optional times; it replaces each non-nil
// pointer instead of writing through it.
func normTimePtrs(ts ...**time.Time) {
	for _, t := range ts {
		if *t != nil {
			v := Now(**t)
			*t = &v
		}
	}
}

// Now implements paydeck.Tx.
func (tx *Tx) Now() time.Time { return tx.now }

// Enqueue implements paydeck.Tx.
func (tx *Tx) Enqueue(ctx context.Context, args paydeck.JobArgs, opts *paydeck.JobOptions) error {
	if err := tx.flush(ctx); err != nil {
		return err
	}
	if err := tx.enqueue(ctx, args, opts); err != nil {
		return fmt.Errorf("enqueue job %s: %w", args.Kind(), err)
	}
	return nil
}

// t encodes a time argument.
func (tx *Tx) t(t time.Time) any { return tx.d.Time(Now(t)) }

// tp encodes a nullable time argument.
func (tx *Tx) tp(t *time.Time) any {
	if t == nil {
		return nil
	}
	return tx.t(*t)
}

// newID returns a fresh UUID.
func newID() (string, error) { return paydeck.NewUUID(rand.Reader) }

// exec runs a statement; conflict is the user-safe message for a unique
// violation.
func (tx *Tx) exec(ctx context.Context, conflict, query string, args ...any) (int64, error) {
	if err := checkText(args); err != nil {
		return 0, err
	}
	if err := tx.flush(ctx); err != nil {
		return 0, err
	}
	n, err := tx.q.Exec(ctx, tx.d.Rebind(query), args...)
	if err != nil {
		return 0, tx.formatError(err, conflict)
	}
	return n, nil
}

// insertID runs an INSERT … RETURNING id and returns the generated id.
func (tx *Tx) insertID(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, []any{&id}, query, args...)
	return id, err
}

// queryRow scans the first row of a query into dest; no row is not_found.
func (tx *Tx) queryRow(ctx context.Context, dest []any, query string, args ...any) error {
	return tx.queryRowConflict(ctx, dest, "", query, args...)
}

// queryRowConflict is queryRow whose unique violation is conflict with msg.
func (tx *Tx) queryRowConflict(ctx context.Context, dest []any, msg, query string, args ...any) error {
	if err := checkText(args); err != nil {
		return err
	}
	if err := tx.flush(ctx); err != nil {
		return err
	}
	return tx.scanRow(ctx, dest, msg, query, args)
}

// scanRow runs query (not rebound yet, its text checked, held writes
// flushed) and scans its first row into dest; no row is not_found, a
// unique violation is conflict with msg.
func (tx *Tx) scanRow(ctx context.Context, dest []any, msg, query string, args []any) error {
	rows, err := tx.q.Query(ctx, tx.d.Rebind(query), args...)
	if err != nil {
		return tx.formatError(err, msg)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return tx.formatError(err, msg)
		}
		return errNotFound
	}
	if err := rows.Scan(dest...); err != nil {
		return fmt.Errorf("scan row: %w", err)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return tx.formatError(err, msg)
	}
	return nil
}

// checkText refuses text arguments holding a NUL byte: PostgreSQL rejects
// them (SQLSTATE 22021, which would surface as an internal error) and
// SQLite cuts LIKE patterns at them (a search for "x\x00" finds everything
// containing "x"), so both engines answer invalid input instead.
func checkText(args []any) error {
	for _, a := range args {
		var s string
		switch v := a.(type) {
		case string:
			s = v
		case *string:
			if v != nil {
				s = *v
			}
		}
		if strings.IndexByte(s, 0) >= 0 {
			return paydeck.Errorf(paydeck.CodeInvalid, "Text must not contain NUL (U+0000) characters.")
		}
	}
	return nil
}

// errNotFound reports a query that returned no row where one was expected.
var errNotFound = errors.New("row not found")

// first runs a query and returns its first row, or a not_found *Error with msg.
func first[T any](ctx context.Context, tx *Tx, query string, args []any, scan func(Rows) (*T, error), msg string) (*T, error) {
	items, err := queryAll(ctx, tx, query, args, scan)
	if err != nil {
		return nil, err
	} else if len(items) == 0 {
		return nil, paydeck.Errorf(paydeck.CodeNotFound, "%s", msg)
	}
	return items[0], nil
}

// formatError maps constraint violations to user-safe *Errors and wraps the
// rest (kept for logs, shown to users as internal).
func (tx *Tx) formatError(err error, conflict string) error {
	switch tx.d.Violation(err) {
	case UniqueViolation:
		if conflict == "" {
			conflict = "The record already exists."
		}
		return paydeck.Errorf(paydeck.CodeConflict, "%s", conflict)
	case ForeignKeyViolation:
		return paydeck.Errorf(paydeck.CodeConflict, "A referenced record does not exist.")
	case CheckViolation:
		return paydeck.Errorf(paydeck.CodeInvalid, "The values break a data rule.")
	}
	return fmt.Errorf("sql: %w", err)
}

// list runs a page query and its count. base is "FROM … WHERE …" built by w;
// cols is the select list; order the ORDER BY clause.
func list[T any](ctx context.Context, tx *Tx, cols, base string, w *where, order string, offset, limit int,
	scan func(Rows) (*T, error)) ([]*T, int, error) {
	if limit <= 0 {
		limit = 1 << 62
	}
	offset = max(offset, 0)
	args := append(append([]any{}, w.args...), limit, offset)
	items, err := queryAll(ctx, tx, "SELECT "+cols+" "+base+w.sql()+" ORDER BY "+order+" LIMIT ? OFFSET ?", args, scan)
	if err != nil {
		return nil, 0, err
	}
	// A page that is not full and not past the end is the last one: the
	// total follows without a second round trip (most lists in the money
	// paths are an order's few payments or refunds).
	if len(items) < limit && (len(items) > 0 || offset == 0) {
		return items, offset + len(items), nil
	}
	var total int
	if err := tx.queryRow(ctx, []any{&total}, "SELECT COUNT(*) "+base+w.sql(), w.args...); err != nil {
		return nil, 0, err
	}
	return items, total, nil
}

// queryAll runs a query and scans every row.
func queryAll[T any](ctx context.Context, tx *Tx, query string, args []any, scan func(Rows) (*T, error)) ([]*T, error) {
	if err := checkText(args); err != nil {
		return nil, err
	}
	if err := tx.flush(ctx); err != nil {
		return nil, err
	}
	rows, err := tx.q.Query(ctx, tx.d.Rebind(query), args...)
	if err != nil {
		return nil, tx.formatError(err, "")
	}
	defer rows.Close()
	items := []*T{}
	for rows.Next() {
		it, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("scan row: %w", err)
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, tx.formatError(err, "")
	}
	return items, nil
}

// queryPipelined runs queries (with '?' placeholders) one after another,
// in one round trip where the engine pipelines (Pipeliner), and hands each
// one's rows to read in order.
func (tx *Tx) queryPipelined(ctx context.Context, queries []Query, read func(i int, rows Rows) error) error {
	for _, q := range queries {
		if err := checkText(q.Args); err != nil {
			return err
		}
	}
	if err := tx.flush(ctx); err != nil {
		return err
	}
	rebound := make([]Query, len(queries))
	for i, q := range queries {
		rebound[i] = Query{SQL: tx.d.Rebind(q.SQL), Args: q.Args}
	}
	var err error
	if p := asPipeliner(tx.q); p != nil {
		err = p.QueryPipelined(ctx, rebound, read)
	} else {
		for i := 0; i < len(rebound) && err == nil; i++ {
			err = tx.readQuery(ctx, rebound[i], func(r Rows) error { return read(i, r) })
		}
	}
	var pe *paydeck.Error
	if err != nil && !errors.As(err, &pe) {
		err = tx.formatError(err, "")
	}
	return err
}

// readQuery runs one rebound query and hands its rows to read.
func (tx *Tx) readQuery(ctx context.Context, q Query, read func(Rows) error) error {
	rows, err := tx.q.Query(ctx, q.SQL, q.Args...)
	return ReadRows(rows, err, read)
}

// ReadRows hands rows, the answer of a query that failed with err or not,
// to read and closes them; it returns the first error of the query, read
// and the rows.
func ReadRows(rows Rows, err error, read func(Rows) error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	if err := read(rows); err != nil {
		return err
	}
	rows.Close()
	return rows.Err()
}

// where builds a WHERE clause from optional conditions.
type where struct {
	conds []string
	args  []any
}

// add appends cond (with '?' placeholders) and its args.
func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// in appends "col IN (…)" for a non-empty set of values.
func in[S ~string](w *where, col string, values []S) {
	if len(values) == 0 {
		return
	}
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = string(v)
	}
	w.add(col+" IN ("+placeholders(len(values))+")", args...)
}

// placeholders returns "?, ?, …" with n marks.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// RebindDollar rewrites '?' placeholders into PostgreSQL's $1, $2, …
// (the queries here never contain '?' in literals). Results are cached:
// the queries are a fixed set of texts, rebound on every statement.
func RebindDollar(query string) string {
	if v, ok := rebound.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	out := b.String()
	if reboundCount.Add(1) <= maxRebound {
		rebound.Store(query, out)
	}
	return out
}

// rebound caches RebindDollar's results, at most maxRebound of them (list
// queries vary with their filters; the set is small but not fixed).
var (
	rebound      sync.Map
	reboundCount atomic.Int64
)

const maxRebound = 4096
