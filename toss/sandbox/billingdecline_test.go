package sandbox_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBillingDeclines: the next N charges of a billing key (or of a
// customerKey's keys) are declined across new orderIds; a retry with the
// same Idempotency-Key replays the decline without using up another; other
// keys are untouched; the rule is set over the control API too.
func TestBillingDeclines(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	bk := issueBilling(t, e, "cust-decline-1")
	other := issueBilling(t, e, "cust-decline-2")
	require.NoError(t, e.srv.DeclineBillingCharges(bk, "", 2, ""))
	require.Error(t, e.srv.DeclineBillingCharges(bk, "", 1, "NOT_A_CODE"))
	require.Error(t, e.srv.DeclineBillingCharges(bk, "cust-decline-1", 1, ""))
	require.Equal(t, []string{bk}, e.srv.BillingKeysOf("cust-decline-1"))

	charge := func(key, customer, orderID, idem string) (int, map[string]any) {
		return e.call(t, "POST", "/v1/billing/"+url.PathEscape(key), sk,
			map[string]any{"customerKey": customer, "amount": 9900, "orderId": orderID, "orderName": "월 구독"}, "Idempotency-Key", idem)
	}
	status, m := charge(bk, "cust-decline-1", "order-decline-1", "k1")
	requireError(t, 403, "REJECT_CARD_PAYMENT", status, m)
	status, m = charge(bk, "cust-decline-1", "order-decline-1", "k1") // replay: same answer, no decline used
	requireError(t, 403, "REJECT_CARD_PAYMENT", status, m)
	status, _ = charge(other, "cust-decline-2", "order-decline-x", "kx")
	require.Equal(t, 200, status, "another key is not declined")
	status, m = charge(bk, "cust-decline-1", "order-decline-2", "k2")
	requireError(t, 403, "REJECT_CARD_PAYMENT", status, m)
	status, m = charge(bk, "cust-decline-1", "order-decline-3", "k3")
	require.Equal(t, 200, status, "%v", m)
	require.Equal(t, "DONE", m["status"])

	// By customerKey, over the control API, with another code.
	status, m = e.call(t, "PUT", "/v1/sandbox/billing/declines", sk,
		map[string]any{"customerKey": "cust-decline-2", "count": 1, "errorCode": "EXCEED_MAX_ONE_DAY_AMOUNT"})
	require.Equal(t, 200, status, "%v", m)
	status, m = charge(other, "cust-decline-2", "order-decline-y", "ky")
	requireError(t, 403, "EXCEED_MAX_ONE_DAY_AMOUNT", status, m)
	status, _ = charge(other, "cust-decline-2", "order-decline-z", "kz")
	require.Equal(t, 200, status)
	status, m = e.call(t, "PUT", "/v1/sandbox/billing/declines", sk, map[string]any{"count": 1})
	requireError(t, 400, "INVALID_REQUEST", status, m)
}
