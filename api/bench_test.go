package api_test

import (
	"net/http"
	"testing"

	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
)

// BenchmarkListProducts measures GET /api/products (20 of 20 products,
// SQLite) over real HTTP, one client.
func BenchmarkListProducts(b *testing.B) {
	a := apitest.NewAPI(b, apptest.New(b, "sqlite"))
	admin := a.NewAdmin(b)
	for range 20 {
		a.MustDo(b, apitest.Request{Method: http.MethodPost, Path: "/api/products", Token: admin,
			Body: map[string]any{"name": "상품", "price": 1000, "stockQuantity": 10}}, http.StatusCreated, nil)
	}
	req := apitest.Request{Method: http.MethodGet, Path: "/api/products?limit=20"}
	for b.Loop() {
		a.MustDo(b, req, http.StatusOK, nil)
	}
}

// BenchmarkOrderAndConfirm measures one shopper's order → sandbox
// authorize → confirm round trip over HTTP (SQLite, sandbox over HTTP).
func BenchmarkOrderAndConfirm(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			env := apptest.New(b, engine)
			a := apitest.NewAPI(b, env)
			admin := a.NewAdmin(b)
			p := benchProduct(b, a, admin)
			_, cust := a.SignUp(b, "bench")
			for b.Loop() {
				var o order
				a.MustDo(b, apitest.Request{Method: http.MethodPost, Path: "/api/orders", Token: cust, Body: map[string]any{
					"items": []map[string]any{{"productId": p, "quantity": 1}}, "shipping": map[string]any{"name": "김", "address": "서울"},
				}}, http.StatusCreated, &o)
				key := a.Authorize(b, orderRef(o), "CARD")
				a.MustDo(b, apitest.Request{Method: http.MethodPost, Path: "/api/payments/confirm", Token: cust,
					Body: map[string]any{"paymentKey": key, "orderId": o.OrderID, "amount": o.FinalAmount}}, http.StatusOK, nil)
			}
		})
	}
}

func benchProduct(b testing.TB, a *apitest.API, admin string) string {
	var p product
	a.MustDo(b, apitest.Request{Method: http.MethodPost, Path: "/api/products", Token: admin,
		Body: map[string]any{"name": "디지털 상품권", "price": 10000, "isDigital": true}}, http.StatusCreated, &p)
	return p.ID
}

// BenchmarkAuthenticatedRequest measures GET /api/me with a bearer token
// over real HTTP: the token's signature plus, since issue 12, one read of
// its session and user (the session's last use is written at most once a
// minute).
func BenchmarkAuthenticatedRequest(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			a := apitest.NewAPI(b, apptest.New(b, engine))
			_, tok := a.SignUp(b, "bench")
			req := apitest.Request{Method: http.MethodGet, Path: "/api/me", Token: tok}
			for b.Loop() {
				a.MustDo(b, req, http.StatusOK, nil)
			}
		})
	}
}
