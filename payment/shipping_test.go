package payment_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/store/storetest"
)

// paidOrder places and pays (card) an order of lines for u.
func paidOrder(t *testing.T, env *apptest.Env, u *paydeck.User, lines ...payment.OrderLine) (*paydeck.Order, *paydeck.Payment) {
	t.Helper()
	o := env.Order(t, u, lines...)
	key := env.Authorize(t, o, "CARD")
	p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
	require.NoError(t, err)
	return o, p
}

func outboxKinds(t *testing.T, env *apptest.Env) map[string][]*paydeck.OutboxMessage {
	t.Helper()
	out := map[string][]*paydeck.OutboxMessage{}
	storetest.MustView(t, env.DB, func(tx paydeck.Tx) error {
		ms, _, err := tx.FindOutboxMessages(context.Background(), paydeck.OutboxFilter{})
		for _, m := range ms {
			out[m.Kind] = append(out[m.Kind], m)
		}
		return err
	})
	return out
}

func TestShipPartialWithTracking(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u, admin := env.Customer(t), env.Admin(t)
		a, b := env.Product(t, 10_000, 10), env.Product(t, 7_000, 10)
		o, _ := paidOrder(t, env, u, apptest.Line(a, 2), apptest.Line(b, 1))

		_, _, err := env.Payments.Ship(ctx, apptest.As(u), o.OrderID, payment.ShipInput{Courier: "cj", TrackingNumber: "630512345678"})
		requireCode(t, paydeck.CodeForbidden, err)
		for _, bad := range []payment.ShipInput{
			{Courier: "nope", TrackingNumber: "630512345678"},
			{Courier: "cj"},
			{TrackingNumber: "630512345678"},
			{Courier: "cj", TrackingNumber: "12<script>"},
			{Courier: "cj", TrackingNumber: "630512345678", Lines: []paydeck.ShipmentLine{{ProductID: a.ID, Quantity: 3}}},
			{Courier: "cj", TrackingNumber: "630512345678", Lines: []paydeck.ShipmentLine{{ProductID: env.Product(t, 100, 1).ID, Quantity: 1}}},
			{Courier: "cj", TrackingNumber: "630512345678", Lines: []paydeck.ShipmentLine{{ProductID: a.ID, Quantity: 1}, {ProductID: a.ID, Quantity: 1}}},
		} {
			_, _, err := env.Payments.Ship(ctx, apptest.As(admin), o.OrderID, bad)
			requireCode(t, paydeck.CodeInvalid, err)
		}

		// First parcel: one of a, by its Korean name, number with hyphens.
		got, sh, err := env.Payments.Ship(ctx, apptest.As(admin), o.OrderID, payment.ShipInput{Courier: "CJ대한통운",
			TrackingNumber: "6305-1234-5678", Lines: []paydeck.ShipmentLine{{ProductID: a.ID, Quantity: 1}}})
		require.NoError(t, err)
		require.Equal(t, paydeck.OrderShipped, got.Status)
		require.Equal(t, "cj", sh.Courier)
		require.Equal(t, "630512345678", sh.TrackingNumber)
		require.Equal(t, "https://trace.cjlogistics.com/next/tracking.html?wblNo=630512345678", sh.TrackingURL())
		first := got.ShippedAt

		// Second parcel: the rest, another courier.
		got, sh2, err := env.Payments.Ship(ctx, apptest.As(admin), o.OrderID, payment.ShipInput{Courier: "epost", TrackingNumber: "6865012345678"})
		require.NoError(t, err)
		require.Equal(t, []paydeck.ShipmentLine{{ProductID: a.ID, Quantity: 1}, {ProductID: b.ID, Quantity: 1}}, sh2.Lines)
		require.Equal(t, "https://service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm?sid1=6865012345678", sh2.TrackingURL())
		require.Equal(t, first, got.ShippedAt, "shipped at the first parcel")
		_, _, err = env.Payments.Ship(ctx, apptest.As(admin), o.OrderID, payment.ShipInput{})
		requireCode(t, paydeck.CodeConflict, err)

		f, err := env.Payments.Fulfilment(ctx, apptest.As(u), o.OrderID)
		require.NoError(t, err)
		require.Len(t, f.Shipments, 2)
		require.Equal(t, int64(0), f.Unshipped[a.ID])
		_, err = env.Payments.Fulfilment(ctx, apptest.As(env.Customer(t)), o.OrderID)
		requireCode(t, paydeck.CodeNotFound, err)

		require.Equal(t, []string{"created", "confirm_requested", "approved", "shipped", "shipped"}, env.EventTypes(t, o.ID))
		evs := env.Events(t, o.ID)
		require.Equal(t, true, meta(t, evs[3])["partial"])
		require.Equal(t, false, meta(t, evs[4])["partial"])

		mails := outboxKinds(t, env)["shipped"]
		require.Len(t, mails, 2)
		require.Contains(t, mails[1].Text, "CJ대한통운")
		require.Contains(t, mails[1].Text, "https://trace.cjlogistics.com/next/tracking.html?wblNo=630512345678")
		require.Contains(t, mails[0].Text, "우체국택배")
	})
}

// delivered pays, ships and delivers an order of lines.
func delivered(t *testing.T, env *apptest.Env, u, admin *paydeck.User, lines ...payment.OrderLine) (*paydeck.Order, *paydeck.Payment) {
	t.Helper()
	o, p := paidOrder(t, env, u, lines...)
	_, _, err := env.Payments.Ship(ctx, apptest.As(admin), o.OrderID, payment.ShipInput{Courier: "lotte", TrackingNumber: "309912345678"})
	require.NoError(t, err)
	o, err = env.Payments.DeliverOrder(ctx, apptest.As(admin), o.OrderID)
	require.NoError(t, err)
	return o, p
}

func TestReturnApproveWithRestock(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u, admin := env.Customer(t), env.Admin(t)
		a, b := env.Product(t, 10_000, 10), env.Product(t, 7_000, 10)
		o, p := delivered(t, env, u, admin, apptest.Line(a, 2), apptest.Line(b, 1)) // 27,000 + 3,000 shipping
		require.Equal(t, int64(8), env.ProductByID(t, a.ID).StockQuantity)

		in := payment.ReturnInput{Reason: paydeck.ReturnChangeOfMind, Note: "색상이 달라요", Lines: []paydeck.ShipmentLine{{ProductID: a.ID, Quantity: 1}}}
		_, err := env.Payments.RequestReturn(ctx, apptest.As(env.Customer(t)), o.OrderID, in)
		requireCode(t, paydeck.CodeNotFound, err)
		_, err = env.Payments.RequestReturn(ctx, apptest.As(u), o.OrderID, payment.ReturnInput{Reason: "whatever", Lines: in.Lines})
		requireCode(t, paydeck.CodeInvalid, err)
		_, err = env.Payments.RequestReturn(ctx, apptest.As(u), o.OrderID, payment.ReturnInput{Reason: paydeck.ReturnChangeOfMind,
			Lines: []paydeck.ShipmentLine{{ProductID: a.ID, Quantity: 3}}})
		requireCode(t, paydeck.CodeInvalid, err)

		env.Clock.Advance(6 * 24 * time.Hour) // inside the 7 days
		x, err := env.Payments.RequestReturn(ctx, apptest.As(u), o.OrderID, in)
		require.NoError(t, err)
		require.Equal(t, paydeck.ReturnRequested, x.Status)
		require.Equal(t, int64(3000), x.ReturnShippingFee, "단순 변심: the shopper pays the return shipping")
		require.Equal(t, int64(7000), x.RefundAmount)
		_, err = env.Payments.RequestReturn(ctx, apptest.As(u), o.OrderID, payment.ReturnInput{Reason: paydeck.ReturnChangeOfMind,
			Lines: []paydeck.ShipmentLine{{ProductID: b.ID, Quantity: 1}}})
		requireCode(t, paydeck.CodeConflict, err) // one waiting request at a time

		_, _, err = env.Payments.ApproveReturn(ctx, apptest.As(u), o.OrderID, x.ID, payment.ApproveInput{Restock: true})
		requireCode(t, paydeck.CodeForbidden, err)
		x, r, err := env.Payments.ApproveReturn(ctx, apptest.As(admin), o.OrderID, x.ID, payment.ApproveInput{Restock: true})
		require.NoError(t, err)
		require.Equal(t, paydeck.ReturnApproved, x.Status)
		require.Equal(t, paydeck.RefundCompleted, r.Status)
		require.Equal(t, int64(7000), r.Amount)
		require.Equal(t, r.ID, x.RefundID)
		require.Equal(t, int64(9), env.ProductByID(t, a.ID).StockQuantity, "restocked")
		require.Equal(t, o.FinalAmount-7000, tossBalance(t, env, p.PaymentKey), "refunded at the sandbox")
		require.Equal(t, o.FinalAmount-7000, env.PaymentByKey(t, p.PaymentKey).BalanceAmount)
		require.Equal(t, paydeck.OrderPartialRefunded, env.OrderByID(t, o.ID).Status)
		require.Equal(t, "return-"+x.ID, env.Refunds(t, p.ID)[0].IdempotencyKey)
		_, _, err = env.Payments.ApproveReturn(ctx, apptest.As(admin), o.OrderID, x.ID, payment.ApproveInput{})
		requireCode(t, paydeck.CodeConflict, err) // decided already

		// A defect of the rest: the shop pays shipping both ways, so the
		// whole order's shipping comes back too; no restock.
		y, err := env.Payments.RequestReturn(ctx, apptest.As(u), o.OrderID, payment.ReturnInput{Reason: paydeck.ReturnDefective,
			Lines: []paydeck.ShipmentLine{{ProductID: a.ID, Quantity: 1}, {ProductID: b.ID, Quantity: 1}}})
		require.NoError(t, err)
		require.Equal(t, int64(0), y.ReturnShippingFee)
		require.Equal(t, int64(10_000+7000+3000), y.RefundAmount)
		env.Clock.Advance(2 * time.Second) // Toss refuses two cancels within a second
		y, r, err = env.Payments.ApproveReturn(ctx, apptest.As(admin), o.OrderID, y.ID, payment.ApproveInput{})
		require.NoError(t, err)
		require.Equal(t, int64(20_000), r.Amount)
		require.Equal(t, int64(3000), tossBalance(t, env, p.PaymentKey), "the first return's shipping stays with the shop")
		require.Equal(t, paydeck.OrderPartialRefunded, env.OrderByID(t, o.ID).Status)
		require.Equal(t, int64(9), env.ProductByID(t, a.ID).StockQuantity, "not restocked")
		_, err = env.Payments.RequestReturn(ctx, apptest.As(u), o.OrderID, in)
		requireCode(t, paydeck.CodeInvalid, err) // everything is back

		types := env.EventTypes(t, o.ID)
		require.Equal(t, []string{"return_requested", "refund_requested", "return_approved", "refund_completed"},
			filter(types, "return_", "refund_")[:4])
		k := outboxKinds(t, env)
		require.Len(t, k["return_requested"], 2)
		require.Len(t, k["shop_return_requested"], 2)
		require.Len(t, k["return_approved"], 2)
		require.Len(t, k["refunded"], 2)
		require.Contains(t, k["return_requested"][1].Text, "단순 변심")
		require.Contains(t, k["return_requested"][1].Text, "3,000원")
	})
}

func filter(ss []string, prefixes ...string) []string {
	var out []string
	for _, s := range ss {
		for _, p := range prefixes {
			if strings.HasPrefix(s, p) {
				out = append(out, s)
				break
			}
		}
	}
	return out
}

func TestReturnWindowExemptAndRefuse(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u, admin := env.Customer(t), env.Admin(t)
		a := env.Product(t, 10_000, 10)
		opened := env.Product(t, 20_000, 10)
		storetest.MustUpdate(t, env.DB, func(tx paydeck.Tx) error {
			p, err := tx.LockProductByID(ctx, opened.ID)
			if err != nil {
				return err
			}
			p.WithdrawalExempt = true
			return tx.UpdateProduct(ctx, p)
		})

		// Not yet delivered: no return.
		paid, _ := paidOrder(t, env, u, apptest.Line(a, 1))
		_, err := env.Payments.RequestReturn(ctx, apptest.As(u), paid.OrderID, payment.ReturnInput{Reason: paydeck.ReturnChangeOfMind,
			Lines: []paydeck.ShipmentLine{{ProductID: a.ID, Quantity: 1}}})
		requireCode(t, paydeck.CodeConflict, err)

		o, _ := delivered(t, env, u, admin, apptest.Line(a, 1), apptest.Line(opened, 1))
		_, err = env.Payments.RequestReturn(ctx, apptest.As(u), o.OrderID, payment.ReturnInput{Reason: paydeck.ReturnChangeOfMind,
			Lines: []paydeck.ShipmentLine{{ProductID: opened.ID, Quantity: 1}}})
		requireCode(t, paydeck.CodeConflict, err)
		require.Contains(t, err.Error(), "§17(2)")

		env.Clock.Advance(7*24*time.Hour + time.Minute) // past the 7 days
		_, err = env.Payments.RequestReturn(ctx, apptest.As(u), o.OrderID, payment.ReturnInput{Reason: paydeck.ReturnChangeOfMind,
			Lines: []paydeck.ShipmentLine{{ProductID: a.ID, Quantity: 1}}})
		requireCode(t, paydeck.CodeConflict, err)
		require.Contains(t, err.Error(), "7-day")

		// A defect may still come back, exempt or not, within 3 months.
		x, err := env.Payments.RequestReturn(ctx, apptest.As(u), o.OrderID, payment.ReturnInput{Reason: paydeck.ReturnDefective,
			Note: "포장 안이 깨져 있었어요", Lines: []paydeck.ShipmentLine{{ProductID: opened.ID, Quantity: 1}}})
		require.NoError(t, err)
		_, err = env.Payments.RefuseReturn(ctx, apptest.As(admin), o.OrderID, x.ID, " ")
		requireCode(t, paydeck.CodeInvalid, err)
		_, err = env.Payments.RefuseReturn(ctx, apptest.As(u), o.OrderID, x.ID, "no")
		requireCode(t, paydeck.CodeForbidden, err)
		_, err = env.Payments.RefuseReturn(ctx, apptest.As(admin), paid.OrderID, x.ID, "wrong order")
		requireCode(t, paydeck.CodeNotFound, err)
		x, err = env.Payments.RefuseReturn(ctx, apptest.As(admin), o.OrderID, x.ID, "사진으로 확인한 결과 고객 과실입니다")
		require.NoError(t, err)
		require.Equal(t, paydeck.ReturnRefused, x.Status)
		require.Equal(t, paydeck.OrderDelivered, env.OrderByID(t, o.ID).Status, "nothing refunded")
		k := outboxKinds(t, env)
		require.Len(t, k["return_refused"], 1)
		require.Contains(t, k["return_refused"][0].Text, "고객 과실")

		env.Clock.Advance(92 * 24 * time.Hour)
		_, err = env.Payments.RequestReturn(ctx, apptest.As(u), o.OrderID, payment.ReturnInput{Reason: paydeck.ReturnDefective,
			Lines: []paydeck.ShipmentLine{{ProductID: a.ID, Quantity: 1}}})
		requireCode(t, paydeck.CodeConflict, err)
	})
}

// TestReturnDecisionsRace: parallel approvals (and a refusal) of one return
// make one decision and at most one refund; parallel requests make one
// waiting return.
func TestReturnDecisionsRace(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u, admin := env.Customer(t), env.Admin(t)
		a := env.Product(t, 10_000, 10)
		o, p := delivered(t, env, u, admin, apptest.Line(a, 3))
		in := payment.ReturnInput{Reason: paydeck.ReturnDefective, Lines: []paydeck.ShipmentLine{{ProductID: a.ID, Quantity: 1}}}
		const n = 6
		errs := make(chan error, n)
		for range n {
			go func() {
				_, err := env.Payments.RequestReturn(ctx, apptest.As(u), o.OrderID, in)
				errs <- err
			}()
		}
		var x *paydeck.ReturnRequest
		ok := 0
		for range n {
			if err := <-errs; err == nil {
				ok++
			} else {
				requireCode(t, paydeck.CodeConflict, err)
			}
		}
		require.Equal(t, 1, ok, "one waiting return")
		f, err := env.Payments.Fulfilment(ctx, apptest.As(u), o.OrderID)
		require.NoError(t, err)
		require.Len(t, f.Returns, 1)
		x = f.Returns[0]

		for i := range n {
			go func() {
				var err error
				if i == 0 {
					_, err = env.Payments.RefuseReturn(ctx, apptest.As(admin), o.OrderID, x.ID, "no")
				} else {
					_, _, err = env.Payments.ApproveReturn(ctx, apptest.As(admin), o.OrderID, x.ID, payment.ApproveInput{Restock: true})
				}
				errs <- err
			}()
		}
		ok = 0
		for range n {
			if err := <-errs; err == nil {
				ok++
			} else {
				requireCode(t, paydeck.CodeConflict, err)
			}
		}
		require.Equal(t, 1, ok, "one decision")
		refunds := env.Refunds(t, p.ID)
		require.LessOrEqual(t, len(refunds), 1)
		if len(refunds) == 1 {
			require.Equal(t, int64(8), env.ProductByID(t, a.ID).StockQuantity, "restocked once")
			require.Equal(t, o.FinalAmount-10_000, tossBalance(t, env, p.PaymentKey))
		} else {
			require.Equal(t, int64(7), env.ProductByID(t, a.ID).StockQuantity)
		}
	})
}
