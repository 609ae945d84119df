package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
)

// TestBrowserCouponPurchase: a shopper types a coupon code in the cart,
// sees the server's discount and new total before ordering (at 1280 and
// 390 px, no sideways scroll on the phone), and pays the discounted
// amount in the sandbox window; the receipt shows the discount.
func TestBrowserCouponPurchase(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	s := newShop(t, env)
	gift := env.Product(t, 25_000, 10)
	require.NoError(t, env.DB.Update(t.Context(), func(tx paydeck.Tx) error {
		return tx.CreateCoupon(t.Context(), &paydeck.Coupon{Code: "WELCOME3000", Kind: paydeck.CouponFixed, Value: 3000,
			MinOrderAmount: 20_000})
	}))
	ctx := sitetest.Browser(t)
	text := func(id string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(id)))
		require.NoError(t, err)
		return strings.TrimSpace(v)
	}
	require.NoError(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(s.URL+"/signup?next=%2F"),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), "coupon-shopper@example.com"),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "김쿠폰"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), sitetest.SitePassword),
		chromedp.Click(chromedp.ID("signup-submit")),
		chromedp.WaitVisible(chromedp.ID("product-"+gift.ID)),
		chromedp.Click(chromedp.CSS("#product-"+gift.ID+" button")),
		chromedp.WaitVisible(chromedp.ID("coupon-code")),
	))
	require.Equal(t, "28,000원", text("cart-final"), "25,000 + 3,000 shipping before the coupon")

	// A wrong code first: said in Korean, nothing taken off.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("coupon-code"), "WELCOME"),
		chromedp.Click(chromedp.ID("apply-coupon")),
		chromedp.WaitVisible(chromedp.ID("coupon-error")),
	))
	require.Equal(t, "없는 쿠폰 코드입니다: WELCOME", text("coupon-error"))
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Clear(chromedp.ID("coupon-code")),
		chromedp.SendKeys(chromedp.ID("coupon-code"), "welcome3000"),
		chromedp.Click(chromedp.ID("apply-coupon")),
		chromedp.WaitVisible(chromedp.ID("cart-discount")),
		chromedp.SendKeys(chromedp.CSS(`input[name="phone"]`), "010-1234-5678"),
		chromedp.SendKeys(chromedp.CSS(`input[name="address"]`), "서울특별시 중구 세종대로 110"),
	))
	require.Equal(t, "-3,000원", text("cart-discount"))
	require.Equal(t, "25,000원", text("cart-final"))
	sitetest.Screenshot(t, ctx, shots, "cart-coupon")

	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("cart-final"))))
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	require.NoError(t, err)
	require.False(t, wide, "the cart scrolls sideways on a phone")
	sitetest.Screenshot(t, ctx, shots, "cart-coupon-phone")
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(s.URL+"/cart?lang=en"), chromedp.WaitVisible(chromedp.ID("cart-final"))))
	require.Equal(t, "₩25,000", text("cart-final"))
	sitetest.Screenshot(t, ctx, shots, "cart-coupon-phone-en")

	require.NoError(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(s.URL+"/cart?lang=ko"), chromedp.WaitVisible(chromedp.ID("cart-final")),
		chromedp.SetValue(chromedp.CSS(`input[name="phone"]`), "010-1234-5678"),
		chromedp.SetValue(chromedp.CSS(`input[name="address"]`), "서울특별시 중구 세종대로 110"),
		chromedp.Click(chromedp.ID("place-order")), chromedp.WaitEnabled(chromedp.ID("pay"))))
	require.Equal(t, "-3,000원", text("checkout-discount"))
	orderID := text("order-id")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("pay")), chromedp.WaitVisible(chromedp.ID("approve"))))
	require.Contains(t, text("amount"), "25,000", "Toss is asked for the discounted amount")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("approve")), chromedp.WaitVisible(chromedp.ID("receipt-title"))))
	require.Equal(t, "25,000원", text("receipt-amount"))
	require.Equal(t, "-3,000원", text("order-discount"))
	sitetest.Screenshot(t, ctx, shots, "receipt-coupon")

	o := s.orderRecord(t, orderID)
	require.Equal(t, paydeck.OrderPaid, o.Status)
	require.Equal(t, "WELCOME3000", o.CouponCode)
	require.Equal(t, int64(3000), o.DiscountAmount)
	require.Equal(t, int64(25_000), o.FinalAmount)
}
