package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
	"github.com/paydeck/paydeck/store/storetest"
)

// shots is docs/screenshots seen from this package.
const shots = "../docs/screenshots"

// buy runs a shopper's purchase in the browser up to the payment window:
// put the water in the cart, sign up (or use the signed-in session), order,
// open the widget, pick method ("" keeps the first) and press outcome ("approve", "reject",
// "close") in the sandbox window. It returns the order ID shown at checkout.
func buy(t *testing.T, s *shop, ctx context.Context, email, method, outcome string, snap bool) string {
	t.Helper()
	shot := func(name string) {
		if snap {
			sitetest.Screenshot(t, ctx, shots, name)
		}
	}
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.ID("product-"+s.water.ID))))
	shot("shop-home")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#product-"+s.water.ID+" button")),
		chromedp.WaitVisible(chromedp.ID("cart-subtotal")),
		chromedp.Navigate(s.URL+"/signup?next=%2Fcart"),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "김토스"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), sitetest.SitePassword),
	))
	shot("signup")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("signup-submit")),
		chromedp.WaitVisible(chromedp.ID("place-order")),
		chromedp.SendKeys(chromedp.CSS(`input[name="phone"]`), "010-1234-5678"),
		chromedp.SendKeys(chromedp.CSS(`input[name="address"]`), "서울특별시 중구 세종대로 110"),
	))
	shot("cart")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("place-order")), chromedp.WaitEnabled(chromedp.ID("pay"))))
	if method != "" { // "" keeps the preselected method
		require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[name="paydeck-sandbox-method"][value="`+method+`"]`))))
	}
	shot("checkout")
	orderID, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("order-id")))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("pay")), chromedp.WaitVisible(chromedp.ID("approve"))))
	amount, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("amount")))
	require.NoError(t, err)
	require.Contains(t, amount, "15,000", "the window shows the server's amount")
	shot("sandbox-window")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID(outcome))))
	return strings.TrimSpace(orderID)
}

// TestBrowserCardPurchase: a shopper signs up, orders, pays with a card in
// the sandbox window and sees the receipt.
func TestBrowserCardPurchase(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	s := newShop(t, env)
	ctx := sitetest.Browser(t)
	orderID := buy(t, s, ctx, "card-shopper@example.com", "CARD", "approve", true)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("receipt-title"))))
	title, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("receipt-title")))
	require.NoError(t, err)
	require.Equal(t, "결제가 완료되었습니다", title)
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("order-status")))
	require.NoError(t, err)
	require.Equal(t, "결제 완료", status)
	sitetest.Screenshot(t, ctx, shots, "receipt")
	require.Equal(t, paydeck.OrderPaid, s.orderRecord(t, orderID).Status)

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(s.URL+"/orders?lang=en"), chromedp.WaitVisible(chromedp.CSS("table"))))
	sitetest.Screenshot(t, ctx, shots, "orders-en")

	// On a phone-sized screen the receipt fits the width (no sideways scroll).
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(s.URL+"/orders/"+orderID+"?lang=ko"), chromedp.WaitVisible(chromedp.ID("order-status"))))
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	require.NoError(t, err)
	require.False(t, wide, "the order page scrolls sideways on a phone")
	sitetest.Screenshot(t, ctx, shots, "order-phone")
}

// TestBrowserVirtualAccount: another shopper pays by virtual account; the
// receipt shows the account and the order turns paid after the deposit.
func TestBrowserVirtualAccount(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	s := newShop(t, env)
	ctx := sitetest.Browser(t)
	orderID := buy(t, s, ctx, "va-shopper@example.com", "VIRTUAL_ACCOUNT", "approve", false)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("virtual-account"))))
	number, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("va-number")))
	require.NoError(t, err)
	sitetest.Screenshot(t, ctx, shots, "receipt-virtual-account")

	o := s.orderRecord(t, orderID)
	require.Equal(t, paydeck.OrderPending, o.Status, "not paid before the deposit")
	var key string
	require.NoError(t, s.DB.View(t.Context(), func(tx paydeck.Tx) error {
		ps, _, err := tx.FindPayments(t.Context(), paydeck.PaymentFilter{OrderID: &o.ID})
		if len(ps) == 1 {
			key = ps[0].PaymentKey
			require.Equal(t, ps[0].VirtualAccount.AccountNumber, strings.TrimSpace(number))
		}
		return err
	}))
	env.Deposit(t, key)
	apptest.WaitFor(t, "order paid", func() bool { return s.orderRecord(t, orderID).Status == paydeck.OrderPaid })
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(s.URL+"/orders/"+orderID), chromedp.WaitVisible(chromedp.ID("order-status"))))
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("order-status")))
	require.NoError(t, err)
	require.Equal(t, "결제 완료", status)
	sitetest.Screenshot(t, ctx, shots, "order")
}

// TestBrowserFailAndRetry: a card the card company rejects lands on the
// fail page in plain words; its retry link brings the widget back and the
// second attempt pays.
func TestBrowserFailAndRetry(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	s := newShop(t, env)
	ctx := sitetest.Browser(t)
	orderID := buy(t, s, ctx, "unlucky-shopper@example.com", "CARD", "reject", false)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("fail-reason"))))
	reason, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("fail-reason")))
	require.NoError(t, err)
	require.Contains(t, reason, "카드사에서 결제를 승인하지 않았습니다")
	sitetest.Screenshot(t, ctx, shots, "payment-failed")
	require.Equal(t, paydeck.OrderPending, s.orderRecord(t, orderID).Status)

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("retry")),
		chromedp.WaitEnabled(chromedp.ID("pay")),
		chromedp.Click(chromedp.ID("pay")),
		chromedp.Click(chromedp.ID("approve")),
		chromedp.WaitVisible(chromedp.ID("receipt-title")),
	))
	require.Equal(t, paydeck.OrderPaid, s.orderRecord(t, orderID).Status)
}

// TestBrowserPaymentWindow: with an API individual client key the checkout
// page offers the shop's active methods and opens the payment window.
func TestBrowserPaymentWindow(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	s := &shop{Site: sitetest.NewWindowSite(t, env), water: env.Product(t, 12_000, 5)}
	storetest.MustUpdate(t, env.DB, func(tx paydeck.Tx) error {
		for i, m := range []paydeck.PaymentMethodType{paydeck.MethodTransfer, paydeck.MethodCard} {
			if err := tx.CreatePaymentMethod(t.Context(), &paydeck.PaymentMethod{Name: string(m), Type: m, IsActive: true, DisplayOrder: i}); err != nil {
				return err
			}
		}
		return nil
	})
	ctx := sitetest.Browser(t)
	orderID := buy(t, s, ctx, "window-shopper@example.com", "", "approve", false)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID("receipt-title"))))
	o := s.orderRecord(t, orderID)
	require.Equal(t, paydeck.OrderPaid, o.Status)
	var p *paydeck.Payment
	require.NoError(t, env.DB.View(t.Context(), func(tx paydeck.Tx) error {
		ps, _, err := tx.FindPayments(t.Context(), paydeck.PaymentFilter{OrderID: &o.ID})
		if len(ps) > 0 {
			p = ps[0]
		}
		return err
	}))
	require.Equal(t, paydeck.MethodTransfer, p.Method, "the first method in display order was preselected")
}
