package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
)

// testMoneyPath covers the one-statement reads of the money paths
// (LockPaymentAndOrder, LockOrderWithPayments, TakeStock), the rows a
// transaction holds once it locked or wrote them, and the session read with
// its user.
func testMoneyPath(t *testing.T, newDB NewDBFunc) {
	db, _ := newClockDB(t, newDB) // a step clock: the two payments have increasing times
	ctx := context.Background()
	user := MustCreateUser(t, db, nil)
	prod := MustCreateProduct(t, db, &paydeck.Product{StockQuantity: 10, IsActive: true})
	o := MustPlaceOrder(t, db, user.ID, Line{prod, 2})
	first := MustCreatePayment(t, db, o, paydeck.PaymentAborted)
	second := MustCreatePayment(t, db, o, paydeck.PaymentInProgress)
	bare := MustPlaceOrder(t, db, user.ID, Line{prod, 1})
	const missing = "00000000-0000-4000-8000-000000000000"

	t.Run("LockPaymentAndOrder", func(t *testing.T) {
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			lo, lp, err := tx.LockPaymentAndOrder(ctx, second.ID)
			require.NoError(t, err)
			require.Equal(t, second, lp)
			require.Nil(t, lo.Items, "locked without its items")
			lo.Items = o.Items
			require.Equal(t, o, lo)

			// Held: a change to the returned copy is not the store's.
			lo.Status, lp.Status = paydeck.OrderCancelled, paydeck.PaymentDone
			again, err := tx.FindOrderByID(ctx, o.ID)
			require.NoError(t, err)
			require.Equal(t, o, again, "items loaded on first need")
			p, err := tx.FindPaymentByKey(ctx, second.PaymentKey)
			require.NoError(t, err)
			require.Equal(t, second, p)

			// A written row is held as written.
			p.Status = paydeck.PaymentAborted
			require.NoError(t, tx.UpdatePayment(ctx, p))
			got, err := tx.LockPaymentByID(ctx, second.ID)
			require.NoError(t, err)
			require.Equal(t, paydeck.PaymentAborted, got.Status)
			return nil
		})
		MustView(t, db, func(tx paydeck.Tx) error {
			got, err := tx.FindPaymentByID(ctx, second.ID)
			require.NoError(t, err)
			require.Equal(t, paydeck.PaymentAborted, got.Status, "the write committed")
			return nil
		})
		err := db.Update(ctx, func(tx paydeck.Tx) error {
			_, _, err := tx.LockPaymentAndOrder(ctx, missing)
			return err
		})
		requireCode(t, paydeck.CodeNotFound, err)
		err = db.Update(ctx, func(tx paydeck.Tx) error {
			_, _, err := tx.LockPaymentAndOrder(ctx, "not-a-uuid")
			return err
		})
		requireCode(t, paydeck.CodeNotFound, err)
	})

	t.Run("LockOrderWithPayments", func(t *testing.T) {
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			lo, pays, err := tx.LockOrderWithPayments(ctx, o.OrderID)
			require.NoError(t, err)
			require.Nil(t, lo.Items)
			want, _, err := tx.FindPayments(ctx, paydeck.PaymentFilter{OrderID: &o.ID})
			require.NoError(t, err)
			require.Equal(t, want, pays, "the order's payments, newest first")
			require.Len(t, pays, 2)
			require.Equal(t, []string{second.ID, first.ID}, []string{pays[0].ID, pays[1].ID})

			lo, pays, err = tx.LockOrderWithPayments(ctx, bare.OrderID)
			require.NoError(t, err)
			require.Equal(t, bare.ID, lo.ID)
			require.Empty(t, pays)
			_, _, err = tx.LockOrderWithPayments(ctx, "ORDNOSUCHORDER")
			requireCode(t, paydeck.CodeNotFound, err)
			return nil
		})
	})

	t.Run("TakeStock", func(t *testing.T) {
		inactive := MustCreateProduct(t, db, &paydeck.Product{StockQuantity: 5})
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			p, err := tx.TakeStock(ctx, prod.ID, 3)
			require.NoError(t, err)
			require.Equal(t, prod.ID, p.ID)
			require.Equal(t, prod.Price, p.Price)
			require.Equal(t, int64(10-2-1-3), p.StockQuantity, "the stock after the reservation")
			p, err = tx.TakeStock(ctx, prod.ID, 100)
			requireCode(t, paydeck.CodeConflict, err)
			require.True(t, p.IsActive)
			require.Equal(t, int64(4), p.StockQuantity, "a refusal changes nothing")
			p, err = tx.TakeStock(ctx, inactive.ID, 1)
			requireCode(t, paydeck.CodeConflict, err)
			require.False(t, p.IsActive)
			_, err = tx.TakeStock(ctx, missing, 1)
			requireCode(t, paydeck.CodeNotFound, err)
			_, err = tx.TakeStock(ctx, prod.ID, 0)
			requireCode(t, paydeck.CodeInvalid, err)
			return nil
		})
	})

	t.Run("SessionWithUser", func(t *testing.T) {
		at := testStart.Add(time.Hour)
		s := &paydeck.Session{ID: "mp1", UserID: user.ID, Kind: paydeck.SessionAPI, CreatedAt: at, SeenAt: at, ExpiresAt: at.Add(time.Hour)}
		MustUpdate(t, db, func(tx paydeck.Tx) error { return tx.CreateSession(ctx, s) })
		MustView(t, db, func(tx paydeck.Tx) error {
			got, err := tx.FindSessionByID(ctx, "mp1")
			require.NoError(t, err)
			require.Equal(t, s, got)
			u, err := tx.FindUserByID(ctx, user.ID)
			require.NoError(t, err)
			require.Equal(t, user, u)
			u.Name = "changed"
			u, err = tx.FindUserByID(ctx, user.ID)
			require.NoError(t, err)
			require.Equal(t, user, u, "a copy each time")
			_, err = tx.FindUserByID(ctx, missing)
			requireCode(t, paydeck.CodeNotFound, err)
			return nil
		})
	})
}
