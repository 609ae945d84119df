package apptest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/store/storetest"
	"github.com/paydeck/paydeck/toss/sandbox"
)

// Customer creates a customer with a unique email.
func (e *Env) Customer(t testing.TB) *paydeck.User {
	t.Helper()
	return storetest.MustCreateUser(t, e.DB, nil)
}

// Admin creates an admin with a unique email.
func (e *Env) Admin(t testing.TB) *paydeck.User {
	t.Helper()
	return storetest.MustCreateUser(t, e.DB, &paydeck.User{Role: paydeck.RoleAdmin})
}

// As returns the actor of u's requests (admin when u is one), with a fixed
// test IP and user agent.
func As(u *paydeck.User) payment.Actor {
	return payment.Actor{UserID: u.ID, Admin: u.Role == paydeck.RoleAdmin, IP: "203.0.113.7", UserAgent: "apptest/1"}
}

// Product creates an active physical product with the price and stock
// (stock 0 means the storetest default of 100).
func (e *Env) Product(t testing.TB, price, stock int64) *paydeck.Product {
	t.Helper()
	return storetest.MustCreateProduct(t, e.DB, &paydeck.Product{Price: price, StockQuantity: stock, IsActive: true})
}

// DigitalProduct creates an active digital product with the price.
func (e *Env) DigitalProduct(t testing.TB, price int64) *paydeck.Product {
	t.Helper()
	return storetest.MustCreateProduct(t, e.DB, &paydeck.Product{Price: price, IsDigital: true, IsActive: true})
}

// Line is the order line of qty units of p.
func Line(p *paydeck.Product, qty int64) payment.OrderLine {
	return payment.OrderLine{ProductID: p.ID, Quantity: qty}
}

// Order places an order for u through the payment service.
func (e *Env) Order(t testing.TB, u *paydeck.User, lines ...payment.OrderLine) *paydeck.Order {
	t.Helper()
	o, err := e.Payments.CreateOrder(context.Background(), As(u), payment.OrderInput{Items: lines,
		Shipping: payment.Shipping{Name: "홍길동", Phone: "010-1234-5678", Address: "서울특별시 중구 세종대로 110"}})
	require.NoError(t, err)
	return o
}

// TaxFreeProduct creates an active physical tax-free (면세) product.
func (e *Env) TaxFreeProduct(t testing.TB, price, stock int64) *paydeck.Product {
	t.Helper()
	return storetest.MustCreateProduct(t, e.DB, &paydeck.Product{Price: price, StockQuantity: stock, IsActive: true, TaxFree: true})
}

// Authorize does what the shopper does in the payment window: it creates
// an IN_PROGRESS payment in the sandbox for o's amount and tax-free amount
// (as the checkout page requests them) with method ("CARD",
// "VIRTUAL_ACCOUNT", ...) and returns its paymentKey.
func (e *Env) Authorize(t testing.TB, o *paydeck.Order, method string) string {
	t.Helper()
	return e.AuthorizeWith(t, o, method, nil)
}

// AuthorizeWith is Authorize with more request fields (taxFreeAmount,
// cashReceipt {type, registrationNumber}, …) overriding the defaults.
func (e *Env) AuthorizeWith(t testing.TB, o *paydeck.Order, method string, extra map[string]any) string {
	t.Helper()
	req := AuthorizeRequest(o.OrderID, o.FinalAmount, o.TaxFreeAmount, method)
	for k, v := range extra {
		req[k] = v
	}
	return e.authorize(t, req)
}

// AuthorizeAttempt is Authorize under the Toss orderId of one attempt
// (payment.Checkout's TossOrderID) for amount, with nothing tax-free.
func (e *Env) AuthorizeAttempt(t testing.TB, tossOrderID string, amount int64, method string) string {
	t.Helper()
	return e.authorize(t, AuthorizeRequest(tossOrderID, amount, 0, method))
}

// AuthorizeRequest is the body of the sandbox's authorize call: what the
// payment window sends when the shopper approves.
func AuthorizeRequest(tossOrderID string, amount, taxFree int64, method string) map[string]any {
	return map[string]any{"orderId": tossOrderID, "amount": amount, "taxFreeAmount": taxFree,
		"orderName": "paydeck test order", "method": method, "customerName": "홍길동"}
}

func (e *Env) authorize(t testing.TB, req map[string]any) string {
	t.Helper()
	var out struct {
		PaymentKey string `json:"paymentKey"`
	}
	e.control(t, http.MethodPost, "/v1/sandbox/authorize", req, &out)
	require.NotEmpty(t, out.PaymentKey)
	return out.PaymentKey
}

// Deposit pays the full amount into the waiting virtual account.
func (e *Env) Deposit(t testing.TB, paymentKey string) {
	t.Helper()
	e.control(t, http.MethodPost, "/v1/sandbox/virtual-accounts/"+paymentKey+"/deposit", map[string]any{"depositorName": "홍길동"}, nil)
}

// SetFaults replaces the sandbox's injected faults with faultsJSON, a JSON
// array of fault objects (see toss/sandbox faults: orderId, operation,
// times, errorCode, hang, approveThenDrop, duplicateWebhook, ...).
func (e *Env) SetFaults(t testing.TB, faultsJSON string) {
	t.Helper()
	e.control(t, http.MethodPut, "/v1/sandbox/faults", json.RawMessage(`{"faults":`+faultsJSON+`}`), nil)
}

// WebhookAttempt is one webhook delivery attempt the sandbox made.
type WebhookAttempt struct {
	TransmissionID string          `json:"transmissionId"`
	EventType      string          `json:"eventType"`
	OrderID        string          `json:"orderId"`
	Body           json.RawMessage `json:"body"`
	Status         int             `json:"status"`
	Outcome        string          `json:"outcome"`
}

// Webhooks returns the sandbox's delivery attempts so far.
func (e *Env) Webhooks(t testing.TB) []WebhookAttempt {
	t.Helper()
	var out struct {
		Attempts []WebhookAttempt `json:"attempts"`
	}
	e.control(t, http.MethodGet, "/v1/sandbox/webhooks", nil, &out)
	return out.Attempts
}

// FlushWebhooks makes the sandbox attempt every due webhook now.
func (e *Env) FlushWebhooks(t testing.TB) {
	t.Helper()
	e.control(t, http.MethodPost, "/v1/sandbox/webhooks/flush", nil, nil)
}

// control calls the sandbox control API with the documentation secret key
// and decodes a 200 answer into out (when not nil).
func (e *Env) control(t testing.TB, method, path string, in, out any) {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		require.NoError(t, err)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.SandboxURL+path, body)
	require.NoError(t, err)
	req.SetBasicAuth(sandbox.DocsSecretKey, "")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s %s: %s", method, path, b)
	if out != nil {
		require.NoError(t, json.Unmarshal(b, out))
	}
}

// WaitFor polls cond every few milliseconds until it holds, failing t
// after 20 s with what in the message.
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// PaymentByKey reads the payment with Toss's paymentKey.
func (e *Env) PaymentByKey(t testing.TB, key string) *paydeck.Payment {
	t.Helper()
	var p *paydeck.Payment
	storetest.MustView(t, e.DB, func(tx paydeck.Tx) (err error) {
		p, err = tx.FindPaymentByKey(context.Background(), key)
		return err
	})
	return p
}

// OrderByID reads the order with the internal ID.
func (e *Env) OrderByID(t testing.TB, id string) *paydeck.Order {
	t.Helper()
	var o *paydeck.Order
	storetest.MustView(t, e.DB, func(tx paydeck.Tx) (err error) {
		o, err = tx.FindOrderByID(context.Background(), id)
		return err
	})
	return o
}

// ProductByID reads the product with the ID.
func (e *Env) ProductByID(t testing.TB, id string) *paydeck.Product {
	t.Helper()
	var p *paydeck.Product
	storetest.MustView(t, e.DB, func(tx paydeck.Tx) (err error) {
		p, err = tx.FindProductByID(context.Background(), id)
		return err
	})
	return p
}

// Events returns the audit trail of the order (internal ID), oldest first.
func (e *Env) Events(t testing.TB, orderID string) []*paydeck.PaymentEvent {
	t.Helper()
	var evs []*paydeck.PaymentEvent
	storetest.MustView(t, e.DB, func(tx paydeck.Tx) (err error) {
		evs, _, err = tx.FindEvents(context.Background(), paydeck.EventFilter{OrderID: &orderID})
		return err
	})
	return evs
}

// EventTypes returns the types of the order's events, oldest first.
func (e *Env) EventTypes(t testing.TB, orderID string) []string {
	t.Helper()
	var out []string
	for _, ev := range e.Events(t, orderID) {
		out = append(out, string(ev.Type))
	}
	return out
}

// Refunds returns the payment's refunds, oldest first.
func (e *Env) Refunds(t testing.TB, paymentID string) []*paydeck.Refund {
	t.Helper()
	var rs []*paydeck.Refund
	storetest.MustView(t, e.DB, func(tx paydeck.Tx) (err error) {
		rs, _, err = tx.FindRefunds(context.Background(), paydeck.RefundFilter{PaymentID: &paymentID})
		return err
	})
	return rs
}

// ReceivedWebhooks returns the webhooks paydeck recorded (processed or
// not), in receive order.
func (e *Env) ReceivedWebhooks(t testing.TB) []*paydeck.Webhook {
	t.Helper()
	var ws []*paydeck.Webhook
	storetest.MustView(t, e.DB, func(tx paydeck.Tx) (err error) {
		ws, _, err = tx.FindWebhooks(context.Background(), paydeck.WebhookFilter{})
		return err
	})
	return ws
}

// WebhooksSettled waits until the sandbox has nothing due and every
// recorded webhook is processed.
func (e *Env) WebhooksSettled(t testing.TB) {
	t.Helper()
	e.FlushWebhooks(t)
	WaitFor(t, "webhooks processed", func() bool {
		for _, w := range e.ReceivedWebhooks(t) {
			if w.ProcessedAt == nil {
				return false
			}
		}
		return true
	})
}
