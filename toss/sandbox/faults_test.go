package sandbox_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Issue 4 control API: a forced error aimed at one orderId, limited by times.
func TestFaultForcedError(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.putFaults(t, map[string]any{"orderId": "order-fault-1", "operation": "key-in", "errorCode": "PROVIDER_ERROR", "times": 1})
	status, m := e.call(t, "POST", "/v1/payments/key-in", sk, keyInBody("order-fault-2", 1000))
	require.Equal(t, 200, status, "%v", m) // another order is untouched
	status, m = e.call(t, "POST", "/v1/payments/key-in", sk, keyInBody("order-fault-1", 1000))
	requireError(t, 400, "PROVIDER_ERROR", status, m) // docs/toss.md#endpoint-errors
	status, m = e.call(t, "POST", "/v1/payments/key-in", sk, keyInBody("order-fault-1", 1000))
	require.Equal(t, 200, status, "%v", m) // times: 1 used up
	status, m = e.call(t, "PUT", "/v1/sandbox/faults", sk, map[string]any{"faults": []map[string]any{{"errorCode": "NOPE"}}})
	requireError(t, 400, "INVALID_REQUEST", status, m)
}

// Approve-then-drop: the confirm is processed but the connection is cut; a
// retry with the same Idempotency-Key gets the stored DONE (docs/toss.md#idempotency).
func TestFaultApproveThenDrop(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := e.authorize(t, sk, "order-drop", 1000, "CARD")
	e.putFaults(t, map[string]any{"orderId": "order-drop", "operation": "confirm", "approveThenDrop": true, "times": 1})
	body, _ := json.Marshal(map[string]any{"paymentKey": key, "orderId": "order-drop", "amount": 1000})
	r, _ := http.NewRequest("POST", e.ts.URL+"/v1/payments/confirm", bytes.NewReader(body))
	r.Header.Set("Authorization", basic(sk))
	r.Header.Set("Idempotency-Key", "drop-1")
	r.GetBody = nil // keep net/http from replaying the request on the cut connection
	_, err := e.ts.Client().Do(r)
	require.Error(t, err) // no response
	_, p := e.call(t, "GET", "/v1/payments/orders/order-drop", sk, nil)
	require.Equal(t, "DONE", p["status"])
	status, m := e.call(t, "POST", "/v1/payments/confirm", sk, map[string]any{"paymentKey": key, "orderId": "order-drop", "amount": 1000}, "Idempotency-Key", "drop-1")
	require.Equal(t, 200, status, "%v", m)
	require.Equal(t, p, m)
}

// A hang outlives the client's timeout and processes nothing.
func TestFaultHang(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := e.authorize(t, sk, "order-hang", 1000, "CARD")
	e.putFaults(t, map[string]any{"orderId": "order-hang", "operation": "confirm", "hang": true})
	body, _ := json.Marshal(map[string]any{"paymentKey": key, "orderId": "order-hang", "amount": 1000})
	r, _ := http.NewRequest("POST", e.ts.URL+"/v1/payments/confirm", bytes.NewReader(body))
	r.Header.Set("Authorization", basic(sk))
	client := &http.Client{Timeout: 150 * time.Millisecond}
	_, err := client.Do(r)
	require.Error(t, err)
	_, p := e.call(t, "GET", "/v1/payments/"+key, sk, nil)
	require.Equal(t, "IN_PROGRESS", p["status"])
}

// A forced 403 rejection on confirm aborts the payment (docs/toss.md#payment-status: ABORTED, failure set).
func TestFaultRejectionAborts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := e.authorize(t, sk, "order-reject", 1000, "CARD")
	e.putFaults(t, map[string]any{"orderId": "order-reject", "operation": "confirm", "errorCode": "REJECT_CARD_COMPANY"})
	status, m := e.call(t, "POST", "/v1/payments/confirm", sk, map[string]any{"paymentKey": key, "orderId": "order-reject", "amount": 1000})
	requireError(t, 403, "REJECT_CARD_COMPANY", status, m)
	_, p := e.call(t, "GET", "/v1/payments/"+key, sk, nil)
	require.Equal(t, "ABORTED", p["status"])
	require.Equal(t, "REJECT_CARD_COMPANY", p["failure"].(map[string]any)["code"])
	e.flush(t)
	require.Equal(t, 1, e.hooks.count(), "%v", e.hooks.body(t, 0))
	require.Equal(t, "ABORTED", e.hooks.body(t, 0)["data"].(map[string]any)["status"], "%v", e.hooks.body(t, 0))
}

// Probability 0.5 with a seeded source fails some requests and not others.
func TestFaultProbability(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.putFaults(t, map[string]any{"operation": "get", "probability": 0.5, "errorCode": "FAILED_INTERNAL_SYSTEM_PROCESSING"})
	failed := 0
	for range 40 {
		status, _ := e.req(t, "GET", "/v1/payments/none", sk, nil)
		if status == 500 {
			failed++
		}
	}
	require.Greater(t, failed, 5)
	require.Less(t, failed, 35)
	status, _ := e.req(t, "DELETE", "/v1/sandbox/faults", sk, nil)
	require.Equal(t, 200, status)
	status, _ = e.req(t, "GET", "/v1/payments/none", sk, nil)
	require.Equal(t, 404, status)
}

// An injected passing failure (5xx, 409, 429) is not kept under the
// Idempotency-Key: Toss processed nothing, so the retry with the same key
// (docs/toss.md#retries: "retry with the same Idempotency-Key") is processed.
func TestFaultTransientErrorNotReplayed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := e.authorize(t, sk, "order-5xx", 1000, "CARD")
	e.putFaults(t, map[string]any{"orderId": "order-5xx", "operation": "confirm", "errorCode": "FAILED_INTERNAL_SYSTEM_PROCESSING", "times": 1})
	body := map[string]any{"paymentKey": key, "orderId": "order-5xx", "amount": 1000}
	status, m := e.call(t, "POST", "/v1/payments/confirm", sk, body, "Idempotency-Key", "retry-5xx")
	requireError(t, 500, "FAILED_INTERNAL_SYSTEM_PROCESSING", status, m)
	status, m = e.call(t, "POST", "/v1/payments/confirm", sk, body, "Idempotency-Key", "retry-5xx")
	require.Equal(t, 200, status, "%v", m)
	require.Equal(t, "DONE", m["status"])
}
