package storetest

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/store"
)

// sqliteTemplate holds the files of a migrated SQLite database, made once per
// test process: copying them is far cheaper than migrating (modernc.org/sqlite
// is slow under -race, where a migration takes seconds).
var sqliteTemplate struct {
	once  sync.Once
	files map[string][]byte // file-name suffix ("", "-wal") → content
	err   error
}

// makeSQLiteTemplate migrates a database in a temporary directory and keeps
// its files in memory.
func makeSQLiteTemplate() (map[string][]byte, error) {
	dir, err := os.MkdirTemp("", "paydeck-storetest-")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	path := filepath.Join(dir, "paydeck.db")
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(context.Background()); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(path + suffix)
		if os.IsNotExist(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		files[suffix] = b
	}
	return files, nil
}

// newSQLitePath writes a copy of the migrated template into a fresh
// temporary directory and returns the database path.
func newSQLitePath(t testing.TB) string {
	t.Helper()
	sqliteTemplate.once.Do(func() { sqliteTemplate.files, sqliteTemplate.err = makeSQLiteTemplate() })
	require.NoError(t, sqliteTemplate.err, "migrate the SQLite template")
	path := filepath.Join(t.TempDir(), "paydeck.db")
	for suffix, b := range sqliteTemplate.files {
		require.NoError(t, os.WriteFile(path+suffix, b, 0o600))
	}
	return path
}
