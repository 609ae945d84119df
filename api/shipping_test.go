package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
)

// shippedOrder is the part of an order with shipments and returns the
// tests read.
type shippedOrder struct {
	OrderID            string     `json:"orderId"`
	Status             string     `json:"status"`
	FinalAmount        int64      `json:"finalAmount"`
	ShippingPostcode   string     `json:"shippingPostcode"`
	ShippingDetail     string     `json:"shippingAddressDetail"`
	WithdrawalDeadline *time.Time `json:"withdrawalDeadline"`
	Shipments          []struct {
		Courier        string `json:"courier"`
		CourierName    string `json:"courierName"`
		TrackingNumber string `json:"trackingNumber"`
		TrackingURL    string `json:"trackingUrl"`
		Items          []struct {
			ProductID string `json:"productId"`
			Quantity  int64  `json:"quantity"`
		} `json:"items"`
	} `json:"shipments"`
	Returns []struct {
		ID                string `json:"id"`
		Status            string `json:"status"`
		RefundAmount      int64  `json:"refundAmount"`
		ReturnShippingFee int64  `json:"returnShippingFee"`
		RefuseReason      string `json:"refuseReason"`
	} `json:"returns"`
}

// TestShipAndReturnOverAPI: the contract: POST /ship with courier,
// trackingNumber and items answers shipments with tracking URLs; a
// delivered order takes a return the admin approves (refund, restock).
func TestShipAndReturnOverAPI(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env)
		admin := a.NewAdmin(t)
		p := createProduct(t, a, admin, 12_000, 20)
		_, alice := a.SignUp(t, "alice")
		_, bob := a.SignUp(t, "bob")

		var o shippedOrder
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders", Token: alice, Body: map[string]any{
			"items":    []map[string]any{{"productId": p.ID, "quantity": 3}},
			"shipping": map[string]any{"name": "김지민", "address": "서울특별시 중구 세종대로 110", "postcode": "04524", "detail": "3층 301호"},
		}}, http.StatusCreated, &o)
		require.Equal(t, "04524", o.ShippingPostcode)
		require.Equal(t, "3층 301호", o.ShippingDetail)
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders", Token: alice, Body: map[string]any{
			"items":    []map[string]any{{"productId": p.ID, "quantity": 1}},
			"shipping": map[string]any{"name": "김지민", "address": "서울", "postcode": "4524"},
		}}).RequireProblem(t, http.StatusUnprocessableEntity)
		authorizeAndConfirm(t, a, alice, order{OrderID: o.OrderID, FinalAmount: o.FinalAmount}, "CARD", http.StatusOK)

		ship := func(body map[string]any, status int) *apitest.Response {
			return a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders/" + o.OrderID + "/ship", Token: admin, Body: body}, status, &o)
		}
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders/" + o.OrderID + "/ship", Token: alice,
			Body: map[string]any{"courier": "cj", "trackingNumber": "630512345678"}}).RequireProblem(t, http.StatusForbidden)
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders/" + o.OrderID + "/ship", Token: admin,
			Body: map[string]any{"courier": "cj"}}).RequireProblem(t, http.StatusUnprocessableEntity)
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders/" + o.OrderID + "/ship", Token: admin,
			Body: map[string]any{"courier": "pigeon", "trackingNumber": "630512345678"}}).RequireProblem(t, http.StatusUnprocessableEntity)
		ship(map[string]any{"courier": "hanjin", "trackingNumber": "4123 4567 8901", "items": []map[string]any{{"productId": p.ID, "quantity": 2}}}, http.StatusOK)
		require.Equal(t, "shipped", o.Status)
		require.Len(t, o.Shipments, 1)
		require.Equal(t, "한진택배", o.Shipments[0].CourierName)
		require.Equal(t, "412345678901", o.Shipments[0].TrackingNumber)
		require.Equal(t, "https://www.hanjin.com/kor/CMS/DeliveryMgr/WaybillResult.do?mCode=MN038&schLang=KR&wblnumText2=412345678901", o.Shipments[0].TrackingURL)
		ship(map[string]any{"courier": "로젠택배", "trackingNumber": "95012345678"}, http.StatusOK)
		require.Len(t, o.Shipments, 2)
		require.Equal(t, int64(1), o.Shipments[1].Items[0].Quantity, "the rest")
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders/" + o.OrderID + "/ship", Token: admin,
			Body: map[string]any{"courier": "cj", "trackingNumber": "630512345678"}}).RequireProblem(t, http.StatusConflict)

		// The shopper sees them; another shopper sees nothing.
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/orders/" + o.OrderID, Token: alice}, http.StatusOK, &o)
		require.Len(t, o.Shipments, 2)
		a.Do(t, apitest.Request{Method: http.MethodGet, Path: "/api/orders/" + o.OrderID, Token: bob}).RequireProblem(t, http.StatusNotFound)

		ret := map[string]any{"reason": "change_of_mind", "note": "마음이 바뀌었어요", "items": []map[string]any{{"productId": p.ID, "quantity": 1}}}
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders/" + o.OrderID + "/returns", Token: alice, Body: ret}).
			RequireProblem(t, http.StatusConflict) // not delivered yet
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders/" + o.OrderID + "/deliver", Token: admin}, http.StatusOK, &o)
		require.NotNil(t, o.WithdrawalDeadline)
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders/" + o.OrderID + "/returns", Token: bob, Body: ret}).
			RequireProblem(t, http.StatusNotFound)
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders/" + o.OrderID + "/returns", Token: alice, Body: ret}, http.StatusCreated, &o)
		require.Len(t, o.Returns, 1)
		require.Equal(t, "requested", o.Returns[0].Status)
		require.Equal(t, int64(9000), o.Returns[0].RefundAmount)
		id := o.Returns[0].ID

		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders/" + o.OrderID + "/returns/" + id + "/approve", Token: alice}).
			RequireProblem(t, http.StatusForbidden)
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders/" + o.OrderID + "/returns/" + id + "/approve", Token: admin,
			Body: map[string]any{"restock": true}}, http.StatusOK, &o)
		require.Equal(t, "approved", o.Returns[0].Status)
		require.Equal(t, "partial_refunded", o.Status)
		require.Equal(t, int64(18), productStock(t, a, p.ID))
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders/" + o.OrderID + "/returns/" + id + "/refuse", Token: admin,
			Body: map[string]any{"reason": "late"}}).RequireProblem(t, http.StatusConflict)

		var couriers struct {
			Items []struct{ Code, Name, TrackingURL string }
		}
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/couriers"}, http.StatusOK, &couriers)
		require.GreaterOrEqual(t, len(couriers.Items), 11)
		require.Equal(t, "cj", couriers.Items[0].Code)
	})
}
