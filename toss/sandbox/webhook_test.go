package sandbox_test

import (
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// docs/toss.md#payment-status-changed + docs/toss.md#webhook-delivery: a confirm sends PAYMENT_STATUS_CHANGED with the
// Payment in data and the transmission headers.
func TestWebhookPaymentStatusChanged(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.paid(t, "order-hook-1", 1000, "CARD")
	e.flush(t)
	require.Equal(t, 1, e.hooks.count())
	b := e.hooks.body(t, 0)
	require.Equal(t, "PAYMENT_STATUS_CHANGED", b["eventType"])
	require.Equal(t, "2025-03-01T10:15:30.000000", b["createdAt"]) // docs/toss.md#webhook-events: microseconds, no offset
	require.Equal(t, p, b["data"])
	require.Equal(t, "0", e.hooks.header(0, "tosspayments-webhook-transmission-retried-count"))
	require.Equal(t, "2025-03-01T10:15:30+09:00", e.hooks.header(0, "tosspayments-webhook-transmission-time"))
	require.Regexp(t, `^whtrans_[a-z0-9]{26}$`, e.hooks.header(0, "tosspayments-webhook-transmission-id"))
	require.Empty(t, e.hooks.header(0, "tosspayments-webhook-signature")) // only payout events are signed
}

// docs/toss.md#webhook-retries: non-200 answers are retried 7 times at 1, 4, 16, 64, 256,
// 1024 and 4096 minutes on the sandbox clock, then given up.
func TestWebhookRetrySchedule(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.hooks.replies = []int{500, 500, 500, 500, 500, 500, 500, 500}
	e.paid(t, "order-hook-retry", 1000, "CARD")
	e.flush(t)
	require.Equal(t, 1, e.hooks.count())
	for i, minutes := range []int64{1, 4, 16, 64, 256, 1024, 4096} {
		e.advance(t, minutes*60-1)
		require.Equal(t, i+1, e.hooks.count(), "retry %d came early", i+1)
		e.advance(t, 1)
		require.Equal(t, i+2, e.hooks.count(), "retry %d missing", i+1)
		require.Equal(t, strconv.Itoa(i+1), e.hooks.header(i+1, "tosspayments-webhook-transmission-retried-count"))
		require.Equal(t, e.hooks.header(0, "tosspayments-webhook-transmission-id"), e.hooks.header(i+1, "tosspayments-webhook-transmission-id"))
	}
	e.advance(t, 10*24*3600)
	require.Equal(t, 8, e.hooks.count()) // no 8th retry
	_, m := e.call(t, "GET", "/v1/sandbox/webhooks", sk, nil)
	attempts := m["attempts"].([]any)
	require.Len(t, attempts, 8)
	require.Equal(t, "retrying", attempts[0].(map[string]any)["outcome"])
	require.Equal(t, 500.0, attempts[0].(map[string]any)["status"])
	require.Equal(t, "failed", attempts[7].(map[string]any)["outcome"])
	require.Empty(t, m["pending"])
}

// docs/toss.md#webhook-retries: a 200 ends the retries.
func TestWebhookRetryUntilSuccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.hooks.replies = []int{503}
	e.paid(t, "order-hook-ok", 1000, "CARD")
	e.flush(t)
	e.advance(t, 60)
	e.advance(t, 5*60)
	require.Equal(t, 2, e.hooks.count())
	_, m := e.call(t, "GET", "/v1/sandbox/webhooks", sk, nil)
	require.Equal(t, "delivered", m["attempts"].([]any)[1].(map[string]any)["outcome"])
}

// docs/toss.md#webhook-ordering, docs/toss.md#deposit-callback: a virtual account sends PAYMENT_STATUS_CHANGED and the
// flat DEPOSIT_CALLBACK (with the payment's secret) on issue and on deposit.
func TestWebhookDepositCallback(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := issueVA(t, e, "order-hook-va", nil)
	status, d := e.call(t, "POST", "/v1/sandbox/virtual-accounts/"+p["paymentKey"].(string)+"/deposit", sk, nil)
	require.Equal(t, 200, status)
	e.flush(t)
	require.Equal(t, 4, e.hooks.count())
	require.Equal(t, "WAITING_FOR_DEPOSIT", e.hooks.body(t, 0)["data"].(map[string]any)["status"])
	cb := e.hooks.body(t, 1)
	require.NotContains(t, cb, "data")
	require.NotContains(t, cb, "paymentKey")
	require.Equal(t, p["secret"], cb["secret"])
	require.Equal(t, "WAITING_FOR_DEPOSIT", cb["status"])
	require.Equal(t, "order-hook-va", cb["orderId"])
	require.Equal(t, p["lastTransactionKey"], cb["transactionKey"])
	require.Equal(t, "DONE", e.hooks.body(t, 2)["data"].(map[string]any)["status"])
	require.Equal(t, "DONE", e.hooks.body(t, 3)["status"])
	require.Equal(t, d["lastTransactionKey"], e.hooks.body(t, 3)["transactionKey"])
}

// docs/toss.md#payment-status: no webhook for a billing charge; BILLING_DELETED on delete (docs/toss.md#billing-deleted).
func TestWebhookBilling(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	bk := issueBilling(t, e, "cust-hook")
	status, _ := e.call(t, "POST", "/v1/billing/"+url.PathEscape(bk), sk,
		map[string]any{"customerKey": "cust-hook", "amount": 5000, "orderId": "order-hook-bill", "orderName": "구독"})
	require.Equal(t, 200, status)
	e.flush(t)
	require.Equal(t, 0, e.hooks.count())
	status, _ = e.req(t, "DELETE", "/v1/billing/"+url.PathEscape(bk), sk, nil)
	require.Equal(t, 200, status)
	e.flush(t)
	require.Equal(t, 1, e.hooks.count())
	b := e.hooks.body(t, 0)
	require.Equal(t, "BILLING_DELETED", b["eventType"])
	require.Equal(t, bk, b["data"].(map[string]any)["billingKey"])
}

// docs/toss.md#payment-status: an expired session sends PAYMENT_STATUS_CHANGED EXPIRED, swept on clock advance.
func TestWebhookExpired(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.authorize(t, sk, "order-hook-exp", 1000, "CARD")
	e.advance(t, 600)
	require.Equal(t, 1, e.hooks.count())
	require.Equal(t, "EXPIRED", e.hooks.body(t, 0)["data"].(map[string]any)["status"])
}

// Webhook faults: duplicate delivery, delayed delivery, out-of-order delivery.
func TestWebhookFaults(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.putFaults(t,
		map[string]any{"orderId": "order-hook-dup", "duplicateWebhook": true},
		map[string]any{"orderId": "order-hook-late", "webhookDelaySeconds": 30},
		map[string]any{"orderId": "order-hook-ooo", "outOfOrderWebhook": true},
	)
	e.paid(t, "order-hook-dup", 1000, "CARD")
	e.flush(t)
	require.Equal(t, 2, e.hooks.count())
	require.Equal(t, e.hooks.body(t, 0), e.hooks.body(t, 1))

	e.paid(t, "order-hook-late", 1000, "CARD")
	e.flush(t)
	require.Equal(t, 2, e.hooks.count())
	e.advance(t, 30)
	require.Equal(t, 3, e.hooks.count())
	require.Equal(t, "order-hook-late", e.hooks.body(t, 2)["data"].(map[string]any)["orderId"])

	p := e.paid(t, "order-hook-ooo", 1000, "CARD") // DONE is held…
	e.flush(t)
	require.Equal(t, 3, e.hooks.count())
	status, _ := e.call(t, "POST", cancelPath(p), sk, map[string]any{"cancelReason": "x"}) // …until CANCELED went first
	require.Equal(t, 200, status)
	e.flush(t)
	require.Equal(t, 5, e.hooks.count())
	require.Equal(t, "CANCELED", e.hooks.body(t, 3)["data"].(map[string]any)["status"])
	require.Equal(t, "DONE", e.hooks.body(t, 4)["data"].(map[string]any)["status"])
}

// docs/toss.md#cancel-status-changed + docs/toss.md#cancel: an asynchronous cancel (asyncCancelSeconds
// fault, as for overseas easy pay) is IN_PROGRESS, then DONE with CANCEL_STATUS_CHANGED.
func TestWebhookCancelStatusChanged(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.paid(t, "order-hook-async", 10000, "EASY_PAY")
	e.putFaults(t, map[string]any{"orderId": "order-hook-async", "operation": "cancel", "asyncCancelSeconds": 60})
	status, m := e.call(t, "POST", cancelPath(p), sk, map[string]any{"cancelReason": "x", "cancelAmount": 4000})
	require.Equal(t, 200, status, "%v", m)
	c := m["cancels"].([]any)[0].(map[string]any)
	require.Equal(t, "IN_PROGRESS", c["cancelStatus"])
	require.NotNil(t, c["cancelRequestId"])
	e.flush(t)
	require.Equal(t, 2, e.hooks.count()) // DONE, PARTIAL_CANCELED
	e.advance(t, 59)
	require.Equal(t, 2, e.hooks.count())
	e.advance(t, 1)
	require.Equal(t, 3, e.hooks.count())
	b := e.hooks.body(t, 2)
	require.Equal(t, "CANCEL_STATUS_CHANGED", b["eventType"])
	require.Equal(t, "DONE", b["data"].(map[string]any)["cancelStatus"])
	require.Equal(t, c["transactionKey"], b["data"].(map[string]any)["transactionKey"])
	_, m = e.call(t, "GET", "/v1/payments/"+p["paymentKey"].(string), sk, nil)
	require.Equal(t, "DONE", m["cancels"].([]any)[0].(map[string]any)["cancelStatus"])
	e.advance(t, 3600)
	require.Equal(t, 3, e.hooks.count()) // sent once
}
