package admin_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/webhook"
)

// TestAPIKeyAndWebhookPages: an admin creates an API key (its secret shown
// once, then only its hint) and revokes it; adds an endpoint (its secret
// shown once), sends a test event that arrives signed, sees it in the
// delivery log, resends it (다시 보내기), rotates the secret, disables the
// endpoint; bad input is a readable page. Korean by default, English on
// request.
func TestAPIKeyAndWebhookPages(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	s := newStore(t, env)
	ctx := context.Background()

	page := s.admin.Get(t, "/admin/api-keys")
	require.Equal(t, http.StatusOK, page.Status)
	require.Contains(t, page.Body, "API 키")
	page = s.admin.Post(t, "/admin/api-keys", url.Values{"name": {"ERP 연동"}, "scope": {"orders:read", "orders:write"}})
	require.Equal(t, http.StatusOK, page.Status, page.Body)
	secret := regexp.MustCompile(`pdk_live_[a-z2-7]{32}`).FindString(page.Body)
	require.NotEmpty(t, secret, page.Body)
	var keys []*paydeck.APIKey
	require.NoError(t, env.DB.View(ctx, func(tx paydeck.Tx) (err error) { keys, err = tx.FindAPIKeys(ctx); return err }))
	require.Len(t, keys, 1)
	require.Equal(t, paydeck.HashAPIKey(secret), keys[0].Hash)
	require.Equal(t, []paydeck.Scope{paydeck.ScopeOrdersRead, paydeck.ScopeOrdersWrite}, keys[0].Scopes)
	page = s.admin.Get(t, "/admin/api-keys")
	require.NotContains(t, page.Body, secret, "shown once")
	require.Contains(t, page.Body, keys[0].Hint)
	page = s.admin.Post(t, "/admin/api-keys", url.Values{"name": {"no scopes"}})
	require.Equal(t, http.StatusUnprocessableEntity, page.Status)
	require.Contains(t, page.Body, "권한을 하나 이상 고르세요.")
	page = s.admin.Post(t, "/admin/api-keys/"+keys[0].ID+"/revoke", url.Values{})
	require.Equal(t, http.StatusSeeOther, page.Status)
	require.NoError(t, env.DB.View(ctx, func(tx paydeck.Tx) (err error) { keys, err = tx.FindAPIKeys(ctx); return err }))
	require.NotNil(t, keys[0].RevokedAt)

	var (
		mu  sync.Mutex
		got []*http.Request
		raw [][]byte
	)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got, raw = append(got, r), append(raw, b)
		mu.Unlock()
		_, _ = io.WriteString(w, "thanks")
	}))
	t.Cleanup(rcv.Close)
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(got) }

	page = s.admin.Post(t, "/admin/webhooks", url.Values{"url": {"ftp://erp.example.com/x"}})
	require.Equal(t, http.StatusUnprocessableEntity, page.Status)
	require.Contains(t, page.Body, "http://")
	page = s.admin.Post(t, "/admin/webhooks", url.Values{"url": {rcv.URL + "/hooks"}, "event": {"order.paid", "refund.completed"}})
	require.Equal(t, http.StatusOK, page.Status, page.Body)
	whsec := regexp.MustCompile(`whsec_[A-Za-z0-9+/=]+`).FindString(html.UnescapeString(page.Body))
	require.NotEmpty(t, whsec)
	var eps []*paydeck.WebhookEndpoint
	require.NoError(t, env.DB.View(ctx, func(tx paydeck.Tx) (err error) { eps, err = tx.FindWebhookEndpoints(ctx); return err }))
	require.Len(t, eps, 1)
	ep := eps[0]
	require.Equal(t, []paydeck.OutboundEventType{paydeck.OutOrderPaid, paydeck.OutRefundCompleted}, ep.Events)
	require.NotContains(t, html.UnescapeString(s.admin.Get(t, "/admin/webhooks").Body), whsec, "shown once")
	base := "/admin/webhooks/" + ep.ID

	page = s.admin.Post(t, base+"/test", url.Values{})
	require.Equal(t, http.StatusSeeOther, page.Status)
	apptest.WaitFor(t, "test event", func() bool { return count() == 1 })
	mu.Lock()
	require.NoError(t, webhook.Verify(whsec, got[0].Header, raw[0], env.Clock.Now()))
	eventID := got[0].Header.Get("webhook-id")
	mu.Unlock()
	apptest.WaitFor(t, "logged", func() bool { return strings.Contains(s.admin.Get(t, base).Body, "thanks") })
	page = s.admin.Get(t, base)
	require.Contains(t, page.Body, eventID)
	require.Contains(t, page.Body, "다시 보내기")
	require.Contains(t, page.Body, "테스트 이벤트 보내기")

	page = s.admin.Post(t, base+"/resend", url.Values{"event": {eventID}})
	require.Equal(t, http.StatusSeeOther, page.Status)
	apptest.WaitFor(t, "resent", func() bool { return count() == 2 })
	mu.Lock()
	require.Equal(t, eventID, got[1].Header.Get("webhook-id"))
	mu.Unlock()

	page = s.admin.Post(t, base+"/rotate", url.Values{})
	require.Equal(t, http.StatusOK, page.Status)
	rotated := regexp.MustCompile(`whsec_[A-Za-z0-9+/=]+`).FindString(html.UnescapeString(page.Body))
	require.NotEmpty(t, rotated)
	require.NotEqual(t, whsec, rotated)

	page = s.admin.Post(t, base, url.Values{"url": {rcv.URL + "/hooks"}, "event": {"order.paid"}})
	require.Equal(t, http.StatusSeeOther, page.Status, page.Body)
	require.NoError(t, env.DB.View(ctx, func(tx paydeck.Tx) (err error) { ep, err = tx.FindWebhookEndpointByID(ctx, ep.ID); return err }))
	require.False(t, ep.Enabled, "the enabled box was not ticked")
	require.Equal(t, []paydeck.OutboundEventType{paydeck.OutOrderPaid}, ep.Events)

	require.Contains(t, s.admin.Get(t, base+"?lang=en").Body, "Delivery log")
	require.Equal(t, http.StatusNotFound, s.admin.Get(t, "/admin/webhooks/00000000-0000-4000-8000-000000000000").Status)
}
