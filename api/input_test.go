package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
)

// dbCounts counts what a refused request must not have created.
type dbCounts struct{ orders, payments, events, products, users int }

func countRows(t *testing.T, db paydeck.Store) dbCounts {
	t.Helper()
	var c dbCounts
	ctx := context.Background()
	require.NoError(t, db.View(ctx, func(tx paydeck.Tx) (err error) {
		if _, c.orders, err = tx.FindOrders(ctx, paydeck.OrderFilter{Limit: 1}); err != nil {
			return err
		}
		if _, c.payments, err = tx.FindPayments(ctx, paydeck.PaymentFilter{Limit: 1}); err != nil {
			return err
		}
		if _, c.events, err = tx.FindEvents(ctx, paydeck.EventFilter{Limit: 1}); err != nil {
			return err
		}
		if _, c.products, err = tx.FindProducts(ctx, paydeck.ProductFilter{Limit: 1}); err != nil {
			return err
		}
		_, c.users, err = tx.FindUsers(ctx, paydeck.UserFilter{Limit: 1})
		return err
	}))
	return c
}

// TestBadInputChangesNothing: malformed JSON, wrong types, out-of-range
// quantities, unknown products and fields, oversized bodies each get a
// problem+json 4xx, and the database is exactly as before.
func TestBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env)
		admin := a.NewAdmin(t)
		p := createProduct(t, a, admin, 5000, 20)
		_, cust := a.SignUp(t, "kim")
		order := func(items string) string {
			return `{"items":` + items + `,"shipping":{"name":"김지민","address":"서울"}}`
		}
		line := func(id string, qty any) string { return fmt.Sprintf(`[{"productId":%q,"quantity":%v}]`, id, qty) }
		cases := map[string]struct {
			method, path, body string
			status             int
		}{
			"malformed JSON":         {"POST", "/api/orders", `{"items": [`, http.StatusBadRequest},
			"not JSON":               {"POST", "/api/orders", `items=1`, http.StatusBadRequest},
			"quantity is a string":   {"POST", "/api/orders", order(line(p.ID, `"2"`)), http.StatusUnprocessableEntity},
			"quantity is a fraction": {"POST", "/api/orders", order(line(p.ID, 1.5)), http.StatusUnprocessableEntity},
			"negative quantity":      {"POST", "/api/orders", order(line(p.ID, -1)), http.StatusUnprocessableEntity},
			"zero quantity":          {"POST", "/api/orders", order(line(p.ID, 0)), http.StatusUnprocessableEntity},
			"huge quantity":          {"POST", "/api/orders", order(line(p.ID, "99999999999999999999")), http.StatusUnprocessableEntity},
			"quantity over limit":    {"POST", "/api/orders", order(line(p.ID, 1001)), http.StatusUnprocessableEntity},
			"more than the stock":    {"POST", "/api/orders", order(line(p.ID, 21)), http.StatusConflict},
			"unknown product":        {"POST", "/api/orders", order(line("00000000-0000-4000-8000-000000000000", 1)), http.StatusUnprocessableEntity},
			"product id not a uuid":  {"POST", "/api/orders", order(line("water", 1)), http.StatusUnprocessableEntity},
			"same product twice": {"POST", "/api/orders", order(`[{"productId":"` + p.ID + `","quantity":1},{"productId":"` + p.ID + `","quantity":1}]`),
				http.StatusUnprocessableEntity},
			"no items":            {"POST", "/api/orders", order(`[]`), http.StatusUnprocessableEntity},
			"missing shipping":    {"POST", "/api/orders", `{"items":` + line(p.ID, 1) + `}`, http.StatusUnprocessableEntity},
			"unknown field":       {"POST", "/api/orders", `{"items":` + line(p.ID, 1) + `,"shipping":{"name":"a"},"finalAmount":1}`, http.StatusUnprocessableEntity},
			"oversized body":      {"POST", "/api/orders", order(line(p.ID, 1)) + strings.Repeat(" ", 70<<10), http.StatusRequestEntityTooLarge},
			"negative amount":     {"POST", "/api/payments/confirm", `{"paymentKey":"k","orderId":"ORD20261127AAAAAAAA","amount":-5}`, http.StatusUnprocessableEntity},
			"bad orderId":         {"POST", "/api/payments/confirm", `{"paymentKey":"k","orderId":"a b","amount":5}`, http.StatusUnprocessableEntity},
			"unknown order":       {"POST", "/api/payments/confirm", `{"paymentKey":"k","orderId":"ORD20261127AAAAAAAA","amount":5}`, http.StatusNotFound},
			"empty cancel reason": {"POST", "/api/payments/k/cancel", `{"cancelReason":""}`, http.StatusUnprocessableEntity},
			"bad product price":   {"PATCH", "/api/products/" + p.ID, `{"price":-1}`, http.StatusUnprocessableEntity},
			"bad date range":      {"GET", "/api/admin/stats?from=2026-12-01&to=2026-11-01", "", http.StatusUnprocessableEntity},
			"short password":      {"POST", "/api/auth/signup", `{"email":"a@example.com","password":"short","name":"a"}`, http.StatusUnprocessableEntity},
			"bad email":           {"POST", "/api/auth/signup", `{"email":"nope","password":"long enough pw","name":"a"}`, http.StatusUnprocessableEntity},
		}
		before := countRows(t, env.DB)
		for name, c := range cases {
			token := cust
			if c.method != "POST" || strings.HasPrefix(c.path, "/api/products") {
				token = admin
			}
			req := apitest.Request{Method: c.method, Path: c.path, Token: token}
			if c.body != "" {
				req.Body = c.body
			}
			t.Run(name, func(t *testing.T) {
				require.NotEmpty(t, a.Do(t, req).RequireProblem(t, c.status))
			})
		}
		require.Equal(t, before, countRows(t, env.DB))
		require.Equal(t, int64(20), productStock(t, a, p.ID))
		require.Equal(t, int64(5000), a.ProductByID(t, p.ID).Price)
	})
}
