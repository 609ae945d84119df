package payment_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/payment"
)

// mustCoupon creates c in env's store.
func mustCoupon(t *testing.T, env *apptest.Env, c *paydeck.Coupon) *paydeck.Coupon {
	t.Helper()
	require.NoError(t, env.DB.Update(ctx, func(tx paydeck.Tx) error { return tx.CreateCoupon(ctx, c) }))
	return c
}

// couponNow reads the coupon as the store has it.
func couponNow(t *testing.T, env *apptest.Env, code string) *paydeck.Coupon {
	t.Helper()
	var c *paydeck.Coupon
	require.NoError(t, env.DB.View(ctx, func(tx paydeck.Tx) (err error) { c, err = tx.FindCouponByCode(ctx, code); return err }))
	return c
}

func requireCouponReason(t *testing.T, reason paydeck.CouponReason, err error) {
	t.Helper()
	var ce *paydeck.CouponError
	require.True(t, errors.As(err, &ce), "want a coupon error %s, got %v", reason, err)
	require.Equal(t, reason, ce.Reason, "error: %v", err)
}

func couponOrder(env *apptest.Env, u *paydeck.User, code string, lines ...payment.OrderLine) (*paydeck.Order, error) {
	return env.Payments.CreateOrder(ctx, apptest.As(u), payment.OrderInput{Items: lines, CouponCode: code,
		Shipping: payment.Shipping{Name: "홍길동", Address: "서울"}})
}

// TestCouponDiscounts: the server computes every discount (fixed, percent
// with its cap, product restriction, minimum, window, the 100-won floor),
// the quote the cart shows equals the order placed, and the order carries
// its code.
func TestCouponDiscounts(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		a := apptest.As(u)
		shirt, mug := env.Product(t, 30_000, 50), env.Product(t, 8_000, 50)
		now := env.Clock.Now()
		past, future := now.Add(-time.Hour), now.Add(time.Hour)
		mustCoupon(t, env, &paydeck.Coupon{Code: "won5000", Kind: paydeck.CouponFixed, Value: 5000})
		mustCoupon(t, env, &paydeck.Coupon{Code: "PCT10", Kind: paydeck.CouponPercent, Value: 10, MaxDiscount: 4000,
			MinOrderAmount: 20_000, ValidFrom: &past, ValidUntil: &future})
		mustCoupon(t, env, &paydeck.Coupon{Code: "MUGHALF", Kind: paydeck.CouponPercent, Value: 50, ProductIDs: []string{mug.ID}})
		mustCoupon(t, env, &paydeck.Coupon{Code: "BIG", Kind: paydeck.CouponFixed, Value: 100_000})
		mustCoupon(t, env, &paydeck.Coupon{Code: "LATER", Kind: paydeck.CouponFixed, Value: 1000, ValidFrom: &future})
		mustCoupon(t, env, &paydeck.Coupon{Code: "GONE", Kind: paydeck.CouponFixed, Value: 1000, ValidUntil: &past})

		cases := []struct {
			code                          string
			lines                         []payment.OrderLine
			discount, shipping, finalAmnt int64
		}{
			// 30,000 + shipping 3,000 − 5,000; the code is case-insensitive.
			{" Won5000 ", []payment.OrderLine{apptest.Line(shirt, 1)}, 5000, 3000, 28_000},
			// 10% of 38,000 = 3,800 (under the 4,000 cap).
			{"pct10", []payment.OrderLine{apptest.Line(shirt, 1), apptest.Line(mug, 1)}, 3800, 3000, 37_200},
			// 10% of 60,000 = 6,000, capped at 4,000; free shipping from 50,000 before the discount.
			{"PCT10", []payment.OrderLine{apptest.Line(shirt, 2)}, 4000, 0, 56_000},
			// Half of the mugs only: 16,000 → 8,000 off; 46,000 of goods pay shipping.
			{"MUGHALF", []payment.OrderLine{apptest.Line(shirt, 1), apptest.Line(mug, 2)}, 8000, 3000, 46_000 - 8000 + 3000},
			// 100,000 off an 8,000 + 3,000 order: at most the goods (shipping is never discounted).
			{"BIG", []payment.OrderLine{apptest.Line(mug, 1)}, 8000, 3000, 3000},
		}
		for _, c := range cases {
			q, err := env.Payments.Quote(ctx, a, payment.OrderInput{Items: c.lines, CouponCode: c.code})
			require.NoError(t, err, c.code)
			o, err := couponOrder(env, u, c.code, c.lines...)
			require.NoError(t, err, c.code)
			require.Equal(t, c.discount, o.DiscountAmount, c.code)
			require.Equal(t, c.shipping, o.ShippingFee, c.code)
			require.Equal(t, c.finalAmnt, o.FinalAmount, c.code)
			require.Equal(t, paydeck.NormalizeCouponCode(c.code), o.CouponCode)
			require.Equal(t, o.DiscountAmount, q.DiscountAmount, "the quote is the order")
			require.Equal(t, o.FinalAmount, q.FinalAmount, "the quote is the order")
			got := env.OrderByID(t, o.ID)
			require.Equal(t, o.CouponCode, got.CouponCode, "read back from the store")
			require.Equal(t, o.DiscountAmount, got.DiscountAmount)
			require.NoError(t, got.Validate())
			_, err = env.Payments.CancelOrder(ctx, a, o.OrderID) // one account holds at most 5 unpaid orders
			require.NoError(t, err)
		}

		// A digital 100-won item with free shipping: nothing left to take off.
		cheap := env.DigitalProduct(t, 100)
		_, err := couponOrder(env, u, "WON5000", apptest.Line(cheap, 1))
		requireCouponReason(t, paydeck.CouponNothingOff, err)
		// A fixed coupon over a digital order leaves exactly the minimum.
		pin := env.DigitalProduct(t, 3000)
		o, err := couponOrder(env, u, "WON5000", apptest.Line(pin, 1))
		require.NoError(t, err)
		require.Equal(t, int64(2900), o.DiscountAmount)
		require.Equal(t, int64(100), o.FinalAmount)

		refused := []struct {
			code   string
			reason paydeck.CouponReason
			lines  []payment.OrderLine
		}{
			{"NOPE", paydeck.CouponUnknown, []payment.OrderLine{apptest.Line(shirt, 1)}},
			{"LATER", paydeck.CouponNotYetValid, []payment.OrderLine{apptest.Line(shirt, 1)}},
			{"GONE", paydeck.CouponExpired, []payment.OrderLine{apptest.Line(shirt, 1)}},
			{"PCT10", paydeck.CouponBelowMinimum, []payment.OrderLine{apptest.Line(mug, 2)}},
			{"MUGHALF", paydeck.CouponNotForProduct, []payment.OrderLine{apptest.Line(shirt, 1)}},
		}
		for _, r := range refused {
			_, err := env.Payments.Quote(ctx, a, payment.OrderInput{Items: r.lines, CouponCode: r.code})
			requireCouponReason(t, r.reason, err)
			_, err = couponOrder(env, u, r.code, r.lines...)
			requireCouponReason(t, r.reason, err)
		}
		require.Equal(t, int64(50), env.ProductByID(t, shirt.ID).StockQuantity, "cancelled and refused orders hold nothing")

		// The window closes while the coupon sits in a cart.
		env.Clock.Advance(2 * time.Hour)
		_, err = couponOrder(env, u, "PCT10", apptest.Line(shirt, 1))
		requireCouponReason(t, paydeck.CouponExpired, err)
	})
}

// TestCouponLimitUnderConcurrency: 50 shoppers order at once with a coupon
// of 10 uses: exactly 10 orders get it, the 40 others are refused as used
// up, and the coupon counts 10 uses. One shopper's 5 parallel orders on a
// coupon of 2 uses per customer: exactly 2.
func TestCouponLimitUnderConcurrency(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		mustCoupon(t, env, &paydeck.Coupon{Code: "TEN", Kind: paydeck.CouponFixed, Value: 2000, UsageLimit: 10})
		// One shopper and one product per order: no user or stock row is
		// shared, so only the coupon can make the orders wait for each other.
		users := make([]*paydeck.User, 50)
		products := make([]*paydeck.Product, len(users))
		for i := range users {
			users[i], products[i] = env.Customer(t), env.Product(t, 20_000, 10)
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, len(users))
		for i, u := range users {
			wg.Go(func() { <-start; _, errs[i] = couponOrder(env, u, "TEN", apptest.Line(products[i], 1)) })
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
				continue
			}
			requireCouponReason(t, paydeck.CouponLimitReached, err)
		}
		require.Equal(t, 10, ok)
		c := couponNow(t, env, "TEN")
		require.Equal(t, int64(10), c.Uses)
		require.Equal(t, int64(10), c.Pending)
		var reserved int64
		for _, p := range products {
			reserved += 10 - env.ProductByID(t, p.ID).StockQuantity
		}
		require.Equal(t, int64(10), reserved, "refused orders rolled back whole")

		one, prod := env.Customer(t), env.Product(t, 20_000, 100)
		mustCoupon(t, env, &paydeck.Coupon{Code: "TWOEACH", Kind: paydeck.CouponPercent, Value: 5, PerCustomerLimit: 2})
		errs = make([]error, 5)
		for i := range errs {
			wg.Go(func() { _, errs[i] = couponOrder(env, one, "TWOEACH", apptest.Line(prod, 1)) })
		}
		wg.Wait()
		ok = 0
		for _, err := range errs {
			if err == nil {
				ok++
				continue
			}
			requireCouponReason(t, paydeck.CouponCustomerLimit, err)
		}
		require.Equal(t, 2, ok)
		require.Equal(t, int64(2), couponNow(t, env, "TWOEACH").Uses)
	})
}

// TestCouponUseReturned: a use is held by a pending order and by a paid
// one; cancelling or expiring the unpaid order, or refunding all of a paid
// one, gives it back (once); a partial refund keeps it, and the refundable
// amount is what was paid.
func TestCouponUseReturned(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		admin := apptest.As(env.Admin(t))
		prod := env.Product(t, 20_000, 100)
		mustCoupon(t, env, &paydeck.Coupon{Code: "ONE", Kind: paydeck.CouponFixed, Value: 3000, UsageLimit: 1})
		u := env.Customer(t)
		uses := func() int64 { return couponNow(t, env, "ONE").Uses }

		o, err := couponOrder(env, u, "ONE", apptest.Line(prod, 1))
		require.NoError(t, err)
		_, err = couponOrder(env, env.Customer(t), "ONE", apptest.Line(prod, 1))
		requireCouponReason(t, paydeck.CouponLimitReached, err)
		_, err = env.Payments.CancelOrder(ctx, apptest.As(u), o.OrderID)
		require.NoError(t, err)
		require.Zero(t, uses(), "cancelled: returned")
		require.Contains(t, env.EventTypes(t, o.ID), "coupon_released")

		o, err = couponOrder(env, u, "ONE", apptest.Line(prod, 1))
		require.NoError(t, err)
		env.Clock.Advance(31 * time.Minute)
		require.NoError(t, env.Payments.Sweep(ctx))
		require.Equal(t, paydeck.OrderExpired, env.OrderByID(t, o.ID).Status)
		require.Zero(t, uses(), "expired: returned")
		require.Equal(t, "ONE", env.OrderByID(t, o.ID).CouponCode, "the order keeps its code")

		// Paid with the discount: Toss is asked for the discounted amount.
		o, err = couponOrder(env, u, "ONE", apptest.Line(prod, 1))
		require.NoError(t, err)
		require.Equal(t, int64(20_000+3000-3000), o.FinalAmount)
		key := env.Authorize(t, o, "CARD")
		p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
		require.NoError(t, err)
		require.Equal(t, o.FinalAmount, p.Amount)
		require.Equal(t, int64(1), uses())
		require.Zero(t, couponNow(t, env, "ONE").Pending, "paid, no longer pending")

		part := int64(5000)
		_, p, err = env.Payments.Cancel(ctx, admin, key, payment.CancelInput{Reason: "부분 환불", Amount: &part})
		require.NoError(t, err)
		require.Equal(t, int64(1), uses(), "a partial refund keeps the use")
		env.Clock.Advance(2 * time.Second) // Toss refuses a second cancel within a second
		tooMuch := p.BalanceAmount + 1
		_, _, err = env.Payments.Cancel(ctx, admin, key, payment.CancelInput{Reason: "전액 초과", Amount: &tooMuch})
		requireCode(t, paydeck.CodeInvalid, err)
		_, p, err = env.Payments.Cancel(ctx, admin, key, payment.CancelInput{Reason: "나머지 환불"})
		require.NoError(t, err)
		require.Zero(t, p.BalanceAmount)
		require.Equal(t, paydeck.OrderRefunded, env.OrderByID(t, o.ID).Status)
		require.Zero(t, uses(), "fully refunded: returned")
		var released int
		for _, typ := range env.EventTypes(t, o.ID) {
			if typ == "coupon_released" {
				released++
			}
		}
		require.Equal(t, 1, released)
	})
}

func TestApportionDiscount(t *testing.T) {
	t.Parallel()
	require.Equal(t, []int64{1, 1, 1}, paydeck.ApportionDiscount([]int64{100, 100, 100}, 3))
	require.Equal(t, []int64{2, 1, 1}, paydeck.ApportionDiscount([]int64{100, 100, 100}, 4))
	require.Equal(t, []int64{750, 250}, paydeck.ApportionDiscount([]int64{30_000, 10_000}, 1000))
	require.Equal(t, []int64{0, 0}, paydeck.ApportionDiscount([]int64{500, 500}, 0))
	for seed := int64(1); seed < 300; seed++ {
		totals := []int64{seed * 7 % 1000, seed * 13 % 977, seed * 31 % 9999, 100}
		var sum int64
		for _, x := range totals {
			sum += x
		}
		d := seed * 37 % (sum + 1)
		parts := paydeck.ApportionDiscount(totals, d)
		var got int64
		for i, p := range parts {
			require.GreaterOrEqual(t, p, int64(0))
			require.LessOrEqual(t, p, totals[i])
			got += p
		}
		require.Equal(t, d, got, "totals %v discount %d", totals, d)
	}
}
