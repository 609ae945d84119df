package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
)

// checkoutBody is the part of getCheckout's answer the tests read.
type checkoutBody struct {
	OrderID, OrderName, CustomerKey, FailURL string
	Amount                                   int64
}

// The API hands out the shop pages' customerKey (one builder in payment),
// and an order whose virtual account awaits its deposit is paid another
// way: switchPaymentMethod cancels the account, getCheckout gives the next
// attempt's orderId, and the confirm under it pays the order. cancelOrder
// cancels an open account with its order.
func TestCheckoutAndSwitchMethod(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env)
		admin := a.NewAdmin(t)
		p := createProduct(t, a, admin, 6900, 10)
		_, cust := a.SignUp(t, "김지민")
		var me struct{ ID string }
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/me", Token: cust}, http.StatusOK, &me)

		o := placeOrder(t, a, cust, p.ID, 2)
		var co checkoutBody
		checkout := apitest.Request{Method: http.MethodGet, Path: "/api/orders/" + o.OrderID + "/checkout", Token: cust}
		a.MustDo(t, checkout, http.StatusOK, &co)
		require.Equal(t, paydeck.TossCustomerKey(apptest.SiteSecret, me.ID), co.CustomerKey, "the pages' key")
		require.Equal(t, o.OrderID, co.OrderID)
		require.True(t, strings.HasSuffix(co.FailURL, "/payments/fail?order="+o.OrderID), co.FailURL)

		va := authorizeAndConfirm(t, a, cust, o, "VIRTUAL_ACCOUNT", http.StatusOK)
		require.Equal(t, "waiting_for_deposit", va.Status)
		a.MustDo(t, checkout, http.StatusConflict, nil)

		switchReq := apitest.Request{Method: http.MethodPost, Path: "/api/orders/" + o.OrderID + "/switch-method", Token: cust}
		_, other := a.SignUp(t, "남")
		a.MustDo(t, apitest.Request{Method: switchReq.Method, Path: switchReq.Path, Token: other}, http.StatusNotFound, nil)
		var after order
		a.MustDo(t, switchReq, http.StatusOK, &after)
		require.Equal(t, "pending", after.Status)
		a.MustDo(t, switchReq, http.StatusOK, nil) // a repeat changes nothing
		require.Equal(t, int64(8), productStock(t, a, p.ID))

		a.MustDo(t, checkout, http.StatusOK, &co)
		require.Equal(t, o.OrderID+"-2", co.OrderID)
		key := a.AuthorizeAttempt(t, co.OrderID, co.Amount, "CARD")
		var paid pay
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/payments/confirm", Token: cust,
			Body: map[string]any{"paymentKey": key, "orderId": co.OrderID, "amount": co.Amount}}, http.StatusOK, &paid)
		require.Equal(t, "done", paid.Status)
		require.Equal(t, o.OrderID, paid.OrderID, "the order's public orderId")
		var read pay
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/payments/" + key, Token: cust}, http.StatusOK, &read)
		require.Equal(t, o.OrderID, read.OrderID, "the order's public orderId, not the attempt's")
		var got order
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/orders/" + o.OrderID, Token: cust}, http.StatusOK, &got)
		for _, p := range got.Payments {
			var first pay
			a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/payments/" + p.PaymentKey, Token: cust}, http.StatusOK, &first)
			require.Equal(t, o.OrderID, first.OrderID, "every attempt's payment names the order")
		}
		require.Equal(t, "paid", got.Status)
		require.Len(t, got.Payments, 2)
		a.MustDo(t, switchReq, http.StatusConflict, nil)

		// Cancelling an order with an open account.
		o2 := placeOrder(t, a, cust, p.ID, 1)
		authorizeAndConfirm(t, a, cust, o2, "VIRTUAL_ACCOUNT", http.StatusOK)
		var cancelled order
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders/" + o2.OrderID + "/cancel", Token: cust}, http.StatusOK, &cancelled)
		require.Equal(t, "cancelled", cancelled.Status)
		require.Equal(t, int64(8), productStock(t, a, p.ID))
	})
}
