package postgres_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/store"
	"github.com/paydeck/paydeck/store/internal/sqlcore"
	"github.com/paydeck/paydeck/store/storetest"
)

// BenchmarkCombinedWrites runs the two write runs of a checkout that
// PostgreSQL sends as one statement (sqlcore's combine.go) with combining
// on and off, in one process against one database, so that their ratio
// holds on a noisy machine: a new order with its item and event, and a
// confirm's second transaction (lock, payment update, event, order update).
//
//	go test -run '^$' -bench CombinedWrites ./store/postgres
func BenchmarkCombinedWrites(b *testing.B) {
	db := storetest.NewWith(b, "postgres", store.Options{})
	ctx := context.Background()
	user := storetest.MustCreateUser(b, db, nil)
	prod := storetest.MustCreateProduct(b, db, &paydeck.Product{StockQuantity: 1 << 30, IsActive: true})
	o := storetest.MustPlaceOrder(b, db, user.ID, storetest.Line{Product: prod, Qty: 1})
	p := storetest.MustCreatePayment(b, db, o, paydeck.PaymentInProgress)
	for _, mode := range []string{"combined", "separate"} {
		begin := func(tx paydeck.Tx) {
			if mode == "separate" {
				tx.(*sqlcore.Tx).Separate()
			}
		}
		b.Run("order/"+mode, func(b *testing.B) {
			for b.Loop() {
				err := db.Update(ctx, func(tx paydeck.Tx) error {
					begin(tx)
					_, err := storetest.PlaceOrder(ctx, tx, user.ID, storetest.Line{Product: prod, Qty: 1})
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("confirm/"+mode, func(b *testing.B) {
			n := 0
			for b.Loop() {
				n++
				err := db.Update(ctx, func(tx paydeck.Tx) error {
					begin(tx)
					lo, lp, err := tx.LockPaymentAndOrder(ctx, p.ID)
					if err != nil {
						return err
					}
					lp.TransactionKey = fmt.Sprintf("txk-%d", n)
					if err := tx.UpdatePayment(ctx, lp); err != nil {
						return err
					}
					if err := tx.AppendEvent(ctx, &paydeck.PaymentEvent{OrderID: lo.ID, PaymentID: lp.ID,
						Type: paydeck.EventApproved, Message: "approved"}); err != nil {
						return err
					}
					lo.ShippingMemo = lp.TransactionKey
					return tx.UpdateOrder(ctx, lo)
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
