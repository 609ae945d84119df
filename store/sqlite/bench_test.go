package sqlite_test

import (
	"context"
	"errors"
	"testing"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/store"
	"github.com/paydeck/paydeck/store/storetest"
)

// BenchmarkConfirmFirstWrite runs a confirm's first transaction both ways
// SQLite can: the order locked and read with its payments, then the payment
// inserted (two statements), or the payment inserted by the statement that
// checks the order (CreatePaymentIfPayable, one). Each transaction rolls
// back, so no commit's fsync hides the statements' own cost, and one order
// serves every round.
//
//	go test -run '^$' -bench ConfirmFirstWrite ./store/sqlite
func BenchmarkConfirmFirstWrite(b *testing.B) {
	db, user, o := benchOrder(b)
	ctx := context.Background()
	run := func(b *testing.B, write func(tx paydeck.Tx, p *paydeck.Payment) error) {
		for b.Loop() {
			err := db.Update(ctx, func(tx paydeck.Tx) error {
				p := &paydeck.Payment{PaymentKey: "tpay_bench", Status: paydeck.PaymentInProgress,
					Amount: o.FinalAmount, TossOrderID: o.OrderID}
				if err := write(tx, p); err != nil {
					return err
				}
				return rollback
			})
			if !errors.Is(err, rollback) {
				b.Fatal(err)
			}
		}
	}
	b.Run("read-then-insert", func(b *testing.B) {
		run(b, func(tx paydeck.Tx, p *paydeck.Payment) error {
			lo, pays, err := tx.LockOrderWithPayments(ctx, o.OrderID)
			if err != nil {
				return err
			} else if len(pays) != 0 || lo.Payable(tx.Now()) != nil {
				return errors.New("not payable")
			}
			p.OrderID, p.ExpiresAt = lo.ID, &lo.ExpiresAt
			return tx.CreatePayment(ctx, p)
		})
	})
	b.Run("insert-if-payable", func(b *testing.B) {
		run(b, func(tx paydeck.Tx, p *paydeck.Payment) error {
			if ok, err := tx.CreatePaymentIfPayable(ctx, o.OrderID, user.ID, p); err != nil || !ok {
				return errors.Join(err, errors.New("not inserted"))
			}
			return nil
		})
	})
}

// BenchmarkConfirmSecondWrite runs the first write of a confirm's second
// transaction both ways: the payment and its order locked and read
// (LockPaymentAndOrder: the order's items, coupon code and user come
// along), then the approved payment written, or the approved payment
// written on condition with the order brought back as JSON rows
// (UpdatePaymentIfUnchanged). Rolled back, as above.
//
//	go test -run '^$' -bench ConfirmSecondWrite ./store/sqlite
func BenchmarkConfirmSecondWrite(b *testing.B) {
	db, _, o := benchOrder(b)
	ctx := context.Background()
	p0 := storetest.MustCreatePayment(b, db, o, paydeck.PaymentInProgress)
	run := func(b *testing.B, write func(tx paydeck.Tx, p *paydeck.Payment) (*paydeck.Order, error)) {
		for b.Loop() {
			err := db.Update(ctx, func(tx paydeck.Tx) error {
				p := *p0
				now := tx.Now()
				p.Status, p.ApprovedAt, p.BalanceAmount = paydeck.PaymentDone, &now, p.Amount
				got, err := write(tx, &p)
				if err != nil {
					return err
				} else if len(got.Items) != 1 {
					return errors.New("no items")
				}
				return rollback
			})
			if !errors.Is(err, rollback) {
				b.Fatal(err)
			}
		}
	}
	b.Run("read-then-update", func(b *testing.B) {
		run(b, func(tx paydeck.Tx, p *paydeck.Payment) (*paydeck.Order, error) {
			lo, _, err := tx.LockPaymentAndOrder(ctx, p.ID)
			if err != nil {
				return nil, err
			}
			return lo, tx.UpdatePayment(ctx, p)
		})
	})
	b.Run("update-if-unchanged", func(b *testing.B) {
		run(b, func(tx paydeck.Tx, p *paydeck.Payment) (*paydeck.Order, error) {
			lo, ok, err := tx.UpdatePaymentIfUnchanged(ctx, p, p0.UpdatedAt)
			if err == nil && !ok {
				err = errors.New("not written")
			}
			return lo, err
		})
	})
}

// rollback ends the benchmarks' transactions.
var rollback = errors.New("roll back")

// benchOrder is a database with one customer's order of one unit.
func benchOrder(b *testing.B) (store.DB, *paydeck.User, *paydeck.Order) {
	db := storetest.NewWith(b, "sqlite", store.Options{})
	user := storetest.MustCreateUser(b, db, nil)
	prod := storetest.MustCreateProduct(b, db, &paydeck.Product{StockQuantity: 1 << 30, IsActive: true})
	return db, user, storetest.MustPlaceOrder(b, db, user.ID, storetest.Line{Product: prod, Qty: 1})
}
