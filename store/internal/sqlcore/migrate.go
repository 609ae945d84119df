package sqlcore

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Migrate applies, in order, every migrations/NNNN_name.sql file of fsys not
// yet recorded in paydeck_migrations, inside the caller's transaction (the
// caller holds any lock that keeps concurrent migrators apart). Applied files
// must never be edited; new changes go in new files.
func Migrate(ctx context.Context, q Executor, d Dialect, fsys fs.FS, now time.Time) error {
	if _, err := q.Exec(ctx, `CREATE TABLE IF NOT EXISTS paydeck_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("create migrations table: %w", err)
	}
	applied := map[int]bool{}
	rows, err := q.Query(ctx, `SELECT version FROM paydeck_migrations`)
	if err != nil {
		return fmt.Errorf("read applied migrations: %w", err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("read applied migrations: %w", err)
		}
		applied[v] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read applied migrations: %w", err)
	}
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return err
	}
	slices.Sort(names)
	for _, name := range names {
		base := path.Base(name)
		version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with a number: %w", base, err)
		}
		if applied[version] {
			continue
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		if _, err := q.Exec(ctx, string(body)); err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
		if _, err := q.Exec(ctx, d.Rebind(`INSERT INTO paydeck_migrations (version, name, applied_at) VALUES (?, ?, ?)`),
			version, base, Now(now).UnixMicro()); err != nil {
			return fmt.Errorf("record migration %s: %w", base, err)
		}
	}
	return nil
}
