package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/paydeck/paydeck/store/internal/sqlcore"
)

// lazyTx is one transaction on a pooled connection whose BEGIN travels
// with its first statement, pipelined in one batch (pgx's Batch.BeginTx):
// one round trip where a Begin and then the statement take two. Every
// Update and View runs in one, so each transaction of a checkout saves a
// round trip; one that runs no statement sends nothing at all. After the
// first statement it is pgx's own transaction.
type lazyTx struct {
	conn *pgxpool.Conn
	opts pgx.TxOptions
	tx   pgx.Tx // nil until the first statement (or a job insert) began it
}

var _ sqlcore.Executor = (*lazyTx)(nil)

// begin takes a connection for a lazyTx with opts; release it.
func (db *DB) begin(ctx context.Context, opts pgx.TxOptions) (*lazyTx, error) {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, unavailable(err)
	}
	return &lazyTx{conn: conn, opts: opts}, nil
}

// first sends BEGIN and the first statement in one batch and returns the
// batch with the statement's result next to read (BEGIN's is read).
func (t *lazyTx) first(ctx context.Context, sql string, args []any) (pgx.BatchResults, error) {
	b := &pgx.Batch{}
	b.BeginTx(t.opts)
	b.Queue(sql, args...)
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
	br, err := t.first(ctx, sql, args)
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
	br, err := t.first(ctx, sql, args)
	if err != nil {
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		return nil, errors.Join(err, br.Close())
	}
	return &batchRows{Rows: rows, br: br}, nil
}

// pgxTx returns the transaction as pgx's, beginning it on its own if no
// statement did yet (River inserts jobs through it).
func (t *lazyTx) pgxTx(ctx context.Context) (pgx.Tx, error) {
	if t.tx == nil {
		tx, err := t.conn.BeginTx(ctx, t.opts)
		if err != nil {
			return nil, err
		}
		t.tx = tx
	}
	return t.tx, nil
}

// commit commits; a transaction that sent nothing has nothing to commit.
func (t *lazyTx) commit(ctx context.Context) error {
	if t.tx == nil {
		return nil
	}
	return t.tx.Commit(ctx)
}

// release rolls back what was not committed and gives the connection back
// to the pool.
func (t *lazyTx) release(ctx context.Context) {
	if t.tx != nil {
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
