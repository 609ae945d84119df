package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
)

// problemOf decodes a problem+json answer with its code.
func problemOf(t *testing.T, r *apitest.Response, status int) (code, detail string) {
	t.Helper()
	r.RequireProblem(t, status)
	var p struct {
		Code   string `json:"code"`
		Detail string `json:"detail"`
	}
	r.Decode(t, &p)
	return p.Code, p.Detail
}

// TestProblemCodes (issue 14): every problem carries a stable code beside
// its English detail: the domain error's reason where it has one (what a
// client, and the pages, match on), else its code; huma's own validation
// errors and unknown routes have one too. Invalid is 422 here as on the
// pages (paydeck.HTTPStatus).
func TestProblemCodes(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env)
		_, cust := a.SignUp(t, "coder")
		p := env.Product(t, 1000, 2)
		order := func(qty int) *apitest.Response {
			return a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders", Token: cust, Body: map[string]any{
				"items": []map[string]any{{"productId": p.ID, "quantity": qty}}, "shipping": map[string]any{"name": "김", "address": "서울"}}})
		}

		code, detail := problemOf(t, order(3), http.StatusConflict)
		require.Equal(t, "out_of_stock", code)
		require.Contains(t, detail, "fewer than 3 in stock", "the detail stays English")

		code, _ = problemOf(t, a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders", Token: cust,
			Body: map[string]any{"items": []map[string]any{}, "shipping": map[string]any{"name": "김", "address": "서울"}}}),
			http.StatusUnprocessableEntity)
		require.Equal(t, "invalid", code, "the schema asks for one item at least")

		code, _ = problemOf(t, a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders", Token: cust,
			Body: map[string]any{"items": "nope"}}), http.StatusUnprocessableEntity)
		require.Equal(t, "invalid", code, "huma's own validation error")

		code, _ = problemOf(t, a.Do(t, apitest.Request{Method: http.MethodGet, Path: "/api/orders/ord_nothing", Token: cust}),
			http.StatusNotFound)
		require.Equal(t, "not_found", code)

		code, _ = problemOf(t, a.Do(t, apitest.Request{Method: http.MethodGet, Path: "/api/orders"}), http.StatusUnauthorized)
		require.Equal(t, "unauthorized", code)
	})
}
