package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/paydeck/paydeck/store/internal/sqlcore"
)

// lazyTx is one transaction on a pooled connection whose BEGIN travels
// with its first statement, pipelined in one batch (pgx's Batch.BeginTx):
// one round trip where a Begin and then the statement take two. Every
// Update and View runs in one, so each transaction of a checkout saves a
// round trip; one that runs no statement sends nothing at all. It also
// pipelines a row lock with the read after it (sqlcore.Pipeliner) and the
// last statement with the COMMIT (sqlcore.Committer).
type lazyTx struct {
	conn *pgxpool.Conn
	opts pgx.TxOptions
	tx   pgx.Tx // nil until the first statement (or a job insert) began it
	// ended: tx committed (or failed to), by commit or with the last
	// statement (QueryRowCommit); there is nothing to roll back.
	ended bool
	// count is told of the round trips a BEGIN, COMMIT or ROLLBACK takes
	// on its own (the statements count theirs through sqlcore.Counted).
	count sqlcore.CountFunc
}

var (
	_ sqlcore.Executor  = (*lazyTx)(nil)
	_ sqlcore.Pipeliner = (*lazyTx)(nil)
	_ sqlcore.Committer = (*lazyTx)(nil)
)

// begin takes a connection for a lazyTx with opts; release it.
func (db *DB) begin(ctx context.Context, opts pgx.TxOptions) (*lazyTx, error) {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, unavailable(err)
	}
	count := db.cfg.CountStatements
	if count == nil {
		count = func(int, int) {}
	}
	return &lazyTx{conn: conn, opts: opts, count: count}, nil
}

// send sends queries in one batch, led by the BEGIN when the transaction
// has not begun, and returns the batch with the first query's result next
// to read (BEGIN's is read).
func (t *lazyTx) send(ctx context.Context, queries ...sqlcore.Query) (pgx.BatchResults, error) {
	b := &pgx.Batch{}
	if t.tx == nil {
		b.BeginTx(t.opts)
	}
	for _, q := range queries {
		b.Queue(q.SQL, q.Args...)
	}
	if t.tx != nil {
		return t.tx.SendBatch(ctx, b), nil
	}
	br := t.conn.SendBatch(ctx, b)
	t.tx = br.Tx()
	if _, err := br.Exec(); err != nil {
		return nil, errors.Join(err, br.Close())
	}
	return br, nil
}

// Exec implements sqlcore.Executor.
func (t *lazyTx) Exec(ctx context.Context, sql string, args ...any) (int64, error) {
	if t.tx != nil {
		tag, err := t.tx.Exec(ctx, sql, args...)
		return tag.RowsAffected(), err
	}
	br, err := t.send(ctx, sqlcore.Query{SQL: sql, Args: args})
	if err != nil {
		return 0, err
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return tag.RowsAffected(), err
}

// Query implements sqlcore.Executor.
func (t *lazyTx) Query(ctx context.Context, sql string, args ...any) (sqlcore.Rows, error) {
	if t.tx != nil {
		return t.tx.Query(ctx, sql, args...)
	}
	br, err := t.send(ctx, sqlcore.Query{SQL: sql, Args: args})
	if err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		return nil, errors.Join(err, br.Close())
	}
	return &batchRows{Rows: rows, br: br}, nil
}

// QueryPipelined implements sqlcore.Pipeliner: one batch, one round trip.
func (t *lazyTx) QueryPipelined(ctx context.Context, queries []sqlcore.Query, read func(int, sqlcore.Rows) error) error {
	br, err := t.send(ctx, queries...)
	if err != nil {
		return err
	}
	for i := range queries {
		if err = readRows(br, func(r sqlcore.Rows) error { return read(i, r) }); err != nil {
			break
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return err
}

// readRows reads the batch's next result as rows and hands them to read.
func readRows(br pgx.BatchResults, read func(sqlcore.Rows) error) error {
	rows, err := br.Query()
	return sqlcore.ReadRows(rows, err, read)
}

// QueryRowCommit implements sqlcore.Committer: the statement and the
// COMMIT go in one batch, which pgx ends with a single Sync, so a
// statement the server refuses makes it skip the COMMIT.
func (t *lazyTx) QueryRowCommit(ctx context.Context, dest []any, sql string, args ...any) error {
	br, err := t.send(ctx, sqlcore.Query{SQL: sql, Args: args}, sqlcore.Query{SQL: "commit"})
	if err != nil {
		return unlessRefused(err)
	}
	if err := br.QueryRow().Scan(dest...); err != nil {
		return unlessRefused(errors.Join(err, br.Close()))
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err == nil && tag.String() != "COMMIT" {
		err = pgx.ErrTxCommitRollback
	}
	if err != nil {
		return &sqlcore.CommitError{Err: err}
	}
	t.ended = true
	return nil
}

// unlessRefused returns err as it is when the server refused a statement
// (nothing after it in the batch ran, the COMMIT included), and as a
// CommitError otherwise: a broken connection may have lost the answer of
// a commit that happened.
func unlessRefused(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return err
	}
	return &sqlcore.CommitError{Err: err}
}

// pgxTx returns the transaction as pgx's, beginning it on its own if no
// statement did yet (River inserts jobs through it).
func (t *lazyTx) pgxTx(ctx context.Context) (pgx.Tx, error) {
	if t.tx == nil {
		t.count(0, 1)
		tx, err := t.conn.BeginTx(ctx, t.opts)
		if err != nil {
			return nil, err
		}
		t.tx = tx
	}
	return t.tx, nil
}

// commit commits; a transaction that sent nothing, or whose last
// statement carried its COMMIT, has nothing to commit.
func (t *lazyTx) commit(ctx context.Context) error {
	if t.tx == nil || t.ended {
		return nil
	}
	t.count(0, 1)
	t.ended = true // pgx closes tx whatever the outcome
	return t.tx.Commit(ctx)
}

// release rolls back what was not committed and gives the connection back
// to the pool.
func (t *lazyTx) release(ctx context.Context) {
	if t.tx != nil && !t.ended {
		t.count(0, 1)
		_ = t.tx.Rollback(context.WithoutCancel(ctx))
	}
	t.conn.Release()
}

// batchRows are the rows of a batch's last statement: closing them closes
// the batch, after which the transaction is usable.
type batchRows struct {
	pgx.Rows
	br     pgx.BatchResults
	closed bool
	err    error // the batch's, when the rows had none
}

func (r *batchRows) Close() {
	if r.closed {
		return
	}
	r.closed = true
	r.Rows.Close()
	r.err = r.br.Close()
}

func (r *batchRows) Err() error {
	if err := r.Rows.Err(); err != nil || !r.closed {
		return err
	}
	return r.err
}
