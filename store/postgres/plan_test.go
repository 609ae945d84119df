package postgres

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/store/internal/sqlcore"
)

// A new order's read of its customer's unpaid orders (the count, and the
// units of the product over them) can go through the
// partial index of unpaid orders (its predicate matches the query's), so
// it need not grow with the customer's history (issue 18). Sequential
// scans are turned off because the test's tables are empty, where the
// planner would rightly prefer them.
func TestPendingOrdersCanUseThePartialIndex(t *testing.T) {
	t.Parallel()
	const user, product = "00000000-0000-4000-8000-000000000000", "00000000-0000-4000-8000-000000000001"
	now := time.Now()
	all := explain(t, "plan", sqlcore.UnpaidSQL, user, now, user, now, product, user)
	require.Equal(t, 2, strings.Count(all, "orders_pending_user"), "both reads of orders: %s", all)
	require.NotContains(t, all, "Seq Scan", all)
}

// A confirm's payment insert finds its order by orderId and the order's
// payments through their index (sequential scans off, as above).
func TestPaymentIfPayableUsesIndexes(t *testing.T) {
	t.Parallel()
	const id, user = "00000000-0000-4000-8000-000000000000", "00000000-0000-4000-8000-000000000001"
	now := time.Now()
	all := explain(t, "planpay", sqlcore.PaymentIfPayableSQL,
		id, "tpay_plan", "", "in_progress", 1000, 0, 0, 0, 0, "", nil, "", "", nil, nil, nil, nil, nil, nil, now, now,
		"", "ORDPLAN", nil,
		"ORDPLAN", user, now, 1000, "tpay_plan")
	t.Log(all)
	require.NotContains(t, all, "Seq Scan", all)
	require.Contains(t, all, "payments_order_id", all)
}

// explain returns PostgreSQL's plan of query (with ? placeholders) for
// args, in a fresh schema named after name, with sequential scans off.
func explain(t *testing.T, name, query string, args ...any) string {
	t.Helper()
	url, schema := scratchSchema(t, name)
	ctx := context.Background()
	db, err := Open(ctx, url, sqlcore.Config{Schema: schema})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	require.NoError(t, db.Migrate(ctx))

	tx, err := db.pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	_, err = tx.Exec(ctx, "SET LOCAL enable_seqscan = off")
	require.NoError(t, err)
	rows, err := tx.Query(ctx, "EXPLAIN "+dialect{}.Rebind(query), args...)
	require.NoError(t, err)
	plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return strings.Join(plan, "\n")
}
