package web_test

import (
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
)

// TestBrowserVirtualAccountCashReceipt: a shopper buys a mixed basket (a
// taxable and a tax-free product) by virtual account asking for a 소득공제
// cash receipt: the checkout and the receipt show the tax-free part and the
// VAT of the taxable part only, a bad number is refused on the page,
// the window receives the choice, Toss (the sandbox) issues the receipt
// after the deposit, and the order page shows it with the number masked.
// Screenshots go to PAYDECK_SHOTS (default a temporary directory).
func TestBrowserVirtualAccountCashReceipt(t *testing.T) {
	t.Parallel()
	dir := os.Getenv("PAYDECK_SHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	env := apptest.New(t, "sqlite")
	s := newShop(t, env)
	tangerine := env.TaxFreeProduct(t, 29_900, 5)
	ctx := sitetest.Browser(t)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.ID("product-"+s.water.ID)),
		chromedp.Click(chromedp.CSS("#product-"+s.water.ID+" button")),
		chromedp.WaitVisible(chromedp.ID("cart-subtotal")),
		chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.ID("product-"+tangerine.ID)),
		chromedp.Click(chromedp.CSS("#product-"+tangerine.ID+" button")),
		chromedp.WaitVisible(chromedp.ID("cart-subtotal")),
		chromedp.Navigate(s.URL+"/signup?next=%2Fcart"),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), "receipt-shopper@example.com"),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "김영수"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), sitetest.SitePassword),
		chromedp.Click(chromedp.ID("signup-submit")),
		chromedp.WaitVisible(chromedp.ID("place-order")),
		chromedp.SendKeys(chromedp.CSS(`input[name="phone"]`), "010-1234-5678"),
		chromedp.SendKeys(chromedp.CSS(`input[name="address"]`), "서울특별시 중구 세종대로 110"),
		chromedp.Click(chromedp.ID("place-order")), chromedp.WaitEnabled(chromedp.ID("pay")),
		chromedp.Click(chromedp.CSS(`input[name="paydeck-sandbox-method"][value="VIRTUAL_ACCOUNT"]`)),
		chromedp.Click(chromedp.CSS(`input[name="cashReceiptType"][value="소득공제"]`)),
		chromedp.SendKeys(chromedp.ID("cash-receipt-number"), "02-123"),
		chromedp.Click(chromedp.ID("pay")),
		chromedp.WaitVisible(chromedp.ID("checkout-status")),
	))
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("checkout-status")))
	require.NoError(t, err)
	require.Contains(t, msg, "휴대폰 번호")
	sitetest.Screenshot(t, ctx, dir, "checkout-cash-receipt-error")
	taxFree, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("checkout-tax-free")))
	require.NoError(t, err)
	require.Equal(t, "29,900원", strings.TrimSpace(taxFree), "shipping and water are taxable")
	orderID, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("order-id")))
	require.NoError(t, err)
	orderID = strings.TrimSpace(orderID)

	_, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("cash-receipt-number").value = ""`))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("cash-receipt-number"), "010-1234-5678"),
		chromedp.Click(chromedp.ID("pay")),
		chromedp.WaitVisible(chromedp.ID("approve")),
	))
	typ, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`select[name="cashReceiptType"]`)))
	require.NoError(t, err)
	require.Equal(t, "소득공제", typ)
	number, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`input[name="cashReceiptRegistrationNumber"]`)))
	require.NoError(t, err)
	require.Equal(t, "01012345678", number)
	sitetest.Screenshot(t, ctx, dir, "window-cash-receipt")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("approve")), chromedp.WaitVisible(chromedp.ID("virtual-account")),
		chromedp.WaitVisible(chromedp.ID("cash-receipt-later"))))
	sitetest.Screenshot(t, ctx, dir, "receipt-va-cash-receipt")
	vat, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("vat")))
	require.NoError(t, err)
	require.Equal(t, "1,364원", strings.TrimSpace(vat), "round((12,000 + 3,000) / 11)")

	o := s.orderRecord(t, orderID)
	var key string
	require.NoError(t, s.DB.View(t.Context(), func(tx paydeck.Tx) error {
		ps, _, err := tx.FindPayments(t.Context(), paydeck.PaymentFilter{OrderID: &o.ID})
		if len(ps) == 1 {
			key = ps[0].PaymentKey
		}
		return err
	}))
	require.NotEmpty(t, key)
	require.Equal(t, int64(29_900), o.TaxFreeAmount)
	env.Deposit(t, key)
	apptest.WaitFor(t, "order paid", func() bool { return s.orderRecord(t, orderID).Status == paydeck.OrderPaid })
	for _, lang := range []string{"ko", "en"} {
		require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900),
			chromedp.Navigate(s.URL+"/orders/"+orderID+"?lang="+lang), chromedp.WaitVisible(chromedp.ID("order-cash-receipt"))))
		line, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("order-cash-receipt")))
		require.NoError(t, err)
		require.Contains(t, line, "소득공제")
		require.Contains(t, line, "010****5678")
		sitetest.Screenshot(t, ctx, dir, "order-cash-receipt-"+lang)
	}
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(s.URL+"/orders/"+orderID+"?lang=ko"), chromedp.WaitVisible(chromedp.ID("order-cash-receipt"))))
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	require.NoError(t, err)
	require.False(t, wide, "the order page scrolls sideways on a phone")
	sitetest.Screenshot(t, ctx, dir, "order-cash-receipt-phone")
}
