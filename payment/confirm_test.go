package payment_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/toss"
)

var ctx = context.Background()

// requireCode fails t unless err carries the paydeck error code.
func requireCode(t *testing.T, code string, err error) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, code, paydeck.ErrorCode(err), "error: %v", err)
}

// meta decodes an event's metadata.
func meta(t *testing.T, ev *paydeck.PaymentEvent) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(ev.Metadata, &m))
	return m
}

// confirmed places an order of one 20,000-won physical product, authorizes
// it with method in the sandbox and confirms it.
func confirmed(t *testing.T, env *apptest.Env, u *paydeck.User, method string) (*paydeck.Order, *paydeck.Payment) {
	t.Helper()
	o := env.Order(t, u, apptest.Line(env.Product(t, 20_000, 10), 1))
	key := env.Authorize(t, o, method)
	p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
	require.NoError(t, err)
	return o, p
}

func TestConfirmCardFlow(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o := env.Order(t, u, apptest.Line(env.Product(t, 20_000, 10), 2))
		require.Equal(t, int64(40_000+3000), o.FinalAmount)
		key := env.Authorize(t, o, "CARD")
		in := payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount}

		p, err := env.Payments.Confirm(ctx, apptest.As(u), in)
		require.NoError(t, err)
		require.Equal(t, paydeck.PaymentDone, p.Status)
		require.Equal(t, paydeck.MethodCard, p.Method)
		require.Equal(t, o.FinalAmount, p.Amount)
		require.Equal(t, o.FinalAmount, p.BalanceAmount)
		require.NotEmpty(t, p.TransactionKey)
		require.NotNil(t, p.ApprovedAt)
		require.NotEmpty(t, p.MethodDetails)
		require.Equal(t, paydeck.OrderPaid, env.OrderByID(t, o.ID).Status)

		calls := env.TossCalls("POST", "/v1/payments/confirm")
		require.Len(t, calls, 1)
		require.Equal(t, "confirm-"+o.OrderID+"-"+key, calls[0].IdempotencyKey)

		// A retry of the finished confirm returns the same payment, no Toss call.
		again, err := env.Payments.Confirm(ctx, apptest.As(u), in)
		require.NoError(t, err)
		require.Equal(t, p.ID, again.ID)
		require.Equal(t, paydeck.PaymentDone, again.Status)
		require.Len(t, env.TossCalls("POST", "/v1/payments/confirm"), 1)

		// Audit: created, confirm_requested, approved; the request's IP/UA on
		// the steps it caused (the approval may be recorded first by the job
		// processing Toss's webhook).
		evs := env.Events(t, o.ID)
		require.Equal(t, []string{"created", "confirm_requested", "approved"}, env.EventTypes(t, o.ID))
		for _, ev := range evs[:2] {
			require.Equal(t, "203.0.113.7", ev.IP)
			require.Equal(t, "apptest/1", ev.UserAgent)
		}
		require.JSONEq(t, `{"amount":43000,"method":"card","transactionKey":"`+p.TransactionKey+`"}`, string(evs[2].Metadata))
	})
}

// TestConfirmOrderReturnsTheOrderAsRecorded: ConfirmOrder hands back the
// order the confirm's transaction wrote (paid, with its items), equal to a
// read afterwards; a replay, which records nothing, returns none.
func TestConfirmOrderReturnsTheOrderAsRecorded(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o := env.Order(t, u, apptest.Line(env.Product(t, 20_000, 10), 2), apptest.Line(env.Product(t, 5_000, 10), 1))
		in := payment.ConfirmInput{PaymentKey: env.Authorize(t, o, "CARD"), OrderID: o.OrderID, Amount: o.FinalAmount}

		got, p, err := env.Payments.ConfirmOrder(ctx, apptest.As(u), in)
		require.NoError(t, err)
		require.Equal(t, paydeck.PaymentDone, p.Status)
		require.Equal(t, env.OrderByID(t, o.ID), got, "the order as stored: paid, with its two items")
		require.Equal(t, paydeck.OrderPaid, got.Status)
		require.Len(t, got.Items, 2)

		again, p2, err := env.Payments.ConfirmOrder(ctx, apptest.As(u), in)
		require.NoError(t, err)
		require.Nil(t, again, "a replay records nothing")
		require.Equal(t, p.ID, p2.ID)
	})
}

func TestConfirmRefusedWithoutCallingToss(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o := env.Order(t, u, apptest.Line(env.Product(t, 20_000, 10), 1))
		key := env.Authorize(t, o, "CARD")

		_, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount - 1})
		requireCode(t, paydeck.CodeInvalid, err)
		_, err = env.Payments.Confirm(ctx, apptest.As(env.Customer(t)), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
		requireCode(t, paydeck.CodeNotFound, err) // another customer's order
		_, err = env.Payments.CancelOrder(ctx, apptest.As(u), o.OrderID)
		require.NoError(t, err)
		_, err = env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
		requireCode(t, paydeck.CodeConflict, err)

		require.Empty(t, env.TossCalls("POST", "/v1/payments/confirm"))
		tp, err := env.Toss.Payments.Get(ctx, key)
		require.NoError(t, err)
		require.Equal(t, toss.StatusInProgress, tp.Status, "the sandbox saw no confirm")
		require.Equal(t, []string{"created", "confirm_rejected", "canceled", "confirm_rejected"}, env.EventTypes(t, o.ID))
		rejected := env.Events(t, o.ID)[1]
		require.Equal(t, "203.0.113.7", rejected.IP)
		require.Equal(t, float64(o.FinalAmount-1), meta(t, rejected)["amount"])

		// Expired (past ExpiresAt) and already-paid orders are refused too.
		o2 := env.Order(t, u, apptest.Line(env.Product(t, 20_000, 10), 1))
		key2 := env.Authorize(t, o2, "CARD")
		env.Clock.Advance(31 * 60e9)
		_, err = env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key2, OrderID: o2.OrderID, Amount: o2.FinalAmount})
		requireCode(t, paydeck.CodeConflict, err)
		require.Equal(t, paydeck.OrderPending, env.OrderByID(t, o2.ID).Status, "the order stays as it was")

		o3, _ := confirmed(t, env, u, "CARD")
		key3 := env.Authorize(t, &paydeck.Order{OrderID: o3.OrderID + "b", FinalAmount: o3.FinalAmount}, "CARD")
		_, err = env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key3, OrderID: o3.OrderID, Amount: o3.FinalAmount})
		requireCode(t, paydeck.CodeConflict, err)
		require.Len(t, env.TossCalls("POST", "/v1/payments/confirm"), 1)
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
