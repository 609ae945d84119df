package payment_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/payment"
)

func TestCreateOrder(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		a := apptest.As(u)
		cheap, pricey, digital := env.Product(t, 10_000, 5), env.Product(t, 60_000, 5), env.DigitalProduct(t, 5000)
		bulk := env.Product(t, 60_000, 500)
		ship := payment.Shipping{Name: "홍길동", Address: "서울"}

		o, err := env.Payments.CreateOrder(ctx, a, payment.OrderInput{Items: []payment.OrderLine{apptest.Line(cheap, 2)}, Shipping: ship})
		require.NoError(t, err)
		require.Equal(t, paydeck.OrderPending, o.Status)
		require.Equal(t, int64(20_000), o.TotalAmount)
		require.Equal(t, int64(3000), o.ShippingFee)
		require.Equal(t, int64(23_000), o.FinalAmount)
		require.WithinDuration(t, env.Clock.Now().Add(30*time.Minute), o.ExpiresAt, 5*time.Second)
		require.Equal(t, int64(3), env.ProductByID(t, cheap.ID).StockQuantity)
		require.True(t, paydeck.ValidTossOrderID(o.OrderID))

		free := env.Order(t, u, apptest.Line(pricey, 1))
		require.Equal(t, int64(0), free.ShippingFee, "free shipping from 50,000 won")
		dig := env.Order(t, u, apptest.Line(digital, 1))
		require.Equal(t, int64(0), dig.ShippingFee, "no shipping for digital goods")
		require.Equal(t, int64(5000), dig.FinalAmount)

		bad := []struct {
			code  string
			lines []payment.OrderLine
		}{
			{paydeck.CodeInvalid, nil},
			{paydeck.CodeInvalid, []payment.OrderLine{apptest.Line(cheap, 0)}},
			{paydeck.CodeInvalid, []payment.OrderLine{apptest.Line(cheap, -1)}},
			{paydeck.CodeInvalid, []payment.OrderLine{apptest.Line(cheap, paydeck.MaxItemQuantity+1)}},
			{paydeck.CodeInvalid, []payment.OrderLine{apptest.Line(cheap, 1), apptest.Line(cheap, 1)}},
			{paydeck.CodeInvalid, []payment.OrderLine{{ProductID: "0b6f5a4e-6c1d-4f0e-9a57-2f3b8c0d1e2f", Quantity: 1}}},
			{paydeck.CodeInvalid, []payment.OrderLine{{ProductID: "not-a-uuid", Quantity: 1}}},
			{paydeck.CodeConflict, []payment.OrderLine{apptest.Line(cheap, 1), apptest.Line(pricey, 6)}}, // stock
			{paydeck.CodeInvalid, []payment.OrderLine{apptest.Line(bulk, 170)}},                          // over MaxAmount
		}
		for _, b := range bad {
			_, err := env.Payments.CreateOrder(ctx, a, payment.OrderInput{Items: b.lines, Shipping: ship})
			requireCode(t, b.code, err)
		}
		_, err = env.Payments.CreateOrder(ctx, a, payment.OrderInput{Items: []payment.OrderLine{apptest.Line(cheap, 1)}})
		requireCode(t, paydeck.CodeInvalid, err) // no shipping name
		_, err = env.Payments.CreateOrder(ctx, payment.Actor{}, payment.OrderInput{Items: []payment.OrderLine{apptest.Line(cheap, 1)}, Shipping: ship})
		requireCode(t, paydeck.CodeUnauthorized, err)
		require.Equal(t, int64(3), env.ProductByID(t, cheap.ID).StockQuantity, "failed orders reserve nothing")
		require.Equal(t, int64(4), env.ProductByID(t, pricey.ID).StockQuantity)

		orders, n, err := env.Payments.Orders(ctx, a, paydeck.OrderFilter{})
		require.NoError(t, err)
		require.Equal(t, 3, n)
		require.Len(t, orders, 3)
		_, n, err = env.Payments.Orders(ctx, apptest.As(env.Customer(t)), paydeck.OrderFilter{})
		require.NoError(t, err)
		require.Zero(t, n, "customers see their own orders only")
	})
}

func TestOrderExpiryReleasesStock(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		prod := env.Product(t, 10_000, 5)
		o := env.Order(t, u, apptest.Line(prod, 2))
		require.Equal(t, int64(3), env.ProductByID(t, prod.ID).StockQuantity)

		require.NoError(t, env.Payments.ExpireOrder(ctx, o.ID))
		require.Equal(t, paydeck.OrderPending, env.OrderByID(t, o.ID).Status, "not yet due")

		env.Clock.Advance(31 * time.Minute)
		require.NoError(t, env.Payments.ExpireOrder(ctx, o.ID))
		require.NoError(t, env.Payments.ExpireOrder(ctx, o.ID), "a repeat is a no-op")
		got, _, err := env.Payments.Order(ctx, apptest.As(u), o.OrderID)
		require.NoError(t, err)
		require.Equal(t, paydeck.OrderExpired, got.Status, "the customer sees expired")
		require.Equal(t, int64(5), env.ProductByID(t, prod.ID).StockQuantity)
		require.Equal(t, []string{"created", "expired"}, env.EventTypes(t, o.ID))

		// The sweep is what expires orders: no job is queued per order.
		o2 := env.Order(t, u, apptest.Line(prod, 1))
		env.Clock.Advance(31 * time.Minute)
		require.NoError(t, env.Payments.Sweep(ctx))
		require.Equal(t, paydeck.OrderExpired, env.OrderByID(t, o2.ID).Status)
		require.Equal(t, int64(5), env.ProductByID(t, prod.ID).StockQuantity)
	})
}

// TestSweepExpiresEveryOverdueOrder: one sweep run works through more
// overdue orders than one batch holds, including past orders it cannot
// expire (a virtual account awaiting its deposit keeps its order pending),
// and leaves orders not yet due alone.
func TestSweepExpiresEveryOverdueOrder(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		prod := env.Product(t, 10_000, 20)
		waiting := env.Order(t, u, apptest.Line(prod, 1))
		key := env.Authorize(t, waiting, "VIRTUAL_ACCOUNT")
		p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: waiting.OrderID, Amount: waiting.FinalAmount})
		require.NoError(t, err)
		require.Equal(t, paydeck.PaymentWaitingForDeposit, p.Status)
		// Pull the order's own deadline back: only the account's due date holds it now.
		require.NoError(t, env.DB.Update(ctx, func(tx paydeck.Tx) error {
			o, err := tx.LockOrderByID(ctx, waiting.ID)
			if err != nil {
				return err
			}
			o.ExpiresAt = env.Clock.Now().Add(time.Minute)
			return tx.UpdateOrder(ctx, o)
		}))
		var overdue []*paydeck.Order
		for range 7 { // by several customers: one may hold only 5 unpaid orders
			overdue = append(overdue, env.Order(t, env.Customer(t), apptest.Line(prod, 1)))
		}
		env.Clock.Advance(31 * time.Minute)
		fresh := env.Order(t, u, apptest.Line(prod, 1))
		require.Equal(t, int64(11), env.ProductByID(t, prod.ID).StockQuantity)

		require.NoError(t, env.Payments.Sweep(ctx))
		for _, o := range overdue {
			require.Equal(t, paydeck.OrderExpired, env.OrderByID(t, o.ID).Status)
		}
		require.Equal(t, paydeck.OrderPending, env.OrderByID(t, waiting.ID).Status, "its account is not due")
		require.Equal(t, paydeck.OrderPending, env.OrderByID(t, fresh.ID).Status, "not due yet")
		require.Equal(t, int64(18), env.ProductByID(t, prod.ID).StockQuantity, "the expired orders' stock is back")
	}, apptest.WithPaymentConfig(func(c *payment.Config) { c.SweepBatch = 2 }))
}

func TestCancelOrderAndDelivery(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u, admin := env.Customer(t), env.Admin(t)
		prod := env.Product(t, 10_000, 5)
		o := env.Order(t, u, apptest.Line(prod, 2))
		_, err := env.Payments.CancelOrder(ctx, apptest.As(env.Customer(t)), o.OrderID)
		requireCode(t, paydeck.CodeNotFound, err)
		c, err := env.Payments.CancelOrder(ctx, apptest.As(u), o.OrderID)
		require.NoError(t, err)
		require.Equal(t, paydeck.OrderCancelled, c.Status)
		require.Equal(t, int64(5), env.ProductByID(t, prod.ID).StockQuantity)
		_, err = env.Payments.CancelOrder(ctx, apptest.As(u), o.OrderID)
		requireCode(t, paydeck.CodeConflict, err)

		paid, _ := confirmed(t, env, u, "CARD")
		_, err = env.Payments.CancelOrder(ctx, apptest.As(u), paid.OrderID)
		requireCode(t, paydeck.CodeConflict, err)
		_, err = env.Payments.DeliverOrder(ctx, apptest.As(admin), paid.OrderID)
		requireCode(t, paydeck.CodeConflict, err) // not shipped yet
		s, err := env.Payments.ShipOrder(ctx, apptest.As(admin), paid.OrderID)
		require.NoError(t, err)
		require.NotNil(t, s.ShippedAt)
		d, err := env.Payments.DeliverOrder(ctx, apptest.As(admin), paid.OrderID)
		require.NoError(t, err)
		require.Equal(t, paydeck.OrderDelivered, d.Status)
		require.Equal(t, "admin", string(admin.Role))
		evs := env.EventTypes(t, paid.ID)
		require.Equal(t, []string{"shipped", "delivered"}, evs[len(evs)-2:])
	})
}
