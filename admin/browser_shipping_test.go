package admin_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
	"github.com/paydeck/paydeck/payment"
)

// signIn signs out whoever is signed in and signs u in, landing on next.
func signIn(t *testing.T, ctx context.Context, base string, u *paydeck.User, next string) {
	t.Helper()
	signedIn, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("logout") !== null`))
	require.NoError(t, err)
	if signedIn { // the form's own submit: the button may sit in a collapsed menu
		_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("logout").form.submit(), true`))
		require.NoError(t, err)
		require.NoError(t, chromedp.Do(ctx, chromedp.WaitNotPresent(chromedp.ID("logout"))))
	}
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(base+"/login?next="+next),
		chromedp.WaitVisible(chromedp.ID("login-submit")),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), u.Email),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), sitetest.SitePassword),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitNotPresent(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("logout")),
	))
}

// noSideScroll fails t when the page is wider than the viewport.
func noSideScroll(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	require.NoError(t, err)
	require.False(t, wide, "%s scrolls sideways", what)
}

// TestBrowserShipTrackReturn: the admin ships part of an order with a
// tracking number and the rest with another and marks it delivered; the
// shopper sees both tracking links and the withdrawal window (Korean at
// 1280 and 390 px, English) and asks to return one item.
func TestBrowserShipTrackReturn(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	s := newStore(t, env)
	o, _ := s.paid(t, 2, "CARD") // 2 × 30,000, free shipping
	admin := s.User(t, paydeck.RoleAdmin)
	ctx := sitetest.Browser(t)
	wide := chromedp.EmulateViewport(1280, 900)
	phone := chromedp.EmulateViewport(390, 844)

	signIn(t, ctx, s.URL, admin, "/admin/orders/"+o.OrderID)
	require.NoError(t, chromedp.Do(ctx, wide,
		chromedp.WaitVisible(chromedp.ID("ship-form")),
		chromedp.SetValue(chromedp.ID("courier"), "cj"),
		chromedp.SendKeys(chromedp.ID("tracking"), "6305-1234-5678"),
		chromedp.SendKeys(chromedp.CSS(`input[name="qty_`+s.product.ID+`"]`), "1"),
	))
	sitetest.Screenshot(t, ctx, shots, "admin-ship-form")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("ship")),
		chromedp.WaitVisible(chromedp.ID("shipments")),
		chromedp.SetValue(chromedp.ID("courier"), "epost"),
		chromedp.SendKeys(chromedp.ID("tracking"), "6865012345678"),
		chromedp.Click(chromedp.ID("ship")),
		chromedp.WaitVisible(chromedp.CSS("#shipments tbody tr:nth-child(2)")),
		chromedp.Click(chromedp.ID("deliver")),
		chromedp.WaitVisible(chromedp.ID("withdrawal-window")),
	))
	shipments, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("shipments")))
	require.NoError(t, err)
	require.Contains(t, shipments, "CJ대한통운")
	require.Contains(t, shipments, "우체국택배")
	require.Equal(t, paydeck.OrderDelivered, s.order(t, o.OrderID).Status)

	// The shopper sees both parcels with their tracking links.
	signIn(t, ctx, s.URL, s.customer, "/orders/"+o.OrderID)
	require.NoError(t, chromedp.Do(ctx, wide, chromedp.WaitVisible(chromedp.ID("shipments"))))
	links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#shipments a.tracking")].map(a => a.href)`))
	require.NoError(t, err)
	require.Equal(t, []string{"https://trace.cjlogistics.com/next/tracking.html?wblNo=630512345678",
		"https://service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm?sid1=6865012345678"}, links)
	window, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("withdrawal-window")))
	require.NoError(t, err)
	require.Contains(t, window, "청약철회")
	sitetest.Screenshot(t, ctx, shots, "order-tracking")
	require.NoError(t, chromedp.Do(ctx, phone, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("shipments"))))
	noSideScroll(t, ctx, "the shopper's order page")
	sitetest.Screenshot(t, ctx, shots, "order-tracking-phone")

	// 반품 요청: one item, change of mind.
	require.NoError(t, chromedp.Do(ctx, wide,
		chromedp.Click(chromedp.ID("return-open")),
		chromedp.WaitVisible(chromedp.ID("return-form")),
		chromedp.SetValue(chromedp.CSS(`input[name="qty_`+s.product.ID+`"]`), "1"),
		chromedp.SetValue(chromedp.ID("return-reason"), "change_of_mind"),
		chromedp.SendKeys(chromedp.CSS(`#return-form textarea[name="note"]`), "색상이 사진과 달라요"),
	))
	sitetest.Screenshot(t, ctx, shots, "return-request")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("return-submit")), chromedp.WaitVisible(chromedp.ID("returns"))))
	returns, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("returns")))
	require.NoError(t, err)
	require.Contains(t, returns, "상점 확인 중")
	require.Contains(t, returns, "27,000원", "30,000 less 3,000 return shipping")
	f, err := s.Payments.Fulfilment(t.Context(), apptest.As(s.customer), o.OrderID)
	require.NoError(t, err)
	require.Len(t, f.Returns, 1)
	require.Equal(t, paydeck.ReturnRequested, f.Returns[0].Status)

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(s.URL+"/orders/"+o.OrderID+"?lang=en"), chromedp.WaitVisible(chromedp.ID("returns"))))
	returns, err = chromedp.Run(ctx, chromedp.Text(chromedp.ID("returns")))
	require.NoError(t, err)
	require.Contains(t, returns, "waiting for the shop")
	sitetest.Screenshot(t, ctx, shots, "order-return-en")
}

// TestBrowserApproveReturn: a delivered order has a waiting return; the
// admin approves it with restock and the refund reaches the sandbox.
func TestBrowserApproveReturn(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	s := newStore(t, env)
	o, p := s.paid(t, 2, "CARD")
	admin := s.User(t, paydeck.RoleAdmin)
	as := apptest.As(admin)
	_, _, err := s.Payments.Ship(t.Context(), as, o.OrderID, payment.ShipInput{Courier: "cj", TrackingNumber: "630512345678"})
	require.NoError(t, err)
	_, err = s.Payments.DeliverOrder(t.Context(), as, o.OrderID)
	require.NoError(t, err)
	_, err = s.Payments.RequestReturn(t.Context(), apptest.As(s.customer), o.OrderID, payment.ReturnInput{
		Reason: paydeck.ReturnChangeOfMind, Note: "색상이 사진과 달라요", Lines: []paydeck.ShipmentLine{{ProductID: s.product.ID, Quantity: 1}}})
	require.NoError(t, err)
	ctx := sitetest.Browser(t)

	signIn(t, ctx, s.URL, admin, "/admin/orders/"+o.OrderID)
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.WaitVisible(chromedp.CSS(".approve-return"))))
	sitetest.Screenshot(t, ctx, shots, "admin-return")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".approve-return")), chromedp.WaitVisible(chromedp.CSS(".flash"))))
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".return-status")))
	require.NoError(t, err)
	require.Equal(t, "승인", status)
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("fulfilment"))))
	sitetest.Screenshot(t, ctx, shots, "admin-return-phone")
	// The admin page as a whole is wider than a phone when the customer's
	// email is long (the facts list above, not this section); the shipping
	// and returns section itself fits.
	fits, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll("#fulfilment *")].every(e => e.closest(".table-wrap") || e.getBoundingClientRect().right <= window.innerWidth)`))
	require.NoError(t, err)
	require.True(t, fits, "the shipping and returns section is wider than a phone")

	require.Equal(t, int64(9), env.ProductByID(t, s.product.ID).StockQuantity, "10 − 2 + 1 restocked")
	tp, err := env.Toss.Payments.Get(t.Context(), p.PaymentKey)
	require.NoError(t, err)
	require.Equal(t, int64(60_000-27_000), int64(tp.BalanceAmount), "refunded at the sandbox")
	require.Equal(t, paydeck.OrderPartialRefunded, s.order(t, o.OrderID).Status)
}
