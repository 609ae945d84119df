package apptest

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/store"
	"github.com/paydeck/paydeck/store/storetest"
)

// A migrated SQLite database, made once per test binary: migrating takes
// seconds under -race, copying a file milliseconds.
var template struct {
	once sync.Once
	path string
	err  error
}

// newStore returns a fresh migrated store of the engine opened with opts;
// SQLite stores start as a copy of the template.
func newStore(t testing.TB, engine string, opts store.Options) store.DB {
	t.Helper()
	if engine != "sqlite" {
		return storetest.NewWith(t, engine, opts)
	}
	template.once.Do(func() { template.path, template.err = makeTemplate() })
	require.NoError(t, template.err, "migrate the SQLite template")
	path := filepath.Join(t.TempDir(), "paydeck.db")
	require.NoError(t, copyFile(template.path, path))
	db, err := store.Open(context.Background(), path, opts)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, db.StopJobs(ctx))
		require.NoError(t, db.Close())
	})
	require.NoError(t, db.Migrate(context.Background())) // a no-op check
	return db
}

func makeTemplate() (string, error) {
	dir, err := os.MkdirTemp("", "paydeck-apptest-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "template.db")
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		return "", err
	}
	if err := db.Migrate(context.Background()); err != nil {
		db.Close()
		return "", err
	}
	return path, db.Close()
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
