package sandbox_test

import (
	"net/url"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/toss/sandbox"
)

// Issue 4 "Running it": with StatePath a restarted sandbox keeps its payments,
// billing keys, idempotency keys and clock.
func TestStatePersists(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sandbox.json")
	e := newEnvWith(t, sandbox.Options{StatePath: path})
	card := e.paid(t, "order-state-1", 15000, "CARD")
	status, _ := e.call(t, "POST", cancelPath(card), sk, map[string]any{"cancelReason": "x", "cancelAmount": 5000})
	require.Equal(t, 200, status)
	vaP := issueVA(t, e, "order-state-va", nil)
	bk := issueBilling(t, e, "cust-state")
	status, keyed := e.call(t, "POST", "/v1/payments/key-in", sk, keyInBody("order-state-k", 1000), "Idempotency-Key", "persist-me")
	require.Equal(t, 200, status)
	e.advance(t, 120)
	_, before := e.call(t, "GET", "/v1/payments/"+card["paymentKey"].(string), sk, nil)
	_, txBefore := e.list(t, "/v1/transactions?startDate=2025-03-01&endDate=2025-03-02")
	e.ts.Close()
	require.NoError(t, e.srv.Close())

	again := newEnvWith(t, sandbox.Options{StatePath: path, PublicURL: e.ts.URL})
	_, after := again.call(t, "GET", "/v1/payments/"+card["paymentKey"].(string), sk, nil)
	require.Equal(t, before, after)
	_, txAfter := again.list(t, "/v1/transactions?startDate=2025-03-01&endDate=2025-03-02")
	require.Equal(t, txBefore, txAfter)
	status, replay := again.call(t, "POST", "/v1/payments/key-in", sk, keyInBody("order-state-other", 1000), "Idempotency-Key", "persist-me")
	require.Equal(t, 200, status)
	require.Equal(t, keyed["paymentKey"], replay["paymentKey"])
	status, m := again.call(t, "POST", "/v1/sandbox/virtual-accounts/"+vaP["paymentKey"].(string)+"/deposit", sk, nil)
	require.Equal(t, 200, status, "%v", m)
	require.Equal(t, "2025-03-01T10:17:30+09:00", m["approvedAt"]) // the clock offset survived
	status, _ = again.call(t, "POST", "/v1/billing/"+url.PathEscape(bk), sk,
		map[string]any{"customerKey": "cust-state", "amount": 5000, "orderId": "order-state-b", "orderName": "구독"})
	require.Equal(t, 200, status)
}

// New fails on a state file it cannot decode.
func TestStateCorrupt(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, writeFile(path, "{not json"))
	_, err := sandbox.New(sandbox.Options{StatePath: path})
	require.Error(t, err)
}

// POST /v1/sandbox/reset empties the state.
func TestReset(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.paid(t, "order-reset", 1000, "CARD")
	e.advance(t, 60)
	status, _ := e.req(t, "POST", "/v1/sandbox/reset", sk, nil)
	require.Equal(t, 200, status)
	status, m := e.call(t, "GET", "/v1/payments/"+p["paymentKey"].(string), sk, nil)
	requireError(t, 404, "NOT_FOUND_PAYMENT", status, m)
	_, clock := e.call(t, "GET", "/v1/sandbox/clock", sk, nil)
	require.Equal(t, "2025-03-01T10:15:30+09:00", clock["now"])
	_, hooks := e.call(t, "GET", "/v1/sandbox/webhooks", sk, nil)
	require.Empty(t, hooks["attempts"])
}

// The control API needs the same Basic auth (issue 4) and answers unknown routes with Toss's 404 body.
func TestControlAuthAndUnknownRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	status, m := e.call(t, "POST", "/v1/sandbox/reset", "", nil)
	requireError(t, 401, "UNAUTHORIZED_KEY", status, m)
	status, m = e.call(t, "POST", "/v1/sandbox/clock/advance", sk, map[string]any{"seconds": -1})
	requireError(t, 400, "INVALID_REQUEST", status, m)
	status, m = e.call(t, "GET", "/v1/nothing-here", sk, nil)
	requireError(t, 404, "NOT_FOUND", status, m)
}
