package admin_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
)

// TestBrowserWebhookEndpoint: in a real browser an admin adds an endpoint
// (its secret shown once), sends a test event and sees it in the delivery
// log with "다시 보내기"; then creates an API key.
func TestBrowserWebhookEndpoint(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	s := newStore(t, env)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"received":true}`))
	}))
	t.Cleanup(rcv.Close)
	admin := s.User(t, paydeck.RoleAdmin)
	ctx := sitetest.Browser(t)

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/admin/webhooks"),
		chromedp.WaitVisible(chromedp.ID("login-submit")),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), admin.Email),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), sitetest.SitePassword),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("new-endpoint-form")),
		chromedp.SendKeys(chromedp.CSS(`#new-endpoint-form input[name="url"]`), rcv.URL+"/hooks/paydeck"),
		chromedp.Click(chromedp.CSS(`#new-endpoint-form input[value="order.paid"]`)),
		chromedp.Click(chromedp.CSS(`#new-endpoint-form input[value="refund.completed"]`)),
		chromedp.Click(chromedp.CSS(`#new-endpoint-form button`)),
		chromedp.WaitVisible(chromedp.ID("endpoint-secret")),
	))
	secret, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("endpoint-secret")))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(secret, "whsec_"), secret)
	sitetest.Screenshot(t, ctx, shots, "admin-webhooks")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#endpoints a`)),
		chromedp.WaitVisible(chromedp.ID("send-test")),
		chromedp.Click(chromedp.ID("send-test")),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	))
	var log string
	apptest.WaitFor(t, "the test delivery", func() bool {
		if chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("deliveries"))) != nil {
			return false
		}
		log, err = chromedp.Run(ctx, chromedp.Text(chromedp.ID("deliveries")))
		return err == nil && strings.Contains(log, `{"received":true}`)
	})
	require.Contains(t, log, "200")
	require.Contains(t, log, "다시 보내기")
	sitetest.Screenshot(t, ctx, shots, "admin-webhook")

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/admin/api-keys"),
		chromedp.WaitVisible(chromedp.ID("new-key-form")),
		chromedp.SendKeys(chromedp.CSS(`#new-key-form input[name="name"]`), "ERP 연동"),
		chromedp.Click(chromedp.CSS(`#new-key-form input[value="orders:read"]`)),
		chromedp.Click(chromedp.CSS(`#new-key-form input[value="orders:write"]`)),
		chromedp.Click(chromedp.CSS(`#new-key-form button`)),
		chromedp.WaitVisible(chromedp.ID("key-secret")),
	))
	key, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("key-secret")))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(key, "pdk_live_"), key)
	sitetest.Screenshot(t, ctx, shots, "admin-api-keys")
}
