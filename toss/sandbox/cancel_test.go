package sandbox_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func cancelPath(p map[string]any) string {
	return "/v1/payments/" + p["paymentKey"].(string) + "/cancel"
}

// docs/toss.md#cancel + docs/toss.md#payment-object: a partial cancel shrinks balanceAmount,
// suppliedAmount and vat, appends to cancels[] and moves lastTransactionKey.
func TestPartialCancel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.paid(t, "order-partial", 15000, "CARD")
	status, m := e.call(t, "POST", cancelPath(p), sk, map[string]any{"cancelReason": "고객 변심", "cancelAmount": 5000})
	require.Equal(t, 200, status, "%v", m)
	require.Equal(t, "PARTIAL_CANCELED", m["status"])
	require.Equal(t, 15000.0, m["totalAmount"])
	require.Equal(t, 10000.0, m["balanceAmount"])
	require.Equal(t, 9091.0, m["suppliedAmount"]) // docs/toss.md#payment-object: 9091 + 909
	require.Equal(t, 909.0, m["vat"])
	cancels := m["cancels"].([]any)
	require.Len(t, cancels, 1)
	c := cancels[0].(map[string]any)
	require.Equal(t, "고객 변심", c["cancelReason"])
	require.Equal(t, 5000.0, c["cancelAmount"])
	require.Equal(t, 10000.0, c["refundableAmount"])
	require.Equal(t, "DONE", c["cancelStatus"])
	require.Regexp(t, upperHex32, c["transactionKey"])
	require.Equal(t, c["transactionKey"], m["lastTransactionKey"])
	require.NotEqual(t, p["lastTransactionKey"], m["lastTransactionKey"])

	e.advance(t, 1)
	status, m = e.call(t, "POST", cancelPath(p), sk, map[string]any{"cancelReason": "전액"})
	require.Equal(t, 200, status, "%v", m)
	require.Equal(t, "CANCELED", m["status"]) // docs/toss.md#payment-status: remaining balance canceled → CANCELED
	require.Equal(t, 0.0, m["balanceAmount"])
	require.Len(t, m["cancels"], 2)
}

// docs/toss.md#rate-limits: a second cancel within ~1 s → 403 FORBIDDEN_CONSECUTIVE_REQUEST.
func TestConsecutiveCancel(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.paid(t, "order-consecutive", 10000, "CARD")
	status, _ := e.call(t, "POST", cancelPath(p), sk, map[string]any{"cancelReason": "a", "cancelAmount": 1000})
	require.Equal(t, 200, status)
	status, m := e.call(t, "POST", cancelPath(p), sk, map[string]any{"cancelReason": "b", "cancelAmount": 1000})
	requireError(t, 403, "FORBIDDEN_CONSECUTIVE_REQUEST", status, m)
	e.advance(t, 1)
	status, m = e.call(t, "POST", cancelPath(p), sk, map[string]any{"cancelReason": "b", "cancelAmount": 1000})
	require.Equal(t, 200, status, "%v", m)
	require.Equal(t, 8000.0, m["balanceAmount"])
}

// docs/toss.md#endpoint-errors: cancel > balance → NOT_CANCELABLE_AMOUNT; cancel of canceled → ALREADY_CANCELED_PAYMENT.
func TestOverCancelAndCancelTwice(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.paid(t, "order-over", 10000, "CARD")
	status, m := e.call(t, "POST", cancelPath(p), sk, map[string]any{"cancelReason": "x", "cancelAmount": 10001})
	requireError(t, 403, "NOT_CANCELABLE_AMOUNT", status, m)
	status, _ = e.call(t, "POST", cancelPath(p), sk, map[string]any{"cancelReason": "x"})
	require.Equal(t, 200, status)
	e.advance(t, 2)
	status, m = e.call(t, "POST", cancelPath(p), sk, map[string]any{"cancelReason": "x"})
	requireError(t, 400, "ALREADY_CANCELED_PAYMENT", status, m)
}

// docs/toss.md#cancel: cancelReason is required; refundableAmount guards the balance.
func TestCancelValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.paid(t, "order-cancel-val", 10000, "CARD")
	status, m := e.call(t, "POST", cancelPath(p), sk, map[string]any{"cancelAmount": 100})
	requireError(t, 400, "INVALID_REQUEST", status, m)
	status, m = e.call(t, "POST", cancelPath(p), sk, map[string]any{"cancelReason": "x", "cancelAmount": 100, "refundableAmount": 9000})
	requireError(t, 400, "NOT_MATCHES_REFUNDABLE_AMOUNT", status, m)
	status, m = e.call(t, "POST", "/v1/payments/tviva-none/cancel", sk, map[string]any{"cancelReason": "x"})
	requireError(t, 404, "NOT_FOUND_PAYMENT", status, m)
	key := e.authorize(t, sk, "order-not-done", 1000, "CARD")
	status, m = e.call(t, "POST", "/v1/payments/"+key+"/cancel", sk, map[string]any{"cancelReason": "x"})
	requireError(t, 403, "NOT_CANCELABLE_PAYMENT", status, m)
}

// docs/toss.md#endpoint-errors / docs/toss.md#amount-invariants: partial-cancel tax-free part shrinks taxFreeAmount.
func TestCancelTaxFree(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	status, p := e.call(t, "POST", "/v1/payments/key-in", sk, map[string]any{
		"amount": 11000, "taxFreeAmount": 10000, "orderId": "order-taxfree", "orderName": "책", "cardNumber": "4330123412341234",
		"cardExpirationYear": "29", "cardExpirationMonth": "08", "customerIdentityNumber": "881212",
	})
	require.Equal(t, 200, status, "%v", p)
	require.Equal(t, 909.0, p["suppliedAmount"]) // docs/toss.md#amount-invariants: 11000 with taxFree 10000 → 909 + 91 + 10000
	require.Equal(t, 91.0, p["vat"])
	status, m := e.call(t, "POST", cancelPath(p), sk, map[string]any{"cancelReason": "x", "cancelAmount": 5000, "taxFreeAmount": 5000})
	require.Equal(t, 200, status, "%v", m)
	require.Equal(t, 5000.0, m["taxFreeAmount"])
	require.Equal(t, 909.0, m["suppliedAmount"])
}
