package bench

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// serverOrder is the part of paydeck's order view the check reads.
type serverOrder struct {
	OrderID     string `json:"orderId"`
	Status      string `json:"status"`
	FinalAmount int64  `json:"finalAmount"`
	Items       []struct {
		ProductID string `json:"productId"`
		Quantity  int64  `json:"quantity"`
	} `json:"items"`
	Payments []serverPayment `json:"payments"`
}

type serverPayment struct {
	PaymentKey string `json:"paymentKey"`
	Status     string `json:"status"`
	Amount     int64  `json:"amount"`
	Events     []struct {
		Type string `json:"type"`
	} `json:"events"`
}

// sandboxPayment is the part of Toss's payment object the check reads.
type sandboxPayment struct {
	Status      string `json:"status"`
	TotalAmount int64  `json:"totalAmount"`
}

// reservingStatuses are the order statuses that hold their items' stock.
var reservingStatuses = []string{"pending", "paid", "partial_refunded", "shipped", "delivered"}

// check compares paydeck and the sandbox for every order of the run's
// products, waiting up to cfg.Settle for unsettled ones, then checks the
// products' stock. It returns the mismatches.
func (r *run) check(ctx context.Context) []string {
	deadline := time.Now().Add(r.cfg.Settle)
	tracked := map[string]*tracked{}
	for _, t := range r.orders {
		tracked[t.OrderID] = t
	}
	for {
		orders, err := r.runOrders(ctx)
		var bad []string
		if err != nil {
			// The server may be restarting (the crash test kills it under
			// load): ask again until the deadline.
			bad = []string{"list orders: " + err.Error()}
		}
		for _, o := range orders {
			delete(tracked, o.OrderID)
			if msg := r.checkOrder(ctx, o, r.find(o.OrderID)); msg != "" {
				bad = append(bad, o.OrderID+": "+msg)
			}
		}
		for id := range tracked {
			if err == nil { // a failed listing proves nothing missing
				bad = append(bad, id+": created by the tool but missing in paydeck")
			}
		}
		if len(bad) == 0 {
			bad = r.checkStock(ctx, orders)
		}
		if len(bad) == 0 || time.Now().After(deadline) || ctx.Err() != nil {
			slices.Sort(bad)
			return bad
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

func (r *run) find(orderID string) *tracked {
	for _, t := range r.orders {
		if t.OrderID == orderID {
			return t
		}
	}
	return nil
}

// runOrders lists every order (as admin) that holds one of the run's
// products.
func (r *run) runOrders(ctx context.Context) ([]serverOrder, error) {
	mine := map[string]bool{}
	for _, p := range r.products {
		mine[p.ID] = true
	}
	var out []serverOrder
	for offset := 0; ; offset += 100 {
		var page struct {
			Items []serverOrder `json:"items"`
			Total int           `json:"total"`
		}
		_, err := do(ctx, r.cfg.HTTPClient, "check", call{Method: http.MethodGet, Bearer: r.admin,
			URL: r.url(fmt.Sprintf("/api/orders?limit=100&offset=%d", offset))}, &page)
		if err != nil {
			return nil, err
		}
		for _, o := range page.Items {
			if len(o.Items) > 0 && mine[o.Items[0].ProductID] {
				out = append(out, o)
			}
		}
		if len(page.Items) == 0 || offset+len(page.Items) >= page.Total {
			return out, nil
		}
	}
}

// checkOrder returns why paydeck's and the sandbox's views of one order
// disagree (or disagree with what the tool saw), or "".
func (r *run) checkOrder(ctx context.Context, o serverOrder, t *tracked) string {
	var detail serverOrder
	if _, err := do(ctx, r.cfg.HTTPClient, "check", call{Method: http.MethodGet, Bearer: r.admin,
		URL: r.url("/api/orders/" + o.OrderID)}, &detail); err != nil {
		return "read order: " + err.Error()
	}
	var sb sandboxPayment
	if _, err := do(ctx, r.cfg.HTTPClient, "check", call{Method: http.MethodGet, BasicUser: r.cfg.SandboxSecretKey,
		URL: r.cfg.Sandbox + "/v1/payments/orders/" + o.OrderID}, &sb); err != nil {
		if he, ok := err.(*httpError); !ok || he.Status != http.StatusNotFound {
			return "read sandbox payment: " + err.Error()
		}
	}
	var done *serverPayment
	for i, p := range detail.Payments {
		switch p.Status {
		case "in_progress":
			return "payment " + p.PaymentKey + " still in_progress"
		case "done", "partial_canceled", "canceled":
			if done != nil {
				return "two settled payments: " + done.PaymentKey + " and " + p.PaymentKey
			}
			done = &detail.Payments[i]
		}
	}
	paidEvent := "approved"
	if t != nil && t.Virtual {
		paidEvent = "deposit_received"
	}
	switch detail.Status {
	case "paid":
		if sb.Status != "DONE" || sb.TotalAmount != detail.FinalAmount {
			return fmt.Sprintf("paid in paydeck (%d won) but sandbox has %q (%d won)", detail.FinalAmount, sb.Status, sb.TotalAmount)
		}
		if done == nil || done.Amount != detail.FinalAmount {
			return "paid without a done payment of the final amount"
		}
		if t != nil && (t.SawRefund || t.SawPartial) {
			return "the tool saw it refunded, paydeck has it paid"
		}
		return r.checkEvents(ctx, done.PaymentKey, paidEvent)
	case "partial_refunded":
		if sb.Status != "PARTIAL_CANCELED" {
			return fmt.Sprintf("partly refunded in paydeck but sandbox has %q", sb.Status)
		}
		if done == nil {
			return "partly refunded without a settled payment"
		}
		if t != nil && !t.SawPartial {
			return "partly refunded in paydeck, the tool did not refund it in part"
		}
		return r.checkEvents(ctx, done.PaymentKey, paidEvent, "refund_completed")
	case "refunded":
		if sb.Status != "CANCELED" {
			return fmt.Sprintf("refunded in paydeck but sandbox has %q", sb.Status)
		}
		if done == nil {
			return "refunded without a settled payment"
		}
		return r.checkEvents(ctx, done.PaymentKey, paidEvent, "refund_completed")
	}
	if t != nil && t.Abandoned && detail.Status != "expired" {
		return fmt.Sprintf("abandoned, still %q: the sweep did not expire it", detail.Status)
	}
	if t != nil && t.SawPaid {
		return fmt.Sprintf("the tool saw it paid, paydeck has %q", detail.Status)
	}
	if sb.Status == "DONE" {
		return fmt.Sprintf("sandbox approved it (DONE) but paydeck has %q", detail.Status)
	}
	return ""
}

// checkEvents returns "" when the payment's audit trail has each of types
// exactly once.
func (r *run) checkEvents(ctx context.Context, paymentKey string, types ...string) string {
	var p serverPayment
	if _, err := do(ctx, r.cfg.HTTPClient, "check", call{Method: http.MethodGet, Bearer: r.admin,
		URL: r.url("/api/payments/" + paymentKey)}, &p); err != nil {
		return "read payment: " + err.Error()
	}
	var problems []string
	for _, want := range types {
		n := 0
		for _, e := range p.Events {
			if e.Type == want {
				n++
			}
		}
		if n != 1 {
			problems = append(problems, fmt.Sprintf("%d %q events", n, want))
		}
	}
	return strings.Join(problems, ", ")
}

// checkStock compares each product's stock with its initial stock minus the
// quantities held by orders in a reserving status.
func (r *run) checkStock(ctx context.Context, orders []serverOrder) []string {
	held := map[string]int64{}
	for _, o := range orders {
		if slices.Contains(reservingStatuses, o.Status) {
			for _, it := range o.Items {
				held[it.ProductID] += it.Quantity
			}
		}
	}
	var bad []string
	for _, p := range r.products {
		var got product
		if _, err := do(ctx, r.cfg.HTTPClient, "check", call{Method: http.MethodGet, Bearer: r.admin,
			URL: r.url("/api/products/" + p.ID)}, &got); err != nil {
			bad = append(bad, "read product: "+err.Error())
			continue
		}
		if want := initialStock - held[p.ID]; got.StockQuantity != want {
			bad = append(bad, fmt.Sprintf("product %s: stock %d, want %d", p.ID, got.StockQuantity, want))
		}
	}
	return bad
}
