package payment_test

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/report"
	"github.com/paydeck/paydeck/store/storetest"
	"github.com/paydeck/paydeck/toss"
)

// The tests of this file each prove one defect of issue 11 (numbered as
// there) and failed before its fix.

// tossPayment reads the payment from the sandbox.
func tossPayment(t *testing.T, env *apptest.Env, key string) *toss.Payment {
	t.Helper()
	tp, err := env.Toss.Payments.Get(ctx, key)
	require.NoError(t, err)
	return tp
}

// refundWith waits for a refund of the payment in status st and returns it.
func refundWith(t *testing.T, env *apptest.Env, paymentID string, st paydeck.RefundStatus) *paydeck.Refund {
	t.Helper()
	var out *paydeck.Refund
	apptest.WaitFor(t, "a "+string(st)+" refund", func() bool {
		for _, r := range env.Refunds(t, paymentID) {
			if r.Status == st {
				out = r
				return true
			}
		}
		return false
	})
	return out
}

// Defect 1: after the shop partially refunds a shipped order (status
// partial_refunded), the customer must still not refund the rest.
func TestCustomerCannotRefundShippedOrderAfterShopRefund(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u, admin := env.Customer(t), env.Admin(t)
		o, p := confirmed(t, env, u, "CARD")
		stock := env.ProductByID(t, o.Items[0].ProductID).StockQuantity
		_, err := env.Payments.ShipOrder(ctx, apptest.As(admin), o.OrderID)
		require.NoError(t, err)
		_, _, err = env.Payments.Cancel(ctx, apptest.As(admin), p.PaymentKey, payment.CancelInput{Reason: "scratched", Amount: ptr(int64(1000))})
		require.NoError(t, err)
		require.Equal(t, paydeck.OrderPartialRefunded, env.OrderByID(t, o.ID).Status)

		env.Clock.Advance(2 * time.Second)
		_, _, err = env.Payments.Cancel(ctx, apptest.As(u), p.PaymentKey, payment.CancelInput{Reason: "changed my mind"})
		requireCode(t, paydeck.CodeForbidden, err)
		got := env.OrderByID(t, o.ID)
		require.Equal(t, paydeck.OrderPartialRefunded, got.Status)
		require.NotNil(t, got.ShippedAt)
		require.Equal(t, stock, env.ProductByID(t, o.Items[0].ProductID).StockQuantity, "the goods left: no stock back")
		require.Equal(t, o.FinalAmount-1000, tossBalance(t, env, p.PaymentKey))
	})
}

// Defect 6: the shop cannot ship while a refund is in flight at Toss.
func TestShipRefusedWhileRefundInFlight(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u, admin := env.Customer(t), env.Admin(t)
		o, p := confirmed(t, env, u, "CARD")
		env.SetFaults(t, `[{"orderId":"`+o.OrderID+`","operation":"cancel","latencyMs":1500,"times":1}]`)
		var wg sync.WaitGroup
		var cerr error
		wg.Go(func() {
			_, _, cerr = env.Payments.Cancel(ctx, apptest.As(u), p.PaymentKey, payment.CancelInput{Reason: "changed my mind"})
		})
		refundWith(t, env, p.ID, paydeck.RefundInProgress)
		_, err := env.Payments.ShipOrder(ctx, apptest.As(admin), o.OrderID)
		requireCode(t, paydeck.CodeConflict, err)
		wg.Wait()
		require.NoError(t, cerr)
		got := env.OrderByID(t, o.ID)
		require.Equal(t, paydeck.OrderRefunded, got.Status)
		require.Nil(t, got.ShippedAt)
	})
}

// Defect 3 (confirm): a 2xx whose body cannot be decoded is an unknown
// outcome, settled by the lookup path, not a refusal.
func TestConfirmUndecodableAnswerIsUnknown(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o := env.Order(t, u, apptest.Line(env.Product(t, 20_000, 10), 1))
		key := env.Authorize(t, o, "CARD")
		env.SetFaults(t, `[{"orderId":"`+o.OrderID+`","operation":"confirm","undecodableResponse":true,"times":1},
			{"orderId":"`+o.OrderID+`","webhookDelaySeconds":86400}]`)
		p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
		require.NoError(t, err)
		require.Equal(t, paydeck.PaymentInProgress, p.Status)
		apptest.WaitFor(t, "payment resolved", func() bool { return env.PaymentByKey(t, key).Status == paydeck.PaymentDone })
		require.Equal(t, paydeck.OrderPaid, env.OrderByID(t, o.ID).Status)
		require.Equal(t, toss.StatusDone, tossPayment(t, env, key).Status)
	})
}

// Defect 3 (cancel): a cancel Toss completed but whose answer cannot be
// decoded is settled by repeating it with the same key, not marked failed.
func TestRefundUndecodableAnswerIsUnknown(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u, admin := env.Customer(t), env.Admin(t)
		o, p := confirmed(t, env, u, "CARD")
		env.SetFaults(t, `[{"orderId":"`+o.OrderID+`","operation":"cancel","undecodableResponse":true,"times":1}]`)
		r, _, err := env.Payments.Cancel(ctx, apptest.As(admin), p.PaymentKey, payment.CancelInput{Reason: "out of stock"})
		require.NoError(t, err)
		require.Equal(t, paydeck.RefundInProgress, r.Status)
		refundWith(t, env, p.ID, paydeck.RefundCompleted)
		require.Equal(t, paydeck.PaymentCanceled, env.PaymentByKey(t, p.PaymentKey).Status)
		require.Equal(t, paydeck.OrderRefunded, env.OrderByID(t, o.ID).Status)
		require.Equal(t, toss.StatusCanceled, tossPayment(t, env, p.PaymentKey).Status)
		require.Len(t, tossPayment(t, env, p.PaymentKey).Cancels, 1, "cancelled once")
	})
}

// Defect 4: Toss approves a payment paydeck holds as aborted, for an order
// that has expired meanwhile: paydeck cancels it back at once.
func TestLateApprovalOfAbortedPaymentIsCancelledBack(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		prod := env.Product(t, 20_000, 10)
		o := env.Order(t, u, apptest.Line(prod, 1))
		key := env.Authorize(t, o, "CARD")
		env.SetFaults(t, `[{"orderId":"`+o.OrderID+`","operation":"confirm","errorCode":"INVALID_REQUEST","times":1}]`)
		p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
		requireCode(t, paydeck.CodeConflict, err)
		require.Equal(t, paydeck.PaymentAborted, p.Status)
		env.Clock.Advance(3 * time.Minute)
		require.NoError(t, env.Payments.ExpireOrder(ctx, o.ID))
		require.Equal(t, paydeck.OrderExpired, env.OrderByID(t, o.ID).Status)

		// Toss approves it after all (another confirm reached it).
		_, err = env.Toss.Payments.Confirm(ctx, &toss.ConfirmParams{PaymentKey: key, OrderID: o.OrderID, Amount: toss.Amount(o.FinalAmount)})
		require.NoError(t, err)
		env.WebhooksSettled(t)
		apptest.WaitFor(t, "cancel-back", func() bool { return tossPayment(t, env, key).Status == toss.StatusCanceled })
		r := refundWith(t, env, p.ID, paydeck.RefundCompleted)
		require.Equal(t, o.FinalAmount, r.Amount)
		require.Equal(t, paydeck.PaymentAborted, env.PaymentByKey(t, key).Status, "the payment never counted")
		require.Contains(t, env.EventTypes(t, o.ID), "cancel_back")
		require.Equal(t, paydeck.OrderExpired, env.OrderByID(t, o.ID).Status)
		require.Equal(t, int64(10), env.ProductByID(t, prod.ID).StockQuantity)
	}, apptest.WithPaymentConfig(func(c *payment.Config) { c.PaymentTimeout = 2 * time.Minute }))
}

// Defect 5: the shopper deposits into a virtual account while paydeck
// cancels it back (its order expired during confirm). The cancel-back
// fails (a deposited account needs a refund account); the payment becomes
// an owner task, later webhooks are processed, and the owner's refund with
// an account completes it.
func TestDepositRacingCancelBack(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u, admin := env.Customer(t), env.Admin(t)
		o := env.Order(t, u, apptest.Line(env.Product(t, 20_000, 10), 1))
		key := env.Authorize(t, o, "VIRTUAL_ACCOUNT")
		env.SetFaults(t, `[{"orderId":"`+o.OrderID+`","operation":"confirm","hang":true}]`)
		p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
		require.NoError(t, err)
		require.Equal(t, paydeck.PaymentInProgress, p.Status)
		env.Clock.Advance(3 * time.Minute)
		require.NoError(t, env.Payments.ExpireOrder(ctx, o.ID))

		env.SetFaults(t, `[{"orderId":"`+o.OrderID+`","operation":"cancel","latencyMs":1500,"times":1}]`)
		apptest.WaitFor(t, "account issued", func() bool { return env.Payments.ResolvePayment(ctx, p.ID) == nil })
		refundWith(t, env, p.ID, paydeck.RefundInProgress) // the cancel-back, slowed down at Toss
		env.Deposit(t, key)
		refundWith(t, env, p.ID, paydeck.RefundFailed)
		env.WebhooksSettled(t) // no webhook stays stuck
		for _, w := range env.ReceivedWebhooks(t) {
			require.NotContains(t, w.Result, "rejected", w.Result)
		}
		task := refundWith(t, env, p.ID, paydeck.RefundPending)
		require.Equal(t, payment.RefundAccountRequired, task.ErrorCode)
		require.Equal(t, paydeck.PaymentDone, env.PaymentByKey(t, key).Status)
		require.Contains(t, env.EventTypes(t, o.ID), string(payment.EventOwnerTask))

		// A sweep and a repeated webhook change nothing and fail nothing.
		require.NoError(t, env.Payments.Sweep(ctx))
		require.Len(t, env.Refunds(t, p.ID), 2)

		// The owner gets the shopper's account and refunds.
		r, pay, err := env.Payments.Cancel(ctx, apptest.As(admin), key, payment.CancelInput{Reason: "order expired before the deposit",
			RefundAccount: &payment.RefundAccount{Bank: "20", AccountNumber: "1002003004005", HolderName: "홍길동"}})
		require.NoError(t, err)
		require.Equal(t, task.ID, r.ID, "the owner task is the refund")
		require.Equal(t, paydeck.RefundCompleted, r.Status)
		require.Equal(t, paydeck.PaymentCanceled, pay.Status)
		require.Equal(t, toss.StatusCanceled, tossPayment(t, env, key).Status)
		require.Equal(t, paydeck.OrderExpired, env.OrderByID(t, o.ID).Status)
	}, apptest.WithPaymentConfig(func(c *payment.Config) { c.PaymentTimeout = 2 * time.Minute }),
		apptest.WithTossRetries(300*time.Millisecond, 0))
}

// Defect 2: paydeck's clock runs 30 s ahead of Toss's. At paydeck's due
// date Toss still takes the deposit, so the account must not expire yet.
func TestVirtualAccountExpiresOnlyOnTossWord(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o, p := confirmed(t, env, u, "VIRTUAL_ACCOUNT")
		stock := env.ProductByID(t, o.Items[0].ProductID).StockQuantity
		env.Clock.Advance(p.VirtualAccount.DueDate.Sub(env.Clock.Now()) - 5*time.Second)
		env.Clock.AdvanceLocal(35 * time.Second)
		require.NoError(t, env.Payments.ExpireVirtualAccount(ctx, p.ID))
		require.NoError(t, env.Payments.Sweep(ctx))
		require.Equal(t, paydeck.PaymentWaitingForDeposit, env.PaymentByKey(t, p.PaymentKey).Status)
		require.Equal(t, paydeck.OrderPending, env.OrderByID(t, o.ID).Status)
		require.Equal(t, stock, env.ProductByID(t, o.Items[0].ProductID).StockQuantity)

		env.Deposit(t, p.PaymentKey)
		env.WebhooksSettled(t)
		require.Equal(t, paydeck.PaymentDone, env.PaymentByKey(t, p.PaymentKey).Status)
		require.Equal(t, paydeck.OrderPaid, env.OrderByID(t, o.ID).Status)

		// Once Toss marks the account expired, paydeck expires it.
		o2, p2 := confirmed(t, env, u, "VIRTUAL_ACCOUNT")
		env.Clock.Advance(p2.VirtualAccount.DueDate.Sub(env.Clock.SandboxNow()) + time.Second)
		require.NoError(t, env.Payments.ExpireVirtualAccount(ctx, p2.ID))
		require.Equal(t, paydeck.PaymentExpired, env.PaymentByKey(t, p2.PaymentKey).Status)
		require.Equal(t, paydeck.OrderExpired, env.OrderByID(t, o2.ID).Status)
	})
}

// Defect 8 (reports): cancelling a virtual account before its deposit is
// no refund of money: revenue stays 0.
func TestStatsIgnoreCancelledUnpaidAccount(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		_, p := confirmed(t, env, u, "VIRTUAL_ACCOUNT")
		_, _, err := env.Payments.Cancel(ctx, apptest.As(u), p.PaymentKey, payment.CancelInput{Reason: "not needed"})
		require.NoError(t, err)
		day := time.Date(env.Clock.Now().In(paydeck.KST).Year(), env.Clock.Now().In(paydeck.KST).Month(),
			env.Clock.Now().In(paydeck.KST).Day(), 0, 0, 0, 0, paydeck.KST)
		var st report.Stats
		storetest.MustView(t, env.DB, func(tx paydeck.Tx) (err error) {
			st, err = report.ComputeStats(ctx, tx, day, day.AddDate(0, 0, 1))
			return err
		})
		require.Zero(t, st.Totals.ApprovedAmount)
		require.Zero(t, st.Totals.RefundCount)
		require.Zero(t, st.Totals.RefundedAmount)
		require.Zero(t, st.Totals.Revenue)
		for _, d := range st.ByDay {
			require.Zero(t, d.RefundedAmount, d.Date)
		}
	})
}

// Defect 8 (reconciliation): an approval at 23:59:59.5 KST belongs to its
// day and is found at Toss.
func TestReconcileLastHalfSecondOfTheDay(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		env.Clock.Freeze()
		now := env.Clock.Now().In(paydeck.KST)
		end := time.Date(now.Year(), now.Month(), now.Day(), 23, 59, 59, 500_000_000, paydeck.KST)
		env.Clock.Advance(end.Sub(now) - time.Minute)
		o := env.Order(t, u, apptest.Line(env.Product(t, 20_000, 10), 1))
		key := env.Authorize(t, o, "CARD")
		env.Clock.Advance(time.Minute)
		p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
		require.NoError(t, err)
		require.Equal(t, paydeck.PaymentDone, p.Status)
		env.Clock.Advance(time.Second)
		rep, err := env.Payments.Reconcile(ctx, end.Format(time.DateOnly))
		require.NoError(t, err)
		var r payment.Report
		require.NoError(t, json.Unmarshal(rep.Report, &r))
		require.Equal(t, 1, r.TossApprovals)
		require.Equal(t, 1, r.LocalApprovals)
		require.Equal(t, 1, r.Matched)
		require.Empty(t, r.Mismatches)
	})
}

// Defect 9 (amounts): after a refund the stored supplied, VAT and tax-free
// amounts are Toss's.
func TestRefundStoresTossAmounts(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		_, p := confirmed(t, env, u, "CARD")
		_, _, err := env.Payments.Cancel(ctx, apptest.As(u), p.PaymentKey, payment.CancelInput{Reason: "one broke", Amount: ptr(int64(5000))})
		require.NoError(t, err)
		got, tp := env.PaymentByKey(t, p.PaymentKey), tossPayment(t, env, p.PaymentKey)
		require.Equal(t, int64(tp.BalanceAmount), got.BalanceAmount)
		require.Equal(t, int64(tp.SuppliedAmount), got.SuppliedAmount)
		require.Equal(t, int64(tp.VAT), got.VAT)
		require.Equal(t, int64(tp.TaxFreeAmount), got.TaxFreeAmount)
		require.Less(t, got.SuppliedAmount+got.VAT, p.Amount, "reduced by the refund")
	})
}

// Defect 9 (approval): Toss's payment carries another amount than the one
// paydeck confirmed (approved by someone else at Toss): paydeck refuses
// it, does not mark the order paid, and cancels it back.
func TestApprovalOfAnotherAmountIsRefused(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o := env.Order(t, u, apptest.Line(env.Product(t, 20_000, 10), 1))
		other := o.FinalAmount + 1000
		key := env.Authorize(t, &paydeck.Order{OrderID: o.OrderID, FinalAmount: other}, "CARD")
		env.SetFaults(t, `[{"orderId":"`+o.OrderID+`","operation":"confirm","hang":true},
			{"orderId":"`+o.OrderID+`","webhookDelaySeconds":86400}]`)
		p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
		require.NoError(t, err)
		require.Equal(t, paydeck.PaymentInProgress, p.Status)
		env.SetFaults(t, `[{"orderId":"`+o.OrderID+`","webhookDelaySeconds":86400}]`)
		_, err = env.Toss.Payments.Confirm(ctx, &toss.ConfirmParams{PaymentKey: key, OrderID: o.OrderID, Amount: toss.Amount(other)})
		require.NoError(t, err)

		apptest.WaitFor(t, "resolved", func() bool { return env.Payments.ResolvePayment(ctx, p.ID) == nil })
		got := env.PaymentByKey(t, key)
		require.Equal(t, paydeck.PaymentAborted, got.Status)
		require.Equal(t, "APPROVAL_MISMATCH", got.FailureCode)
		require.NotEqual(t, paydeck.OrderPaid, env.OrderByID(t, o.ID).Status)
		refundWith(t, env, p.ID, paydeck.RefundCompleted)
		require.Equal(t, toss.StatusCanceled, tossPayment(t, env, key).Status)
	}, apptest.WithTossRetries(300*time.Millisecond, 0))
}
