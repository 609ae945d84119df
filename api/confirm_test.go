package api_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
)

// TestConfirmOutcomeUnknownAnswers202: when Toss approves but the
// connection drops, confirm answers 202 with an in_progress payment and a
// job settles it to done; the customer sees it by reading the payment.
func TestConfirmOutcomeUnknownAnswers202(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env)
		admin := a.NewAdmin(t)
		p := createProduct(t, a, admin, 10000, 5)
		_, cust := a.SignUp(t, "park")
		o := placeOrder(t, a, cust, p.ID, 1)
		// The order's webhooks wait a day of sandbox time, so the job, not the
		// DONE webhook, is what settles the payment after the 202.
		env.SetFaults(t, `[{"orderId":"`+o.OrderID+`","operation":"confirm","times":1,"approveThenDrop":true},
			{"orderId":"`+o.OrderID+`","webhookDelaySeconds":86400}]`)
		inProgress := authorizeAndConfirm(t, a, cust, o, "CARD", http.StatusAccepted)
		require.Equal(t, "in_progress", inProgress.Status)

		apptest.WaitFor(t, "payment settled by the job", func() bool {
			var got pay
			a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/payments/" + inProgress.PaymentKey, Token: cust}, http.StatusOK, &got)
			return got.Status == "done"
		})
		var got order
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/orders/" + o.OrderID, Token: cust}, http.StatusOK, &got)
		require.Equal(t, "paid", got.Status)
	}, apptest.WithTossRetries(2*time.Second, 0))
}

// TestConcurrentConfirmsOverHTTP: many simultaneous confirms of one order
// call Toss once and all see one payment (200), or a 409 while it is
// being confirmed.
func TestConcurrentConfirmsOverHTTP(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env)
		admin := a.NewAdmin(t)
		p := createProduct(t, a, admin, 10000, 5)
		_, cust := a.SignUp(t, "choi")
		o := placeOrder(t, a, cust, p.ID, 1)
		key := a.Authorize(t, &paydeck.Order{OrderID: o.OrderID, FinalAmount: o.FinalAmount}, "CARD")
		req := apitest.Request{Method: http.MethodPost, Path: "/api/payments/confirm", Token: cust,
			Body: map[string]any{"paymentKey": key, "orderId": o.OrderID, "amount": o.FinalAmount}}
		const n = 20
		statuses := make([]int, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { statuses[i] = a.Do(t, req).Status })
		}
		wg.Wait()
		for _, s := range statuses {
			require.Contains(t, []int{http.StatusOK, http.StatusConflict}, s)
		}
		require.Contains(t, statuses, http.StatusOK)
		calls := a.TossCalls(http.MethodPost, "/v1/payments/confirm")
		require.Len(t, calls, 1, "Toss confirm is called once")
		var got order
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/orders/" + o.OrderID, Token: cust}, http.StatusOK, &got)
		require.Equal(t, "paid", got.Status)
		require.Len(t, got.Payments, 1)
	})
}

// TestCancelIdempotencyKey: repeating a refund request with the same
// Idempotency-Key returns the first refund and refunds once; the
// settlement report then charges the method's fee on the amount kept.
func TestCancelIdempotencyKey(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env)
		admin := a.NewAdmin(t)
		p := createProduct(t, a, admin, 10000, 5)
		_, cust := a.SignUp(t, "jung")
		o := placeOrder(t, a, cust, p.ID, 2)
		paid := authorizeAndConfirm(t, a, cust, o, "CARD", http.StatusOK)
		req := apitest.Request{Method: http.MethodPost, Path: "/api/payments/" + paid.PaymentKey + "/cancel", Token: cust,
			Body: map[string]any{"cancelReason": "한 개 반품", "cancelAmount": 10000}, Header: map[string]string{"Idempotency-Key": "return-1"}}
		var first, second struct {
			Refund struct{ ID, Status string } `json:"refund"`
		}
		a.MustDo(t, req, http.StatusOK, &first)
		env.Clock.Advance(2 * time.Second)
		a.MustDo(t, req, http.StatusOK, &second)
		require.Equal(t, first.Refund.ID, second.Refund.ID)
		require.Equal(t, "completed", second.Refund.Status)
		require.Equal(t, o.FinalAmount-10000, a.PaymentByKey(t, paid.PaymentKey).BalanceAmount)
		require.Len(t, a.TossCalls(http.MethodPost, "/v1/payments/"+paid.PaymentKey+"/cancel"), 1)

		// The settlement charges the card fee (2.90 %) on what was kept.
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/payment-methods", Token: admin,
			Body: map[string]any{"name": "카드", "type": "card", "feeRate": 290}}, http.StatusCreated, nil)
		var rep struct {
			Items []struct {
				PaymentKey, OrderID                                string
				Amount, RefundedAmount, KeptAmount, Fee, NetAmount int64
			}
			Totals struct{ Count, Amount, Fee, NetAmount int64 }
		}
		res := a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/admin/settlements", Token: admin}, http.StatusOK, &rep)
		require.Equal(t, "application/json", res.Header.Get("Content-Type"))
		require.Len(t, rep.Items, 1)
		it := rep.Items[0]
		require.Equal(t, o.OrderID, it.OrderID)
		require.Equal(t, []int64{23000, 10000, 13000, 377, 12623}, []int64{it.Amount, it.RefundedAmount, it.KeptAmount, it.Fee, it.NetAmount})
		require.Equal(t, int64(1), rep.Totals.Count)
		require.Equal(t, int64(12623), rep.Totals.NetAmount)
	})
}
