package payment_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/report"
	"github.com/paydeck/paydeck/toss"
)

// The one checkout builder: the shopper's HMAC'd customerKey (the key the
// billing window uses too), a 100-character orderName, the order's orderId
// for the first attempt; other users' orders are not found.
func TestCheckoutBuilder(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		long := env.Product(t, 5_000, 10)
		require.NoError(t, env.DB.Update(ctx, func(tx paydeck.Tx) error {
			p, err := tx.FindProductByID(ctx, long.ID)
			if err != nil {
				return err
			}
			p.Name = strings.Repeat("가", 120)
			return tx.UpdateProduct(ctx, p)
		}))
		o := env.Order(t, u, apptest.Line(long, 1), apptest.Line(env.Product(t, 1_000, 10), 2))

		c, err := env.Payments.Checkout(ctx, apptest.As(u), o.OrderID)
		require.NoError(t, err)
		require.Equal(t, paydeck.TossCustomerKey(apptest.SiteSecret, u.ID), c.CustomerKey)
		require.Regexp(t, `^cus_[A-Za-z0-9_-]{32}$`, c.CustomerKey)
		require.Equal(t, o.OrderID, c.TossOrderID)
		require.Equal(t, o.FinalAmount, c.Amount)
		require.Equal(t, 100, utf8.RuneCountInString(c.OrderName))
		require.True(t, strings.HasPrefix(c.OrderName, "가가가"))
		require.Equal(t, u.Email, c.CustomerEmail)

		short := env.Order(t, u, apptest.Line(env.Product(t, 2_000, 10), 1), apptest.Line(env.Product(t, 3_000, 10), 1))
		require.Equal(t, short.Items[0].ProductName+" 외 1건", payment.OrderName(short))

		// An admin reading the shopper's checkout gets the shopper's key.
		ca, err := env.Payments.Checkout(ctx, apptest.As(env.Admin(t)), o.OrderID)
		require.NoError(t, err)
		require.Equal(t, c.CustomerKey, ca.CustomerKey)

		_, err = env.Payments.Checkout(ctx, apptest.As(env.Customer(t)), o.OrderID)
		requireCode(t, paydeck.CodeNotFound, err)

		// Paid: nothing to check out.
		key := env.Authorize(t, o, "CARD")
		_, err = env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
		require.NoError(t, err)
		_, err = env.Payments.Checkout(ctx, apptest.As(u), o.OrderID)
		requireCode(t, paydeck.CodeConflict, err)
	})
}

func TestAttemptOrderID(t *testing.T) {
	t.Parallel()
	require.Equal(t, "ORD20261204A1B2C3D4", payment.AttemptOrderID("ORD20261204A1B2C3D4", 1))
	require.Equal(t, "ORD20261204A1B2C3D4-2", payment.AttemptOrderID("ORD20261204A1B2C3D4", 2))
	for in, want := range map[string]struct {
		id string
		n  int
	}{
		"ORD20261204A1B2C3D4":    {"ORD20261204A1B2C3D4", 1},
		"ORD20261204A1B2C3D4-2":  {"ORD20261204A1B2C3D4", 2},
		"ORD20261204A1B2C3D4-17": {"ORD20261204A1B2C3D4", 17},
		"ORD20261204A1B2C3D4-1":  {"ORD20261204A1B2C3D4-1", 1},
		"ORD20261204A1B2C3D4-02": {"ORD20261204A1B2C3D4-02", 1},
		"ORD-x":                  {"ORD-x", 1},
		"-2":                     {"-2", 1},
	} {
		id, n := payment.ParseAttemptOrderID(in)
		require.Equal(t, want.id, id, in)
		require.Equal(t, want.n, n, in)
	}
}

// issued places an order and opens a virtual account for it.
func issued(t *testing.T, env *apptest.Env, u *paydeck.User, p *paydeck.Product) (*paydeck.Order, *paydeck.Payment) {
	t.Helper()
	o := env.Order(t, u, apptest.Line(p, 2))
	key := env.Authorize(t, o, "VIRTUAL_ACCOUNT")
	pay, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
	require.NoError(t, err)
	require.Equal(t, paydeck.PaymentWaitingForDeposit, pay.Status)
	return o, pay
}

// Dead end 1a: an order with an open virtual account is paid another way.
// The account is cancelled at Toss, the order stays pending (stock still
// held) and is paid under the next attempt's orderId; a deposit callback of
// the second attempt's account pays the order; a second switch is refused.
func TestSwitchMethodFromVirtualAccount(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		prod := env.Product(t, 20_000, 10)
		o, va := issued(t, env, u, prod)
		require.Equal(t, int64(8), env.ProductByID(t, prod.ID).StockQuantity)

		_, err := env.Payments.Checkout(ctx, apptest.As(u), o.OrderID)
		requireCode(t, paydeck.CodeConflict, err)
		// Another shopper cannot switch it.
		_, err = env.Payments.SwitchMethod(ctx, apptest.As(env.Customer(t)), o.OrderID)
		requireCode(t, paydeck.CodeNotFound, err)

		env.Clock.Advance(time.Hour) // past the order's first payment timeout: the account's due date held it
		after, err := env.Payments.SwitchMethod(ctx, apptest.As(u), o.OrderID)
		require.NoError(t, err)
		require.Equal(t, paydeck.OrderPending, after.Status)
		require.NoError(t, after.Payable(env.Clock.Now()), "payable again for the payment timeout")
		require.Equal(t, paydeck.PaymentCanceled, env.PaymentByKey(t, va.PaymentKey).Status)
		tp, err := env.Toss.Payments.Get(ctx, va.PaymentKey)
		require.NoError(t, err)
		require.Equal(t, toss.StatusCanceled, tp.Status, "the account is cancelled at Toss")
		require.Equal(t, int64(8), env.ProductByID(t, prod.ID).StockQuantity, "the stock stays with the order")
		require.Contains(t, env.EventTypes(t, o.ID), string(payment.EventAccountReleased))

		// A repeat (double click) changes nothing.
		again, err := env.Payments.SwitchMethod(ctx, apptest.As(u), o.OrderID)
		require.NoError(t, err)
		require.Equal(t, paydeck.OrderPending, again.Status)
		require.Len(t, env.Refunds(t, va.ID), 1)

		c, err := env.Payments.Checkout(ctx, apptest.As(u), o.OrderID)
		require.NoError(t, err)
		require.Equal(t, o.OrderID+"-2", c.TossOrderID)

		// The sandbox accepts the new attempt's orderId.
		key := env.AuthorizeAttempt(t, c.TossOrderID, c.Amount, "VIRTUAL_ACCOUNT")
		second, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: c.TossOrderID, Amount: c.Amount})
		require.NoError(t, err)
		require.Equal(t, paydeck.PaymentWaitingForDeposit, second.Status)
		require.Equal(t, c.TossOrderID, second.TossOrderID)
		require.Equal(t, "confirm-"+c.TossOrderID+"-"+key, env.TossCalls("POST", "/v1/payments/confirm")[1].IdempotencyKey)

		// The deposit reaches paydeck as a DEPOSIT_CALLBACK for the attempt's orderId.
		env.Deposit(t, key)
		apptest.WaitFor(t, "order paid by the second account", func() bool { return env.OrderByID(t, o.ID).Status == paydeck.OrderPaid })
		require.Equal(t, paydeck.PaymentDone, env.PaymentByKey(t, key).Status)
		require.Equal(t, paydeck.PaymentCanceled, env.PaymentByKey(t, va.PaymentKey).Status, "the first account stays cancelled")

		_, err = env.Payments.SwitchMethod(ctx, apptest.As(u), o.OrderID)
		requireCode(t, paydeck.CodeConflict, err)
	})
}

// After a switch, a card pays the order under the new attempt's orderId.
func TestSwitchMethodThenCard(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o, va := issued(t, env, u, env.Product(t, 10_000, 10))
		_, err := env.Payments.SwitchMethod(ctx, apptest.As(u), o.OrderID)
		require.NoError(t, err)

		key := env.AuthorizeAttempt(t, o.OrderID+"-2", o.FinalAmount, "CARD")
		p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID + "-2", Amount: o.FinalAmount})
		require.NoError(t, err)
		require.Equal(t, paydeck.PaymentDone, p.Status)
		require.Equal(t, paydeck.OrderPaid, env.OrderByID(t, o.ID).Status)

		// A second card approval for the paid order is refused by paydeck.
		c3 := payment.AttemptOrderID(o.OrderID, 3)
		key3 := env.AuthorizeAttempt(t, c3, o.FinalAmount, "CARD")
		_, err = env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key3, OrderID: c3, Amount: o.FinalAmount})
		requireCode(t, paydeck.CodeConflict, err)
		require.Equal(t, paydeck.PaymentCanceled, env.PaymentByKey(t, va.PaymentKey).Status)
		ord, pays, err := env.Payments.Order(ctx, apptest.As(u), c3)
		require.NoError(t, err, "an attempt's orderId finds its order")
		require.Equal(t, o.ID, ord.ID)
		require.Len(t, pays, 2)
	})
}

// Dead end 1b: cancelling an order with an open virtual account cancels
// the account at Toss and releases the stock.
func TestCancelOrderWithVirtualAccount(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		prod := env.Product(t, 20_000, 10)
		o, va := issued(t, env, u, prod)
		require.Equal(t, int64(8), env.ProductByID(t, prod.ID).StockQuantity)

		_, err := env.Payments.CancelOrder(ctx, apptest.As(env.Customer(t)), o.OrderID)
		requireCode(t, paydeck.CodeNotFound, err)

		got, err := env.Payments.CancelOrder(ctx, apptest.As(u), o.OrderID)
		require.NoError(t, err)
		require.Equal(t, paydeck.OrderCancelled, got.Status)
		require.Equal(t, int64(10), env.ProductByID(t, prod.ID).StockQuantity)
		require.Equal(t, paydeck.PaymentCanceled, env.PaymentByKey(t, va.PaymentKey).Status)
		require.Contains(t, env.EventTypes(t, o.ID), string(paydeck.EventCanceled), "the order's own cancel event")
		tp, err := env.Toss.Payments.Get(ctx, va.PaymentKey)
		require.NoError(t, err)
		require.Equal(t, toss.StatusCanceled, tp.Status)

		// Again: the order is cancelled already.
		_, err = env.Payments.CancelOrder(ctx, apptest.As(u), o.OrderID)
		requireCode(t, paydeck.CodeConflict, err)
		require.Equal(t, int64(10), env.ProductByID(t, prod.ID).StockQuantity, "stock released once")
	})
}

// Item 5: failed attempts are recorded once per attempt (a reload of the
// fail page is not a new one), only on the shopper's own pending orders,
// and count in the approval rate.
func TestRecordFailedAttempt(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		from := env.Clock.Now().Add(-time.Hour)
		o := env.Order(t, u, apptest.Line(env.Product(t, 10_000, 10), 1))
		a := apptest.As(u)
		attempts := func() []*paydeck.PaymentEvent {
			var out []*paydeck.PaymentEvent
			for _, e := range env.Events(t, o.ID) {
				if e.Type == paydeck.EventAttemptFailed {
					out = append(out, e)
				}
			}
			return out
		}
		require.NoError(t, env.Payments.RecordFailedAttempt(ctx, a, o.OrderID, "PAY_PROCESS_CANCELED", "사용자가 결제를 취소하였습니다"))
		require.NoError(t, env.Payments.RecordFailedAttempt(ctx, a, o.OrderID, "PAY_PROCESS_CANCELED", "사용자가 결제를 취소하였습니다"))
		require.Len(t, attempts(), 1, "a reload records nothing")
		require.NoError(t, env.Payments.RecordFailedAttempt(ctx, a, o.OrderID, "REJECT_CARD_COMPANY", "카드사 거절"))
		env.Clock.Advance(time.Minute)
		require.NoError(t, env.Payments.RecordFailedAttempt(ctx, a, o.OrderID, "REJECT_CARD_COMPANY", "카드사 거절"))
		evs := attempts()
		require.Len(t, evs, 3)
		require.Equal(t, "REJECT_CARD_COMPANY", meta(t, evs[2])["code"])
		require.Equal(t, "카드사 거절", meta(t, evs[2])["message"])

		// Someone else's order, or junk: nothing.
		require.NoError(t, env.Payments.RecordFailedAttempt(ctx, apptest.As(env.Customer(t)), o.OrderID, "PAY_PROCESS_CANCELED", "x"))
		require.NoError(t, env.Payments.RecordFailedAttempt(ctx, a, "ORD-not-there", "PAY_PROCESS_CANCELED", "x"))
		require.Len(t, attempts(), 3)

		key := env.Authorize(t, o, "CARD")
		_, err := env.Payments.Confirm(ctx, a, payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
		require.NoError(t, err)
		require.NoError(t, env.Payments.RecordFailedAttempt(ctx, a, o.OrderID, "DUPLICATED_ORDER_ID", "paid already"))
		require.Len(t, attempts(), 3, "a paid order records no failed attempt")

		var st report.Stats
		require.NoError(t, env.DB.View(ctx, func(tx paydeck.Tx) (err error) {
			st, err = report.ComputeStats(ctx, tx, from, env.Clock.Now().Add(time.Hour))
			return err
		}))
		require.Equal(t, int64(4), st.Totals.AttemptCount, "3 failed + 1 confirmed")
		require.Equal(t, int64(1), st.Totals.ApprovedCount)
		require.Equal(t, int64(2500), st.Totals.ApprovalRateBp, "1 approval ÷ 4 attempts")
	})
}

// Parallel clicks on "다른 결제수단으로 결제" cancel the account once.
func TestSwitchMethodParallel(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o, va := issued(t, env, u, env.Product(t, 10_000, 10))
		errs := make(chan error, 5)
		for range 5 {
			go func() {
				_, err := env.Payments.SwitchMethod(ctx, apptest.As(u), o.OrderID)
				errs <- err
			}()
		}
		for range 5 {
			if err := <-errs; err != nil {
				requireCode(t, paydeck.CodeConflict, err) // at most: the first cancel still in flight
			}
		}
		require.Len(t, env.Refunds(t, va.ID), 1)
		require.Len(t, env.TossCalls("POST", "/v1/payments/"+va.PaymentKey+"/cancel"), 1)
		require.Equal(t, paydeck.PaymentCanceled, env.PaymentByKey(t, va.PaymentKey).Status)
		require.Equal(t, paydeck.OrderPending, env.OrderByID(t, o.ID).Status)
	})
}
