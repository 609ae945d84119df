package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/store/internal/sqlcore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// busyTimeoutMS is how long a connection waits for a lock held by another
// process before failing with SQLITE_BUSY.
const busyTimeoutMS = 10000

// DB is a paydeck store on one SQLite file.
type DB struct {
	writer *sql.DB
	reader *sql.DB
	// writes and reads are the writer's and readers' prepared statements.
	writes, reads *sqlcore.StmtCache
	cfg           sqlcore.Config
	jobs          *river.Client[*sql.Tx]
	writers       writers
	checkpoints   *checkpointer
	sqlcore.JobRunner
}

// Open opens (creating it and its parent directories if needed) the SQLite
// database at path. It does not migrate; call Migrate.
func Open(ctx context.Context, path string, cfg sqlcore.Config) (*DB, error) {
	cfg = cfg.WithDefaults()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create database directory: %w", err)
	}
	// temp_store=MEMORY keeps the savepoint journal of a commit group (see
	// writeGroup) in memory: with the default, once it outgrows 64 KiB
	// SQLite writes each page it journals to a temporary file, two pwrite
	// calls a page, inside the writer's turn (7 % of the process's CPU at
	// the checkout peak). Sorts of the readers' queries stay in memory too.
	pragmas := fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)&_pragma=temp_store(2)", busyTimeoutMS)
	writer, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate"+
		fmt.Sprintf("&_pragma=wal_autocheckpoint(%d)", backstopPages)) // see checkpointer
	if err != nil {
		return nil, err
	}
	writer.SetMaxOpenConns(1)
	// The writer creates the file and switches it to WAL before any reader
	// connects.
	if err := writer.PingContext(ctx); err != nil {
		_ = writer.Close()
		return nil, paydeck.Errorf(paydeck.CodeUnavailable, "The database at %s cannot be opened.", path)
	}
	reader, err := sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		_ = writer.Close()
		return nil, err
	}
	// Every reader stays open: database/sql keeps two idle connections by
	// default, so under load it closed the others after each View, and the
	// next opened a connection again and prepared its statements on it (4 %
	// of the process's CPU at the checkout peak, issue 18).
	readers := max(4, runtime.NumCPU())
	reader.SetMaxOpenConns(readers)
	reader.SetMaxIdleConns(readers)
	jobs, err := river.NewClient(riversqlite.New(writer), cfg.RiverConfig())
	if err != nil {
		_ = writer.Close()
		_ = reader.Close()
		return nil, fmt.Errorf("create job client: %w", err)
	}
	db := &DB{writer: writer, reader: reader, cfg: cfg, jobs: jobs,
		writes: sqlcore.NewStmtCache(writer), reads: sqlcore.NewStmtCache(reader),
		JobRunner: sqlcore.JobRunner{Engine: "sqlite", Client: jobs, HasWorkers: cfg.Workers != nil}}
	if db.checkpoints, err = startCheckpointer("file:"+path+"?"+pragmas, &db.writers.commits, cfg.Logger); err != nil {
		_ = writer.Close()
		_ = reader.Close()
		return nil, err
	}
	return db, nil
}

// Engine returns "sqlite".
func (db *DB) Engine() string { return "sqlite" }

// Migrate applies paydeck's pending migrations and River's in one write
// transaction.
func (db *DB) Migrate(ctx context.Context) error {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin migration: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if err := sqlcore.Migrate(ctx, sqlcore.SQLExecutor{Tx: tx}, dialect{}, migrations, db.cfg.Now()); err != nil {
		return err
	}
	migrator, err := rivermigrate.New(riversqlite.New(db.writer), nil)
	if err != nil {
		return err
	}
	if _, err := migrator.MigrateTx(ctx, tx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrate river: %w", err)
	}
	return tx.Commit()
}

// Update implements paydeck.Store. fn runs once, on the caller's
// goroutine: write transactions are serialized by the single writer
// connection, and their commits grouped (see writeGroup).
func (db *DB) Update(ctx context.Context, fn func(tx paydeck.Tx) error) error {
	begin := func() (*sql.Tx, error) { return db.writer.BeginTx(context.WithoutCancel(ctx), nil) }
	run := func(tx *sql.Tx) error {
		enqueue := func(ctx context.Context, args paydeck.JobArgs, opts *paydeck.JobOptions) error {
			ctx, err := steadyContext(ctx)
			if err != nil {
				return err
			}
			_, err = db.jobs.InsertTx(ctx, tx, args, sqlcore.InsertOpts(opts))
			return err
		}
		stx := sqlcore.NewTx(sqlcore.Counted(steady{sqlcore.SQLExecutor{Tx: tx, Stmts: db.writes}}, db.cfg.CountStatements), dialect{},
			db.cfg.Now(), sqlcore.CountedEnqueue(enqueue, db.cfg.CountStatements))
		if err := fn(stx); err != nil {
			return err
		}
		return stx.RunEventHook(ctx, db.cfg.EventHook)
	}
	// The statements wanted prepared are prepared once the connection is
	// free again, after the commit.
	prepare := func() { db.writes.PrepareWanted(context.WithoutCancel(ctx)) }
	return db.writers.update(ctx, begin, run, prepare)
}

// WriterStats returns how long the writer's turn has been held since the
// store opened (statements, hooks and commits of every Update, one at a
// time) and how many SQLite transactions it committed (a commit group is
// one). The first, over a run's wall time, is how busy the one writer was.
func (db *DB) WriterStats() (busy time.Duration, commits int64) {
	return time.Duration(db.writers.busy.Load()), db.writers.commits.Load()
}

// View implements paydeck.Store on a read-only connection.
func (db *DB) View(ctx context.Context, fn func(tx paydeck.Tx) error) error {
	tx, err := db.reader.BeginTx(ctx, nil)
	if err != nil {
		return unavailable(err)
	}
	defer db.reads.PrepareWanted(context.WithoutCancel(ctx)) // after the rollback (see Update)
	defer func() { _ = tx.Rollback() }()
	return fn(sqlcore.NewReadTx(sqlcore.Counted(sqlcore.SQLExecutor{Tx: tx, Stmts: db.reads}, db.cfg.CountStatements), dialect{}, db.cfg.Now()))
}

// Ping implements paydeck.Store.
func (db *DB) Ping(ctx context.Context) error {
	if _, err := db.reader.ExecContext(ctx, "SELECT 1"); err != nil {
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
	err := db.reader.QueryRowContext(ctx,
		`SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()`).Scan(&n)
	if err != nil {
		return 0, unavailable(err)
	}
	return n, nil
}

// Close implements paydeck.Store.
func (db *DB) Close() error {
	return errors.Join(db.checkpoints.Close(), db.reads.Close(), db.writes.Close(), db.reader.Close(), db.writer.Close())
}

// unavailable reports a database that cannot be reached or used.
func unavailable(err error) error {
	return fmt.Errorf("%w: %w", paydeck.Errorf(paydeck.CodeUnavailable, "The database is unavailable."), err)
}

// dialect is SQLite's sqlcore.Dialect.
type dialect struct{}

func (dialect) Rebind(query string) string { return query }
func (dialect) ForUpdate() string          { return "" }
func (dialect) Time(t time.Time) any       { return t.UnixMicro() }

// CombinesWrites is false: a statement costs SQLite no round trip, and it
// has no data-modifying CTEs.
func (dialect) CombinesWrites() bool { return false }

func (dialect) JSONRows(cols ...sqlcore.JSONCol) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
		if c.JSON {
			names[i] = "json(" + c.Name + ")"
		}
	}
	return "json_group_array(json_array(" + strings.Join(names, ", ") + "))"
}

func (dialect) Violation(err error) sqlcore.Violation {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return sqlcore.NoViolation
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return sqlcore.UniqueViolation
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return sqlcore.ForeignKeyViolation
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return sqlcore.CheckViolation
	}
	return sqlcore.NoViolation
}
