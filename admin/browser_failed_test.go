package admin_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
)

// TestBrowserFailedPayments: the owner opens the failed payments from the
// dashboard's approval tile and reads the codes and sentences, on a desktop
// and on a phone.
func TestBrowserFailedPayments(t *testing.T) {
	t.Parallel()
	s := newStore(t, apptest.New(t, "sqlite"))
	a := apptest.As(s.customer)
	o := s.Order(t, s.customer, apptest.Line(s.product, 1))
	require.NoError(t, s.Payments.RecordFailedAttempt(t.Context(), a, o.OrderID, "PAY_PROCESS_CANCELED", "사용자에 의해 결제가 취소되었습니다."))
	require.NoError(t, s.Payments.RecordFailedAttempt(t.Context(), a, o.OrderID, "REJECT_CARD_COMPANY", "카드사에서 승인을 거절했습니다."))
	s.paid(t, 1, "CARD")
	admin := s.User(t, paydeck.RoleAdmin)
	ctx := sitetest.Browser(t)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(s.URL+"/admin/"),
		chromedp.WaitVisible(chromedp.ID("login-submit")),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), admin.Email),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), sitetest.SitePassword),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("approval-rate")),
	))
	rate, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("approval-rate")))
	require.NoError(t, err)
	require.Equal(t, "33.33%", rate, "1 approval of 3 attempts")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("failed-link")), chromedp.WaitVisible(chromedp.ID("failed-payments"))))
	table, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("failed-payments")))
	require.NoError(t, err)
	require.Contains(t, table, "REJECT_CARD_COMPANY")
	require.Contains(t, table, "카드사에서 결제를 승인하지 않았습니다")
	sitetest.Screenshot(t, ctx, shots, "admin-failed-payments-1280")
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("failed-payments"))))
	sitetest.Screenshot(t, ctx, shots, "admin-failed-payments-390")
}
