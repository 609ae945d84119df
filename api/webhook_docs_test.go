package api_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
)

// TestWebhookEndpoint: deliveries are recorded byte for byte with their
// transmission headers and answered 200 without credentials; a body that
// is not JSON is recorded and answered 400; one over 64 KiB is refused.
func TestWebhookEndpoint(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env)
		body := `{"eventType":"PAYMENT_STATUS_CHANGED","createdAt":"2026-11-27T10:00:00.000000","data":{"paymentKey":"unknown_key","orderId":"ORD20261127AAAAAAAA","status":"DONE"}}`
		var ack struct{ Status string }
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/payments/webhook", Body: body,
			Header: map[string]string{"Tosspayments-Webhook-Transmission-Id": "whtrans_test1"}}, http.StatusOK, &ack)
		require.Equal(t, "received", ack.Status)
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/payments/webhook", Body: "not json"}).
			RequireProblem(t, http.StatusBadRequest)
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/payments/webhook", Body: `{"x":"` + strings.Repeat("a", 1<<20) + `"}`}).
			RequireProblem(t, http.StatusRequestEntityTooLarge)

		hooks := a.ReceivedWebhooks(t)
		require.Len(t, hooks, 2)
		require.Equal(t, body, string(hooks[0].Body))
		require.Equal(t, "PAYMENT_STATUS_CHANGED", hooks[0].EventType)
		require.Equal(t, "whtrans_test1", hooks[0].Headers["Tosspayments-Webhook-Transmission-Id"])
		require.Equal(t, "not json", string(hooks[1].Body))
	})
}

// TestVirtualAccountShowsAccountNotSecret: a virtual-account confirm shows
// the account to the customer, never the payment's webhook secret, and the
// order becomes paid on the (verified) deposit.
func TestVirtualAccountShowsAccountNotSecret(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env)
		admin := a.NewAdmin(t)
		p := createProduct(t, a, admin, 25000, 5)
		_, cust := a.SignUp(t, "lee")
		o := placeOrder(t, a, cust, p.ID, 2)
		va := authorizeAndConfirm(t, a, cust, o, "VIRTUAL_ACCOUNT", http.StatusOK)
		require.Equal(t, "waiting_for_deposit", va.Status)
		require.NotNil(t, va.VirtualAccount)
		require.NotEmpty(t, va.VirtualAccount.AccountNumber)

		secret := a.PaymentByKey(t, va.PaymentKey).Secret
		require.NotEmpty(t, secret)
		var bodies []string
		for _, req := range []apitest.Request{
			{Method: http.MethodGet, Path: "/api/payments/" + va.PaymentKey, Token: cust},
			{Method: http.MethodGet, Path: "/api/payments/" + va.PaymentKey, Token: admin},
			{Method: http.MethodGet, Path: "/api/orders/" + o.OrderID, Token: cust},
			{Method: http.MethodGet, Path: "/api/orders?limit=5", Token: admin},
		} {
			bodies = append(bodies, string(a.MustDo(t, req, http.StatusOK, nil).Body))
		}

		a.Deposit(t, va.PaymentKey)
		apptest.WaitFor(t, "order paid after the deposit callback", func() bool {
			return a.OrderByID(t, a.PaymentByKey(t, va.PaymentKey).OrderID).Status == paydeck.OrderPaid
		})
		var got order
		res := a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/orders/" + o.OrderID, Token: cust}, http.StatusOK, &got)
		require.Equal(t, "paid", got.Status)
		require.Equal(t, "done", got.Payments[0].Status)
		bodies = append(bodies, string(res.Body))
		for _, b := range bodies {
			require.NotContains(t, b, secret)
		}
	})
}

// TestDocsWorkOffline: /openapi.json is OpenAPI 3.1 and /docs serves
// Swagger UI whose scripts and styles all come from paydeck itself.
func TestDocsWorkOffline(t *testing.T) {
	t.Parallel()
	a := apitest.NewAPI(t, apptest.New(t, "sqlite"))
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/openapi.json"}, http.StatusOK, &doc)
	require.Equal(t, "3.1.0", doc.OpenAPI)
	require.Contains(t, doc.Paths, "/api/payments/{paymentKey}/cancel")

	res := a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/docs/"}, http.StatusOK, nil)
	page := string(res.Body)
	require.Contains(t, page, "swagger-ui")
	require.Contains(t, res.Header.Get("Content-Security-Policy"), "default-src 'self'")
	srcs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(page, -1)
	require.NotEmpty(t, srcs)
	for _, m := range srcs {
		require.False(t, strings.Contains(m[1], "://"), "external asset %s", m[1])
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: m[1]}, http.StatusOK, nil)
	}
}

// TestUnknownRouteIsProblem: paths under /api/ that match no operation
// answer a problem+json 404, not the mux's plain text.
func TestUnknownRouteIsProblem(t *testing.T) {
	t.Parallel()
	a := apitest.NewAPI(t, apptest.New(t, "sqlite"))
	a.Do(t, apitest.Request{Method: http.MethodGet, Path: "/api/nope"}).RequireProblem(t, http.StatusNotFound)
	a.Do(t, apitest.Request{Method: http.MethodPut, Path: "/api/products"}).RequireProblem(t, http.StatusNotFound)
}
