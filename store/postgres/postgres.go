package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/store/internal/sqlcore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// maxAttempts bounds the runs of one Update after serialization failures
// and deadlocks.
const maxAttempts = 5

// DB is a paydeck store on PostgreSQL.
type DB struct {
	pool *pgxpool.Pool
	cfg  sqlcore.Config
	jobs *river.Client[pgx.Tx]
	sqlcore.JobRunner
}

// Open connects a pool to the database at url (a postgres:// URL or DSN).
// It does not migrate; call Migrate.
func Open(ctx context.Context, url string, cfg sqlcore.Config) (*DB, error) {
	cfg = cfg.WithDefaults()
	pc, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, paydeck.Errorf(paydeck.CodeInvalid, "The PostgreSQL URL is not valid.")
	}
	if cfg.Schema != "" {
		pc.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{cfg.Schema}.Sanitize()
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	jobs, err := river.NewClient(riverpgxv5.New(pool), cfg.RiverConfig())
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("create job client: %w", err)
	}
	return &DB{pool: pool, cfg: cfg, jobs: jobs,
		JobRunner: sqlcore.JobRunner{Engine: "postgres", Client: jobs, HasWorkers: cfg.Workers != nil}}, nil
}

// Engine returns "postgres".
func (db *DB) Engine() string { return "postgres" }

// Migrate applies paydeck's pending migrations (in one transaction) and then
// River's (River runs each of its versions in its own transaction, as some
// cannot share one). A session advisory lock on the schema, held throughout,
// keeps instances that start at once from migrating together.
func (db *DB) Migrate(ctx context.Context) error {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return unavailable(err)
	}
	defer conn.Release()
	const key = `hashtext('paydeck.migrate.' || current_schema())`
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(`+key+`)`); err != nil {
		return fmt.Errorf("lock migrations: %w", err)
	}
	defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+key+`)`) }()
	tx, err := conn.Begin(ctx)
	if err != nil {
		return unavailable(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if err := sqlcore.Migrate(ctx, executor{tx}, dialect{}, migrations, db.cfg.Now()); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit migrations: %w", err)
	}
	migrator, err := rivermigrate.New(riverpgxv5.New(db.pool), &rivermigrate.Config{Schema: db.cfg.Schema})
	if err != nil {
		return err
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrate river: %w", err)
	}
	return nil
}

// Update implements paydeck.Store, running fn again (up to 5 runs in all)
// after a serialization failure or deadlock, and once more with each write
// sent on its own when a statement of combined writes failed (sqlcore's
// combine.go), so that fn meets the error where the write was made.
func (db *DB) Update(ctx context.Context, fn func(tx paydeck.Tx) error) error {
	separate := false
	for attempt := 1; ; attempt++ {
		flushFailed, err := db.update(ctx, fn, separate)
		if attempt < maxAttempts && ctx.Err() == nil {
			switch {
			case flushFailed && !separate:
				db.cfg.Logger.DebugContext(ctx, "combined writes failed; running the transaction with separate writes", "error", err)
				separate = true
				continue
			case retryable(err):
				db.cfg.Logger.DebugContext(ctx, "retrying transaction", "attempt", attempt, "error", err)
				continue
			}
		}
		return err
	}
}

// update runs fn in one transaction; flushFailed reports a failed
// statement of combined writes, after which it did not commit.
func (db *DB) update(ctx context.Context, fn func(tx paydeck.Tx) error, separate bool) (flushFailed bool, err error) {
	tx, err := db.begin(ctx, pgx.TxOptions{})
	if err != nil {
		return false, err
	}
	defer tx.release(ctx)
	enqueue := func(ctx context.Context, args paydeck.JobArgs, opts *paydeck.JobOptions) error {
		ptx, err := tx.pgxTx(ctx)
		if err != nil {
			return err
		}
		_, err = db.jobs.InsertTx(ctx, ptx, args, sqlcore.InsertOpts(opts))
		return err
	}
	stx := sqlcore.NewTx(sqlcore.Counted(tx, db.cfg.CountStatements), dialect{}, db.cfg.Now(),
		sqlcore.CountedEnqueue(enqueue, db.cfg.CountStatements))
	if separate {
		stx.Separate()
	}
	err = fn(stx)
	if err != nil && !stx.FlushFailed() {
		// fn may have failed on what it read of writes still held back
		// (a new payment taken as kept): they decide which error stands.
		_ = stx.Flush(ctx)
	}
	if err == nil {
		err = stx.RunEventHook(ctx, db.cfg.EventHook)
	}
	if err != nil || stx.FlushFailed() {
		return stx.FlushFailed(), err
	}
	// The last held writes carry the COMMIT where there are any.
	committed, err := stx.FlushCommit(ctx)
	if err != nil {
		return stx.FlushFailed(), err
	}
	if !committed {
		if err := tx.commit(ctx); err != nil {
			return false, fmt.Errorf("commit: %w", err)
		}
	}
	return false, nil
}

// retryable reports a serialization failure or deadlock.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// View implements paydeck.Store in a READ ONLY, REPEATABLE READ transaction.
func (db *DB) View(ctx context.Context, fn func(tx paydeck.Tx) error) error {
	tx, err := db.begin(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer tx.release(ctx)
	return fn(sqlcore.NewReadTx(sqlcore.Counted(tx, db.cfg.CountStatements), dialect{}, db.cfg.Now()))
}

// Ping implements paydeck.Store.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return unavailable(err)
	}
	return nil
}

// JobsUI implements store.DB.
func (db *DB) JobsUI(ctx context.Context, prefix string) (http.Handler, error) {
	return sqlcore.NewJobsUI(ctx, db.jobs, prefix, db.cfg.Logger)
}

// Jobs implements store.DB.
func (db *DB) Jobs(ctx context.Context, states []string, limit int) ([]paydeck.Job, error) {
	return sqlcore.ListJobs(ctx, db.jobs, states, limit)
}

// Size implements store.DB.
func (db *DB) Size(ctx context.Context) (int64, error) {
	var n int64
	err := db.pool.QueryRow(ctx, `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint
		FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
		WHERE ns.nspname = current_schema() AND c.relkind IN ('r', 'm')`).Scan(&n)
	if err != nil {
		return 0, unavailable(err)
	}
	return n, nil
}

// Close implements paydeck.Store.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// unavailable reports a database that cannot be reached or used.
func unavailable(err error) error {
	return fmt.Errorf("%w: %w", paydeck.Errorf(paydeck.CodeUnavailable, "The database is unavailable."), err)
}

// executor adapts pgx.Tx to sqlcore.Executor.
type executor struct{ tx pgx.Tx }

func (e executor) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := e.tx.Exec(ctx, query, args...)
	return tag.RowsAffected(), err
}

func (e executor) Query(ctx context.Context, query string, args ...any) (sqlcore.Rows, error) {
	return e.tx.Query(ctx, query, args...)
}

// dialect is PostgreSQL's sqlcore.Dialect.
type dialect struct{}

func (dialect) Rebind(query string) string { return sqlcore.RebindDollar(query) }
func (dialect) ForUpdate() string          { return " FOR UPDATE" }
func (dialect) Time(t time.Time) any       { return t }
func (dialect) CombinesWrites() bool       { return true }

func (dialect) JSONRows(cols ...sqlcore.JSONCol) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return "COALESCE(json_agg(json_build_array(" + strings.Join(names, ", ") + ")), '[]')"
}

func (dialect) Violation(err error) sqlcore.Violation {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return sqlcore.NoViolation
	}
	switch pe.Code {
	case "23505":
		return sqlcore.UniqueViolation
	case "23503":
		return sqlcore.ForeignKeyViolation
	case "23514", "23502":
		return sqlcore.CheckViolation
	}
	return sqlcore.NoViolation
}
