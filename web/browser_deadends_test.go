package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
)

// phoneAndDesktop takes the current page's screenshot at 1280 and 390 px
// wide as name-1280 and name-390, checking that it does not scroll
// sideways on the phone, and leaves the browser at 1280 px.
func phoneAndDesktop(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)))
	sitetest.Screenshot(t, ctx, shots, name+"-1280")
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)))
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	require.NoError(t, err)
	require.False(t, wide, "%s scrolls sideways on a phone", name)
	sitetest.Screenshot(t, ctx, shots, name+"-390")
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)))
}

// TestBrowserVirtualAccountSwitch: a shopper who chose a virtual account
// changes their mind on the order page: "다른 결제수단으로 결제하기" cancels
// the account at Toss and brings the widget back under a new Toss orderId,
// and a card pays the order.
func TestBrowserVirtualAccountSwitch(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	s := newShop(t, env)
	ctx := sitetest.Browser(t)
	orderID := buy(t, s, ctx, "switch-shopper@example.com", "VIRTUAL_ACCOUNT", "approve", false)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("virtual-account"))))
	o := s.orderRecord(t, orderID)
	account := onlyPayment(t, s, o)
	require.Equal(t, paydeck.PaymentWaitingForDeposit, account.Status)

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(s.URL+"/orders/"+orderID), chromedp.WaitVisible(chromedp.ID("switch-method"))))
	phoneAndDesktop(t, ctx, "order-virtual-account")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("switch-method")), chromedp.WaitEnabled(chromedp.ID("pay"))))
	attempt, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("checkout").dataset.orderId`))
	require.NoError(t, err)
	require.Equal(t, orderID+"-2", attempt)
	require.Equal(t, paydeck.PaymentCanceled, env.PaymentByKey(t, account.PaymentKey).Status)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`input[name="paydeck-sandbox-method"][value="CARD"]`)),
		chromedp.Click(chromedp.ID("pay")),
		chromedp.WaitVisible(chromedp.ID("approve")),
		chromedp.Click(chromedp.ID("approve")),
		chromedp.WaitVisible(chromedp.ID("receipt-title")),
	))
	require.Equal(t, paydeck.OrderPaid, s.orderRecord(t, orderID).Status)
	phoneAndDesktop(t, ctx, "receipt-after-switch")
}

// TestBrowserVirtualAccountCancel: the shopper cancels an order whose
// virtual account awaits the deposit: the account is cancelled at Toss and
// the stock comes back. Then a closed payment window shows the order with
// "다시 결제하기" instead of the home page.
func TestBrowserVirtualAccountCancel(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	s := newShop(t, env)
	ctx := sitetest.Browser(t)
	orderID := buy(t, s, ctx, "cancel-shopper@example.com", "VIRTUAL_ACCOUNT", "approve", false)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("virtual-account"))))
	account := onlyPayment(t, s, s.orderRecord(t, orderID))
	require.Equal(t, int64(4), env.ProductByID(t, s.water.ID).StockQuantity)

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(s.URL+"/orders/"+orderID), chromedp.WaitVisible(chromedp.ID("cancel-order")),
		chromedp.Click(chromedp.ID("cancel-order")), chromedp.WaitNotPresent(chromedp.ID("cancel-order"))))
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("order-status")))
	require.NoError(t, err)
	require.Equal(t, "취소됨", status)
	require.Equal(t, paydeck.OrderCancelled, s.orderRecord(t, orderID).Status)
	require.Equal(t, paydeck.PaymentCanceled, env.PaymentByKey(t, account.PaymentKey).Status)
	require.Equal(t, int64(5), env.ProductByID(t, s.water.ID).StockQuantity)
	phoneAndDesktop(t, ctx, "order-cancelled")

	// The window closed: back on the shop with the order and a retry.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/"),
		chromedp.Click(chromedp.CSS("#product-"+s.water.ID+" button")),
		chromedp.WaitVisible(chromedp.ID("place-order")),
		chromedp.SendKeys(chromedp.CSS(`input[name="address"]`), "서울특별시 중구 세종대로 110"),
		chromedp.Click(chromedp.ID("place-order")),
		chromedp.WaitEnabled(chromedp.ID("pay")),
		chromedp.Click(chromedp.ID("pay")),
		chromedp.WaitVisible(chromedp.ID("close")),
		chromedp.Click(chromedp.ID("close")),
		chromedp.WaitVisible(chromedp.ID("retry")),
	))
	shown, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("fail-order")))
	require.NoError(t, err)
	require.NotEqual(t, orderID, shown)
	reason, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("fail-reason")))
	require.NoError(t, err)
	require.Contains(t, reason, "결제창을 닫아")
	phoneAndDesktop(t, ctx, "payment-window-closed")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("retry")), chromedp.WaitEnabled(chromedp.ID("pay")),
		chromedp.Click(chromedp.ID("pay")), chromedp.WaitVisible(chromedp.ID("approve")), chromedp.Click(chromedp.ID("approve")),
		chromedp.WaitVisible(chromedp.ID("receipt-title"))))
	require.Equal(t, paydeck.OrderPaid, s.orderRecord(t, shown).Status)
}

// onlyPayment returns o's one payment.
func onlyPayment(t *testing.T, s *shop, o *paydeck.Order) *paydeck.Payment {
	t.Helper()
	var ps []*paydeck.Payment
	require.NoError(t, s.DB.View(t.Context(), func(tx paydeck.Tx) (err error) {
		ps, _, err = tx.FindPayments(t.Context(), paydeck.PaymentFilter{OrderID: &o.ID})
		return err
	}))
	require.Len(t, ps, 1)
	return ps[0]
}
