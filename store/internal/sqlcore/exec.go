package sqlcore

import (
	"context"
	"database/sql"
	"errors"
	"sync"
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

// Query is one statement of a pipeline, its text rebound to the engine's
// placeholders.
type Query struct {
	SQL  string
	Args []any
}

// Pipeliner is an Executor that sends several statements in one round
// trip (PostgreSQL's pipeline). Each runs once the one before it has
// finished, with a snapshot of its own, so a read queued after a row lock
// sees what the lock's previous holder committed; a statement that fails
// stops the ones after it.
type Pipeliner interface {
	// QueryPipelined sends queries at once and hands each one's rows, in
	// order, to read; it closes the rows.
	QueryPipelined(ctx context.Context, queries []Query, read func(i int, rows Rows) error) error
}

// Committer is an Executor that sends a statement and the transaction's
// COMMIT in one round trip: the statement runs, and only if it succeeds
// the transaction commits.
type Committer interface {
	// QueryRowCommit runs query, scans its one row into dest and commits.
	// An error the database reported for the statement means nothing was
	// committed; any other failure is a *CommitError.
	QueryRowCommit(ctx context.Context, dest []any, query string, args ...any) error
}

// CommitError is a Committer's failure to commit, or one that leaves it
// unknown whether the transaction committed (a broken connection): the
// store must not run the transaction again as if it had not.
type CommitError struct{ Err error }

func (e *CommitError) Error() string { return "commit: " + e.Err.Error() }
func (e *CommitError) Unwrap() error { return e.Err }

// asPipeliner returns e as a Pipeliner, counted as e is, or nil.
func asPipeliner(e Executor) Pipeliner {
	switch e := e.(type) {
	case countedExecutor:
		if p := asPipeliner(e.Executor); p != nil {
			return countedPipeliner{p, e.count}
		}
	case Pipeliner:
		return e
	}
	return nil
}

// asCommitter returns e as a Committer, counted as e is, or nil.
func asCommitter(e Executor) Committer {
	switch e := e.(type) {
	case countedExecutor:
		if c := asCommitter(e.Executor); c != nil {
			return countedCommitter{c, e.count}
		}
	case Committer:
		return e
	}
	return nil
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
	// JSONRows is an aggregate expression that gathers, over the rows of
	// its query, a JSON array of one array per row of the given columns
	// ('[]' for no row); json marks columns that already hold JSON.
	JSONRows(cols ...JSONCol) string
	// CombinesWrites reports whether a Tx holds back writes whose answers
	// are not needed at once and sends them as one statement (combine.go).
	CombinesWrites() bool
}

// JSONCol is a column of Dialect.JSONRows.
type JSONCol struct {
	Name string
	JSON bool
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

type countedPipeliner struct {
	Pipeliner
	count CountFunc
}

func (p countedPipeliner) QueryPipelined(ctx context.Context, queries []Query, read func(int, Rows) error) error {
	p.count(len(queries), 1)
	return p.Pipeliner.QueryPipelined(ctx, queries, read)
}

type countedCommitter struct {
	Committer
	count CountFunc
}

func (c countedCommitter) QueryRowCommit(ctx context.Context, dest []any, query string, args ...any) error {
	c.count(1, 1)
	return c.Committer.QueryRowCommit(ctx, dest, query, args...)
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

// SQLExecutor adapts a database/sql transaction to Executor. With Stmts
// set, statements are prepared once per connection and reused.
type SQLExecutor struct {
	Tx    *sql.Tx
	Stmts *StmtCache
}

// Exec implements Executor.
func (e SQLExecutor) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	var res sql.Result
	var err error
	if st := e.Stmts.get(ctx, query); st != nil {
		res, err = e.Tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	} else {
		res, err = e.Tx.ExecContext(ctx, query, args...)
	}
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Query implements Executor.
func (e SQLExecutor) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	var rows *sql.Rows
	var err error
	if st := e.Stmts.get(ctx, query); st != nil {
		rows, err = e.Tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	} else {
		rows, err = e.Tx.QueryContext(ctx, query, args...)
	}
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

// StmtCache holds prepared statements of one *sql.DB by query text.
// database/sql prepares each on a connection the first time a transaction
// of that connection runs it and keeps it there, so a statement is parsed
// once per connection instead of once per run. A statement is prepared
// after the transaction that first ran it (PrepareWanted): preparing takes
// a connection of the pool, and the writer's only one is the transaction's.
// Query texts are a fixed set but for lists, whose filters vary: at most
// maxStmts are kept, the rest run unprepared.
type StmtCache struct {
	db     *sql.DB
	mu     sync.Mutex
	m      map[string]*sql.Stmt
	wanted map[string]bool
}

// maxStmts bounds a StmtCache.
const maxStmts = 512

// NewStmtCache returns an empty cache of db's statements.
func NewStmtCache(db *sql.DB) *StmtCache {
	return &StmtCache{db: db, m: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
}

// get returns the prepared statement of query, or nil (c nil, or not
// prepared yet: it is then wanted).
func (c *StmtCache) get(_ context.Context, query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok {
		return st
	}
	if len(c.m)+len(c.wanted) < maxStmts {
		c.wanted[query] = true
	}
	return nil
}

// PrepareWanted prepares the statements transactions ran unprepared. Call
// it outside any transaction of the cache's DB. A statement that does not
// prepare is not asked for again.
func (c *StmtCache) PrepareWanted(ctx context.Context) {
	if c == nil {
		return
	}
	c.mu.Lock()
	if len(c.wanted) == 0 {
		c.mu.Unlock()
		return
	}
	var queries []string
	for q := range c.wanted {
		queries = append(queries, q)
	}
	clear(c.wanted)
	c.mu.Unlock()
	for _, q := range queries {
		st, err := c.db.PrepareContext(ctx, q)
		c.mu.Lock()
		if _, dup := c.m[q]; err == nil && !dup {
			c.m[q] = st
		} else if err == nil {
			_ = st.Close()
		} else {
			c.m[q] = nil // failed: run unprepared from now on
		}
		c.mu.Unlock()
	}
}

// Close closes the cached statements.
func (c *StmtCache) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for q, st := range c.m {
		if st != nil {
			errs = append(errs, st.Close())
		}
		delete(c.m, q)
	}
	return errors.Join(errs...)
}

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { _ = r.Rows.Close() }
