package admin_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
	"github.com/paydeck/paydeck/payment"
)

// TestBrowserAdminCoupons: the owner creates a percent coupon with a cap,
// a minimum, a window and limits in the browser, and the list shows the
// uses an order holds (1280 and 390 px).
func TestBrowserAdminCoupons(t *testing.T) {
	t.Parallel()
	s := newStore(t, apptest.New(t, "sqlite"))
	admin := s.User(t, paydeck.RoleAdmin)
	ctx := sitetest.Browser(t)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(s.URL+"/admin/coupons/new"),
		chromedp.WaitVisible(chromedp.ID("login-submit")),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), admin.Email),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), sitetest.SitePassword),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("coupon-form")),
		chromedp.SendKeys(chromedp.CSS(`input[name="code"]`), "winter15"),
		chromedp.SetValue(chromedp.CSS(`select[name="kind"]`), "percent"),
		chromedp.SendKeys(chromedp.CSS(`input[name="value"]`), "15"),
		chromedp.SetValue(chromedp.CSS(`input[name="max_discount"]`), "10000"),
		chromedp.SetValue(chromedp.CSS(`input[name="min_order_amount"]`), "20000"),
		chromedp.SetValue(chromedp.CSS(`input[name="valid_from"]`), "2026-12-01T00:00"),
		chromedp.SetValue(chromedp.CSS(`input[name="valid_until"]`), "2027-03-01T00:00"),
		chromedp.SetValue(chromedp.CSS(`input[name="usage_limit"]`), "100"),
		chromedp.SetValue(chromedp.CSS(`input[name="per_customer_limit"]`), "1"),
	))
	sitetest.Screenshot(t, ctx, shots, "admin-coupon-new")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("save-coupon")), chromedp.WaitVisible(chromedp.ID("coupons"))))

	_, err := s.Payments.CreateOrder(t.Context(), apptest.As(s.customer), payment.OrderInput{
		Items: []payment.OrderLine{apptest.Line(s.product, 1)}, CouponCode: "WINTER15",
		Shipping: payment.Shipping{Name: "홍길동", Address: "서울"}})
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("coupon-WINTER15"))))
	uses, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#coupon-WINTER15 .uses")))
	require.NoError(t, err)
	require.Contains(t, uses, "1 / 100")
	require.Contains(t, uses, "결제 대기 1건 포함")
	sitetest.Screenshot(t, ctx, shots, "admin-coupons")
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("coupons"))))
	sitetest.Screenshot(t, ctx, shots, "admin-coupons-phone")
}
