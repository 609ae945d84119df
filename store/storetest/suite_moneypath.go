package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
)

// testMoneyPath covers the one-statement reads and writes of the money
// paths (LockPaymentAndOrder, LockOrderWithPayments, TakeStock,
// TakeStockFor, CreatePaymentIfPayable), the rows a transaction holds once
// it locked or wrote them, and the session read with its user.
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
			require.Equal(t, o, lo, "with its items, from the same statement")
			u, err := tx.FindUserByID(ctx, user.ID)
			require.NoError(t, err)
			require.Equal(t, user, u, "the order's user, read along")

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
		rollback := errors.New("roll back")
		err := db.Update(ctx, func(tx paydeck.Tx) error {
			_, _, err := tx.LockPaymentAndOrder(ctx, second.ID)
			require.NoError(t, err)
			u, err := tx.FindUserByID(ctx, user.ID)
			require.NoError(t, err)
			u.Name = "changed"
			require.NoError(t, tx.UpdateUser(ctx, u))
			u, err = tx.FindUserByID(ctx, user.ID)
			require.NoError(t, err)
			require.Equal(t, "changed", u.Name, "a written user is read again")
			return rollback
		})
		require.ErrorIs(t, err, rollback)
		MustView(t, db, func(tx paydeck.Tx) error {
			got, err := tx.FindPaymentByID(ctx, second.ID)
			require.NoError(t, err)
			require.Equal(t, paydeck.PaymentAborted, got.Status, "the write committed")
			return nil
		})
		err = db.Update(ctx, func(tx paydeck.Tx) error {
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

	t.Run("TakeStockFor", func(t *testing.T) {
		buyer := MustCreateUser(t, db, nil)
		one := MustCreateProduct(t, db, &paydeck.Product{StockQuantity: 20, IsActive: true})
		other := MustCreateProduct(t, db, &paydeck.Product{StockQuantity: 10, IsActive: true})
		never := MustCreateProduct(t, db, &paydeck.Product{StockQuantity: 10, IsActive: true})
		inactive := MustCreateProduct(t, db, &paydeck.Product{StockQuantity: 5})
		MustPlaceOrder(t, db, buyer.ID, Line{one, 2})
		MustPlaceOrder(t, db, buyer.ID, Line{one, 1}, Line{other, 3})
		cancelled := MustPlaceOrder(t, db, buyer.ID, Line{other, 1})
		expired := MustPlaceOrder(t, db, buyer.ID, Line{one, 4})
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			o, err := tx.LockOrderByID(ctx, cancelled.ID)
			require.NoError(t, err)
			o.Status = paydeck.OrderCancelled
			if err := tx.UpdateOrder(ctx, o); err != nil {
				return err
			}
			// Still pending, but past its time: the next sweep expires it.
			o, err = tx.LockOrderByID(ctx, expired.ID)
			require.NoError(t, err)
			o.ExpiresAt = tx.Now().Add(-time.Second)
			return tx.UpdateOrder(ctx, o)
		})
		otherUser := MustCreateUser(t, db, nil)
		MustPlaceOrder(t, db, otherUser.ID, Line{one, 5})
		nobody := MustCreateUser(t, db, nil)
		rollback := errors.New("roll back")
		err := db.Update(ctx, func(tx paydeck.Tx) error {
			p, u, err := tx.TakeStockFor(ctx, buyer.ID, one.ID, 1)
			require.NoError(t, err)
			require.Equal(t, one.ID, p.ID)
			require.Equal(t, int64(20-2-1-4-5-1), p.StockQuantity, "the stock after the reservation")
			require.Equal(t, paydeck.Unpaid{Orders: 2, Quantity: 3}, u,
				"two unpaid orders and 2+1 units of the product: not the cancelled, the expired or another user's")
			_, u, err = tx.TakeStockFor(ctx, buyer.ID, other.ID, 2)
			require.NoError(t, err)
			require.Equal(t, paydeck.Unpaid{Orders: 2, Quantity: 3}, u)
			_, u, err = tx.TakeStockFor(ctx, buyer.ID, never.ID, 1)
			require.NoError(t, err)
			require.Equal(t, paydeck.Unpaid{Orders: 2}, u)

			// Refusals come with the product as read and what the user holds.
			p, u, err = tx.TakeStockFor(ctx, buyer.ID, one.ID, 100)
			requireCode(t, paydeck.CodeConflict, err)
			require.Equal(t, int64(20-2-1-4-5-1), p.StockQuantity, "a refusal changes nothing")
			require.Equal(t, paydeck.Unpaid{Orders: 2, Quantity: 3}, u)
			p, u, err = tx.TakeStockFor(ctx, buyer.ID, inactive.ID, 1)
			requireCode(t, paydeck.CodeConflict, err)
			require.False(t, p.IsActive)
			require.Equal(t, paydeck.Unpaid{Orders: 2}, u)
			_, u, err = tx.TakeStockFor(ctx, buyer.ID, missing, 1)
			requireCode(t, paydeck.CodeNotFound, err)
			require.Equal(t, paydeck.ReasonProductNotFound, paydeck.ErrorReason(err))
			require.Equal(t, paydeck.Unpaid{Orders: 2}, u)

			_, u, err = tx.TakeStockFor(ctx, nobody.ID, one.ID, 1)
			require.NoError(t, err)
			require.Equal(t, paydeck.Unpaid{}, u)
			for _, id := range []string{missing, "not-a-uuid"} {
				p, _, err = tx.TakeStockFor(ctx, id, one.ID, 1)
				requireCode(t, paydeck.CodeNotFound, err)
				require.NotEqual(t, paydeck.ReasonProductNotFound, paydeck.ErrorReason(err), "a missing user is not a missing product")
				require.Nil(t, p)
				_, _, err = tx.TakeStockFor(ctx, id, missing, 1)
				require.NotEqual(t, paydeck.ReasonProductNotFound, paydeck.ErrorReason(err), "the user is named first")
			}
			_, _, err = tx.TakeStockFor(ctx, buyer.ID, one.ID, 0)
			requireCode(t, paydeck.CodeInvalid, err)
			return rollback
		})
		require.ErrorIs(t, err, rollback)
	})

	t.Run("CreatePaymentKeyTaken", func(t *testing.T) {
		rollback := errors.New("roll back")
		var atInsert error
		err := db.Update(ctx, func(tx paydeck.Tx) error {
			dup := &paydeck.Payment{PaymentKey: second.PaymentKey, OrderID: bare.ID, Status: paydeck.PaymentInProgress,
				Amount: bare.FinalAmount}
			if atInsert = tx.CreatePayment(ctx, dup); atInsert == nil {
				// Held back (PostgreSQL combines writes): the next
				// statement fails, and the store runs this again with
				// the insert answering at once.
				if _, err := tx.FindPaymentByKey(ctx, second.PaymentKey); err != nil {
					return err
				}
				return errors.New("the taken key was inserted")
			}
			requireCode(t, paydeck.CodeConflict, atInsert)
			// The transaction goes on (PostgreSQL would abort it on a
			// unique violation): the key can be freed and used.
			p, err := tx.FindPaymentByKey(ctx, second.PaymentKey)
			require.NoError(t, err)
			require.Equal(t, second.ID, p.ID)
			p, err = tx.LockPaymentByID(ctx, p.ID)
			require.NoError(t, err)
			p.PaymentKey = ""
			require.NoError(t, tx.UpdatePayment(ctx, p))
			require.NoError(t, tx.CreatePayment(ctx, dup))
			if _, err := tx.FindPaymentByKey(ctx, dup.PaymentKey); err != nil {
				return err
			}
			return rollback
		})
		require.ErrorIs(t, err, rollback)
		requireCode(t, paydeck.CodeConflict, atInsert) // at the insert, in the run that counted
	})

	// CreateOutboundEventFor hands the endpoints to then once the row is
	// written: at once, or (PostgreSQL) at the next statement, which
	// carries the insert with the transaction's other held writes. A taken
	// source fails at the call or at that next statement.
	t.Run("CreateOutboundEventFor", func(t *testing.T) {
		rollback := errors.New("roll back")
		err := db.Update(ctx, func(tx paydeck.Tx) error {
			ev := func(id string) *paydeck.OutboundEvent {
				return &paydeck.OutboundEvent{ID: id, Type: paydeck.OutOrderPaid, Body: []byte(`{"a":1}`), CreatedAt: tx.Now()}
			}
			var ids []string
			called := 0
			collect := func(got []string) error {
				ids, called = got, called+1
				return nil
			}
			read := func(id string) *paydeck.OutboundEvent { // a statement: the held insert goes first
				got, err := tx.FindOutboundEventByID(ctx, id)
				require.NoError(t, err)
				return got
			}
			none := ev("evt_none")
			require.NoError(t, tx.CreateOutboundEventFor(ctx, none, collect))
			require.Equal(t, none.ID, read("evt_none").ID)
			require.Equal(t, 1, called)
			require.Empty(t, ids, "no endpoint yet")
			require.NotZero(t, none.Seq)
			var want []string
			for i, e := range []paydeck.WebhookEndpoint{
				{Enabled: true},
				{Enabled: true, Events: []paydeck.OutboundEventType{paydeck.OutOrderPaid, paydeck.OutRefundCompleted}},
				{Enabled: true, Events: []paydeck.OutboundEventType{paydeck.OutRefundCompleted}},
				{Enabled: false},
			} {
				e.URL, e.Secret = fmt.Sprintf("https://hooks.example.com/%d", i), "whsec_test"
				require.NoError(t, tx.CreateWebhookEndpoint(ctx, &e))
				if i < 2 {
					want = append(want, e.ID)
				}
			}
			e := ev("evt_some")
			require.NoError(t, tx.CreateOutboundEventFor(ctx, e, collect))
			require.Equal(t, e.Seq, read("evt_some").Seq)
			require.Equal(t, 2, called)
			require.ElementsMatch(t, want, ids, "the enabled endpoints that want order.paid")
			err := tx.CreateOutboundEventFor(ctx, ev("evt_some"), collect)
			if err == nil {
				_, err = tx.FindOutboundEventByID(ctx, "evt_some")
			}
			requireCode(t, paydeck.CodeConflict, err)
			require.Equal(t, 2, called, "then is not called for a failed insert")
			return rollback
		})
		require.ErrorIs(t, err, rollback)
	})

	// A transaction that waited for a lock reads what the lock's previous
	// holder wrote: a payment it created, an order it placed. (On
	// PostgreSQL one statement joining them to the lock would read them
	// from before the wait.) The waiter may also start after the holder
	// committed; the check holds either way.
	t.Run("LockThenReadAfterTheWait", func(t *testing.T) {
		buyer := MustCreateUser(t, db, nil)
		stock := MustCreateProduct(t, db, &paydeck.Product{StockQuantity: 10, IsActive: true})
		ord := MustPlaceOrder(t, db, buyer.ID, Line{stock, 1})
		locked, commit := make(chan struct{}), make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := db.Update(ctx, func(tx paydeck.Tx) error {
				if _, _, err := tx.LockOrderWithPayments(ctx, ord.OrderID); err != nil {
					return err
				}
				if _, _, err := tx.TakeStockFor(ctx, buyer.ID, stock.ID, 1); err != nil {
					return err
				}
				close(locked)
				<-commit
				if err := tx.CreatePayment(ctx, &paydeck.Payment{PaymentKey: "tgen_wait", OrderID: ord.ID,
					Status: paydeck.PaymentInProgress, Amount: ord.FinalAmount}); err != nil {
					return err
				}
				_, err := PlaceOrder(ctx, tx, buyer.ID, Line{stock, 2})
				return err
			})
			assert.NoError(t, err)
		}()
		<-locked
		go func() { time.Sleep(200 * time.Millisecond); close(commit) }() // let the waiter reach the lock
		var pays []*paydeck.Payment
		var unpaid paydeck.Unpaid
		MustUpdate(t, db, func(tx paydeck.Tx) (err error) {
			if _, pays, err = tx.LockOrderWithPayments(ctx, ord.OrderID); err != nil {
				return err
			}
			_, unpaid, err = tx.TakeStockFor(ctx, buyer.ID, stock.ID, 1)
			return err
		})
		wg.Wait()
		require.Len(t, pays, 1, "the payment the lock's holder created")
		require.Equal(t, paydeck.Unpaid{Orders: 2, Quantity: 1 + 2}, unpaid, "the order the lock's holder placed")

		// The same for the payment inserted with its check: a second key
		// waits for the first one's transaction and then sees its payment.
		other := MustPlaceOrder(t, db, buyer.ID, Line{stock, 1})
		inserted, commit2 := make(chan struct{}), make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := db.Update(ctx, func(tx paydeck.Tx) error {
				ok, err := tx.CreatePaymentIfPayable(ctx, other.OrderID, buyer.ID, &paydeck.Payment{PaymentKey: "tgen_wait_1",
					Status: paydeck.PaymentInProgress, Amount: other.FinalAmount, TossOrderID: other.OrderID})
				if err == nil && !ok {
					err = errors.New("the first key was refused")
				}
				close(inserted)
				<-commit2
				return err
			})
			assert.NoError(t, err)
		}()
		<-inserted
		go func() { time.Sleep(200 * time.Millisecond); close(commit2) }() // let the second reach the lock
		var second bool
		MustUpdate(t, db, func(tx paydeck.Tx) (err error) {
			second, err = tx.CreatePaymentIfPayable(ctx, other.OrderID, buyer.ID, &paydeck.Payment{PaymentKey: "tgen_wait_2",
				Status: paydeck.PaymentInProgress, Amount: other.FinalAmount, TossOrderID: other.OrderID})
			return err
		})
		wg.Wait()
		require.False(t, second, "the payment the first key's transaction created stands in the way")
		MustView(t, db, func(tx paydeck.Tx) error {
			ps, _, err := tx.FindPayments(ctx, paydeck.PaymentFilter{OrderID: &other.ID})
			require.NoError(t, err)
			require.Len(t, ps, 1)
			return nil
		})
	})

	t.Run("CreatePaymentIfPayable", func(t *testing.T) {
		buyer := MustCreateUser(t, db, nil)
		stranger := MustCreateUser(t, db, nil)
		stock := MustCreateProduct(t, db, &paydeck.Product{StockQuantity: 50, IsActive: true})
		place := func() *paydeck.Order { return MustPlaceOrder(t, db, buyer.ID, Line{stock, 1}) }
		n := 0
		try := func(o *paydeck.Order, orderID, userID, key string, amount int64) (*paydeck.Payment, bool) {
			t.Helper()
			n++
			if key == "" {
				key = fmt.Sprintf("tpay_ifpayable_%d", n)
			}
			p := &paydeck.Payment{PaymentKey: key, Status: paydeck.PaymentInProgress, Amount: amount, TossOrderID: orderID}
			var ok bool
			MustUpdate(t, db, func(tx paydeck.Tx) (err error) {
				ok, err = tx.CreatePaymentIfPayable(ctx, orderID, userID, p)
				if err != nil || ok {
					return err
				}
				// Nothing written, and the transaction is still usable.
				_, err = tx.FindOrderByID(ctx, o.ID)
				return err
			})
			return p, ok
		}
		paymentsOf := func(o *paydeck.Order) []*paydeck.Payment {
			var ps []*paydeck.Payment
			MustView(t, db, func(tx paydeck.Tx) (err error) {
				ps, _, err = tx.FindPayments(ctx, paydeck.PaymentFilter{OrderID: &o.ID})
				return err
			})
			return ps
		}

		fresh := place()
		p, ok := try(fresh, fresh.OrderID, buyer.ID, "", fresh.FinalAmount)
		require.True(t, ok)
		require.Equal(t, fresh.ID, p.OrderID)
		require.Equal(t, fresh.ExpiresAt, *p.ExpiresAt, "the order's expiry")
		require.Equal(t, []*paydeck.Payment{p}, paymentsOf(fresh), "the payment as returned")

		// Refused: nothing is written.
		for name, c := range map[string]struct {
			order   *paydeck.Order
			orderID string
			user    string
			amount  int64
		}{
			"someone else's order": {fresh, fresh.OrderID, stranger.ID, fresh.FinalAmount},
			"another amount":       {fresh, fresh.OrderID, buyer.ID, fresh.FinalAmount + 1},
			"an unknown order":     {fresh, "ORDNOSUCHORDER", buyer.ID, fresh.FinalAmount},
		} {
			o := place()
			if c.orderID != "ORDNOSUCHORDER" {
				c.orderID = o.OrderID
			}
			_, ok := try(o, c.orderID, c.user, "", c.amount-fresh.FinalAmount+o.FinalAmount)
			require.False(t, ok, name)
			require.Empty(t, paymentsOf(o), name)
		}
		neg := place()
		_, ok = try(neg, neg.OrderID, buyer.ID, "", -neg.FinalAmount)
		require.False(t, ok, "a negative amount is not an error here: the caller names it")
		require.Empty(t, paymentsOf(neg))
		_, ok = try(fresh, fresh.OrderID, buyer.ID, "", fresh.FinalAmount)
		require.False(t, ok, "the order already has a payment in progress")
		_, ok = try(fresh, fresh.OrderID, buyer.ID, p.PaymentKey, fresh.FinalAmount)
		require.False(t, ok, "the key is this order's already")
		taken := place()
		_, ok = try(taken, taken.OrderID, buyer.ID, p.PaymentKey, taken.FinalAmount)
		require.False(t, ok, "the key is another order's")
		require.Len(t, paymentsOf(fresh), 1)
		require.Empty(t, paymentsOf(taken))

		late, cancelled := place(), place()
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			o, err := tx.LockOrderByID(ctx, late.ID)
			require.NoError(t, err)
			o.ExpiresAt = tx.Now() // expired at this instant: Payable refuses it too
			if err := tx.UpdateOrder(ctx, o); err != nil {
				return err
			}
			o, err = tx.LockOrderByID(ctx, cancelled.ID)
			require.NoError(t, err)
			o.Status = paydeck.OrderCancelled
			return tx.UpdateOrder(ctx, o)
		})
		for _, o := range []*paydeck.Order{late, cancelled} {
			_, ok = try(o, o.OrderID, buyer.ID, "", o.FinalAmount)
			require.False(t, ok, "order %s", o.Status)
			require.Empty(t, paymentsOf(o))
		}

		// Payments that ended without taking money do not stand in the way;
		// any other does.
		for _, st := range []paydeck.PaymentStatus{paydeck.PaymentAborted, paydeck.PaymentExpired, paydeck.PaymentCanceled,
			paydeck.PaymentReady, paydeck.PaymentWaitingForDeposit, paydeck.PaymentDone} {
			o := place()
			MustCreatePayment(t, db, o, st) // a cancelled one without approval: a virtual account cancelled unpaid
			_, ok = try(o, o.OrderID, buyer.ID, "", o.FinalAmount)
			free := st == paydeck.PaymentAborted || st == paydeck.PaymentExpired || st == paydeck.PaymentCanceled
			require.Equal(t, free, ok, "with a %s payment", st)
			require.Len(t, paymentsOf(o), map[bool]int{true: 2, false: 1}[free], "with a %s payment", st)
		}
		approvedThenCancelled := place()
		q := MustCreatePayment(t, db, approvedThenCancelled, paydeck.PaymentDone)
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			q.Status = paydeck.PaymentCanceled
			return tx.UpdatePayment(ctx, q)
		})
		_, ok = try(approvedThenCancelled, approvedThenCancelled.OrderID, buyer.ID, "", approvedThenCancelled.FinalAmount)
		require.False(t, ok, "a payment cancelled after its approval took money")
	})

	t.Run("UpdatePaymentIfUnchanged", func(t *testing.T) {
		buyer := MustCreateUser(t, db, &paydeck.User{Name: "구매자"})
		a := MustCreateProduct(t, db, &paydeck.Product{StockQuantity: 50, IsActive: true})
		b := MustCreateProduct(t, db, &paydeck.Product{StockQuantity: 50, IsActive: true})
		// started is a confirm's first transaction: the order and its
		// in-progress payment as that transaction left it.
		started := func(key string) (*paydeck.Order, *paydeck.Payment) {
			o := MustPlaceOrder(t, db, buyer.ID, Line{a, 2}, Line{b, 1})
			p := &paydeck.Payment{PaymentKey: key, Status: paydeck.PaymentInProgress, Amount: o.FinalAmount, TossOrderID: o.OrderID}
			MustUpdate(t, db, func(tx paydeck.Tx) error {
				ok, err := tx.CreatePaymentIfPayable(ctx, o.OrderID, buyer.ID, p)
				require.True(t, ok)
				return err
			})
			return o, p
		}
		// locked is what the locked path reads, rolled back.
		locked := func(p *paydeck.Payment) (*paydeck.Order, *paydeck.Payment, *paydeck.User) {
			var lo *paydeck.Order
			var lp *paydeck.Payment
			var u *paydeck.User
			errRollback := errors.New("rollback")
			err := db.Update(ctx, func(tx paydeck.Tx) (err error) {
				if lo, lp, err = tx.LockPaymentAndOrder(ctx, p.ID); err != nil {
					return err
				}
				if u, err = tx.FindUserByID(ctx, lo.UserID); err != nil {
					return err
				}
				return errRollback
			})
			require.ErrorIs(t, err, errRollback)
			return lo, lp, u
		}
		approve := func(p *paydeck.Payment) *paydeck.Payment {
			c := *p
			now := testStart.Add(time.Minute)
			c.Status, c.ApprovedAt, c.TransactionKey = paydeck.PaymentDone, &now, "txn-"+p.PaymentKey
			c.BalanceAmount, c.SuppliedAmount, c.VAT = c.Amount, c.Amount-c.Amount/11, c.Amount/11
			return &c
		}

		o, p0 := started("tpay_unchanged_1")
		wantOrder, _, wantUser := locked(p0)
		require.Len(t, wantOrder.Items, 2)
		p := approve(p0)
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			got, ok, err := tx.UpdatePaymentIfUnchanged(ctx, p, p0.UpdatedAt)
			require.NoError(t, err)
			require.True(t, ok)
			require.Equal(t, wantOrder, got, "the order as the locked path reads it, items in their order")
			require.Equal(t, tx.Now(), p.UpdatedAt)
			// Held: no statement reads them again, and they are as written.
			held, err := tx.FindOrderByID(ctx, o.ID)
			require.NoError(t, err)
			require.Equal(t, wantOrder, held)
			u, err := tx.FindUserByID(ctx, buyer.ID)
			require.NoError(t, err)
			require.Equal(t, wantUser, u)
			hp, err := tx.FindPaymentByID(ctx, p.ID)
			require.NoError(t, err)
			require.Equal(t, p, hp)
			return nil
		})
		_, stored, _ := locked(p0)
		require.Equal(t, p, stored, "the payment as written")

		// Written since: nothing is written, whatever changed.
		_, q0 := started("tpay_unchanged_2")
		later := *q0
		later.FailureMessage = "written by another transaction"
		MustUpdate(t, db, func(tx paydeck.Tx) error { return tx.UpdatePayment(ctx, &later) })
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			got, ok, err := tx.UpdatePaymentIfUnchanged(ctx, approve(q0), q0.UpdatedAt)
			require.NoError(t, err)
			require.False(t, ok)
			require.Nil(t, got)
			return nil
		})
		_, stored, _ = locked(q0)
		require.Equal(t, &later, stored, "the other transaction's write stands")

		// The first one again: it was written (approved) since.
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			_, ok, err := tx.UpdatePaymentIfUnchanged(ctx, approve(p0), p0.UpdatedAt)
			require.False(t, ok)
			return err
		})
		// Gone, or never there.
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			gone := approve(p0)
			gone.ID = missing
			_, ok, err := tx.UpdatePaymentIfUnchanged(ctx, gone, p0.UpdatedAt)
			require.False(t, ok)
			return err
		})
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
