package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
)

// couponOrder is the part of an order with a coupon the tests read.
type couponOrder struct {
	OrderID        string `json:"orderId"`
	TotalAmount    int64  `json:"totalAmount"`
	DiscountAmount int64  `json:"discountAmount"`
	ShippingFee    int64  `json:"shippingFee"`
	FinalAmount    int64  `json:"finalAmount"`
	CouponCode     string `json:"couponCode"`
}

type couponJSON struct {
	Code             string   `json:"code"`
	Kind             string   `json:"kind"`
	Value            int64    `json:"value"`
	MaxDiscount      int64    `json:"maxDiscount"`
	MinOrderAmount   int64    `json:"minOrderAmount"`
	UsageLimit       int64    `json:"usageLimit"`
	PerCustomerLimit int64    `json:"perCustomerLimit"`
	ProductIDs       []string `json:"productIds"`
	Uses             int64    `json:"uses"`
	Pending          int64    `json:"pending"`
}

// problemReason returns the coupon reason of a problem answer.
func problemReason(t *testing.T, res *apitest.Response, status int) string {
	t.Helper()
	res.RequireProblem(t, status)
	var p struct {
		Errors []struct {
			Message  string `json:"message"`
			Location string `json:"location"`
		} `json:"errors"`
	}
	res.Decode(t, &p)
	require.Len(t, p.Errors, 1, "%s", res.Body)
	require.Equal(t, "body.couponCode", p.Errors[0].Location)
	return p.Errors[0].Message
}

// The coupon API end to end on both engines: admins create, list, change
// and delete coupons; shoppers send only the code and the server computes
// the discount; refusals are problem+json with the reason.
func TestCouponsAPI(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env)
		admin := a.NewAdmin(t)
		_, shopper := a.SignUp(t, "coupon")
		p := createProduct(t, a, admin, 20_000, 100)
		other := createProduct(t, a, admin, 5000, 100)

		var c couponJSON
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/admin/coupons", Token: admin, Body: map[string]any{
			"code": "welcome10", "kind": "percent", "value": 10, "maxDiscount": 3000, "minOrderAmount": 15_000,
			"usageLimit": 2, "perCustomerLimit": 1, "productIds": []string{p.ID}}}, http.StatusCreated, &c)
		require.Equal(t, "WELCOME10", c.Code)
		require.Equal(t, []string{p.ID}, c.ProductIDs)

		for _, bad := range []map[string]any{
			{"code": "WELCOME10", "kind": "fixed", "value": 1000},                                                             // taken: 409
			{"code": "PCT", "kind": "percent", "value": 150},                                                                  // over 100 %
			{"code": "FIX", "kind": "fixed", "value": 1000, "maxDiscount": 500},                                               // cap on a fixed coupon
			{"code": "BAD", "kind": "gift", "value": 1000},                                                                    // unknown kind
			{"code": "x y", "kind": "fixed", "value": 1000},                                                                   // code pattern
			{"code": "GHOST", "kind": "fixed", "value": 1000, "productIds": []string{"0b6f5a4e-6c1d-4f0e-9a57-2f3b8c0d1e2f"}}, // no such product
			{"code": "WIN", "kind": "fixed", "value": 1000, "validFrom": "2027-01-02T00:00:00Z", "validUntil": "2027-01-01T00:00:00Z"},
		} {
			res := a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/admin/coupons", Token: admin, Body: bad})
			if bad["code"] == "WELCOME10" {
				res.RequireProblem(t, http.StatusConflict)
			} else {
				res.RequireProblem(t, http.StatusUnprocessableEntity)
			}
		}
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/admin/coupons", Token: shopper,
			Body: map[string]any{"code": "MINE", "kind": "fixed", "value": 1000}}).RequireProblem(t, http.StatusForbidden)

		order := func(token, code string, lines ...map[string]any) *apitest.Response {
			return a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders", Token: token, Body: map[string]any{
				"items": lines, "couponCode": code,
				"shipping": map[string]any{"name": "김지민", "address": "서울특별시 중구 세종대로 110"}}})
		}
		line := func(id string, qty int) map[string]any { return map[string]any{"productId": id, "quantity": qty} }

		// 10% of the 20,000-won product only (not of the 5,000-won one), shipping not discounted.
		var o couponOrder
		res := order(shopper, "Welcome10", line(p.ID, 1), line(other.ID, 1))
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
		res.Decode(t, &o)
		require.Equal(t, couponOrder{OrderID: o.OrderID, TotalAmount: 25_000, DiscountAmount: 2000, ShippingFee: 3000,
			FinalAmount: 26_000, CouponCode: "WELCOME10"}, o)
		var got couponOrder
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/orders/" + o.OrderID, Token: shopper}, http.StatusOK, &got)
		require.Equal(t, o, got)
		var checkout struct {
			Amount int64 `json:"amount"`
		}
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/orders/" + o.OrderID + "/checkout", Token: shopper},
			http.StatusOK, &checkout)
		require.Equal(t, int64(26_000), checkout.Amount, "Toss is asked for the discounted amount")

		require.Equal(t, "customer_limit", problemReason(t, order(shopper, "WELCOME10", line(p.ID, 1)), http.StatusConflict))
		require.Equal(t, "unknown", problemReason(t, order(shopper, "NOPE", line(p.ID, 1)), http.StatusUnprocessableEntity))
		require.Equal(t, "unknown", problemReason(t, order(shopper, "' OR '1'='1", line(p.ID, 1)), http.StatusUnprocessableEntity))
		_, bob := a.SignUp(t, "bob")
		require.Equal(t, "not_for_products", problemReason(t, order(bob, "WELCOME10", line(other.ID, 4)), http.StatusUnprocessableEntity))
		a.MustDo(t, apitest.Request{Method: http.MethodPatch, Path: "/api/admin/coupons/welcome10", Token: admin,
			Body: map[string]any{"minOrderAmount": 50_000}}, http.StatusOK, &c)
		require.Equal(t, int64(50_000), c.MinOrderAmount)
		require.Equal(t, int64(10), c.Value, "fields not sent keep their value")
		require.Equal(t, "below_minimum", problemReason(t, order(bob, "WELCOME10", line(p.ID, 1)), http.StatusUnprocessableEntity))
		a.MustDo(t, apitest.Request{Method: http.MethodPatch, Path: "/api/admin/coupons/WELCOME10", Token: admin,
			Body: map[string]any{"minOrderAmount": 0, "usageLimit": 1}}, http.StatusOK, &c)
		require.Equal(t, "limit_reached", problemReason(t, order(bob, "WELCOME10", line(p.ID, 1)), http.StatusConflict))

		var list struct {
			Items []couponJSON `json:"items"`
			Total int          `json:"total"`
		}
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/admin/coupons", Token: admin}, http.StatusOK, &list)
		require.Equal(t, 1, list.Total)
		require.Equal(t, int64(1), list.Items[0].Uses)
		require.Equal(t, int64(1), list.Items[0].Pending)

		// Cancelling the unpaid order gives the use back.
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders/" + o.OrderID + "/cancel", Token: shopper}, http.StatusOK, nil)
		res = order(bob, "WELCOME10", line(p.ID, 1))
		require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)

		a.MustDo(t, apitest.Request{Method: http.MethodDelete, Path: "/api/admin/coupons/WELCOME10", Token: admin}, http.StatusNoContent, nil)
		a.Do(t, apitest.Request{Method: http.MethodDelete, Path: "/api/admin/coupons/WELCOME10", Token: admin}).RequireProblem(t, http.StatusNotFound)
		a.Do(t, apitest.Request{Method: http.MethodPatch, Path: "/api/admin/coupons/WELCOME10", Token: admin,
			Body: map[string]any{"value": 5}}).RequireProblem(t, http.StatusNotFound)
		require.Equal(t, "unknown", problemReason(t, order(shopper, "WELCOME10", line(p.ID, 1)), http.StatusUnprocessableEntity))
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/orders/" + o.OrderID, Token: shopper}, http.StatusOK, &got)
		require.Equal(t, "WELCOME10", got.CouponCode, "orders keep the code of a deleted coupon")
	})
}
