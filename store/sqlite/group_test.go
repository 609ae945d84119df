package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/store/internal/sqlcore"
)

func openScratch(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "group.db"), sqlcore.Config{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	_, err = db.writer.Exec(`CREATE TABLE scratch (name TEXT PRIMARY KEY)`)
	require.NoError(t, err)
	return db
}

// put runs one grouped update inserting name; then, per how, it returns an
// error, panics or succeeds.
func put(db *DB, name, how string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panicked: %v", r)
		}
	}()
	return db.writers.update(context.Background(),
		func() (*sql.Tx, error) { return db.writer.BeginTx(context.Background(), nil) },
		func(tx *sql.Tx) error {
			if _, err := tx.Exec(`INSERT INTO scratch (name) VALUES (?)`, name); err != nil {
				return err
			}
			switch how {
			case "fail":
				return errors.New("refused after writing")
			case "panic":
				panic("after writing")
			}
			return nil
		}, func() {})
}

func names(t *testing.T, db *DB) map[string]bool {
	t.Helper()
	rows, err := db.reader.Query(`SELECT name FROM scratch`)
	require.NoError(t, err)
	defer rows.Close()
	got := map[string]bool{}
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		got[n] = true
	}
	require.NoError(t, rows.Err())
	return got
}

// Many writers at once: each one's writes are kept exactly when its
// update succeeded (a failed or panicking one leaves the others' writes
// alone), every success is committed by the time it returns, and the
// commits were grouped (fewer SQLite commits than successful updates).
func TestGroupCommitKeepsEachUpdateAtomic(t *testing.T) {
	t.Parallel()
	db := openScratch(t)
	const writers, each = 32, 20
	var mu sync.Mutex
	want := map[string]bool{}
	var wg sync.WaitGroup
	busy0, _ := db.WriterStats()
	start := time.Now()
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				name := fmt.Sprintf("w%d-%d", w, i)
				how := [...]string{"ok", "ok", "fail", "ok", "panic", "ok", "ok"}[(w+i)%7]
				err := put(db, name, how)
				if how == "ok" {
					if err != nil {
						t.Errorf("%s: %v", name, err)
						continue
					}
					// Committed already: a reader sees it.
					var n int
					if err := db.reader.QueryRow(`SELECT count(*) FROM scratch WHERE name = ?`, name).Scan(&n); err != nil || n != 1 {
						t.Errorf("%s returned before its commit was visible (%d, %v)", name, n, err)
					}
				} else if err == nil {
					t.Errorf("%s (%s) succeeded", name, how)
				}
				mu.Lock()
				want[name] = how == "ok"
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	wall := time.Since(start)
	got := names(t, db)
	ok := 0
	for name, kept := range want {
		require.Equal(t, kept, got[name], name)
		if kept {
			ok++
		}
	}
	require.Len(t, got, ok)
	commits := db.writers.commits.Load()
	t.Logf("%d successful updates in %d commits", ok, commits)
	require.Less(t, commits, int64(ok), "no commit was shared")
	require.Nil(t, db.writers.open, "a transaction was left open")
	// The turn is held by one writer at a time: its busy time adds up to
	// less than the wall time, though 32 writers wanted it at once.
	busy, _ := db.WriterStats()
	require.Positive(t, busy-busy0)
	require.LessOrEqual(t, busy-busy0, wall, "turns overlapped")
}

// When SQLite ends the shared transaction itself (here a writer rolls it
// back under the others), every update of the group fails, including one
// that had succeeded and was waiting for the commit, and nothing of the
// group is kept.
func TestGroupCommitFailsTheWholeGroupWhenTheTransactionEnds(t *testing.T) {
	t.Parallel()
	db := openScratch(t)
	started := make(chan struct{})
	first := make(chan error, 1)
	go func() {
		first <- db.writers.update(context.Background(),
			func() (*sql.Tx, error) { return db.writer.BeginTx(context.Background(), nil) },
			func(tx *sql.Tx) error {
				_, err := tx.Exec(`INSERT INTO scratch (name) VALUES ('first')`)
				close(started)
				for db.writers.waiting.Load() == 0 { // the second writer waits for its turn
					time.Sleep(time.Millisecond)
				}
				return err
			}, func() {})
	}()
	<-started
	second := db.writers.update(context.Background(), nil, func(tx *sql.Tx) error {
		_, err := tx.Exec(`ROLLBACK`)
		return err
	}, func() {})
	require.Error(t, second)
	require.Equal(t, paydeck.CodeUnavailable, paydeck.ErrorCode(<-first), "the first update was reported committed")
	require.Empty(t, names(t, db))
	require.Nil(t, db.writers.open)

	require.NoError(t, put(db, "after", "ok"), "the writer recovers")
	require.Equal(t, map[string]bool{"after": true}, names(t, db))
}

// A context cancelled during an update stops that update before its next
// statement; it does not interrupt the shared transaction.
func TestGroupCommitCancelledUpdate(t *testing.T) {
	t.Parallel()
	db := openScratch(t)
	ctx, cancel := context.WithCancel(context.Background())
	x := steady{sqlcore.SQLExecutor{}}
	cancel()
	_, err := x.Exec(ctx, "SELECT 1")
	require.ErrorIs(t, err, context.Canceled)
	err = db.Update(ctx, func(paydeck.Tx) error { return nil })
	require.ErrorIs(t, err, context.Canceled)
	require.Nil(t, db.writers.open)
}

// The savepoint journal of a commit group lives in memory on the writer
// (temp_store=MEMORY), and the readers sort in memory too.
func TestConnectionsKeepTemporaryFilesInMemory(t *testing.T) {
	db := openScratch(t)
	ctx := context.Background()
	for name, h := range map[string]*sql.DB{"writer": db.writer, "reader": db.reader} {
		var store int
		require.NoError(t, h.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&store), name)
		require.Equal(t, 2, store, "%s: temp_store is MEMORY", name)
	}
}

// Concurrent Views keep their connections: none is closed for want of an
// idle slot, so no View opens a connection and prepares its statements
// again.
func TestReadersStayOpen(t *testing.T) {
	db := openScratch(t)
	ctx := context.Background()
	require.NoError(t, db.Migrate(ctx))
	n := db.reader.Stats().MaxOpenConnections
	for range 20 {
		inside := make(chan struct{}, n)
		release := make(chan struct{})
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				assert.NoError(t, db.View(ctx, func(tx paydeck.Tx) error {
					_, err := tx.FindUserByID(ctx, "00000000-0000-4000-8000-000000000000")
					inside <- struct{}{}
					<-release
					if paydeck.ErrorCode(err) == paydeck.CodeNotFound {
						return nil
					}
					return err
				}))
			}()
		}
		for range n {
			<-inside
		}
		close(release)
		wg.Wait()
	}
	st := db.reader.Stats()
	require.Zero(t, st.MaxIdleClosed, "connections closed for want of an idle slot")
	require.Equal(t, n, st.OpenConnections)
}

// The log is copied back into the database file by the background
// checkpointer, not in the writer's turn: the writer's own checkpoint waits
// for backstopPages, yet the file grows soon after writes of a few hundred
// pages, and the checkpointer counts its runs.
func TestCheckpointsRunOffTheWritersTurn(t *testing.T) {
	db := openScratch(t)
	ctx := context.Background()
	var auto int
	require.NoError(t, db.writer.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&auto))
	require.Equal(t, backstopPages, auto, "the writer checkpoints only as a backstop")

	path := dbPath(t, db)
	size := func() int64 {
		fi, err := os.Stat(path)
		require.NoError(t, err)
		return fi.Size()
	}
	// Let a checkpoint of the table's creation pass, then note the size.
	require.NoError(t, put(db, "first", "ok"))
	require.Eventually(t, func() bool { return db.checkpoints.done.Load() > 0 }, 5*time.Second, 20*time.Millisecond)
	before, runs := size(), db.checkpoints.done.Load()

	long := strings.Repeat("x", 3000) // about one page a row
	for i := range 300 {
		require.NoError(t, put(db, fmt.Sprintf("%04d-%s", i, long), "ok"))
	}
	require.Eventually(t, func() bool { return size() >= before+300*3000 }, 5*time.Second, 20*time.Millisecond,
		"the rows reach the database file well before the writer's backstop of %d pages", backstopPages)
	require.Eventually(t, func() bool { return db.checkpoints.done.Load() > runs }, 5*time.Second, 20*time.Millisecond)
	require.Len(t, names(t, db), 301)
}

// dbPath returns the file db's writer opened.
func dbPath(t *testing.T, db *DB) string {
	t.Helper()
	var file string
	require.NoError(t, db.writer.QueryRow(`SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file))
	return file
}
