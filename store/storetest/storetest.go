package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/store"
)

// EnvDatabaseURL names the environment variable with the PostgreSQL test
// database URL.
const EnvDatabaseURL = "PAYDECK_TEST_DATABASE_URL"

// Engines lists the store engines, as store.DB.Engine names them.
var Engines = []string{"sqlite", "postgres"}

// New returns a fresh, migrated, isolated store of the engine ("sqlite" or
// "postgres") with default options, closed (and, on PostgreSQL, dropped) at
// t's cleanup.
func New(t testing.TB, engine string) store.DB {
	t.Helper()
	return NewWith(t, engine, store.Options{})
}

// NewWith is New with options (workers, clock, ...). opts.Schema is set by
// NewWith on PostgreSQL. Jobs started on the store are stopped at cleanup.
func NewWith(t testing.TB, engine string, opts store.Options) store.DB {
	t.Helper()
	var url string
	switch engine {
	case "sqlite":
		url = newSQLitePath(t)
	case "postgres":
		url = PostgresURL(t)
		opts.Schema = newSchema(t, url)
		// Test data need not survive a crash: skip the commit flush.
		url += map[bool]string{true: "&", false: "?"}[strings.Contains(url, "?")] + "synchronous_commit=off"
	default:
		t.Fatalf("storetest: unknown engine %q", engine)
	}
	db, err := store.Open(context.Background(), url, opts)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, db.StopJobs(ctx))
		require.NoError(t, db.Close())
	})
	require.NoError(t, db.Migrate(context.Background()))
	return db
}

// EachEngine runs fn in parallel subtests "sqlite" and "postgres", each with
// a fresh store from New.
func EachEngine(t *testing.T, fn func(t *testing.T, db store.DB)) {
	t.Helper()
	for _, engine := range Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			fn(t, New(t, engine))
		})
	}
}

// PostgresURL returns the PostgreSQL test database URL. Without one it skips
// t, or fails it when CI=true.
func PostgresURL(t testing.TB) string {
	t.Helper()
	url := os.Getenv(EnvDatabaseURL)
	if url == "" {
		const how = "PostgreSQL tests need a database: export " + EnvDatabaseURL +
			"=postgres://postgres@127.0.0.1:5432/paydeck_test?sslmode=disable"
		if os.Getenv("CI") == "true" {
			t.Fatal(how + " (CI=true: PostgreSQL tests must not be skipped)")
		}
		t.Skip(how)
	}
	return url
}

var (
	adminMu    sync.Mutex
	adminPools = map[string]*pgxpool.Pool{}
)

// adminPool returns a process-wide pool for creating and dropping schemas.
func adminPool(t testing.TB, url string) *pgxpool.Pool {
	t.Helper()
	adminMu.Lock()
	defer adminMu.Unlock()
	if p := adminPools[url]; p != nil {
		return p
	}
	p, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	adminPools[url] = p
	return p
}

// newSchema creates a uniquely named schema and drops it at t's cleanup.
func newSchema(t testing.TB, url string) string {
	t.Helper()
	var b [6]byte
	_, err := rand.Read(b[:])
	require.NoError(t, err)
	schema := "paydeck_test_" + hex.EncodeToString(b[:])
	pool := adminPool(t, url)
	_, err = pool.Exec(context.Background(), "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize())
	require.NoError(t, err, "create test schema (is PostgreSQL at %s reachable?)", url)
	t.Cleanup(func() {
		_, err := pool.Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
		require.NoError(t, err)
	})
	return schema
}

// MustUpdate runs fn in db.Update and fails t on error.
func MustUpdate(t testing.TB, db paydeck.Store, fn func(tx paydeck.Tx) error) {
	t.Helper()
	require.NoError(t, db.Update(context.Background(), fn))
}

// MustView runs fn in db.View and fails t on error.
func MustView(t testing.TB, db paydeck.Store, fn func(tx paydeck.Tx) error) {
	t.Helper()
	require.NoError(t, db.View(context.Background(), fn))
}
