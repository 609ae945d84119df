package sandbox_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// docs/toss.md#idempotency: a repeat with the same key, secret key, URL and method replays
// the first response whatever the body, and executes nothing.
func TestIdempotentReplay(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key1 := e.authorize(t, sk, "order-idem-1", 1000, "CARD")
	key2 := e.authorize(t, sk, "order-idem-2", 2000, "CARD")
	status, first := e.call(t, "POST", "/v1/payments/confirm", sk,
		map[string]any{"paymentKey": key1, "orderId": "order-idem-1", "amount": 1000}, "Idempotency-Key", "confirm-1")
	require.Equal(t, 200, status)
	status, again := e.call(t, "POST", "/v1/payments/confirm", sk,
		map[string]any{"paymentKey": key2, "orderId": "order-idem-2", "amount": 2000}, "Idempotency-Key", "confirm-1")
	require.Equal(t, 200, status)
	require.Equal(t, first, again)
	_, p2 := e.call(t, "GET", "/v1/payments/"+key2, sk, nil)
	require.Equal(t, "IN_PROGRESS", p2["status"]) // the second body was not processed

	// The replay is the first response even after the payment changed.
	status, _ = e.call(t, "POST", "/v1/payments/"+key1+"/cancel", sk, map[string]any{"cancelReason": "x"})
	require.Equal(t, 200, status)
	_, again = e.call(t, "POST", "/v1/payments/confirm", sk, map[string]any{}, "Idempotency-Key", "confirm-1")
	require.Equal(t, "DONE", again["status"])
	require.Equal(t, first, again)
}

// docs/toss.md#idempotency: errors are replayed too (UNCONFIRMED; "always the same result").
func TestIdempotentErrorReplay(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := e.authorize(t, sk, "order-idem-err", 1000, "CARD")
	status, m := e.call(t, "POST", "/v1/payments/confirm", sk,
		map[string]any{"paymentKey": key, "orderId": "order-idem-err", "amount": 999}, "Idempotency-Key", "k-err")
	requireError(t, 400, "INVALID_REQUEST", status, m)
	status, m = e.call(t, "POST", "/v1/payments/confirm", sk,
		map[string]any{"paymentKey": key, "orderId": "order-idem-err", "amount": 1000}, "Idempotency-Key", "k-err")
	requireError(t, 400, "INVALID_REQUEST", status, m)
}

// docs/toss.md#idempotency: another secret key, URL or method with the same key value is a new request.
func TestIdempotencyScope(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := keyInBody("order-scope-1", 1000)
	status, first := e.call(t, "POST", "/v1/payments/key-in", sk, b, "Idempotency-Key", "same")
	require.Equal(t, 200, status)
	status, m := e.call(t, "POST", "/v1/payments/key-in", gsk, keyInBody("order-scope-2", 1000), "Idempotency-Key", "same")
	requireError(t, 400, "INVALID_API_KEY", status, m) // processed with the widget key, not replayed
	status, m = e.call(t, "POST", "/v1/virtual-accounts", sk,
		map[string]any{"amount": 30000, "orderId": "order-scope-3", "orderName": "x", "customerName": "박토스", "bank": "20"},
		"Idempotency-Key", "same")
	require.Equal(t, 200, status)
	require.NotEqual(t, first["paymentKey"], m["paymentKey"])
}

// docs/toss.md#idempotency: keys longer than 300 characters → 400 INVALID_IDEMPOTENCY_KEY.
func TestIdempotencyKeyTooLong(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	status, m := e.call(t, "POST", "/v1/payments/key-in", sk, keyInBody("order-long", 1000), "Idempotency-Key", strings.Repeat("k", 301))
	requireError(t, 400, "INVALID_IDEMPOTENCY_KEY", status, m)
	status, _ = e.call(t, "POST", "/v1/payments/key-in", sk, keyInBody("order-long", 1000), "Idempotency-Key", strings.Repeat("k", 300))
	require.Equal(t, 200, status)
}

// docs/toss.md#idempotency: a repeat while the first is still running → 409 IDEMPOTENT_REQUEST_PROCESSING.
func TestIdempotencyInFlight(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.putFaults(t, map[string]any{"orderId": "order-inflight", "latencyMs": 300})
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	codes := make([]any, 2)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var m map[string]any
			statuses[i], m = e.call(t, "POST", "/v1/payments/key-in", sk, keyInBody("order-inflight", 1000), "Idempotency-Key", "slow")
			codes[i] = m["code"]
		}()
	}
	wg.Wait()
	require.ElementsMatch(t, []int{200, 409}, statuses, "codes %v", codes)
	require.Contains(t, codes, "IDEMPOTENT_REQUEST_PROCESSING")
	status, m := e.call(t, "POST", "/v1/payments/key-in", sk, keyInBody("order-inflight", 1000), "Idempotency-Key", "slow")
	require.Equal(t, 200, status, "%v", m) // now the stored response
}

// docs/toss.md#idempotency: keys last 15 days from first use (sandbox time).
func TestIdempotencyKeyExpires(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	status, _ := e.call(t, "POST", "/v1/payments/key-in", sk, keyInBody("order-ttl", 1000), "Idempotency-Key", "ttl")
	require.Equal(t, 200, status)
	e.advance(t, 15*24*3600-1)
	status, _ = e.call(t, "POST", "/v1/payments/key-in", sk, keyInBody("order-ttl", 1000), "Idempotency-Key", "ttl")
	require.Equal(t, 200, status)
	e.advance(t, 1)
	status, m := e.call(t, "POST", "/v1/payments/key-in", sk, keyInBody("order-ttl", 1000), "Idempotency-Key", "ttl")
	requireError(t, 400, "DUPLICATED_ORDER_ID", status, m) // executed again
}

// docs/toss.md#test-code: TossPayments-Test-Code forces that error; unknown → 400 INVALID_TEST_CODE.
func TestTestCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	status, m := e.call(t, "POST", "/v1/payments/key-in", sk, keyInBody("order-tc-1", 1000), "TossPayments-Test-Code", "INVALID_CARD_EXPIRATION")
	requireError(t, 400, "INVALID_CARD_EXPIRATION", status, m)
	status, m = e.call(t, "POST", "/v1/payments/key-in", sk, keyInBody("order-tc-1", 1000), "TossPayments-Test-Code", "REJECT_CARD_COMPANY")
	requireError(t, 403, "REJECT_CARD_COMPANY", status, m)
	status, m = e.call(t, "GET", "/v1/payments/x", sk, nil, "TossPayments-Test-Code", "FAILED_INTERNAL_SYSTEM_PROCESSING")
	requireError(t, 500, "FAILED_INTERNAL_SYSTEM_PROCESSING", status, m)
	status, m = e.call(t, "POST", "/v1/payments/key-in", sk, keyInBody("order-tc-1", 1000), "TossPayments-Test-Code", "NO_SUCH_CODE")
	requireError(t, 400, "INVALID_TEST_CODE", status, m)
	status, _ = e.call(t, "POST", "/v1/payments/key-in", sk, keyInBody("order-tc-1", 1000))
	require.Equal(t, 200, status) // nothing was processed before
}

// docs/toss.md#idempotency: the replay is the first response even after a deposit changed the payment.
func TestIdempotentReplayAfterDeposit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	body := map[string]any{"amount": 30000, "orderId": "order-idem-va", "orderName": "x", "customerName": "박토스", "bank": "20"}
	status, first := e.call(t, "POST", "/v1/virtual-accounts", sk, body, "Idempotency-Key", "va-1")
	require.Equal(t, 200, status)
	status, _ = e.call(t, "POST", "/v1/sandbox/virtual-accounts/"+first["paymentKey"].(string)+"/deposit", sk, nil)
	require.Equal(t, 200, status)
	status, again := e.call(t, "POST", "/v1/virtual-accounts", sk, body, "Idempotency-Key", "va-1")
	require.Equal(t, 200, status)
	require.Equal(t, first, again)
	require.Equal(t, "WAITING_FOR_DEPOSIT", again["status"])
}
