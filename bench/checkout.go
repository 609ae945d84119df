package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"
)

// checkout is one shopper's order → authorize → confirm (→ refund).
func (r *run) checkout(ctx context.Context, s *shopper, rnd *rand.Rand) {
	p := r.products[rnd.IntN(len(r.products))]
	qty := int64(1 + rnd.IntN(3))
	t := r.order(ctx, s, p, qty)
	if t == nil {
		return
	}
	key, ok := r.authorize(ctx, t.OrderID, t.Amount, t.TaxFree)
	if !ok {
		return
	}
	status, ok := r.confirm(ctx, s, t, key)
	if !ok {
		return
	}
	if status != "done" {
		r.rec.fail("confirm 200 " + status)
		return
	}
	t.SawPaid = true
	r.paid.Add(1)
	if rnd.Float64() < r.cfg.RefundShare {
		r.refund(ctx, s, t, key, 0)
	}
}

// order creates an order of qty × p and tracks it; nil when it failed.
func (r *run) order(ctx context.Context, s *shopper, p product, qty int64) *tracked {
	var o struct {
		OrderID       string `json:"orderId"`
		FinalAmount   int64  `json:"finalAmount"`
		TaxFreeAmount int64  `json:"taxFreeAmount"`
	}
	start := time.Now()
	_, err := do(ctx, r.cfg.HTTPClient, StepOrder, call{Method: http.MethodPost, URL: s.base + "/api/orders", Bearer: s.token,
		Body: map[string]any{
			"items":    []map[string]any{{"productId": p.ID, "quantity": qty}},
			"shipping": map[string]string{"name": "벤치 고객", "phone": "010-1234-5678", "address": "서울특별시 중구 세종대로 110"},
		}}, &o)
	if !r.record(StepOrder, start, err) {
		return nil
	}
	t := &tracked{OrderID: o.OrderID, Amount: o.FinalAmount, TaxFree: o.TaxFreeAmount, Lines: map[string]int64{p.ID: qty}}
	r.mu.Lock()
	r.orders = append(r.orders, t)
	r.mu.Unlock()
	return t
}

// confirm confirms the authorized payment key of t and returns the
// payment's status; a status other than 200 counts as an error.
func (r *run) confirm(ctx context.Context, s *shopper, t *tracked, key string) (string, bool) {
	var pay struct {
		Status string `json:"status"`
	}
	start := time.Now()
	status, err := do(ctx, r.cfg.HTTPClient, StepConfirm, call{Method: http.MethodPost, URL: s.base + "/api/payments/confirm", Bearer: s.token,
		Body: map[string]any{"paymentKey": key, "orderId": t.OrderID, "amount": t.Amount}}, &pay)
	if !r.record(StepConfirm, start, err) {
		return "", false
	}
	if status != http.StatusOK {
		r.rec.fail(fmt.Sprintf("confirm %d %s", status, pay.Status)) // accepted but not settled (202 in_progress)
		return "", false
	}
	return pay.Status, true
}

// refund cancels t's payment: all of it, or partial won of it.
func (r *run) refund(ctx context.Context, s *shopper, t *tracked, key string, partial int64) {
	var c struct {
		Refund struct {
			Status string `json:"status"`
		} `json:"refund"`
	}
	body := map[string]any{"cancelReason": "벤치 환불"}
	if partial > 0 {
		body["cancelAmount"] = partial
	}
	start := time.Now()
	status, err := do(ctx, r.cfg.HTTPClient, StepRefund, call{Method: http.MethodPost, URL: s.base + "/api/payments/" + key + "/cancel",
		Bearer: s.token, Body: body}, &c)
	if !r.record(StepRefund, start, err) {
		return
	}
	if c.Refund.Status != "completed" {
		r.rec.fail(fmt.Sprintf("refund %d %s", status, c.Refund.Status))
		return
	}
	if partial > 0 {
		t.SawPartial = true
	} else {
		t.SawRefund = true
	}
	r.refunded.Add(1)
}

// authorize does what the shopper does in the payment window, through the
// sandbox's control API (amount and its tax-free part, as the checkout
// sends them), and returns the paymentKey.
func (r *run) authorize(ctx context.Context, orderID string, amount, taxFree int64) (string, bool) {
	return r.authorizeWith(ctx, orderID, amount, taxFree, "CARD")
}

// authorizeWith is authorize with a payment method (CARD, VIRTUAL_ACCOUNT).
func (r *run) authorizeWith(ctx context.Context, orderID string, amount, taxFree int64, method string) (string, bool) {
	var a struct {
		PaymentKey string `json:"paymentKey"`
	}
	start := time.Now()
	_, err := do(ctx, r.cfg.HTTPClient, StepAuthorize, call{Method: http.MethodPost, URL: r.cfg.Sandbox + "/v1/sandbox/authorize",
		BasicUser: r.cfg.SandboxSecretKey, Control: r.cfg.SandboxControlToken,
		Body: map[string]any{"orderId": orderID, "amount": amount, "taxFreeAmount": taxFree, "orderName": "벤치 주문", "method": method}}, &a)
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
