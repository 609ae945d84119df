package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/api"
	"github.com/paydeck/paydeck/internal/apptest"
)

// TestAuthorizationMatrix: customers see and act on their own orders and
// payments only (others' answer 404, revealing nothing); only admins
// refund others' payments, manage the catalogue, move orders and read
// reports; no token is 401, a customer on an admin operation 403.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apptest.NewAPI(t, env)
		admin := a.NewAdmin(t)
		p := createProduct(t, a, admin, 5000, 20)
		_, alice := a.SignUp(t, "alice")
		_, bob := a.SignUp(t, "bob")

		paidOrder := placeOrder(t, a, alice, p.ID, 1)
		paid := authorizeAndConfirm(t, a, alice, paidOrder, "CARD", http.StatusOK)
		pending := placeOrder(t, a, alice, p.ID, 1)
		key := a.Authorize(t, &paydeck.Order{OrderID: pending.OrderID, FinalAmount: pending.FinalAmount}, "CARD")

		notFound := []apptest.Request{
			{Method: http.MethodGet, Path: "/api/orders/" + pending.OrderID},
			{Method: http.MethodGet, Path: "/api/orders/" + pending.OrderID + "/checkout"},
			{Method: http.MethodPost, Path: "/api/orders/" + pending.OrderID + "/cancel"},
			{Method: http.MethodPost, Path: "/api/payments/confirm",
				Body: map[string]any{"paymentKey": key, "orderId": pending.OrderID, "amount": pending.FinalAmount}},
			{Method: http.MethodGet, Path: "/api/payments/" + paid.PaymentKey},
			{Method: http.MethodPost, Path: "/api/payments/" + paid.PaymentKey + "/cancel", Body: map[string]any{"cancelReason": "mine now"}},
		}
		for _, req := range notFound {
			req.Token = bob
			a.Do(t, req).RequireProblem(t, http.StatusNotFound)
		}
		var list struct{ Total int }
		a.MustDo(t, apptest.Request{Method: http.MethodGet, Path: "/api/orders", Token: bob}, http.StatusOK, &list)
		require.Zero(t, list.Total, "bob sees none of alice's orders")
		a.MustDo(t, apptest.Request{Method: http.MethodGet, Path: "/api/orders", Token: admin}, http.StatusOK, &list)
		require.Equal(t, 2, list.Total, "admins see every order")

		forbidden := []apptest.Request{
			{Method: http.MethodPost, Path: "/api/products", Body: map[string]any{"name": "x", "price": 1000}},
			{Method: http.MethodPatch, Path: "/api/products/" + p.ID, Body: map[string]any{"price": 1}},
			{Method: http.MethodDelete, Path: "/api/products/" + p.ID},
			{Method: http.MethodPost, Path: "/api/payment-methods", Body: map[string]any{"name": "카드", "type": "card", "feeRate": 1}},
			{Method: http.MethodPost, Path: "/api/orders/" + paidOrder.OrderID + "/ship"},
			{Method: http.MethodGet, Path: "/api/admin/stats"},
			{Method: http.MethodGet, Path: "/api/admin/settlements"},
			{Method: http.MethodGet, Path: "/api/admin/reconciliation"},
		}
		for _, req := range forbidden {
			req.Token = alice
			a.Do(t, req).RequireProblem(t, http.StatusForbidden)
			req.Token = ""
			a.Do(t, req).RequireProblem(t, http.StatusUnauthorized)
		}
		for _, req := range notFound {
			res := a.Do(t, req) // no token at all
			res.RequireProblem(t, http.StatusUnauthorized)
			require.Equal(t, "Bearer", res.Header.Get("WWW-Authenticate"))
		}
		a.Do(t, apptest.Request{Method: http.MethodGet, Path: "/api/me", Token: "not-a-token"}).RequireProblem(t, http.StatusUnauthorized)

		// Nothing bob tried changed anything.
		var got order
		a.MustDo(t, apptest.Request{Method: http.MethodGet, Path: "/api/orders/" + pending.OrderID, Token: alice}, http.StatusOK, &got)
		require.Equal(t, "pending", got.Status)
		require.Empty(t, got.Payments)
		require.Equal(t, int64(18), productStock(t, a, p.ID))

		// Admins refund anyone's payment and move orders on.
		a.MustDo(t, apptest.Request{Method: http.MethodPost, Path: "/api/orders/" + paidOrder.OrderID + "/ship", Token: admin}, http.StatusOK, &got)
		require.Equal(t, "shipped", got.Status)
		var res cancelResult
		a.MustDo(t, apptest.Request{Method: http.MethodPost, Path: "/api/payments/" + paid.PaymentKey + "/cancel", Token: admin,
			Body: map[string]any{"cancelReason": "반품 승인"}}, http.StatusOK, &res)
		require.Equal(t, "canceled", res.Payment.Status)
	})
}

// TestTokenExpiry: a token stops working when it expires.
func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	a := apptest.NewAPI(t, env, func(d *api.Deps) { d.TokenTTL = time.Minute })
	_, tok := a.SignUp(t, "kim")
	a.MustDo(t, apptest.Request{Method: http.MethodGet, Path: "/api/me", Token: tok}, http.StatusOK, nil)
	env.Clock.Advance(61 * time.Second)
	res := a.Do(t, apptest.Request{Method: http.MethodGet, Path: "/api/me", Token: tok})
	res.RequireProblem(t, http.StatusUnauthorized)
	require.Contains(t, res.Header.Get("WWW-Authenticate"), "invalid_token")
}
