package sqlcore

import (
	"context"
	"database/sql"
	"time"

	"github.com/paydeck/paydeck"
)

// Rows is the part of *sql.Rows and pgx.Rows the queries use.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// Executor runs statements inside one engine transaction. Queries reaching it
// are already rebound to the engine's placeholders.
type Executor interface {
	// Exec runs a statement and returns the number of rows it affected.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	// Query runs a query; the caller closes the rows.
	Query(ctx context.Context, query string, args ...any) (Rows, error)
}

// Violation is the kind of constraint a failed statement broke.
type Violation int

// Violations the dialects detect.
const (
	NoViolation Violation = iota
	UniqueViolation
	ForeignKeyViolation
	CheckViolation
)

// Dialect holds what differs between the engines.
type Dialect interface {
	// Rebind rewrites '?' placeholders into the engine's form.
	Rebind(query string) string
	// ForUpdate is the suffix that row-locks a SELECT ("" when writes are
	// serialized anyway).
	ForUpdate() string
	// Time encodes t (already UTC, microsecond precision) as a query argument.
	Time(t time.Time) any
	// Violation classifies err as a constraint violation, or NoViolation.
	Violation(err error) Violation
}

// CountFunc is told of SQL statements paydeck's transactions sent and of
// the round trips to the database they took (a pipelined batch is one).
type CountFunc func(statements, roundTrips int)

// Counted returns e reporting every statement it runs to count, or e itself
// when count is nil.
func Counted(e Executor, count CountFunc) Executor {
	if count == nil {
		return e
	}
	return countedExecutor{e, count}
}

type countedExecutor struct {
	Executor
	count CountFunc
}

func (e countedExecutor) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	e.count(1, 1)
	return e.Executor.Exec(ctx, query, args...)
}

func (e countedExecutor) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	e.count(1, 1)
	return e.Executor.Query(ctx, query, args...)
}

// CountedEnqueue returns enqueue reporting each job insert (one statement of
// River's) to count, or enqueue itself when count is nil.
func CountedEnqueue(enqueue EnqueueFunc, count CountFunc) EnqueueFunc {
	if count == nil {
		return enqueue
	}
	return func(ctx context.Context, args paydeck.JobArgs, opts *paydeck.JobOptions) error {
		count(1, 1)
		return enqueue(ctx, args, opts)
	}
}

// SQLExecutor adapts a database/sql transaction to Executor.
type SQLExecutor struct{ Tx *sql.Tx }

// Exec implements Executor.
func (e SQLExecutor) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := e.Tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Query implements Executor.
func (e SQLExecutor) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	rows, err := e.Tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { _ = r.Rows.Close() }
