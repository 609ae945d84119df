package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/api"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
)

// TestAuthorizationMatrix: customers see and act on their own orders and
// payments only (others' answer 404, revealing nothing); only admins
// refund others' payments, manage the catalogue, move orders and read
// reports; no token is 401, a customer on an admin operation 403.
func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env)
		admin := a.NewAdmin(t)
		p := createProduct(t, a, admin, 5000, 20)
		_, alice := a.SignUp(t, "alice")
		_, bob := a.SignUp(t, "bob")

		paidOrder := placeOrder(t, a, alice, p.ID, 1)
		paid := authorizeAndConfirm(t, a, alice, paidOrder, "CARD", http.StatusOK)
		pending := placeOrder(t, a, alice, p.ID, 1)
		key := a.Authorize(t, &paydeck.Order{OrderID: pending.OrderID, FinalAmount: pending.FinalAmount}, "CARD")

		notFound := []apitest.Request{
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
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/orders", Token: bob}, http.StatusOK, &list)
		require.Zero(t, list.Total, "bob sees none of alice's orders")
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/orders", Token: admin}, http.StatusOK, &list)
		require.Equal(t, 2, list.Total, "admins see every order")

		forbidden := []apitest.Request{
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
		a.Do(t, apitest.Request{Method: http.MethodGet, Path: "/api/me", Token: "not-a-token"}).RequireProblem(t, http.StatusUnauthorized)

		// Nothing bob tried changed anything.
		var got order
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/orders/" + pending.OrderID, Token: alice}, http.StatusOK, &got)
		require.Equal(t, "pending", got.Status)
		require.Empty(t, got.Payments)
		require.Equal(t, int64(18), productStock(t, a, p.ID))

		// Admins refund anyone's payment and move orders on.
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders/" + paidOrder.OrderID + "/ship", Token: admin}, http.StatusOK, &got)
		require.Equal(t, "shipped", got.Status)
		var res cancelResult
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/payments/" + paid.PaymentKey + "/cancel", Token: admin,
			Body: map[string]any{"cancelReason": "반품 승인"}}, http.StatusOK, &res)
		require.Equal(t, "canceled", res.Payment.Status)
	})
}

// TestTokenExpiry: a token stops working when it expires.
func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	a := apitest.NewAPI(t, env, func(d *api.Deps) { d.TokenTTL = time.Minute })
	_, tok := a.SignUp(t, "kim")
	a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/me", Token: tok}, http.StatusOK, nil)
	env.Clock.Advance(61 * time.Second)
	res := a.Do(t, apitest.Request{Method: http.MethodGet, Path: "/api/me", Token: tok})
	res.RequireProblem(t, http.StatusUnauthorized)
	require.Contains(t, res.Header.Get("WWW-Authenticate"), "invalid_token")
}

// TestOwnedResourcesMatrix completes the authorization matrix for
// everything a customer owns: the account (/api/me), orders in each state
// (pending, paid, waiting for a deposit, cancelled), their checkout data,
// payments (read, confirm, refund) and the order list. For another signed-in
// customer, who owns an order too, every request answers the same 404
// problem as an ID that names nothing, so foreign IDs cannot be told from
// missing ones, and changes nothing. The owner and admins read them (admins
// with the event trail, as documented). Requests without a token answer 401
// for every operation in TestEveryOperationEnforcesItsAccessRule.
func TestOwnedResourcesMatrix(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env)
		admin := a.NewAdmin(t)
		p := createProduct(t, a, admin, 5000, 20)
		aliceEmail, alice := a.SignUp(t, "alice")
		bobEmail, bob := a.SignUp(t, "bob")
		bobOrder := placeOrder(t, a, bob, p.ID, 1)

		paidOrder := placeOrder(t, a, alice, p.ID, 1)
		paid := authorizeAndConfirm(t, a, alice, paidOrder, "CARD", http.StatusOK)
		vaOrder := placeOrder(t, a, alice, p.ID, 1)
		va := authorizeAndConfirm(t, a, alice, vaOrder, "VIRTUAL_ACCOUNT", http.StatusOK)
		require.Equal(t, "waiting_for_deposit", va.Status)
		cancelled := placeOrder(t, a, alice, p.ID, 1)
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders/" + cancelled.OrderID + "/cancel", Token: alice}, http.StatusOK, nil)
		pending := placeOrder(t, a, alice, p.ID, 1)
		// bob authorizes a payment for alice's order himself and tries to
		// confirm it: the order is still not his.
		bobsKey := a.Authorize(t, orderRef(pending), "CARD")

		// The account is always the caller's own.
		for token, want := range map[string]string{alice: aliceEmail, bob: bobEmail} {
			var me struct{ Email, Role string }
			a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/me", Token: token}, http.StatusOK, &me)
			require.Equal(t, want, me.Email)
			require.Equal(t, "customer", me.Role)
		}

		const missingOrder, missingKey = "ORD20261127FFFFFFFF", "tgen_20261127NOSUCHKEYX"
		confirm := func(key, orderID string, amount int64) map[string]any {
			return map[string]any{"paymentKey": key, "orderId": orderID, "amount": amount}
		}
		refund := map[string]any{"cancelReason": "남의 결제"}
		type probe struct {
			req       apitest.Request
			id, ghost string // the foreign ID in the request, and the missing one that replaces it
		}
		var probes []probe
		for _, o := range []order{paidOrder, vaOrder, cancelled, pending} {
			probes = append(probes,
				probe{apitest.Request{Method: http.MethodGet, Path: "/api/orders/" + o.OrderID}, o.OrderID, missingOrder},
				probe{apitest.Request{Method: http.MethodGet, Path: "/api/orders/" + o.OrderID + "/checkout"}, o.OrderID, missingOrder},
				probe{apitest.Request{Method: http.MethodPost, Path: "/api/orders/" + o.OrderID + "/cancel"}, o.OrderID, missingOrder})
		}
		probes = append(probes,
			probe{apitest.Request{Method: http.MethodPost, Path: "/api/payments/confirm", Body: confirm(bobsKey, pending.OrderID, pending.FinalAmount)}, pending.OrderID, missingOrder},
			probe{apitest.Request{Method: http.MethodPost, Path: "/api/payments/confirm", Body: confirm(paid.PaymentKey, paidOrder.OrderID, paidOrder.FinalAmount)}, paidOrder.OrderID, missingOrder},
			probe{apitest.Request{Method: http.MethodPost, Path: "/api/payments/confirm", Body: confirm(va.PaymentKey, vaOrder.OrderID, vaOrder.FinalAmount)}, vaOrder.OrderID, missingOrder})
		for _, key := range []string{paid.PaymentKey, va.PaymentKey} {
			probes = append(probes,
				probe{apitest.Request{Method: http.MethodGet, Path: "/api/payments/" + key}, key, missingKey},
				probe{apitest.Request{Method: http.MethodPost, Path: "/api/payments/" + key + "/cancel", Body: refund}, key, missingKey})
		}
		for _, pr := range probes {
			name := pr.req.Method + " " + pr.req.Path
			pr.req.Token = bob
			foreign := a.Do(t, pr.req)
			detail := foreign.RequireProblem(t, http.StatusNotFound)
			require.NotContains(t, string(foreign.Body), aliceEmail, name)

			ghost := pr.req
			ghost.Path = strings.ReplaceAll(ghost.Path, pr.id, pr.ghost)
			if body, ok := ghost.Body.(map[string]any); ok && body["orderId"] == pr.id {
				ghost.Body = confirm(body["paymentKey"].(string), pr.ghost, body["amount"].(int64))
			}
			missing := a.Do(t, ghost).RequireProblem(t, http.StatusNotFound)
			require.Equal(t, strings.ReplaceAll(missing, pr.ghost, "ID"), strings.ReplaceAll(detail, pr.id, "ID"),
				"%s: a foreign ID answers like a missing one", name)
		}

		// bob's list holds his order only, whatever the filter.
		for _, q := range []string{"", "?status=pending", "?status=paid", "?status=cancelled", "?limit=100"} {
			var list struct {
				Total int
				Items []order
			}
			a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/orders" + q, Token: bob}, http.StatusOK, &list)
			for _, o := range list.Items {
				require.Equal(t, bobOrder.OrderID, o.OrderID, "bob lists only his own orders (%s)", q)
			}
		}
		// ... and alice cannot reach bob's order either.
		a.Do(t, apitest.Request{Method: http.MethodGet, Path: "/api/orders/" + bobOrder.OrderID, Token: alice}).RequireProblem(t, http.StatusNotFound)

		// Nothing bob tried changed anything; the owner still sees it all.
		want := map[string]string{paidOrder.OrderID: "paid", vaOrder.OrderID: "pending", cancelled.OrderID: "cancelled", pending.OrderID: "pending"}
		for id, status := range want {
			var got order
			a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/orders/" + id, Token: alice}, http.StatusOK, &got)
			require.Equal(t, status, got.Status, id)
			if id == pending.OrderID {
				require.Empty(t, got.Payments, "bob's confirm recorded no payment on alice's order")
			}
		}
		var own pay
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/payments/" + paid.PaymentKey, Token: alice}, http.StatusOK, &own)
		require.Equal(t, "done", own.Status)
		require.Equal(t, own.Amount, own.BalanceAmount, "bob's refund did not happen")
		require.Empty(t, own.Events, "the event trail is for admins")
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/orders/" + pending.OrderID + "/checkout", Token: alice}, http.StatusOK, nil)

		// Admins read every customer's orders and payments, with the trail.
		var seen order
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/orders/" + paidOrder.OrderID, Token: admin}, http.StatusOK, &seen)
		require.Len(t, seen.Payments, 1)
		var trail pay
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/payments/" + paid.PaymentKey, Token: admin}, http.StatusOK, &trail)
		require.NotEmpty(t, trail.Events)
		var all struct{ Total int }
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/orders", Token: admin}, http.StatusOK, &all)
		require.Equal(t, 5, all.Total)
	})
}
