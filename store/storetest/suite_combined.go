package storetest

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/store"
)

// testCombinedWrites holds an engine that combines writes (PostgreSQL
// holds an order's, a payment's and an event's writes back and sends them
// as one statement) to what running them one by one does: later
// statements see them, a failed one fails the transaction and keeps
// nothing, a conflict names what conflicted, and two writes of one row or
// one table keep their order.
func testCombinedWrites(t *testing.T, newDB NewDBFunc) {
	db, _ := newClockDB(t, newDB)
	ctx := context.Background()
	user := MustCreateUser(t, db, nil)
	prod := MustCreateProduct(t, db, &paydeck.Product{StockQuantity: 100, IsActive: true})

	t.Run("LaterStatementsSeeThem", func(t *testing.T) {
		o := MustPlaceOrder(t, db, user.ID, Line{prod, 1})
		p := MustCreatePayment(t, db, o, paydeck.PaymentInProgress)
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			lo, lp, err := tx.LockPaymentAndOrder(ctx, p.ID)
			require.NoError(t, err)
			lp.TransactionKey = "txk-combined"
			require.NoError(t, tx.UpdatePayment(ctx, lp))
			e := &paydeck.PaymentEvent{OrderID: lo.ID, PaymentID: lp.ID, Type: paydeck.EventApproved, Message: "approved"}
			require.NoError(t, tx.AppendEvent(ctx, e))
			lo.ShippingMemo = "문 앞에 놓아 주세요"
			require.NoError(t, tx.UpdateOrder(ctx, lo))
			// Lists are read by a statement, never from what the Tx holds.
			os, _, err := tx.FindOrders(ctx, paydeck.OrderFilter{UserID: &user.ID})
			require.NoError(t, err)
			var memo string
			for _, got := range os {
				if got.ID == o.ID {
					memo = got.ShippingMemo
				}
			}
			require.Equal(t, "문 앞에 놓아 주세요", memo)
			es, total, err := tx.FindEvents(ctx, paydeck.EventFilter{PaymentID: &lp.ID})
			require.NoError(t, err)
			require.Equal(t, 1, total)
			require.Equal(t, e.ID, es[0].ID, "the event's id is set once a statement ran")
			require.NotZero(t, e.ID)
			ps, _, err := tx.FindPayments(ctx, paydeck.PaymentFilter{OrderID: &o.ID})
			require.NoError(t, err)
			require.Equal(t, "txk-combined", ps[0].TransactionKey)
			return nil
		})
	})

	// The write that finds no row is followed by a read, or is the last
	// (sent with the COMMIT where the engine can, combine.go).
	for _, readAfter := range []bool{true, false} {
		name := "AMissingRowKeepsNothing"
		if !readAfter {
			name = "AMissingRowAtTheCommitKeepsNothing"
		}
		t.Run(name, func(t *testing.T) {
			o := MustPlaceOrder(t, db, user.ID, Line{prod, 1})
			before := len(orderEvents(t, db, o.ID))
			ghost := MustCreatePayment(t, db, o, paydeck.PaymentInProgress)
			ghost.ID = "00000000-0000-4000-8000-00000000beef"
			var atWrite error
			err := db.Update(ctx, func(tx paydeck.Tx) error {
				if err := tx.AppendEvent(ctx, &paydeck.PaymentEvent{OrderID: o.ID, Type: paydeck.EventApproved, Message: "x"}); err != nil {
					return err
				}
				atWrite = tx.UpdatePayment(ctx, ghost)
				// A caller that reads a missing row as absent must not take a
				// held write's failure for its own answer and go on.
				if !readAfter {
					return atWrite
				}
				if _, err := tx.FindPaymentByID(ctx, "00000000-0000-4000-8000-00000000cafe"); paydeck.ErrorCode(err) != paydeck.CodeNotFound {
					return err
				}
				return atWrite
			})
			requireCode(t, paydeck.CodeNotFound, err)
			requireCode(t, paydeck.CodeNotFound, atWrite) // where the write was made, in the run that counted
			require.Len(t, orderEvents(t, db, o.ID), before, "the event written with it was not kept")
		})
	}

	t.Run("ATakenPaymentKeyAnswersAtTheInsert", func(t *testing.T) {
		o := MustPlaceOrder(t, db, user.ID, Line{prod, 1})
		taken := MustCreatePayment(t, db, o, paydeck.PaymentAborted)
		runs := 0
		var kept *paydeck.Payment
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			runs++
			p := &paydeck.Payment{PaymentKey: taken.PaymentKey, OrderID: o.ID, Method: paydeck.MethodCard,
				Status: paydeck.PaymentInProgress, Amount: o.FinalAmount}
			err := tx.CreatePayment(ctx, p)
			if paydeck.ErrorCode(err) == paydeck.CodeConflict { // the confirm frees the key and tries again
				p.PaymentKey += "-again"
				err = tx.CreatePayment(ctx, p)
			}
			if err != nil {
				return err
			}
			kept = p
			return tx.AppendEvent(ctx, &paydeck.PaymentEvent{OrderID: o.ID, PaymentID: p.ID, Type: paydeck.EventApproved, Message: "x"})
		})
		require.LessOrEqual(t, runs, 2)
		MustView(t, db, func(tx paydeck.Tx) error {
			got, err := tx.FindPaymentByKey(ctx, taken.PaymentKey+"-again")
			require.NoError(t, err)
			require.Equal(t, kept.ID, got.ID)
			es, total, err := tx.FindEvents(ctx, paydeck.EventFilter{PaymentID: &got.ID})
			require.NoError(t, err)
			require.Equal(t, 1, total)
			require.Equal(t, "x", es[0].Message)
			return nil
		})
	})

	t.Run("AConflictNamesItsWrite", func(t *testing.T) {
		o := MustPlaceOrder(t, db, user.ID, Line{prod, 1})
		taken := MustCreatePayment(t, db, o, paydeck.PaymentAborted)
		p := MustCreatePayment(t, db, o, paydeck.PaymentInProgress)
		before := len(orderEvents(t, db, o.ID))
		err := db.Update(ctx, func(tx paydeck.Tx) error {
			lo, lp, err := tx.LockPaymentAndOrder(ctx, p.ID)
			require.NoError(t, err)
			lp.PaymentKey = taken.PaymentKey
			if err := tx.UpdatePayment(ctx, lp); err != nil {
				return err
			}
			if err := tx.AppendEvent(ctx, &paydeck.PaymentEvent{OrderID: lo.ID, PaymentID: lp.ID, Type: paydeck.EventApproved,
				Message: "approved"}); err != nil {
				return err
			}
			lo.ShippingMemo = "never kept"
			return tx.UpdateOrder(ctx, lo)
		})
		requireCode(t, paydeck.CodeConflict, err)
		require.Equal(t, "A payment with this payment key already exists.", paydeck.ErrorMessage(err))
		require.Len(t, orderEvents(t, db, o.ID), before)
		MustView(t, db, func(tx paydeck.Tx) error {
			got, err := tx.FindOrderByID(ctx, o.ID)
			require.NoError(t, err)
			require.Empty(t, got.ShippingMemo)
			return nil
		})
	})

	t.Run("WritesOfOneRowAndOneTableKeepTheirOrder", func(t *testing.T) {
		var o *paydeck.Order
		var first, second *paydeck.PaymentEvent
		p2, p3 := MustCreateProduct(t, db, nil), MustCreateProduct(t, db, nil)
		MustUpdate(t, db, func(tx paydeck.Tx) (err error) {
			// A new order with three items, changed twice before any read.
			if o, err = PlaceOrder(ctx, tx, user.ID, Line{prod, 1}, Line{p2, 2}, Line{p3, 3}); err != nil {
				return err
			}
			o.ShippingMemo = "one"
			require.NoError(t, tx.UpdateOrder(ctx, o))
			o.ShippingMemo = "two"
			require.NoError(t, tx.UpdateOrder(ctx, o))
			first = &paydeck.PaymentEvent{OrderID: o.ID, Type: paydeck.EventApproved, Message: "first"}
			second = &paydeck.PaymentEvent{OrderID: o.ID, Type: paydeck.EventApproved, Message: "second"}
			require.NoError(t, tx.AppendEvent(ctx, first))
			return tx.AppendEvent(ctx, second)
		})
		require.Greater(t, second.ID, first.ID)
		es := orderEvents(t, db, o.ID)
		require.Len(t, es, 3)
		require.Equal(t, []string{"order placed", "first", "second"}, []string{es[0].Message, es[1].Message, es[2].Message})
		MustView(t, db, func(tx paydeck.Tx) error {
			got, err := tx.FindOrderByID(ctx, o.ID)
			require.NoError(t, err)
			require.Equal(t, "two", got.ShippingMemo)
			require.Len(t, got.Items, 3)
			for i, it := range got.Items {
				require.Equal(t, o.Items[i].ProductID, it.ProductID, "items keep their lines")
				require.Equal(t, int64(i+1), it.Quantity)
			}
			return nil
		})
	})
}

// testCombinedCommit holds the last writes of a transaction, sent with its
// COMMIT on an engine that can (PostgreSQL: one round trip), to what
// running them and then committing does: a write that finds no row or a
// taken key commits nothing, the event hook sees the events' ids from its
// first call of the Tx on, and a row lock with the read after it takes one
// round trip.
func testCombinedCommit(t *testing.T, newDB NewDBFunc) {
	clock := NewStepClock(testStart, time.Millisecond)
	var statements, roundTrips atomic.Int64
	var hookIDs []int64 // the ids the hook saw, after calling tx for "read"
	db := newDB(t, store.Options{Now: clock.Now,
		CountStatements: func(s, r int) { statements.Add(int64(s)); roundTrips.Add(int64(r)) },
		EventHook: func(ctx context.Context, tx paydeck.Tx, events []*paydeck.PaymentEvent) error {
			for _, e := range events {
				if e.Message != "read" {
					continue // passes over it, calling nothing
				}
				if _, err := tx.FindOrderByID(ctx, e.OrderID); err != nil {
					return err
				}
				hookIDs = append(hookIDs, e.ID)
			}
			return nil
		}})
	ctx := context.Background()
	user := MustCreateUser(t, db, nil)
	prod := MustCreateProduct(t, db, &paydeck.Product{StockQuantity: 100, IsActive: true})
	postgres := db.Engine() == "postgres"
	count := func(fn func()) (s, r int64) {
		statements.Store(0)
		roundTrips.Store(0)
		fn()
		return statements.Load(), roundTrips.Load()
	}

	t.Run("TheLastWritesCarryTheCommit", func(t *testing.T) {
		o := MustPlaceOrder(t, db, user.ID, Line{prod, 1})
		p := MustCreatePayment(t, db, o, paydeck.PaymentInProgress)
		e := &paydeck.PaymentEvent{OrderID: o.ID, PaymentID: p.ID, Type: paydeck.EventApproved, Message: "approved"}
		s, r := count(func() {
			MustUpdate(t, db, func(tx paydeck.Tx) error {
				lo, lp, err := tx.LockPaymentAndOrder(ctx, p.ID)
				if err != nil {
					return err
				}
				lp.Status = paydeck.PaymentDone
				if err := tx.UpdatePayment(ctx, lp); err != nil {
					return err
				}
				if err := tx.AppendEvent(ctx, e); err != nil {
					return err
				}
				lo.Status = paydeck.OrderPaid
				return tx.UpdateOrder(ctx, lo)
			})
		})
		if postgres { // the lock with its BEGIN; the three writes with the COMMIT
			require.Equal(t, [2]int64{2, 2}, [2]int64{s, r}, "statements, round trips")
		} else {
			require.Equal(t, [2]int64{4, 4}, [2]int64{s, r}, "statements, round trips")
		}
		require.NotZero(t, e.ID, "the event's id is set once the Update returns")
		es := orderEvents(t, db, o.ID)
		require.Equal(t, e.ID, es[len(es)-1].ID)
		MustView(t, db, func(tx paydeck.Tx) error {
			got, err := tx.FindOrderByID(ctx, o.ID)
			require.NoError(t, err)
			require.Equal(t, paydeck.OrderPaid, got.Status)
			gp, err := tx.FindPaymentByID(ctx, p.ID)
			require.NoError(t, err)
			require.Equal(t, paydeck.PaymentDone, gp.Status)
			return nil
		})
	})

	t.Run("ATakenKeyAtTheCommitKeepsNothing", func(t *testing.T) {
		o := MustPlaceOrder(t, db, user.ID, Line{prod, 1})
		taken := MustCreatePayment(t, db, o, paydeck.PaymentAborted)
		before := len(orderEvents(t, db, o.ID))
		err := db.Update(ctx, func(tx paydeck.Tx) error {
			if err := tx.AppendEvent(ctx, &paydeck.PaymentEvent{OrderID: o.ID, Type: paydeck.EventApproved,
				Message: "never kept"}); err != nil {
				return err
			}
			return tx.CreatePayment(ctx, &paydeck.Payment{PaymentKey: taken.PaymentKey, OrderID: o.ID,
				Method: paydeck.MethodCard, Status: paydeck.PaymentInProgress, Amount: o.FinalAmount})
		})
		requireCode(t, paydeck.CodeConflict, err)
		require.Equal(t, "A payment with this payment key already exists.", paydeck.ErrorMessage(err))
		require.Len(t, orderEvents(t, db, o.ID), before)
	})

	// A hook that passes over every event calls nothing, and the writes
	// still carry the COMMIT; one that calls the Tx (here a read of a held
	// order, served from memory) has the events' ids from then on.
	t.Run("TheHookSeesIDsOnceItCallsTheTx", func(t *testing.T) {
		hookIDs = nil
		o := MustPlaceOrder(t, db, user.ID, Line{prod, 1})
		skipped := &paydeck.PaymentEvent{OrderID: o.ID, Type: paydeck.EventApproved, Message: "skip"}
		read := &paydeck.PaymentEvent{OrderID: o.ID, Type: paydeck.EventApproved, Message: "read"}
		for _, e := range []*paydeck.PaymentEvent{skipped, read} {
			s, r := count(func() {
				MustUpdate(t, db, func(tx paydeck.Tx) error {
					lo, err := tx.LockOrderByID(ctx, o.ID)
					if err != nil {
						return err
					}
					lo.ShippingMemo = e.Message
					if err := tx.UpdateOrder(ctx, lo); err != nil {
						return err
					}
					return tx.AppendEvent(ctx, e)
				})
			})
			require.NotZero(t, e.ID)
			if postgres && e == skipped {
				require.Equal(t, [2]int64{2, 2}, [2]int64{s, r}, "statements, round trips")
			} else if postgres { // the hook's read flushed the writes: the COMMIT goes alone
				require.Equal(t, [2]int64{2, 3}, [2]int64{s, r}, "statements, round trips")
			}
		}
		require.Equal(t, []int64{read.ID}, hookIDs)
	})

	// On PostgreSQL the row lock and the read after it are two statements
	// (suite_moneypath.go, LockThenReadAfterTheWait) in one round trip.
	t.Run("ALockAndItsReadTakeOneRoundTrip", func(t *testing.T) {
		o := MustPlaceOrder(t, db, user.ID, Line{prod, 1})
		MustCreatePayment(t, db, o, paydeck.PaymentAborted)
		var pays []*paydeck.Payment
		var unpaid paydeck.Unpaid
		s, r := count(func() {
			MustUpdate(t, db, func(tx paydeck.Tx) (err error) {
				if _, pays, err = tx.LockOrderWithPayments(ctx, o.OrderID); err != nil {
					return err
				}
				_, unpaid, err = tx.TakeStockFor(ctx, user.ID, prod.ID, 1)
				return err
			})
		})
		require.Len(t, pays, 1)
		require.NotZero(t, unpaid.Orders)
		if postgres { // two pairs, then a COMMIT of its own
			require.Equal(t, [2]int64{4, 3}, [2]int64{s, r}, "statements, round trips")
		} else {
			require.Equal(t, [2]int64{2, 2}, [2]int64{s, r}, "statements, round trips")
		}
		_, _, err := func() (*paydeck.Order, []*paydeck.Payment, error) {
			var lo *paydeck.Order
			var lp []*paydeck.Payment
			err := db.Update(ctx, func(tx paydeck.Tx) (err error) {
				lo, lp, err = tx.LockOrderWithPayments(ctx, "ORDNOSUCHORDER")
				return err
			})
			return lo, lp, err
		}()
		requireCode(t, paydeck.CodeNotFound, err)
	})
}

// orderEvents returns the audit events of the order with orderID.
func orderEvents(t *testing.T, db paydeck.Store, orderID string) []*paydeck.PaymentEvent {
	t.Helper()
	var es []*paydeck.PaymentEvent
	MustView(t, db, func(tx paydeck.Tx) (err error) {
		es, _, err = tx.FindEvents(context.Background(), paydeck.EventFilter{OrderID: &orderID})
		return err
	})
	return es
}
