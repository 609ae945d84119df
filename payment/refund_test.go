package payment_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/toss"
)

func ptr[T any](v T) *T { return &v }

// tossBalance is the payment's balance at Toss.
func tossBalance(t *testing.T, env *apptest.Env, key string) int64 {
	t.Helper()
	tp, err := env.Toss.Payments.Get(ctx, key)
	require.NoError(t, err)
	return int64(tp.BalanceAmount)
}

func TestRefundPartialThenFull(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		prod := env.Product(t, 20_000, 10)
		o, p := confirmed(t, env, u, "CARD")
		_ = prod
		stock := env.ProductByID(t, o.Items[0].ProductID).StockQuantity
		a := apptest.As(u)

		r, pay, err := env.Payments.Cancel(ctx, a, p.PaymentKey, payment.CancelInput{Reason: "one item damaged", Amount: ptr(int64(5000))})
		require.NoError(t, err)
		require.Equal(t, paydeck.RefundCompleted, r.Status)
		require.NotEmpty(t, r.TransactionKey)
		require.Equal(t, o.FinalAmount-5000, pay.BalanceAmount)
		require.Equal(t, paydeck.PaymentPartialCanceled, pay.Status)
		require.Equal(t, paydeck.OrderPartialRefunded, env.OrderByID(t, o.ID).Status)
		require.Equal(t, stock, env.ProductByID(t, o.Items[0].ProductID).StockQuantity, "no stock back on a partial refund")
		require.Equal(t, pay.BalanceAmount, tossBalance(t, env, p.PaymentKey))

		_, _, err = env.Payments.Cancel(ctx, a, p.PaymentKey, payment.CancelInput{Reason: "too much", Amount: ptr(pay.BalanceAmount + 1)})
		requireCode(t, paydeck.CodeInvalid, err)
		require.Len(t, env.TossCalls("POST", "/v1/payments/"+p.PaymentKey+"/cancel"), 1, "refused before Toss")

		env.Clock.Advance(2 * time.Second) // Toss refuses cancels of one payment less than a second apart
		r2, pay, err := env.Payments.Cancel(ctx, a, p.PaymentKey, payment.CancelInput{Reason: "changed my mind", IdempotencyKey: "req-2"})
		require.NoError(t, err)
		require.Equal(t, o.FinalAmount-5000, r2.Amount)
		require.Equal(t, int64(0), pay.BalanceAmount)
		require.Equal(t, paydeck.PaymentCanceled, pay.Status)
		require.Equal(t, paydeck.OrderRefunded, env.OrderByID(t, o.ID).Status)
		require.Equal(t, stock+1, env.ProductByID(t, o.Items[0].ProductID).StockQuantity, "stock back on the full refund")
		require.Equal(t, int64(0), tossBalance(t, env, p.PaymentKey))

		// The same caller key returns the first refund, no second Toss call.
		again, _, err := env.Payments.Cancel(ctx, a, p.PaymentKey, payment.CancelInput{Reason: "changed my mind", IdempotencyKey: "req-2"})
		require.NoError(t, err)
		require.Equal(t, r2.ID, again.ID)
		calls := env.TossCalls("POST", "/v1/payments/"+p.PaymentKey+"/cancel")
		require.Len(t, calls, 2)
		require.Equal(t, "cancel-"+r.ID, calls[0].IdempotencyKey)
		require.Equal(t, "cancel-"+r2.ID, calls[1].IdempotencyKey)

		require.Equal(t, []string{"created", "confirm_requested", "approved", "refund_requested", "refund_completed",
			"refund_requested", "refund_completed"}, env.EventTypes(t, o.ID))
		evs := env.Events(t, o.ID)
		require.Equal(t, float64(5000), meta(t, evs[4])["amount"])
		require.Equal(t, "203.0.113.7", evs[6].IP)
	})
}

func TestRefundAuthorization(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u, other, admin := env.Customer(t), env.Customer(t), env.Admin(t)
		o, p := confirmed(t, env, u, "CARD")
		in := payment.CancelInput{Reason: "r", Amount: ptr(int64(1000))}
		_, _, err := env.Payments.Cancel(ctx, apptest.As(other), p.PaymentKey, in)
		requireCode(t, paydeck.CodeNotFound, err)
		_, _, err = env.Payments.Payment(ctx, apptest.As(other), p.PaymentKey)
		requireCode(t, paydeck.CodeNotFound, err)
		_, _, err = env.Payments.Order(ctx, apptest.As(other), o.OrderID)
		requireCode(t, paydeck.CodeNotFound, err)
		_, err = env.Payments.ShipOrder(ctx, apptest.As(u), o.OrderID)
		requireCode(t, paydeck.CodeForbidden, err)

		_, err = env.Payments.ShipOrder(ctx, apptest.As(admin), o.OrderID)
		require.NoError(t, err)
		_, _, err = env.Payments.Cancel(ctx, apptest.As(u), p.PaymentKey, in)
		requireCode(t, paydeck.CodeForbidden, err)
		r, pay, err := env.Payments.Cancel(ctx, apptest.As(admin), p.PaymentKey, in)
		require.NoError(t, err)
		require.Equal(t, paydeck.RefundCompleted, r.Status)
		require.Equal(t, o.FinalAmount-1000, pay.BalanceAmount)
		require.Equal(t, paydeck.OrderPartialRefunded, env.OrderByID(t, o.ID).Status)

		_, evs, err := env.Payments.Payment(ctx, apptest.As(u), p.PaymentKey)
		require.NoError(t, err)
		require.Nil(t, evs, "customers do not see the trail")
		_, evs, err = env.Payments.Payment(ctx, apptest.As(admin), p.PaymentKey)
		require.NoError(t, err)
		require.NotEmpty(t, evs)
	})
}

func TestRefundFailedAtToss(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o, p := confirmed(t, env, u, "CARD")
		env.SetFaults(t, `[{"orderId":"`+o.OrderID+`","operation":"cancel","errorCode":"NOT_CANCELABLE_PAYMENT","times":1}]`)
		r, pay, err := env.Payments.Cancel(ctx, apptest.As(u), p.PaymentKey, payment.CancelInput{Reason: "r", Amount: ptr(int64(1000))})
		requireCode(t, paydeck.CodeConflict, err)
		require.Equal(t, paydeck.RefundFailed, r.Status)
		require.Equal(t, "NOT_CANCELABLE_PAYMENT", r.ErrorCode)
		require.NotEmpty(t, r.ErrorMessage)
		require.Equal(t, o.FinalAmount, pay.BalanceAmount)
		require.Equal(t, paydeck.PaymentDone, env.PaymentByKey(t, p.PaymentKey).Status)
		require.Equal(t, o.FinalAmount, env.PaymentByKey(t, p.PaymentKey).BalanceAmount)
		require.Equal(t, paydeck.OrderPaid, env.OrderByID(t, o.ID).Status)
		require.Equal(t, o.FinalAmount, tossBalance(t, env, p.PaymentKey))
		require.Equal(t, "refund_failed", env.EventTypes(t, o.ID)[4])

		// A failed refund does not block the next one.
		r2, pay, err := env.Payments.Cancel(ctx, apptest.As(u), p.PaymentKey, payment.CancelInput{Reason: "r", Amount: ptr(int64(1000))})
		require.NoError(t, err)
		require.Equal(t, paydeck.RefundCompleted, r2.Status)
		require.Equal(t, o.FinalAmount-1000, pay.BalanceAmount)
	})
}

// TestRefundUnknownOutcome: the cancel's answer is lost; ResolveRefund
// repeats it with the same key and Toss replays it: refunded once.
func TestRefundUnknownOutcome(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o, p := confirmed(t, env, u, "CARD")
		env.SetFaults(t, `[{"orderId":"`+o.OrderID+`","operation":"cancel","approveThenDrop":true,"times":1}]`)
		r, _, err := env.Payments.Cancel(ctx, apptest.As(u), p.PaymentKey, payment.CancelInput{Reason: "r", Amount: ptr(int64(2000))})
		require.NoError(t, err)
		require.Equal(t, paydeck.RefundInProgress, r.Status)
		apptest.WaitFor(t, "refund resolved", func() bool { return env.Refunds(t, p.ID)[0].Status == paydeck.RefundCompleted })
		require.Equal(t, o.FinalAmount-2000, env.PaymentByKey(t, p.PaymentKey).BalanceAmount)
		require.Equal(t, o.FinalAmount-2000, tossBalance(t, env, p.PaymentKey))
		for _, c := range env.TossCalls("POST", "/v1/payments/"+p.PaymentKey+"/cancel") {
			require.Equal(t, "cancel-"+r.ID, c.IdempotencyKey)
		}
	}, apptest.WithTossRetries(5*time.Second, 0))
}

func TestRefundsConcurrentAreSerialized(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o, p := confirmed(t, env, u, "CARD") // 23,000 won
		const n = 12
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				_, _, errs[i] = env.Payments.Cancel(ctx, apptest.As(u), p.PaymentKey, payment.CancelInput{Reason: "r", Amount: ptr(int64(4000))})
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				require.Contains(t, []string{paydeck.CodeConflict, paydeck.CodeInvalid}, paydeck.ErrorCode(err), "%v", err)
			}
		}
		settleRefunds(t, env, p)
		require.Positive(t, requireRefundInvariant(t, env, o, p.PaymentKey))
	})
}

// settleRefunds resolves refunds left in progress (cancels a second apart
// are refused by Toss, so the clock moves between attempts).
func settleRefunds(t *testing.T, env *apptest.Env, p *paydeck.Payment) {
	t.Helper()
	apptest.WaitFor(t, "refunds settled", func() bool {
		open := false
		for _, r := range env.Refunds(t, p.ID) {
			if r.Status == paydeck.RefundInProgress {
				open = true
				env.Clock.Advance(2 * time.Second)
				_ = env.Payments.ResolveRefund(ctx, r.ID)
			}
		}
		return !open
	})
}

// requireRefundInvariant: completed refunds never exceed the amount and the
// balance (here and at Toss) is the amount minus them. It returns their sum.
func requireRefundInvariant(t *testing.T, env *apptest.Env, o *paydeck.Order, key string) int64 {
	t.Helper()
	p := env.PaymentByKey(t, key)
	var sum int64
	for _, r := range env.Refunds(t, p.ID) {
		if r.Status == paydeck.RefundCompleted {
			sum += r.Amount
		}
	}
	require.LessOrEqual(t, sum, p.Amount)
	require.Equal(t, p.Amount-sum, p.BalanceAmount)
	require.Equal(t, p.BalanceAmount, tossBalance(t, env, key))
	want := paydeck.OrderPaid
	switch {
	case p.BalanceAmount == 0:
		want = paydeck.OrderRefunded
	case sum > 0:
		want = paydeck.OrderPartialRefunded
	}
	require.Equal(t, want, env.OrderByID(t, o.ID).Status)
	return sum
}

func TestRefundVirtualAccount(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o, p := confirmed(t, env, u, "VIRTUAL_ACCOUNT")
		require.Equal(t, paydeck.PaymentWaitingForDeposit, p.Status)
		_, _, err := env.Payments.Cancel(ctx, apptest.As(u), p.PaymentKey, payment.CancelInput{Reason: "r", Amount: ptr(int64(1000))})
		requireCode(t, paydeck.CodeInvalid, err) // waiting: full cancel only

		env.Deposit(t, p.PaymentKey)
		apptest.WaitFor(t, "deposit", func() bool { return env.PaymentByKey(t, p.PaymentKey).Status == paydeck.PaymentDone })
		_, _, err = env.Payments.Cancel(ctx, apptest.As(u), p.PaymentKey, payment.CancelInput{Reason: "r"})
		requireCode(t, paydeck.CodeInvalid, err) // deposited: needs an account
		require.Empty(t, env.TossCalls("POST", "/v1/payments/"+p.PaymentKey+"/cancel"))

		r, pay, err := env.Payments.Cancel(ctx, apptest.As(u), p.PaymentKey, payment.CancelInput{Reason: "r",
			RefundAccount: &payment.RefundAccount{Bank: "20", AccountNumber: "1002003004005", HolderName: "홍길동"}})
		require.NoError(t, err)
		require.Equal(t, paydeck.RefundCompleted, r.Status)
		require.Equal(t, paydeck.PaymentCanceled, pay.Status)
		require.Equal(t, paydeck.OrderRefunded, env.OrderByID(t, o.ID).Status)
		tp, err := env.Toss.Payments.Get(ctx, p.PaymentKey)
		require.NoError(t, err)
		require.Equal(t, toss.StatusCanceled, tp.Status)
	})
}

func TestCancelWaitingVirtualAccount(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o, p := confirmed(t, env, u, "VIRTUAL_ACCOUNT")
		stock := env.ProductByID(t, o.Items[0].ProductID).StockQuantity
		r, pay, err := env.Payments.Cancel(ctx, apptest.As(u), p.PaymentKey, payment.CancelInput{Reason: "not needed"})
		require.NoError(t, err)
		require.Equal(t, paydeck.RefundCompleted, r.Status)
		require.Equal(t, paydeck.PaymentCanceled, pay.Status)
		require.Equal(t, paydeck.OrderCancelled, env.OrderByID(t, o.ID).Status)
		require.Equal(t, stock+1, env.ProductByID(t, o.Items[0].ProductID).StockQuantity)
	})
}
