package api_test

import (
	"encoding/csv"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
	"github.com/paydeck/paydeck/toss/sandbox"
)

// TestCurlStory walks the README's curl story through real HTTP on both
// engines: sign up, log in, order, authorize in the sandbox, confirm,
// refund part, refund the rest, read the event trail as admin, and the
// admin reports. No response ever carries a secret.
func TestCurlStory(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env)
		var bodies []string
		do := func(req apitest.Request, status int, out any) {
			t.Helper()
			bodies = append(bodies, string(a.MustDo(t, req, status, out).Body))
		}
		admin := a.NewAdmin(t)
		p := createProduct(t, a, admin, 6900, 10)
		do(apitest.Request{Method: http.MethodPost, Path: "/api/payment-methods", Token: admin,
			Body: map[string]any{"name": "카드", "type": "card", "feeRate": 290, "displayOrder": 1}}, http.StatusCreated, nil)

		do(apitest.Request{Method: http.MethodPost, Path: "/api/auth/signup",
			Body: map[string]string{"email": "Jimin@Example.com", "password": apitest.Password, "name": "김지민"}}, http.StatusCreated, nil)
		var tok struct {
			AccessToken string `json:"accessToken"`
			TokenType   string `json:"tokenType"`
		}
		do(apitest.Request{Method: http.MethodPost, Path: "/api/auth/login",
			Body: map[string]string{"email": "jimin@example.com", "password": apitest.Password}}, http.StatusOK, &tok)
		require.Equal(t, "Bearer", tok.TokenType)
		cust := tok.AccessToken
		var me struct{ Email, Role string }
		do(apitest.Request{Method: http.MethodGet, Path: "/api/me", Token: cust}, http.StatusOK, &me)
		require.Equal(t, "jimin@example.com", me.Email)
		require.Equal(t, "customer", me.Role)

		var list struct {
			Items []product `json:"items"`
			Total int       `json:"total"`
		}
		do(apitest.Request{Method: http.MethodGet, Path: "/api/products?limit=10"}, http.StatusOK, &list)
		require.Equal(t, 1, list.Total)
		require.Equal(t, p.ID, list.Items[0].ID)
		var methods struct {
			Items []struct{ Type string } `json:"items"`
		}
		do(apitest.Request{Method: http.MethodGet, Path: "/api/payment-methods"}, http.StatusOK, &methods)
		require.Equal(t, "card", methods.Items[0].Type)

		o := placeOrder(t, a, cust, p.ID, 2)
		require.Equal(t, int64(13800), o.TotalAmount)
		require.Equal(t, int64(3000), o.ShippingFee)
		require.Equal(t, int64(16800), o.FinalAmount)
		require.Equal(t, int64(8), productStock(t, a, p.ID))

		var co struct {
			ClientKey, OrderID, OrderName, CustomerKey, SuccessURL string
			Amount                                                 int64
		}
		do(apitest.Request{Method: http.MethodGet, Path: "/api/orders/" + o.OrderID + "/checkout", Token: cust}, http.StatusOK, &co)
		require.Equal(t, sandbox.DocsClientKey, co.ClientKey)
		require.Equal(t, o.FinalAmount, co.Amount)
		require.Equal(t, "제주 삼다수 2L 6개입", co.OrderName)
		require.True(t, strings.HasSuffix(co.SuccessURL, "/payments/success"))

		key := a.Authorize(t, &paydeck.Order{OrderID: o.OrderID, FinalAmount: o.FinalAmount}, "CARD")
		confirm := apitest.Request{Method: http.MethodPost, Path: "/api/payments/confirm", Token: cust,
			Body:   map[string]any{"paymentKey": key, "orderId": o.OrderID, "amount": o.FinalAmount},
			Header: map[string]string{"User-Agent": "curl/8.5.0"}}
		var paid pay
		do(confirm, http.StatusOK, &paid)
		require.Equal(t, "done", paid.Status)
		require.Equal(t, "card", paid.Method)
		require.Equal(t, o.OrderID, paid.OrderID)
		require.Equal(t, o.FinalAmount, paid.BalanceAmount)
		var again pay
		do(confirm, http.StatusOK, &again) // a retried confirm returns the same payment
		require.Equal(t, paid.PaymentKey, again.PaymentKey)
		require.Len(t, a.TossCalls(http.MethodPost, "/v1/payments/confirm"), 1)

		var got order
		do(apitest.Request{Method: http.MethodGet, Path: "/api/orders/" + o.OrderID, Token: cust}, http.StatusOK, &got)
		require.Equal(t, "paid", got.Status)
		require.Len(t, got.Payments, 1)

		var part cancelResult
		do(apitest.Request{Method: http.MethodPost, Path: "/api/payments/" + key + "/cancel", Token: cust,
			Body: map[string]any{"cancelReason": "한 병 반품", "cancelAmount": 6900}}, http.StatusOK, &part)
		require.Equal(t, "completed", part.Refund.Status)
		require.Equal(t, "partial_canceled", part.Payment.Status)
		require.Equal(t, int64(9900), part.Payment.BalanceAmount)
		do(apitest.Request{Method: http.MethodGet, Path: "/api/orders/" + o.OrderID, Token: cust}, http.StatusOK, &got)
		require.Equal(t, "partial_refunded", got.Status)

		env.Clock.Advance(2 * time.Second) // Toss refuses a second cancel within a second
		var rest cancelResult
		do(apitest.Request{Method: http.MethodPost, Path: "/api/payments/" + key + "/cancel", Token: cust,
			Body: map[string]any{"cancelReason": "전체 환불"}}, http.StatusOK, &rest)
		require.Equal(t, int64(9900), rest.Refund.Amount)
		require.Equal(t, "canceled", rest.Payment.Status)
		require.Zero(t, rest.Payment.BalanceAmount)
		do(apitest.Request{Method: http.MethodGet, Path: "/api/orders/" + o.OrderID, Token: cust}, http.StatusOK, &got)
		require.Equal(t, "refunded", got.Status)
		require.Equal(t, int64(10), productStock(t, a, p.ID), "a full refund returns the stock")

		var asCustomer, asAdmin pay
		do(apitest.Request{Method: http.MethodGet, Path: "/api/payments/" + key, Token: cust}, http.StatusOK, &asCustomer)
		require.Empty(t, asCustomer.Events, "customers do not see the event trail")
		do(apitest.Request{Method: http.MethodGet, Path: "/api/payments/" + key, Token: admin}, http.StatusOK, &asAdmin)
		var types []string
		for _, e := range asAdmin.Events {
			types = append(types, e.Type)
		}
		require.Subset(t, types, []string{"approved", "refund_requested", "refund_completed"})
		require.True(t, slices.ContainsFunc(asAdmin.Events, func(e event) bool {
			return e.Type == "approved" && e.IP == "127.0.0.1" && e.UserAgent == "curl/8.5.0"
		}), "the confirm request's IP and user agent are in the trail: %+v", asAdmin.Events)

		var stats struct {
			Totals struct {
				ApprovedCount, ApprovedAmount, RefundCount, RefundedAmount, Revenue, ApprovalRateBp int64
			} `json:"totals"`
			ByDay    []struct{ Date string } `json:"byDay"`
			ByMethod []struct {
				Method  string
				Revenue int64
			} `json:"byMethod"`
		}
		do(apitest.Request{Method: http.MethodGet, Path: "/api/admin/stats", Token: admin}, http.StatusOK, &stats)
		require.Equal(t, int64(1), stats.Totals.ApprovedCount)
		require.Equal(t, int64(16800), stats.Totals.ApprovedAmount)
		require.Equal(t, int64(2), stats.Totals.RefundCount)
		require.Equal(t, int64(16800), stats.Totals.RefundedAmount)
		require.Zero(t, stats.Totals.Revenue)
		require.Equal(t, int64(10000), stats.Totals.ApprovalRateBp)
		require.Len(t, stats.ByDay, 1)
		require.Equal(t, env.Clock.Now().In(paydeck.KST).Format(time.DateOnly), stats.ByDay[0].Date)
		require.Len(t, stats.ByMethod, 1)
		require.Equal(t, "card", stats.ByMethod[0].Method)

		res := a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/admin/settlements", Token: admin,
			Header: map[string]string{"Accept": "text/csv"}}, http.StatusOK, nil)
		require.Equal(t, "text/csv; charset=utf-8", res.Header.Get("Content-Type"))
		rows, err := csv.NewReader(strings.NewReader(string(res.Body))).ReadAll()
		require.NoError(t, err)
		require.Len(t, rows, 3) // header, the payment, TOTAL
		require.Equal(t, []string{key, o.OrderID, "card", "canceled"}, rows[1][:4])
		require.Equal(t, []string{"16800", "16800", "0", "0", "0", "0", "0", "0", "", "", "0"}, rows[1][5:],
			"fully refunded: nothing kept, so no tax-free part, supplied amount, VAT or receipt; no coupon, no discount")

		for _, b := range bodies {
			require.NotContains(t, b, sandbox.DocsSecretKey)
			require.NotContains(t, b, string(apptest.APISecret))
		}
	})
}
