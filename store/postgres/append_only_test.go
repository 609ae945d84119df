package postgres

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/store/internal/sqlcore"
)

// TestEventsAppendOnly checks that the database itself refuses to change or
// remove events, whatever code runs against it, and that instances starting
// at once migrate one after the other. (The conformance suite in
// store/storetest covers everything else.)
func TestEventsAppendOnly(t *testing.T) {
	t.Parallel()
	url, schema := scratchSchema(t, "append_only")
	ctx := context.Background()
	var err error
	dbs := make([]*DB, 3)
	errs := make(chan error, len(dbs))
	for i := range dbs {
		dbs[i], err = Open(ctx, url, sqlcore.Config{Schema: schema})
		require.NoError(t, err)
		t.Cleanup(func() { _ = dbs[i].Close() })
		go func() { errs <- dbs[i].Migrate(ctx) }()
	}
	for range dbs {
		require.NoError(t, <-errs)
	}
	// The statement-level trigger fires even when no row matches.
	for _, stmt := range []string{`UPDATE payment_events SET message = 'rewritten'`, `DELETE FROM payment_events`,
		`TRUNCATE payment_events`} {
		_, err := dbs[0].pool.Exec(ctx, stmt)
		require.ErrorContains(t, err, "append-only", stmt)
	}
}

// scratchSchema returns the test database's URL and a fresh schema in it,
// dropped at the end of t (name is part of the schema's name). It skips t
// when no database is configured, and fails it under CI.
func scratchSchema(t *testing.T, name string) (url, schema string) {
	t.Helper()
	url = os.Getenv("PAYDECK_TEST_DATABASE_URL")
	if url == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("PAYDECK_TEST_DATABASE_URL is required under CI")
		}
		t.Skip("export PAYDECK_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/paydeck_test?sslmode=disable to run")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	schema = fmt.Sprintf("paydeck_test_%s_%d", name, time.Now().UnixNano())
	_, err = conn.Exec(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE") })
	return url, schema
}
