package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/store/internal/sqlcore"
)

// TestEventsAppendOnly checks that the database itself refuses to change or
// remove an event, whatever code runs against it.
func TestEventsAppendOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "sub", "paydeck.db"), sqlcore.Config{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	require.NoError(t, db.Migrate(ctx))
	require.NoError(t, db.Migrate(ctx), "migrating twice is a no-op")

	require.NoError(t, db.Update(ctx, func(tx paydeck.Tx) error {
		u := &paydeck.User{Email: "a@example.com", PasswordHash: "h", Role: paydeck.RoleCustomer}
		p := &paydeck.Product{Name: "P", Price: 1000, StockQuantity: 1, IsActive: true}
		require.NoError(t, tx.CreateUser(ctx, u))
		require.NoError(t, tx.CreateProduct(ctx, p))
		it, err := paydeck.NewOrderItem(p, 1)
		require.NoError(t, err)
		o := &paydeck.Order{UserID: u.ID, Status: paydeck.OrderPending, Items: []paydeck.OrderItem{it},
			ShippingName: "n", ExpiresAt: tx.Now().Add(time.Hour)}
		require.NoError(t, o.ComputeAmounts())
		require.NoError(t, tx.CreateOrder(ctx, o))
		return tx.AppendEvent(ctx, &paydeck.PaymentEvent{OrderID: o.ID, Type: paydeck.EventCreated})
	}))
	for _, stmt := range []string{`UPDATE payment_events SET message = 'rewritten'`, `DELETE FROM payment_events`} {
		_, err := db.writer.ExecContext(ctx, stmt)
		require.ErrorContains(t, err, "append-only", stmt)
	}
	var n int
	require.NoError(t, db.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM payment_events WHERE message = ''`).Scan(&n))
	require.Equal(t, 1, n)
	_, err = db.reader.ExecContext(ctx, `DELETE FROM webhooks`)
	require.Error(t, err, "the reader pool is query-only")
}
