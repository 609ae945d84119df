package api_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
	"github.com/paydeck/paydeck/store/storetest"
)

// TestProductEditKeepsReservations (issue 11, defect 7): product edits
// racing with orders never undo a stock reservation: the stock ends at
// initial − reserved.
func TestProductEditKeepsReservations(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env)
		admin := a.NewAdmin(t)
		p := env.Product(t, 1000, 1000)
		const n = 25
		// One customer per order: the pending-order cap (issue 12) would
		// refuse a single customer's 25 unpaid orders.
		customers := make([]*paydeck.User, n)
		for i := range customers {
			customers[i] = env.Customer(t)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		reserved := int64(0)
		for i := range n {
			wg.Go(func() {
				a.MustDo(t, apitest.Request{Method: http.MethodPatch, Path: "/api/products/" + p.ID, Token: admin,
					Body: map[string]any{"name": "renamed " + string(rune('a'+i))}}, http.StatusOK, nil)
			})
			wg.Go(func() {
				env.Order(t, customers[i], apptest.Line(p, 3))
				mu.Lock()
				reserved += 3
				mu.Unlock()
			})
		}
		wg.Wait()
		require.Equal(t, 1000-reserved, env.ProductByID(t, p.ID).StockQuantity)

		// stockQuantity is written only when sent.
		var got product
		a.MustDo(t, apitest.Request{Method: http.MethodPatch, Path: "/api/products/" + p.ID, Token: admin,
			Body: map[string]any{"price": 1200}}, http.StatusOK, &got)
		require.Equal(t, 1000-reserved, got.StockQuantity)
	})
}

// TestAdjustStock: stock changes by a delta with a reason, recorded; it
// never goes below zero.
func TestAdjustStock(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env)
		admin := a.NewAdmin(t)
		p := env.Product(t, 1000, 10)
		env.Order(t, env.Customer(t), apptest.Line(p, 3)) // a reservation the form never saw
		var got product
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/products/" + p.ID + "/stock", Token: admin,
			Body: map[string]any{"delta": 5, "reason": "delivery"}}, http.StatusOK, &got)
		require.Equal(t, int64(12), got.StockQuantity)
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/products/" + p.ID + "/stock", Token: admin,
			Body: map[string]any{"delta": -13, "reason": "count"}}).RequireProblem(t, http.StatusConflict)
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/products/" + p.ID + "/stock", Token: admin,
			Body: map[string]any{"delta": 0, "reason": "nothing"}}).RequireProblem(t, http.StatusUnprocessableEntity)
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/products/" + p.ID + "/stock", Token: admin,
			Body: map[string]any{"delta": 1}}).RequireProblem(t, http.StatusUnprocessableEntity)
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/products/" + p.ID + "/stock",
			Body: map[string]any{"delta": 1, "reason": "x"}}).RequireProblem(t, http.StatusUnauthorized)
		d := env.DigitalProduct(t, 1000)
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/products/" + d.ID + "/stock", Token: admin,
			Body: map[string]any{"delta": 1, "reason": "x"}}).RequireProblem(t, http.StatusUnprocessableEntity)
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/products/" + p.ID + "/stock", Token: admin,
			Body: map[string]any{"delta": -2, "reason": "broken in the shop"}}, http.StatusOK, &got)
		require.Equal(t, int64(10), got.StockQuantity)

		var adj []*paydeck.StockAdjustment
		storetest.MustView(t, env.DB, func(tx paydeck.Tx) (err error) {
			adj, err = tx.FindStockAdjustments(context.Background(), p.ID)
			return err
		})
		require.Len(t, adj, 2)
		require.Equal(t, int64(-2), adj[0].Delta)
		require.Equal(t, int64(10), adj[0].StockAfter)
		require.Equal(t, "broken in the shop", adj[0].Reason)
		require.NotEmpty(t, adj[0].UserID)
		require.Equal(t, int64(5), adj[1].Delta)
	})
}
