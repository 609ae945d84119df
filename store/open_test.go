package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/store"
)

func TestSQLitePath(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		url, path string
		ok        bool
	}{
		{"data/paydeck.db", "data/paydeck.db", true},
		{"sqlite://data/paydeck.db", "data/paydeck.db", true},
		{"sqlite:///var/lib/paydeck.db", "/var/lib/paydeck.db", true},
		{"file:/tmp/x.db?mode=rwc", "/tmp/x.db", true},
		{"", "", false},
		{"mysql://host/db", "mysql://host/db", false},
	} {
		t.Run(tc.url, func(t *testing.T) {
			t.Parallel()
			path, ok := store.SQLitePath(tc.url)
			require.Equal(t, tc.ok, ok)
			if ok {
				require.Equal(t, tc.path, path)
			}
		})
	}
}

func TestOpen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("SQLiteCreatesDirectories", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "a", "b", "paydeck.db")
		db, err := store.Open(ctx, "sqlite://"+path, store.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, db.Close()) })
		require.Equal(t, "sqlite", db.Engine())
		require.NoError(t, db.Ping(ctx))
		_, err = os.Stat(path)
		require.NoError(t, err)
		require.Error(t, db.StartJobs(ctx), "no workers configured")
	})
	t.Run("PostgresURL", func(t *testing.T) {
		t.Parallel()
		// Nothing listens on port 1: Open succeeds (the pool connects
		// lazily) and Ping reports the database unavailable.
		db, err := store.Open(ctx, "postgresql://postgres@127.0.0.1:1/x?connect_timeout=1", store.Options{})
		require.NoError(t, err)
		t.Cleanup(func() { require.NoError(t, db.Close()) })
		require.Equal(t, "postgres", db.Engine())
		require.Equal(t, paydeck.CodeUnavailable, paydeck.ErrorCode(db.Ping(ctx)))
	})
	t.Run("BadURL", func(t *testing.T) {
		t.Parallel()
		_, err := store.Open(ctx, "mysql://host/db", store.Options{})
		require.Equal(t, paydeck.CodeInvalid, paydeck.ErrorCode(err))
	})
}

// A URL Open cannot use is refused without repeating it: it may carry a
// password.
func TestOpenUnknownURLHidesCredentials(t *testing.T) {
	t.Parallel()
	_, err := store.Open(context.Background(), "mysql://shop:hunter2@db.example/shop", store.Options{})
	require.Error(t, err)
	require.Equal(t, paydeck.CodeInvalid, paydeck.ErrorCode(err))
	require.NotContains(t, err.Error(), "hunter2")
	require.Contains(t, err.Error(), "mysql")
}
