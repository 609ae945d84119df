package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
	"github.com/paydeck/paydeck/webhook"
)

// TestExternalSystemWithAPIKey is the story over HTTP: an admin
// gives an ERP an API key and a webhook endpoint; the ERP places an order
// for its own customer, the shopper pays in the (sandbox) window, the ERP
// confirms and later refunds with its key, and receives order.paid and
// refund.completed it verifies with the endpoint's secret. Secrets appear
// only in the create answers; a revoked key stops at once.
func TestExternalSystemWithAPIKey(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env)
		admin := a.NewAdmin(t)

		var (
			mu  sync.Mutex
			got []*http.Request
			raw [][]byte
		)
		erp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			got, raw = append(got, r), append(raw, b)
			mu.Unlock()
			_, _ = io.WriteString(w, "ok")
		}))
		t.Cleanup(erp.Close)
		received := func(typ string) (*http.Request, []byte) {
			mu.Lock()
			defer mu.Unlock()
			for i, b := range raw {
				if strings.Contains(string(b), `"type":"`+typ+`"`) {
					return got[i], b
				}
			}
			return nil, nil
		}

		var key struct {
			ID     string   `json:"id"`
			Key    string   `json:"key"`
			Scopes []string `json:"scopes"`
		}
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/admin/api-keys", Token: admin,
			Body: map[string]any{"name": "ERP 연동", "scopes": []string{"orders:read", "orders:write", "payments:write",
				"refunds:write"}}}, http.StatusCreated, &key)
		require.Regexp(t, `^pdk_live_[a-z2-7]{32}$`, key.Key)
		list := a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/admin/api-keys", Token: admin}, http.StatusOK, nil)
		require.NotContains(t, string(list.Body), key.Key)
		require.NotContains(t, string(list.Body), `"key"`)

		var ep struct {
			ID      string   `json:"id"`
			Secret  string   `json:"secret"`
			Events  []string `json:"events"`
			Enabled bool     `json:"enabled"`
		}
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/admin/webhook-endpoints", Token: admin,
			Body: map[string]any{"url": erp.URL + "/paydeck", "events": []string{"order.paid", "refund.completed"}}},
			http.StatusCreated, &ep)
		require.True(t, strings.HasPrefix(ep.Secret, "whsec_"))
		require.True(t, ep.Enabled)
		list = a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/admin/webhook-endpoints", Token: admin},
			http.StatusOK, nil)
		require.NotContains(t, string(list.Body), ep.Secret)
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/admin/webhook-endpoints", Token: admin,
			Body: map[string]any{"url": erp.URL, "events": []string{"order.refunded"}}}).RequireProblem(t, http.StatusUnprocessableEntity)
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/admin/webhook-endpoints", Token: key.Key,
			Body: map[string]any{"url": erp.URL}}).RequireProblem(t, http.StatusForbidden)

		product := env.DigitalProduct(t, 23000)
		var order struct {
			OrderID     string `json:"orderId"`
			FinalAmount int64  `json:"finalAmount"`
			CustomerRef string `json:"customerRef"`
		}
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders", Token: key.Key, Body: map[string]any{
			"items": []map[string]any{{"productId": product.ID, "quantity": 1}}, "shipping": map[string]any{"name": "김지민", "phone": "010-1234-5678", "address": "서울특별시 중구 세종대로 110"}, "customerRef": "erp-cust-00042"}},
			http.StatusCreated, &order)
		require.Equal(t, "erp-cust-00042", order.CustomerRef)
		_, shopper := a.SignUp(t, "shopper")
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders", Token: shopper, Body: map[string]any{
			"items": []map[string]any{{"productId": product.ID, "quantity": 1}}, "shipping": map[string]any{"name": "김지민", "phone": "010-1234-5678", "address": "서울특별시 중구 세종대로 110"}, "customerRef": "someone-else"}}).
			RequireProblem(t, http.StatusUnprocessableEntity)

		paymentKey := env.Authorize(t, &paydeck.Order{OrderID: order.OrderID, FinalAmount: order.FinalAmount}, "CARD")
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/payments/confirm", Token: key.Key, Body: map[string]any{
			"paymentKey": paymentKey, "orderId": order.OrderID, "amount": order.FinalAmount}}, http.StatusOK, nil)
		apptest.WaitFor(t, "order.paid at the ERP", func() bool { r, _ := received("order.paid"); return r != nil })
		req, body := received("order.paid")
		require.NoError(t, webhook.Verify(ep.Secret, req.Header, body, env.Clock.Now()))
		var paid struct {
			ID   string `json:"id"`
			Data struct {
				OrderID     string `json:"orderId"`
				Status      string `json:"status"`
				CustomerRef string `json:"customerRef"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal(body, &paid))
		require.Equal(t, order.OrderID, paid.Data.OrderID)
		require.Equal(t, "paid", paid.Data.Status)
		require.Equal(t, "erp-cust-00042", paid.Data.CustomerRef)

		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/payments/" + paymentKey + "/cancel", Token: key.Key,
			Body: map[string]any{"cancelReason": "ERP에서 취소"}}, http.StatusOK, nil)
		apptest.WaitFor(t, "refund.completed at the ERP", func() bool { r, _ := received("refund.completed"); return r != nil })
		req, body = received("refund.completed")
		require.NoError(t, webhook.Verify(ep.Secret, req.Header, body, env.Clock.Now()))

		var log struct {
			Items []struct {
				EventID    string `json:"eventId"`
				StatusCode int    `json:"statusCode"`
				OK         bool   `json:"ok"`
				Response   string `json:"response"`
			} `json:"items"`
			Total int `json:"total"`
		}
		apptest.WaitFor(t, "two deliveries logged", func() bool {
			a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/admin/webhook-endpoints/" + ep.ID + "/deliveries",
				Token: admin}, http.StatusOK, &log)
			return log.Total == 2
		})
		for _, d := range log.Items {
			require.Equal(t, http.StatusOK, d.StatusCode)
			require.True(t, d.OK)
			require.Equal(t, "ok", d.Response)
		}

		var resent struct {
			Enqueued int `json:"enqueued"`
		}
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/admin/events/" + paid.ID + "/resend", Token: key.Key},
			http.StatusAccepted, &resent)
		require.Equal(t, 1, resent.Enqueued)
		apptest.WaitFor(t, "resent", func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == 3 })
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/admin/events/evt_nosuchevent/resend", Token: admin}).
			RequireProblem(t, http.StatusNotFound)

		a.MustDo(t, apitest.Request{Method: http.MethodDelete, Path: "/api/admin/api-keys/" + key.ID, Token: admin}, http.StatusOK, nil)
		a.Do(t, apitest.Request{Method: http.MethodGet, Path: "/api/orders", Token: key.Key}).RequireProblem(t, http.StatusUnauthorized)
	})
}
