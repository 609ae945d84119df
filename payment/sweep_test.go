package payment_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/toss"
)

// TestSweepResolvesConfirmLeftByACrash: the process died after Toss
// approved the confirm and before the answer was recorded, so only the
// first transaction's in_progress payment exists (and Toss's webhook is
// late). No job was queued for it: the sweep finds it once it is
// ConfirmCheckDelay old, and the job it queues settles it from Toss's
// record, without a second charge.
func TestSweepResolvesConfirmLeftByACrash(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o := env.Order(t, u, apptest.Line(env.Product(t, 20_000, 10), 1))
		key := env.Authorize(t, o, "CARD")
		env.SetFaults(t, `[{"orderId":"`+o.OrderID+`","webhookDelaySeconds":86400}]`)
		require.NoError(t, env.DB.Update(ctx, func(tx paydeck.Tx) error {
			return tx.CreatePayment(ctx, &paydeck.Payment{PaymentKey: key, OrderID: o.ID, Status: paydeck.PaymentInProgress,
				Amount: o.FinalAmount, ExpiresAt: &o.ExpiresAt})
		}))
		_, err := env.Toss.Payments.Confirm(ctx, &toss.ConfirmParams{PaymentKey: key, OrderID: o.OrderID,
			Amount: toss.Amount(o.FinalAmount), Params: toss.Params{IdempotencyKey: "confirm-" + o.OrderID + "-" + key}})
		require.NoError(t, err)
		lookups := func() int { return len(env.TossCalls("GET", "/v1/payments/orders/"+o.OrderID)) }

		require.NoError(t, env.Payments.Sweep(ctx))
		require.Never(t, func() bool { return lookups() > 0 }, 500*time.Millisecond, 50*time.Millisecond,
			"a confirm younger than ConfirmCheckDelay may still be running: left alone")
		require.Equal(t, paydeck.PaymentInProgress, env.PaymentByKey(t, key).Status)

		env.Clock.Advance(time.Minute + time.Second)
		require.NoError(t, env.Payments.Sweep(ctx))
		require.NoError(t, env.Payments.Sweep(ctx), "a second run queues no second job")
		apptest.WaitFor(t, "payment resolved", func() bool { return env.PaymentByKey(t, key).Status == paydeck.PaymentDone })
		require.Equal(t, paydeck.OrderPaid, env.OrderByID(t, o.ID).Status)
		require.Equal(t, 1, requireOneConfirmKey(t, env, o, key), "settled by lookup, not by a second confirm")
		require.Equal(t, 1, lookups(), "one job")
		tp, err := env.Toss.Payments.Get(ctx, key)
		require.NoError(t, err)
		require.Equal(t, toss.StatusDone, tp.Status)
		require.Empty(t, tp.Cancels)
	})
}

// TestSweepResolvesRefundLeftByACrash: the same for a refund recorded as in
// progress whose Toss cancel went through before the process died: the
// job the sweep queues repeats the cancel with the refund's key, Toss
// replays its answer, and the refund completes once.
func TestSweepResolvesRefundLeftByACrash(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o, p := confirmed(t, env, u, "CARD")
		require.Equal(t, paydeck.PaymentDone, p.Status)
		r := &paydeck.Refund{PaymentID: p.ID, Amount: p.Amount, Reason: "changed my mind", Status: paydeck.RefundInProgress,
			IdempotencyKey: "crash-test"}
		require.NoError(t, env.DB.Update(ctx, func(tx paydeck.Tx) error { return tx.CreateRefund(ctx, r) }))
		amount := toss.Amount(r.Amount)
		_, err := env.Toss.Payments.Cancel(ctx, p.PaymentKey, &toss.CancelParams{CancelReason: r.Reason, CancelAmount: &amount,
			Params: toss.Params{IdempotencyKey: "cancel-" + r.ID}})
		require.NoError(t, err)

		cancels := func() int { return len(env.TossCalls("POST", "/v1/payments/"+p.PaymentKey+"/cancel")) }
		require.Equal(t, 1, cancels())
		require.NoError(t, env.Payments.Sweep(ctx))
		require.Never(t, func() bool { return cancels() > 1 },
			500*time.Millisecond, 50*time.Millisecond, "a refund younger than ConfirmCheckDelay is left alone")

		env.Clock.Advance(time.Minute + time.Second)
		require.NoError(t, env.Payments.Sweep(ctx))
		apptest.WaitFor(t, "refund resolved", func() bool {
			rs := env.Refunds(t, p.ID)
			return len(rs) == 1 && rs[0].Status == paydeck.RefundCompleted
		})
		require.Equal(t, paydeck.PaymentCanceled, env.PaymentByKey(t, p.PaymentKey).Status)
		require.Equal(t, paydeck.OrderRefunded, env.OrderByID(t, o.ID).Status)
		tp, err := env.Toss.Payments.Get(ctx, p.PaymentKey)
		require.NoError(t, err)
		require.Len(t, tp.Cancels, 1, "refunded once")
		require.Equal(t, 2, cancels(), "the job repeated the cancel once, with the same key")
	})
}
