package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"
)

// checkout is one shopper's order → authorize → confirm (→ refund).
func (r *run) checkout(ctx context.Context, s shopper, rnd *rand.Rand) {
	token := s.token
	p := r.products[rnd.IntN(len(r.products))]
	qty := int64(1 + rnd.IntN(3))
	var o struct {
		OrderID       string `json:"orderId"`
		FinalAmount   int64  `json:"finalAmount"`
		TaxFreeAmount int64  `json:"taxFreeAmount"`
	}
	start := time.Now()
	_, err := do(ctx, r.cfg.HTTPClient, StepOrder, call{Method: http.MethodPost, URL: s.base + "/api/orders", Bearer: token,
		Body: map[string]any{
			"items":    []map[string]any{{"productId": p.ID, "quantity": qty}},
			"shipping": map[string]string{"name": "벤치 고객", "phone": "010-1234-5678", "address": "서울특별시 중구 세종대로 110"},
		}}, &o)
	if !r.record(StepOrder, start, err) {
		return
	}
	t := &tracked{OrderID: o.OrderID, Amount: o.FinalAmount, Lines: map[string]int64{p.ID: qty}}
	r.mu.Lock()
	r.orders = append(r.orders, t)
	r.mu.Unlock()

	key, ok := r.authorize(ctx, o.OrderID, o.FinalAmount, o.TaxFreeAmount)
	if !ok {
		return
	}
	var pay struct {
		Status string `json:"status"`
	}
	start = time.Now()
	status, err := do(ctx, r.cfg.HTTPClient, StepConfirm, call{Method: http.MethodPost, URL: s.base + "/api/payments/confirm", Bearer: token,
		Body: map[string]any{"paymentKey": key, "orderId": o.OrderID, "amount": o.FinalAmount}}, &pay)
	if !r.record(StepConfirm, start, err) {
		return
	}
	if status != http.StatusOK || pay.Status != "done" {
		r.rec.fail(fmt.Sprintf("confirm %d %s", status, pay.Status)) // accepted but not settled (202 in_progress)
		return
	}
	t.SawPaid = true
	r.paid.Add(1)
	if rnd.Float64() >= r.cfg.RefundShare {
		return
	}
	var c struct {
		Refund struct {
			Status string `json:"status"`
		} `json:"refund"`
	}
	start = time.Now()
	status, err = do(ctx, r.cfg.HTTPClient, StepRefund, call{Method: http.MethodPost, URL: s.base + "/api/payments/" + key + "/cancel",
		Bearer: token, Body: map[string]any{"cancelReason": "벤치 환불"}}, &c)
	if !r.record(StepRefund, start, err) {
		return
	}
	if c.Refund.Status != "completed" {
		r.rec.fail(fmt.Sprintf("refund %d %s", status, c.Refund.Status))
		return
	}
	t.SawRefund = true
	r.refunded.Add(1)
}

// authorize does what the shopper does in the payment window, through the
// sandbox's control API (amount and its tax-free part, as the checkout
// sends them), and returns the paymentKey.
func (r *run) authorize(ctx context.Context, orderID string, amount, taxFree int64) (string, bool) {
	var a struct {
		PaymentKey string `json:"paymentKey"`
	}
	start := time.Now()
	_, err := do(ctx, r.cfg.HTTPClient, StepAuthorize, call{Method: http.MethodPost, URL: r.cfg.Sandbox + "/v1/sandbox/authorize",
		BasicUser: r.cfg.SandboxSecretKey, Control: r.cfg.SandboxControlToken,
		Body: map[string]any{"orderId": orderID, "amount": amount, "taxFreeAmount": taxFree, "orderName": "벤치 주문", "method": "CARD"}}, &a)
	return a.PaymentKey, r.record(StepAuthorize, start, err)
}

// directPrefix marks the orderIds of sandbox-only payments (never sent to
// paydeck), which the consistency check ignores.
const directPrefix = "bench-direct-"

// sandboxConfirm times one confirm made directly at the sandbox: the Toss
// side of paydeck's confirm latency.
func (r *run) sandboxConfirm(ctx context.Context, n int64) {
	orderID := fmt.Sprintf("%s%s-%d", directPrefix, r.runID, n)
	key, ok := r.authorize(ctx, orderID, 10000, 0)
	if !ok {
		return
	}
	start := time.Now()
	_, err := do(ctx, r.cfg.HTTPClient, StepSandboxConfirm, call{Method: http.MethodPost, URL: r.cfg.Sandbox + "/v1/payments/confirm",
		BasicUser: r.cfg.SandboxSecretKey, Body: map[string]any{"paymentKey": key, "orderId": orderID, "amount": 10000}}, nil)
	r.record(StepSandboxConfirm, start, err)
}

// record notes the latency of a successful step or counts its error, and
// reports whether it succeeded.
func (r *run) record(step string, start time.Time, err error) bool {
	if err != nil {
		r.rec.fail(errKey(step, err))
		return false
	}
	r.rec.observe(step, time.Since(start))
	return true
}
