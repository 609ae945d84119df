package payment_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/payment"
)

// TestStolenPaymentKeyDoesNotBlockItsOwner (security finding 12): a
// shopper who learns another shopper's paymentKey and confirms it against
// their own order is refused by Toss; the key must then still confirm the
// order it was authorized for.
func TestStolenPaymentKeyDoesNotBlockItsOwner(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		owner, thief := env.Customer(t), env.Customer(t)
		prod := env.Product(t, 20_000, 10)
		real := env.Order(t, owner, apptest.Line(prod, 1))
		decoy := env.Order(t, thief, apptest.Line(prod, 1))
		key := env.Authorize(t, real, "CARD")

		p, err := env.Payments.Confirm(ctx, apptest.As(thief), payment.ConfirmInput{PaymentKey: key, OrderID: decoy.OrderID, Amount: decoy.FinalAmount})
		require.Error(t, err, "Toss refuses a key authorized for another order")
		require.NotNil(t, p)
		require.Equal(t, paydeck.PaymentAborted, p.Status)
		require.Equal(t, paydeck.OrderPending, env.OrderByID(t, decoy.ID).Status)

		p, err = env.Payments.Confirm(ctx, apptest.As(owner), payment.ConfirmInput{PaymentKey: key, OrderID: real.OrderID, Amount: real.FinalAmount})
		require.NoError(t, err)
		require.Equal(t, paydeck.PaymentDone, p.Status)
		require.Equal(t, paydeck.OrderPaid, env.OrderByID(t, real.ID).Status)
		require.Equal(t, real.ID, env.PaymentByKey(t, key).OrderID)

		// The thief trying again now meets the owner's finished payment.
		_, err = env.Payments.Confirm(ctx, apptest.As(thief), payment.ConfirmInput{PaymentKey: key, OrderID: decoy.OrderID, Amount: decoy.FinalAmount})
		requireCode(t, paydeck.CodeConflict, err)
		require.Equal(t, paydeck.OrderPending, env.OrderByID(t, decoy.ID).Status)
	})
}

// TestOneAccountCannotHoldTheStock (security finding 13): a customer holds
// at most MaxPendingOrders unpaid orders and MaxPendingQuantity units of
// one product over them, also when the orders arrive in parallel; paying,
// cancelling or expiry frees the room again.
func TestOneAccountCannotHoldTheStock(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		hoarder, other := env.Customer(t), env.Customer(t)
		prod := env.Product(t, 10_000, 1000)
		ship := payment.Shipping{Name: "김", Address: "서울"}
		order := func(u *paydeck.User, p *paydeck.Product, qty int64) (*paydeck.Order, error) {
			return env.Payments.CreateOrder(ctx, apptest.As(u), payment.OrderInput{Items: []payment.OrderLine{apptest.Line(p, qty)}, Shipping: ship})
		}
		_, err := order(hoarder, prod, 11)
		requireCode(t, paydeck.CodeConflict, err)
		first, err := order(hoarder, prod, 6)
		require.NoError(t, err)
		_, err = order(hoarder, prod, 5)
		requireCode(t, paydeck.CodeConflict, err) // 6 + 5 > 10
		require.Equal(t, paydeck.ReasonTooManyHeld, paydeck.ErrorReason(err))
		_, err = order(hoarder, prod, 4)
		require.NoError(t, err)

		// Ten parallel orders of other products: 3 fit under the cap of 5.
		others := make([]*paydeck.Product, 10)
		for i := range others {
			others[i] = env.Product(t, 10_000, 100)
		}
		errs := make(chan error, len(others))
		for _, p := range others {
			go func() { _, err := order(hoarder, p, 1); errs <- err }()
		}
		placed := 0
		for range others {
			if err := <-errs; err == nil {
				placed++
			} else {
				requireCode(t, paydeck.CodeConflict, err)
			}
		}
		require.Equal(t, 3, placed)
		_, n, err := env.Payments.Orders(ctx, apptest.As(hoarder), paydeck.OrderFilter{Statuses: []paydeck.OrderStatus{paydeck.OrderPending}})
		require.NoError(t, err)
		require.Equal(t, 5, n)
		require.Equal(t, int64(990), env.ProductByID(t, prod.ID).StockQuantity)
		_, err = order(hoarder, env.Product(t, 10_000, 0), 1)
		require.Equal(t, paydeck.ReasonTooManyUnpaid, paydeck.ErrorReason(err), "named before the line's own refusal (no stock)")
		_, err = env.Payments.CreateOrder(ctx, apptest.As(hoarder), payment.OrderInput{Items: []payment.OrderLine{
			{ProductID: "00000000-0000-4000-8000-000000000000", Quantity: 1}}, Shipping: ship})
		require.Equal(t, paydeck.ReasonTooManyUnpaid, paydeck.ErrorReason(err), "and before an unknown product")

		_, err = order(other, prod, 10)
		require.NoError(t, err, "the cap is per account")
		_, err = env.Payments.CancelOrder(ctx, apptest.As(hoarder), first.OrderID)
		require.NoError(t, err)
		_, err = order(hoarder, prod, 6)
		require.NoError(t, err, "a cancelled order frees its room")
		env.Clock.Advance(31 * time.Minute)
		_, err = order(hoarder, prod, 10)
		require.NoError(t, err, "expired orders do not count")
	})
}

// TestIdempotencyKeyReusedWithAnotherBody (security finding 16): a refund
// repeated with the same Idempotency-Key and the same request replays the
// first refund; the same key with a different amount, reason or refund
// account is refused (invalid, answered 422) and refunds nothing.
func TestIdempotencyKeyReusedWithAnotherBody(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		_, p := confirmed(t, env, u, "CARD")
		first := payment.CancelInput{Reason: "반품", Amount: ptr(int64(3000)), IdempotencyKey: "refund-1"}
		r1, _, err := env.Payments.Cancel(ctx, apptest.As(u), p.PaymentKey, first)
		require.NoError(t, err)
		require.Equal(t, paydeck.RefundCompleted, r1.Status)

		r2, _, err := env.Payments.Cancel(ctx, apptest.As(u), p.PaymentKey, payment.CancelInput{Reason: " 반품 ", Amount: ptr(int64(3000)), IdempotencyKey: "refund-1"})
		require.NoError(t, err, "same key, same request: a replay")
		require.Equal(t, r1.ID, r2.ID)

		for _, in := range []payment.CancelInput{
			{Reason: "반품", Amount: ptr(int64(5000)), IdempotencyKey: "refund-1"},
			{Reason: "반품", IdempotencyKey: "refund-1"},
			{Reason: "다른 사유", Amount: ptr(int64(3000)), IdempotencyKey: "refund-1"},
			{Reason: "반품", Amount: ptr(int64(3000)), IdempotencyKey: "refund-1",
				RefundAccount: &payment.RefundAccount{Bank: "20", AccountNumber: "1002003004005", HolderName: "홍길동"}},
		} {
			_, _, err := env.Payments.Cancel(ctx, apptest.As(u), p.PaymentKey, in)
			requireCode(t, paydeck.CodeInvalid, err)
			require.Contains(t, paydeck.ErrorMessage(err), "Idempotency-Key")
		}
		require.Len(t, env.Refunds(t, p.ID), 1)
		require.Equal(t, p.Amount-3000, env.PaymentByKey(t, p.PaymentKey).BalanceAmount)
	})
}
