package store

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/store/internal/sqlcore"
	"github.com/paydeck/paydeck/store/postgres"
	"github.com/paydeck/paydeck/store/sqlite"
)

// Options configure Open. The zero value works: no logs, the system clock,
// an insert-only job client.
type Options struct {
	// Logger receives the store's and River's logs; nil discards them.
	Logger *slog.Logger
	// Now is the clock behind Tx.Now; nil means time.Now.
	Now func() time.Time
	// Workers are the River workers. Workers may be added to it after Open
	// and before StartJobs (workers usually need the store). With Workers
	// set, Enqueue refuses job kinds that have no worker; nil gives an
	// insert-only job client that accepts any kind and cannot StartJobs.
	Workers *river.Workers
	// MaxWorkers is the number of jobs worked at once; 0 means 10.
	MaxWorkers int
	// PeriodicJobs are River periodic jobs (e.g. expiry sweeps), started
	// with StartJobs.
	PeriodicJobs []*river.PeriodicJob
	// JobFetchPoll is how often River polls for new jobs; 0 keeps River's
	// default (1 s). Tests use a few milliseconds.
	JobFetchPoll time.Duration
	// Schema is the PostgreSQL schema holding paydeck's and River's tables;
	// "" uses the connection's search_path. The schema must exist. Ignored
	// by SQLite.
	Schema string
	// RescueStuckJobsAfter is how long a job may run before River treats it
	// as stuck (its worker died) and retries it; 0 keeps River's 1 h. It
	// must be at least River's 1 min job timeout.
	RescueStuckJobsAfter time.Duration
	// EventHook runs inside every Update that appended audit events, after
	// its callback and before the commit (outbound events use it); nil
	// means none.
	EventHook paydeck.EventHook
	// CountStatements, when set, is called for the SQL statements paydeck's
	// own transactions send, with how many they were and the round trips
	// they took (a pipelined batch is one). On PostgreSQL a BEGIN, COMMIT
	// or ROLLBACK sent on its own counts as a round trip of no statement
	// (a BEGIN travels with the first statement, a COMMIT with the last
	// writes held back, where there are any); SQLite's have no round trip
	// and are not counted. Each job inserted through Tx.Enqueue counts as
	// one statement, River's own work (fetching, completing jobs) not at all.
	CountStatements func(statements, roundTrips int)
}

// DB is an open store.
type DB interface {
	paydeck.Store
	// Migrate brings paydeck's tables and River's up to date. It is safe to
	// call at every start, also from several instances at once on
	// PostgreSQL.
	Migrate(ctx context.Context) error
	// StartJobs starts working jobs (Options.Workers, Options.PeriodicJobs)
	// until StopJobs or until ctx ends. It fails when Options.Workers is nil.
	StartJobs(ctx context.Context) error
	// StopJobs lets running jobs finish (until ctx ends) and stops working
	// jobs. It does nothing when jobs were not started. Call it before Close.
	StopJobs(ctx context.Context) error
	// Engine is "sqlite" or "postgres".
	Engine() string
	// JobsUI returns River UI for this store's jobs, serving under prefix
	// (e.g. "/admin/jobs"), its background services running until ctx is
	// done. It has no access control: mount it behind admin auth.
	JobsUI(ctx context.Context, prefix string) (http.Handler, error)
	// Jobs returns up to limit jobs in any of states (paydeck.JobRetryable,
	// …; none means all), most recent first, for the admin's job page.
	Jobs(ctx context.Context, states []string, limit int) ([]paydeck.Job, error)
	// Size returns the bytes the data takes: on SQLite the database's pages
	// (as the file will be once checkpointed), on PostgreSQL the tables of
	// the schema with their indexes and TOAST.
	Size(ctx context.Context) (int64, error)
}

// Open opens the database at databaseURL without migrating it:
//   - "postgres://…" or "postgresql://…": PostgreSQL;
//   - "sqlite://path", "file:path" or a plain path: a SQLite file, created
//     with its parent directories when missing ("sqlite:///abs/x.db" is an
//     absolute path, "sqlite://data/x.db" a relative one).
func Open(ctx context.Context, databaseURL string, opts Options) (DB, error) {
	cfg := sqlcore.Config{Logger: opts.Logger, Now: opts.Now, Workers: opts.Workers, MaxWorkers: opts.MaxWorkers,
		PeriodicJobs: opts.PeriodicJobs, FetchPollInterval: opts.JobFetchPoll, Schema: opts.Schema,
		EventHook: opts.EventHook, RescueStuckJobsAfter: opts.RescueStuckJobsAfter,
		CountStatements: opts.CountStatements}
	if strings.HasPrefix(databaseURL, "postgres://") || strings.HasPrefix(databaseURL, "postgresql://") {
		db, err := postgres.Open(ctx, databaseURL, cfg)
		if err != nil {
			return nil, err
		}
		return db, nil
	}
	path, ok := SQLitePath(databaseURL)
	if !ok {
		// Name only the scheme: the rest of a URL may hold a password.
		scheme, _, _ := strings.Cut(databaseURL, "://")
		return nil, paydeck.Errorf(paydeck.CodeInvalid, "The database URL (scheme %q) is not a PostgreSQL URL or a SQLite path.", scheme)
	}
	db, err := sqlite.Open(ctx, path, cfg)
	if err != nil {
		return nil, err
	}
	return db, nil
}

// SQLitePath returns the file path named by a SQLite database URL (see
// Open) and false when the URL names no path.
func SQLitePath(databaseURL string) (string, bool) {
	path := databaseURL
	switch {
	case strings.HasPrefix(path, "sqlite://"):
		path = strings.TrimPrefix(path, "sqlite://")
	case strings.HasPrefix(path, "file:"):
		path = strings.TrimPrefix(path, "file:")
	}
	path, _, _ = strings.Cut(path, "?")
	return path, path != "" && !strings.Contains(path, "://")
}
