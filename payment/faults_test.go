package payment_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/toss"
)

// requireOneConfirmKey checks that every confirm sent for the order used
// the one idempotency key derived from the payment.
func requireOneConfirmKey(t *testing.T, env *apptest.Env, o *paydeck.Order, key string) int {
	t.Helper()
	calls := env.TossCalls("POST", "/v1/payments/confirm")
	require.NotEmpty(t, calls)
	for _, c := range calls {
		require.Equal(t, "confirm-"+o.OrderID+"-"+key, c.IdempotencyKey)
	}
	return len(calls)
}

func TestConfirmConcurrentOnce(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o := env.Order(t, u, apptest.Line(env.Product(t, 20_000, 10), 1))
		key := env.Authorize(t, o, "CARD")
		in := payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount}

		const n = 50
		var wg sync.WaitGroup
		results := make([]*paydeck.Payment, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() { results[i], errs[i] = env.Payments.Confirm(ctx, apptest.As(u), in) })
		}
		wg.Wait()
		ids := map[string]bool{}
		for i := range n {
			if errs[i] != nil {
				requireCode(t, paydeck.CodeConflict, errs[i]) // "already being confirmed"
				continue
			}
			require.Equal(t, paydeck.PaymentDone, results[i].Status)
			ids[results[i].ID] = true
		}
		require.Len(t, ids, 1, "one payment")
		require.Equal(t, 1, requireOneConfirmKey(t, env, o, key), "Toss confirm called once")
		_, pays, err := env.Payments.Order(ctx, apptest.As(u), o.OrderID)
		require.NoError(t, err)
		require.Len(t, pays, 1)
		require.Equal(t, paydeck.PaymentDone, pays[0].Status)
		require.Equal(t, paydeck.OrderPaid, env.OrderByID(t, o.ID).Status)
	})
}

// TestConfirmConcurrentKeysOnce: two authorizations of one order confirmed
// at once, many times each: one payment starts and is approved, every other
// attempt is a conflict, and Toss is asked once (the common case checks and
// inserts in one statement; it must still let one through).
func TestConfirmConcurrentKeysOnce(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o := env.Order(t, u, apptest.Line(env.Product(t, 20_000, 10), 1))
		keys := []string{env.Authorize(t, o, "CARD"), env.Authorize(t, o, "CARD")}
		require.NotEqual(t, keys[0], keys[1])

		const n = 40
		var wg sync.WaitGroup
		results := make([]*paydeck.Payment, n)
		errs := make([]error, n)
		for i := range n {
			in := payment.ConfirmInput{PaymentKey: keys[i%2], OrderID: o.OrderID, Amount: o.FinalAmount}
			wg.Go(func() { results[i], errs[i] = env.Payments.Confirm(ctx, apptest.As(u), in) })
		}
		wg.Wait()
		ids := map[string]bool{}
		for i := range n {
			if errs[i] != nil {
				requireCode(t, paydeck.CodeConflict, errs[i])
				continue
			}
			require.Equal(t, paydeck.PaymentDone, results[i].Status)
			ids[results[i].ID] = true
		}
		require.Len(t, ids, 1, "one payment")
		require.Len(t, env.TossCalls("POST", "/v1/payments/confirm"), 1, "Toss confirm called once")
		_, pays, err := env.Payments.Order(ctx, apptest.As(u), o.OrderID)
		require.NoError(t, err)
		require.Len(t, pays, 1)
		require.Equal(t, paydeck.OrderPaid, env.OrderByID(t, o.ID).Status)
	})
}

// TestConfirmApproveThenDrop: Toss approves but the answer never arrives
// (and the client does not retry): the payment stays in progress and the
// ResolvePayment job settles it from Toss's record, without a second charge.
func TestConfirmApproveThenDrop(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o := env.Order(t, u, apptest.Line(env.Product(t, 20_000, 10), 1))
		key := env.Authorize(t, o, "CARD")
		// The order's webhooks are held back a day of sandbox time: otherwise the
		// DONE webhook can settle the payment before Confirm learns the
		// connection dropped, and this test is about the lookup path.
		env.SetFaults(t, `[{"orderId":"`+o.OrderID+`","operation":"confirm","approveThenDrop":true,"times":1},
			{"orderId":"`+o.OrderID+`","webhookDelaySeconds":86400}]`)

		p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
		require.NoError(t, err, "an unknown outcome is not an error: the API answers 202")
		require.Equal(t, paydeck.PaymentInProgress, p.Status)
		require.Contains(t, env.EventTypes(t, o.ID), "confirm_unknown")

		apptest.WaitFor(t, "payment resolved", func() bool { return env.PaymentByKey(t, key).Status == paydeck.PaymentDone })
		require.Equal(t, paydeck.OrderPaid, env.OrderByID(t, o.ID).Status)
		require.Equal(t, 1, requireOneConfirmKey(t, env, o, key), "resolved by lookup, not by a second confirm")
		tp, err := env.Toss.Payments.Get(ctx, key)
		require.NoError(t, err)
		require.Equal(t, toss.StatusDone, tp.Status)
		require.Len(t, tp.Cancels, 0)
	}, apptest.WithTossRetries(5*time.Second, 0))
}

// TestConfirmApproveThenDropRetried: with client retries, the retry with the
// same idempotency key gets Toss's stored answer: done at once.
func TestConfirmApproveThenDropRetried(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o := env.Order(t, u, apptest.Line(env.Product(t, 20_000, 10), 1))
		key := env.Authorize(t, o, "CARD")
		env.SetFaults(t, `[{"orderId":"`+o.OrderID+`","operation":"confirm","approveThenDrop":true,"times":1}]`)
		p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
		require.NoError(t, err)
		require.Equal(t, paydeck.PaymentDone, p.Status)
		require.Equal(t, 2, requireOneConfirmKey(t, env, o, key))
	})
}

// TestConfirmTimeout: every confirm attempt times out; the payment stays in
// progress until ResolvePayment, once Toss answers again, confirms it with
// the same key: done, never charged twice.
func TestConfirmTimeout(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o := env.Order(t, u, apptest.Line(env.Product(t, 20_000, 10), 1))
		key := env.Authorize(t, o, "CARD")
		env.SetFaults(t, `[{"orderId":"`+o.OrderID+`","operation":"confirm","hang":true}]`)

		p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
		require.NoError(t, err)
		require.Equal(t, paydeck.PaymentInProgress, p.Status)
		require.Equal(t, paydeck.OrderPending, env.OrderByID(t, o.ID).Status)
		// The job's first attempt finds Toss still IN_PROGRESS, confirms
		// again, times out again, and fails (River retries later).
		apptest.WaitFor(t, "a re-confirm by the job", func() bool { return len(env.TossCalls("POST", "/v1/payments/confirm")) >= 2 })

		env.SetFaults(t, `[]`)
		apptest.WaitFor(t, "payment resolved", func() bool {
			// The job's own attempt may still hold the key (409): repeat.
			return env.Payments.ResolvePayment(ctx, p.ID) == nil
		})
		require.Equal(t, paydeck.PaymentDone, env.PaymentByKey(t, key).Status)
		require.Equal(t, paydeck.OrderPaid, env.OrderByID(t, o.ID).Status)
		requireOneConfirmKey(t, env, o, key)
		require.NoError(t, env.Payments.ResolvePayment(ctx, p.ID), "a settled payment is left alone")
		require.Equal(t, []string{"created", "confirm_requested", "confirm_unknown", "approved"}, env.EventTypes(t, o.ID))
	}, apptest.WithTossRetries(300*time.Millisecond, 0))
}

// TestConfirmTimeoutThenSessionExpired: the confirm never reached Toss and
// the payment window's session expired meanwhile: the payment fails and
// the order is payable again.
func TestConfirmTimeoutThenSessionExpired(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o := env.Order(t, u, apptest.Line(env.Product(t, 20_000, 10), 1))
		key := env.Authorize(t, o, "CARD")
		env.SetFaults(t, `[{"orderId":"`+o.OrderID+`","operation":"confirm","hang":true}]`)
		p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
		require.NoError(t, err)
		require.Equal(t, paydeck.PaymentInProgress, p.Status)

		env.Clock.Advance(11 * time.Minute) // Toss expires an unconfirmed session after 10 minutes
		apptest.WaitFor(t, "payment failed", func() bool {
			_ = env.Payments.ResolvePayment(ctx, p.ID)
			return env.PaymentByKey(t, key).Status == paydeck.PaymentExpired
		})
		got := env.PaymentByKey(t, key)
		require.Equal(t, "EXPIRED_PAYMENT", got.FailureCode)
		require.Equal(t, paydeck.OrderPending, env.OrderByID(t, o.ID).Status)
		require.NoError(t, env.OrderByID(t, o.ID).Payable(env.Clock.Now()), "payable again")

		key2 := env.Authorize(t, &paydeck.Order{OrderID: o.OrderID, FinalAmount: o.FinalAmount}, "CARD")
		env.SetFaults(t, `[]`)
		p2, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key2, OrderID: o.OrderID, Amount: o.FinalAmount})
		require.NoError(t, err)
		require.Equal(t, paydeck.PaymentDone, p2.Status)
	}, apptest.WithTossRetries(300*time.Millisecond, 0))
}

// TestConfirmRefusedByToss: a definite refusal aborts the payment with
// Toss's code and leaves the order payable.
func TestConfirmRefusedByToss(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o := env.Order(t, u, apptest.Line(env.Product(t, 20_000, 10), 1))
		key := env.Authorize(t, o, "CARD")
		env.SetFaults(t, `[{"orderId":"`+o.OrderID+`","operation":"confirm","errorCode":"REJECT_CARD_PAYMENT","times":1}]`)
		in := payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount}
		_, err := env.Payments.Confirm(ctx, apptest.As(u), in)
		requireCode(t, paydeck.CodeConflict, err)
		require.Contains(t, paydeck.ErrorMessage(err), "REJECT_CARD_PAYMENT")
		p := env.PaymentByKey(t, key)
		require.Equal(t, paydeck.PaymentAborted, p.Status)
		require.Equal(t, "REJECT_CARD_PAYMENT", p.FailureCode)
		require.Equal(t, paydeck.OrderPending, env.OrderByID(t, o.ID).Status)
		_, err = env.Payments.Confirm(ctx, apptest.As(u), in)
		requireCode(t, paydeck.CodeConflict, err)
		require.Len(t, env.TossCalls("POST", "/v1/payments/confirm"), 1)
		require.Equal(t, []string{"created", "confirm_requested", "failed"}, env.EventTypes(t, o.ID))
	})
}

// TestApprovedAfterExpiryIsCancelledBack: the order expires while its
// confirm is unanswered; Toss then approves it: the payment is refunded at
// once and the order stays expired.
func TestApprovedAfterExpiryIsCancelledBack(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u, prod, o, key := twoOfTen(t, env, `"hang":true`)
		p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
		require.NoError(t, err)
		require.Equal(t, paydeck.PaymentInProgress, p.Status)

		env.Clock.Advance(3 * time.Minute) // past the 2-minute payment timeout, within Toss's 10
		require.NoError(t, env.Payments.ExpireOrder(ctx, o.ID))
		require.Equal(t, paydeck.OrderExpired, env.OrderByID(t, o.ID).Status)
		require.Equal(t, int64(10), env.ProductByID(t, prod.ID).StockQuantity)

		env.SetFaults(t, `[]`) // Toss answers again and approves the confirm
		apptest.WaitFor(t, "payment resolved", func() bool { return env.Payments.ResolvePayment(ctx, p.ID) == nil })
		apptest.WaitFor(t, "cancel-back", func() bool { return env.PaymentByKey(t, key).Status == paydeck.PaymentCanceled })
		rs := env.Refunds(t, p.ID)
		require.Len(t, rs, 1)
		require.Equal(t, paydeck.RefundCompleted, rs[0].Status)
		require.Equal(t, o.FinalAmount, rs[0].Amount)
		tp, err := env.Toss.Payments.Get(ctx, key)
		require.NoError(t, err)
		require.Equal(t, toss.StatusCanceled, tp.Status)
		require.Equal(t, paydeck.OrderExpired, env.OrderByID(t, o.ID).Status)
		require.Equal(t, int64(10), env.ProductByID(t, prod.ID).StockQuantity, "stock released once")
		require.Equal(t, []string{"created", "confirm_requested", "confirm_unknown", "expired", "approved", "cancel_back", "refund_completed"},
			env.EventTypes(t, o.ID))
	}, apptest.WithPaymentConfig(func(c *payment.Config) { c.PaymentTimeout = 2 * time.Minute }),
		apptest.WithTossRetries(300*time.Millisecond, 0))
}

// TestOrderExpiredDuringConfirm: the order expires while Toss takes its
// time to approve a confirm (the confirm's first transaction committed).
// The approval written without the lock (approveUnchanged) finds the
// payment written since and writes nothing; the locked path cancels the
// approval back, as for an approval the resolve job brings late.
func TestOrderExpiredDuringConfirm(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u, prod, o, key := twoOfTen(t, env, `"latencyMs":1500`)
		type result struct {
			p   *paydeck.Payment
			err error
		}
		done := make(chan result, 1)
		go func() {
			p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
			done <- result{p, err}
		}()
		apptest.WaitFor(t, "the confirm's first transaction", func() bool {
			return slices.Contains(env.EventTypes(t, o.ID), "confirm_requested")
		})
		env.Clock.Advance(3 * time.Minute) // past the 2-minute payment timeout, within Toss's 10
		require.NoError(t, env.Payments.ExpireOrder(ctx, o.ID))
		r := <-done
		require.NoError(t, r.err)

		apptest.WaitFor(t, "cancel-back", func() bool { return env.PaymentByKey(t, key).Status == paydeck.PaymentCanceled })
		rs := env.Refunds(t, r.p.ID)
		require.Len(t, rs, 1)
		require.Equal(t, o.FinalAmount, rs[0].Amount)
		apptest.WaitFor(t, "refund completed", func() bool { return env.Refunds(t, r.p.ID)[0].Status == paydeck.RefundCompleted })
		tp, err := env.Toss.Payments.Get(ctx, key)
		require.NoError(t, err)
		require.Equal(t, toss.StatusCanceled, tp.Status)
		require.Equal(t, paydeck.OrderExpired, env.OrderByID(t, o.ID).Status, "never paid")
		require.Equal(t, int64(10), env.ProductByID(t, prod.ID).StockQuantity, "stock released once")
		require.Equal(t, []string{"created", "confirm_requested", "expired", "approved", "cancel_back", "refund_completed"},
			env.EventTypes(t, o.ID))
	}, apptest.WithPaymentConfig(func(c *payment.Config) { c.PaymentTimeout = 2 * time.Minute }))
}

// twoOfTen orders 2 of a product with 10 in stock, authorizes the card
// payment and sets fault on its confirm at the sandbox.
func twoOfTen(t *testing.T, env *apptest.Env, fault string) (*paydeck.User, *paydeck.Product, *paydeck.Order, string) {
	u := env.Customer(t)
	prod := env.Product(t, 20_000, 10)
	o := env.Order(t, u, apptest.Line(prod, 2))
	key := env.Authorize(t, o, "CARD")
	env.SetFaults(t, `[{"orderId":"`+o.OrderID+`","operation":"confirm",`+fault+`}]`)
	return u, prod, o, key
}

// TestConfirm5xx: a 5xx that Toss marks as temporary is retried by the
// client with the same key; one that leaves the outcome unknown makes the
// payment in_progress until the job re-confirms it with the same key.
func TestConfirm5xx(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		for _, tc := range []struct {
			code  string
			first paydeck.PaymentStatus
		}{
			{"FAILED_INTERNAL_SYSTEM_PROCESSING", paydeck.PaymentDone},
			{"FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING", paydeck.PaymentInProgress},
		} {
			o := env.Order(t, u, apptest.Line(env.Product(t, 20_000, 10), 1))
			key := env.Authorize(t, o, "CARD")
			env.SetFaults(t, `[{"orderId":"`+o.OrderID+`","operation":"confirm","errorCode":"`+tc.code+`","times":1}]`)
			p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
			require.NoError(t, err, tc.code)
			require.Equal(t, tc.first, p.Status, tc.code)
			apptest.WaitFor(t, "payment done", func() bool { return env.PaymentByKey(t, key).Status == paydeck.PaymentDone })
			require.Equal(t, paydeck.OrderPaid, env.OrderByID(t, o.ID).Status)
			calls := env.TossCalls("POST", "/v1/payments/confirm")
			n := 0
			for _, c := range calls {
				if c.IdempotencyKey == "confirm-"+o.OrderID+"-"+key {
					n++
				}
			}
			require.Equal(t, 2, n, "%s: the failed attempt and one repeat with the same key", tc.code)
		}
	})
}
