package admin_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
)

// shots is docs/screenshots seen from this package.
const shots = "../docs/screenshots"

// TestBrowserAdminRefund: an admin signs in, finds a paid order, refunds
// part of it and sees the refund in the timeline and on the dashboard.
func TestBrowserAdminRefund(t *testing.T) {
	t.Parallel()
	s := newStore(t, apptest.New(t, "sqlite"))
	o, p := s.paid(t, 1, "CARD")
	s.paid(t, 2, "CARD")
	_, va := s.paid(t, 1, "VIRTUAL_ACCOUNT")
	s.Deposit(t, va.PaymentKey)
	admin := s.User(t, paydeck.RoleAdmin)
	ctx := sitetest.Browser(t)

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/admin/"),
		chromedp.WaitVisible(chromedp.ID("login-submit")),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), admin.Email),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), sitetest.SitePassword),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("daily-chart")),
	))
	refunds, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("month-refunds")))
	require.NoError(t, err)
	require.Equal(t, "0원", refunds)
	before, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("today-revenue")))
	require.NoError(t, err)
	require.Equal(t, "126,000원", before, "33,000 + 60,000 (free shipping) + 33,000")
	sitetest.Screenshot(t, ctx, shots, "admin-dashboard")

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/admin/orders?status=paid"),
		chromedp.WaitVisible(chromedp.ID("orders")),
	))
	sitetest.Screenshot(t, ctx, shots, "admin-orders")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a[href="/admin/orders/`+o.OrderID+`"]`)),
		chromedp.WaitVisible(chromedp.ID("timeline")),
		chromedp.Click(chromedp.CSS(`#payment-`+p.PaymentKey+` input[name="scope"][value="partial"]`)),
		chromedp.SendKeys(chromedp.CSS(`#payment-`+p.PaymentKey+` input[name="amount"]`), "8000"),
		chromedp.SetValue(chromedp.CSS(`#payment-`+p.PaymentKey+` select[name="preset"]`), "단순 변심"),
		chromedp.SendKeys(chromedp.CSS(`#payment-`+p.PaymentKey+` input[name="reason"]`), "부분 환불"),
		chromedp.Click(chromedp.CSS(`#payment-`+p.PaymentKey+` .refund-form button`)),
		chromedp.WaitVisible(chromedp.ID("refund-confirm-button")),
	))
	asked, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("refund-amount")))
	require.NoError(t, err)
	require.Equal(t, "8,000원", asked, "the confirmation says what goes back")
	require.Equal(t, paydeck.OrderPaid, s.order(t, o.OrderID).Status, "nothing refunded before the confirmation")
	sitetest.Screenshot(t, ctx, shots, "admin-refund-confirm")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("refund-confirm-button")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	))
	timeline, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("timeline")))
	require.NoError(t, err)
	require.Contains(t, timeline, "환불 요청")
	require.Contains(t, timeline, "환불 완료")
	balance, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#payment-`+p.PaymentKey+` .payment-balance`)))
	require.NoError(t, err)
	require.Equal(t, "25,000원", balance)
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("order-status")))
	require.NoError(t, err)
	require.Equal(t, "부분 환불", status)
	sitetest.Screenshot(t, ctx, shots, "admin-order")
	require.Equal(t, paydeck.OrderPartialRefunded, s.order(t, o.OrderID).Status)

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(s.URL+"/admin/"), chromedp.WaitVisible(chromedp.ID("month-refunds"))))
	refunds, err = chromedp.Run(ctx, chromedp.Text(chromedp.ID("month-refunds")))
	require.NoError(t, err)
	require.Equal(t, "8,000원", refunds)
	today, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("today-revenue")))
	require.NoError(t, err)
	require.Equal(t, "118,000원", today)

	// The other admin pages, for the screenshots.
	_, err = s.Payments.Reconcile(t.Context(), time.Now().In(paydeck.KST).Format(time.DateOnly))
	require.NoError(t, err)
	for _, page := range []struct{ path, wait, shot string }{
		{"/admin/reconciliation", "reconciliation-date", "admin-reconciliation"},
		{"/admin/payments", "payments", "admin-payments"},
		{"/admin/settlements", "settlement-items", "admin-settlements"},
		{"/admin/products", "products", "admin-products"},
		{"/admin/methods", "methods", "admin-methods"},
	} {
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(s.URL+page.path), chromedp.WaitVisible(chromedp.ID(page.wait))))
		sitetest.Screenshot(t, ctx, shots, page.shot)
	}
}
