package api_test

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
)

// TestCheckoutStatementBudget counts the SQL statements of a card
// checkout: POST /api/orders, then POST /api/payments/confirm with all it
// sets off (its hooks: the outbound event, the shopper's and the shop's
// mail; Toss's webhook; the mail jobs), and holds them to the counts of
// issue 18's second round. PostgreSQL takes one statement more for each
// lock that is followed by a read of rows another transaction may have
// just written (see sqlcore.LockOrderWithPayments), and fewer for the
// runs of writes it sends as one statement (sqlcore's combine.go: the order
// with its items and event; the confirm's new payment and its event; the
// payment's update, its event and the order's update; the outbound event
// with the mail records its hooks write). It holds the round
// trips too: on PostgreSQL a lock and the read after it travel together,
// and so do the last writes and the COMMIT, while a View's ROLLBACK and a
// COMMIT after other statements take one each (store.Options.
// CountStatements). A change that adds a statement or a round trip to the
// money path fails here and must say why.
func TestCheckoutStatementBudget(t *testing.T) {
	budget := map[string]struct{ order, confirm, orderRT, confirmRT int64 }{
		"sqlite":   {order: 5, confirm: 11, orderRT: 5, confirmRT: 11},
		"postgres": {order: 4, confirm: 10, orderRT: 4, confirmRT: 12},
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			var n, rt atomic.Int64
			env := apptest.New(t, engine, apptest.WithStatementCounter(func(s, r int) { n.Add(int64(s)); rt.Add(int64(r)) }))
			a := apitest.NewAPI(t, env)
			admin := a.NewAdmin(t)
			p := benchProduct(t, a, admin)
			_, cust := a.SignUp(t, "budget")
			for i := range 3 { // the first runs prepare; all must fit
				n.Store(0)
				rt.Store(0)
				var o order
				a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/orders", Token: cust, Body: map[string]any{
					"items": []map[string]any{{"productId": p, "quantity": 1}}, "shipping": map[string]any{"name": "김", "address": "서울"},
				}}, http.StatusCreated, &o)
				ordered, orderedRT := settled(&n), rt.Load()
				key := a.Authorize(t, orderRef(o), "CARD")
				n.Store(0)
				rt.Store(0)
				a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/payments/confirm", Token: cust,
					Body: map[string]any{"paymentKey": key, "orderId": o.OrderID, "amount": o.FinalAmount}}, http.StatusOK, nil)
				confirmed, confirmedRT := settled(&n), rt.Load()
				t.Logf("checkout %d: order %d statements in %d round trips, confirm %d in %d", i+1, ordered, orderedRT, confirmed, confirmedRT)
				require.LessOrEqual(t, ordered, budget[engine].order, "statements of POST /api/orders")
				require.LessOrEqual(t, confirmed, budget[engine].confirm, "statements of POST /api/payments/confirm")
				require.LessOrEqual(t, orderedRT, budget[engine].orderRT, "round trips of POST /api/orders")
				require.LessOrEqual(t, confirmedRT, budget[engine].confirmRT, "round trips of POST /api/payments/confirm")
			}
		})
	}
}

// settled returns n once it stopped changing for a while: the webhook and
// jobs a request set off have run.
func settled(n *atomic.Int64) int64 {
	last := n.Load()
	for range 50 {
		time.Sleep(200 * time.Millisecond)
		now := n.Load()
		if now == last {
			break
		}
		last = now
	}
	return last
}
