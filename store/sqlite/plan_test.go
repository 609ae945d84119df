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
	db := openScratch(t)
	require.NoError(t, db.Migrate(context.Background()))
	const user, product = "00000000-0000-4000-8000-000000000000", "00000000-0000-4000-8000-000000000001"
	now := dialect{}.Time(time.Now())
	rows, err := db.reader.Query("EXPLAIN QUERY PLAN "+sqlcore.UnpaidSQL, user, now, user, now, product, user)
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
