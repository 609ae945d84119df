package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
)

// product is the part of a product response the tests read.
type product struct {
	ID            string `json:"id"`
	Price         int64  `json:"price"`
	StockQuantity int64  `json:"stockQuantity"`
	IsActive      bool   `json:"isActive"`
}

// order is the part of an order response the tests read.
type order struct {
	OrderID     string `json:"orderId"`
	Status      string `json:"status"`
	TotalAmount int64  `json:"totalAmount"`
	ShippingFee int64  `json:"shippingFee"`
	FinalAmount int64  `json:"finalAmount"`
	Payments    []pay  `json:"payments"`
}

// pay is the part of a payment response the tests read.
type pay struct {
	PaymentKey     string `json:"paymentKey"`
	OrderID        string `json:"orderId"`
	Status         string `json:"status"`
	Method         string `json:"method"`
	Amount         int64  `json:"amount"`
	BalanceAmount  int64  `json:"balanceAmount"`
	VirtualAccount *struct {
		AccountNumber string `json:"accountNumber"`
		BankCode      string `json:"bankCode"`
	} `json:"virtualAccount"`
	Events []event `json:"events"`
}

// event is one audit event of a payment response.
type event struct {
	Type      string `json:"type"`
	IP        string `json:"ip"`
	UserAgent string `json:"userAgent"`
}

// cancelResult is the body of a payment cancel.
type cancelResult struct {
	Refund struct {
		Amount int64  `json:"amount"`
		Status string `json:"status"`
	} `json:"refund"`
	Payment pay `json:"payment"`
}

// createProduct adds a product through the API as admin.
func createProduct(t *testing.T, a *apitest.API, admin string, price, stock int64) product {
	t.Helper()
	var p product
	a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/products", Token: admin,
		Body: map[string]any{"name": "제주 삼다수 2L 6개입", "price": price, "stockQuantity": stock}}, http.StatusCreated, &p)
	return p
}

// placeOrder orders qty units of the product through the API.
func placeOrder(t *testing.T, a *apitest.API, token, productID string, qty int64) order {
	t.Helper()
	var o order
	a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders", Token: token, Body: map[string]any{
		"items":    []map[string]any{{"productId": productID, "quantity": qty}},
		"shipping": map[string]any{"name": "김지민", "phone": "010-1234-5678", "address": "서울특별시 중구 세종대로 110"},
	}}, http.StatusCreated, &o)
	require.Equal(t, "pending", o.Status)
	return o
}

// authorizeAndConfirm authorizes the order in the sandbox with method and
// confirms it through the API, expecting status.
func authorizeAndConfirm(t *testing.T, a *apitest.API, token string, o order, method string, status int) pay {
	t.Helper()
	key := a.Authorize(t, &paydeck.Order{OrderID: o.OrderID, FinalAmount: o.FinalAmount}, method)
	var p pay
	a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/payments/confirm", Token: token,
		Body: map[string]any{"paymentKey": key, "orderId": o.OrderID, "amount": o.FinalAmount}}, status, &p)
	return p
}

// productStock reads a product's stock from the store.
func productStock(t *testing.T, a *apitest.API, id string) int64 {
	t.Helper()
	return a.ProductByID(t, id).StockQuantity
}

// orderRef is the part of an order the sandbox authorize helper needs.
func orderRef(o order) *paydeck.Order {
	return &paydeck.Order{OrderID: o.OrderID, FinalAmount: o.FinalAmount}
}
