package sandbox_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// docs/toss.md#legacy-confirm: POST /v1/payments/{paymentKey} {orderId, amount}
// confirms exactly as /v1/payments/confirm does, errors included.
func TestLegacyConfirmPath(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := e.authorize(t, sk, "order-legacy", 15000, "CARD")
	status, m := e.call(t, "POST", "/v1/payments/"+key, sk, map[string]any{"orderId": "order-other", "amount": 15000})
	requireError(t, 404, "NOT_FOUND_PAYMENT_SESSION", status, m)
	status, m = e.call(t, "POST", "/v1/payments/"+key, sk, map[string]any{"orderId": "order-legacy", "amount": 14000})
	requireError(t, 400, "INVALID_REQUEST", status, m)
	status, m = e.call(t, "POST", "/v1/payments/"+key, sk, map[string]any{"orderId": "order-legacy", "amount": "15000"})
	require.Equal(t, 200, status, "%v", m)
	require.Equal(t, "DONE", m["status"])
	require.Equal(t, key, m["paymentKey"])
	status, got := e.call(t, "GET", "/v1/payments/"+key, sk, nil)
	require.Equal(t, 200, status)
	require.Equal(t, m, got, "the legacy confirm answers with the stored Payment")
	status, m = e.call(t, "POST", "/v1/payments/"+key, sk, map[string]any{"orderId": "order-legacy", "amount": 15000})
	requireError(t, 400, "ALREADY_PROCESSED_PAYMENT", status, m)
	status, m = e.call(t, "POST", "/v1/payments/nope-nope", sk, map[string]any{"orderId": "order-legacy", "amount": 15000})
	requireError(t, 404, "NOT_FOUND_PAYMENT_SESSION", status, m)
	status, m = e.call(t, "POST", "/v1/payments/"+key, "", map[string]any{"orderId": "order-legacy", "amount": 15000})
	requireError(t, 401, "UNAUTHORIZED_KEY", status, m)
}
