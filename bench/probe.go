package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "modernc.org/sqlite" // the SQLite driver paydeck's store uses
)

// ProbeResult is the database's own single-row commit rate.
type ProbeResult struct {
	Engine           string
	Writers          int
	Commits          int
	CommitsPerSecond float64
}

// probeTable is created for the probe and dropped after it.
const probeTable = "paydeck_bench_commit_probe"

// statsFlushWait is how long PostgreSQL backends may keep their
// transaction counts before publishing them to pg_stat_database (an idle
// backend flushes within PGSTAT_IDLE_INTERVAL, 10 s).
const statsFlushWait = 11 * time.Second

func isPostgres(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// probeCommits inserts one row per transaction for d and returns the rate.
// PostgreSQL runs writers concurrent writers (commits are grouped in the
// WAL); SQLite has one writer, as paydeck's store does, with the store's
// pragmas (WAL, synchronous=FULL).
func probeCommits(ctx context.Context, url string, writers int, d time.Duration) (*ProbeResult, error) {
	if isPostgres(url) {
		return probePostgres(ctx, url, writers, d)
	}
	path, ok := sqliteFile(url)
	if !ok {
		return nil, errors.New("bench: --commit-probe: not a PostgreSQL URL or SQLite path")
	}
	return probeSQLite(ctx, path, d)
}

// sqliteFile returns the file named by a SQLite database URL in the forms
// PAYDECK_DATABASE_URL accepts ("sqlite://path", "file:path" or a plain
// path). The tool reads the URL itself: it speaks to paydeck over HTTP and
// to the database only through its probe's own driver.
func sqliteFile(url string) (string, bool) {
	path := url
	if p, ok := strings.CutPrefix(path, "sqlite://"); ok {
		path = p
	} else if p, ok := strings.CutPrefix(path, "file:"); ok {
		path = p
	}
	path, _, _ = strings.Cut(path, "?")
	return path, path != "" && !strings.Contains(path, "://")
}

func probePostgres(ctx context.Context, url string, writers int, d time.Duration) (*ProbeResult, error) {
	insert, closeDB, err := openScratchTable(ctx, url, probeTable, 0)
	if err != nil {
		return nil, fmt.Errorf("bench: commit probe: %w", err)
	}
	defer closeDB()
	n, err := loop(ctx, writers, d, insert)
	if err != nil {
		return nil, err
	}
	return &ProbeResult{Engine: "postgres", Writers: writers, Commits: n, CommitsPerSecond: float64(n) / d.Seconds()}, nil
}

func probeSQLite(ctx context.Context, path string, d time.Duration) (*ProbeResult, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("bench: commit probe: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS "+probeTable+" (id INTEGER PRIMARY KEY, at INTEGER NOT NULL)"); err != nil {
		return nil, fmt.Errorf("bench: commit probe: %w", err)
	}
	defer func() { _, _ = db.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+probeTable) }()
	n, err := loop(ctx, 1, d, func(ctx context.Context) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+probeTable+" (at) VALUES (?)", time.Now().UnixNano()); err != nil {
			_ = tx.Rollback()
			return err
		}
		return tx.Commit()
	})
	if err != nil {
		return nil, err
	}
	return &ProbeResult{Engine: "sqlite", Writers: 1, Commits: n, CommitsPerSecond: float64(n) / d.Seconds()}, nil
}

// openScratchTable connects to the PostgreSQL database at url (a pool of
// at most maxConns connections; 0 keeps pgxpool's default) and creates
// table; insert commits one row, closeDB drops the table and closes.
func openScratchTable(ctx context.Context, url, table string, maxConns int32) (insert func(context.Context) error, closeDB func(), err error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, nil, err
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	if _, err := pool.Exec(ctx, "CREATE TABLE IF NOT EXISTS "+table+" (id bigserial PRIMARY KEY, at timestamptz NOT NULL)"); err != nil {
		pool.Close()
		return nil, nil, err
	}
	return func(ctx context.Context) error {
			_, err := pool.Exec(ctx, "INSERT INTO "+table+" (at) VALUES (now())")
			return err
		}, func() {
			_, _ = pool.Exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+table)
			pool.Close()
		}, nil
}

// loop runs fn from writers goroutines for d and counts the successes.
func loop(ctx context.Context, writers int, d time.Duration, fn func(context.Context) error) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var n atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for ctx.Err() == nil {
				if err := fn(ctx); err != nil {
					if ctx.Err() == nil {
						once.Do(func() { first = err; cancel() })
					}
					return
				}
				n.Add(1)
			}
		})
	}
	wg.Wait()
	if first != nil {
		return 0, fmt.Errorf("bench: commit probe: %w", first)
	}
	return int(n.Load()), nil
}

// txCounts are PostgreSQL's transaction counters at one moment.
type txCounts struct {
	// Commits is pg_stat_database.xact_commit of the database: every
	// committed transaction, read-only ones included.
	Commits int64
	// XID is the cluster's next transaction ID: it advances once per
	// transaction that wrote (in any database of the cluster).
	XID int64
}

// countTx reads the counters of the PostgreSQL database at url.
func countTx(ctx context.Context, url string) (txCounts, error) {
	var c txCounts
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return c, err
	}
	defer pool.Close()
	err = pool.QueryRow(ctx, "SELECT xact_commit, pg_current_xact_id()::text::bigint FROM pg_stat_database WHERE datname = current_database()").
		Scan(&c.Commits, &c.XID)
	return c, err
}
