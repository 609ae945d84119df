package sqlite

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/store/internal/sqlcore"
)

// A new order's read of its customer's unpaid orders (the count, and the
// units of the product over them) goes through the
// partial index of unpaid orders, so it does not grow with the customer's
// history (issue 18: it was a walk of every order they had placed).
func TestPendingOrdersUseThePartialIndex(t *testing.T) {
	t.Parallel()
	const user, product = "00000000-0000-4000-8000-000000000000", "00000000-0000-4000-8000-000000000001"
	now := dialect{}.Time(time.Now())
	plan := queryPlan(t, sqlcore.UnpaidSQL, user, now, user, now, product, user)
	var orders []string
	for _, p := range plan {
		if strings.Contains(p, " orders") || strings.Contains(p, " o ") || strings.HasSuffix(p, " o") {
			orders = append(orders, p)
		}
	}
	require.Len(t, orders, 2, "both reads of orders: %s", strings.Join(plan, "; "))
	for _, p := range orders {
		require.Contains(t, p, "orders_pending_user", "plan: %s", strings.Join(plan, "; "))
	}
}

// A confirm's payment insert finds its order by orderId and the order's
// payments by their index: no scan of either table. (The plan also lists
// the foreign keys that point at payments, for a conflict's sake; an
// insert that conflicts does nothing here.)
func TestPaymentIfPayableUsesIndexes(t *testing.T) {
	t.Parallel()
	args := make([]any, strings.Count(sqlcore.PaymentIfPayableSQL, "?"))
	for i := range args {
		args[i] = "x"
	}
	plan := queryPlan(t, sqlcore.PaymentIfPayableSQL, args...)
	var orders, payments bool
	for _, p := range plan {
		for _, scan := range []string{"SCAN o", "SCAN q", "SCAN orders", "SCAN payments"} {
			require.False(t, strings.HasPrefix(p, scan), "plan: %s", strings.Join(plan, "; "))
		}
		orders = orders || strings.HasPrefix(p, "SEARCH o USING INDEX")
		payments = payments || strings.HasPrefix(p, "SEARCH q USING INDEX payments_order_id")
	}
	require.True(t, orders && payments, "plan: %s", strings.Join(plan, "; "))
}

// queryPlan returns SQLite's plan of query for args, one step a line, on a
// migrated scratch database.
func queryPlan(t *testing.T, query string, args ...any) []string {
	t.Helper()
	db := openScratch(t)
	require.NoError(t, db.Migrate(context.Background()))
	rows, err := db.reader.Query("EXPLAIN QUERY PLAN "+query, args...)
	require.NoError(t, err)
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
		plan = append(plan, detail)
	}
	require.NoError(t, rows.Err())
	t.Log(strings.Join(plan, "\n"))
	return plan
}
