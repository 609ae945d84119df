package sandbox_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func issueVA(t *testing.T, e *env, orderID string, extra map[string]any) map[string]any {
	t.Helper()
	body := map[string]any{"amount": 30000, "orderId": orderID, "orderName": "캠핑 의자 외 1건", "customerName": "박토스", "bank": "20"}
	for k, v := range extra {
		body[k] = v
	}
	status, m := e.call(t, "POST", "/v1/virtual-accounts", sk, body)
	require.Equal(t, 200, status, "%v", m)
	return m
}

// docs/toss.md#virtual-account-issue + docs/toss.md#payment-object: issue → WAITING_FOR_DEPOSIT with virtualAccount and secret.
func TestIssueVirtualAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := issueVA(t, e, "order-va-1", nil)
	require.Equal(t, "WAITING_FOR_DEPOSIT", p["status"])
	require.Equal(t, "가상계좌", p["method"])
	require.Nil(t, p["approvedAt"])
	require.Regexp(t, `^ps_[A-Za-z0-9]{24}$`, p["secret"])
	require.Regexp(t, upperHex32, p["lastTransactionKey"])
	v := p["virtualAccount"].(map[string]any)
	require.Regexp(t, `^X\d{13}$`, v["accountNumber"])
	require.Equal(t, "20", v["bankCode"])
	require.Equal(t, "일반", v["accountType"])
	require.Equal(t, "박토스", v["customerName"])
	require.Equal(t, "2025-03-08T10:15:30+09:00", v["dueDate"]) // validHours default 168
	require.Equal(t, false, v["expired"])
	require.Equal(t, "NONE", v["refundStatus"])
	require.Contains(t, p["receipt"].(map[string]any)["url"], "bank-transfer")
}

// docs/toss.md#endpoint-errors: bank, validHours and dueDate rules.
func TestIssueVirtualAccountValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	base := map[string]any{"amount": 30000, "orderId": "order-va-bad", "orderName": "x", "customerName": "박토스", "bank": "20"}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for kk, vv := range base {
			m[kk] = vv
		}
		m[k] = v
		return m
	}
	for _, tc := range []struct {
		body   map[string]any
		status int
		code   string
	}{
		{with("bank", "99"), 400, "INVALID_BANK"},
		{with("validHours", 2161), 400, "EXCEED_MAX_VALID_HOURS"},
		{with("dueDate", "2025-06-30T00:00:00"), 400, "EXCEED_MAX_DUE_DATE"},
		{with("amount", 199), 400, "BELOW_MINIMUM_AMOUNT"},
		{with("customerName", ""), 400, "INVALID_REQUEST"},
	} {
		status, m := e.call(t, "POST", "/v1/virtual-accounts", sk, tc.body)
		requireError(t, tc.status, tc.code, status, m)
	}
	both := with("validHours", 24)
	both["dueDate"] = "2025-03-02T00:00:00"
	status, m := e.call(t, "POST", "/v1/virtual-accounts", sk, both)
	requireError(t, 400, "INVALID_VALID_HOURS_WITH_DUE_DATE_AND_SINGLE", status, m)
	p := issueVA(t, e, "order-va-due", map[string]any{"dueDate": "2025-03-02T23:59:59", "bank": "신한"})
	v := p["virtualAccount"].(map[string]any)
	require.Equal(t, "2025-03-02T23:59:59+09:00", v["dueDate"])
	require.Equal(t, "88", v["bankCode"]) // Korean bank names are accepted (docs/toss.md#versioning 2022-11-16)
}

// docs/toss.md#payment-status: WAITING_FOR_DEPOSIT → DONE on deposit.
func TestDeposit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := issueVA(t, e, "order-va-dep", nil)
	e.advance(t, 3600)
	status, m := e.call(t, "POST", "/v1/sandbox/virtual-accounts/"+p["paymentKey"].(string)+"/deposit", sk, nil)
	require.Equal(t, 200, status, "%v", m)
	require.Equal(t, "DONE", m["status"])
	require.Equal(t, "2025-03-01T11:15:30+09:00", m["approvedAt"])
	require.Equal(t, "박토스", m["virtualAccount"].(map[string]any)["depositorName"])
	require.NotEqual(t, p["lastTransactionKey"], m["lastTransactionKey"])
	status, m = e.call(t, "POST", "/v1/sandbox/virtual-accounts/"+p["paymentKey"].(string)+"/deposit", sk, nil)
	requireError(t, 400, "INVALID_REQUEST", status, m)
}

// docs/toss.md#time-windows: past the due date the account is expired, status stays
// WAITING_FOR_DEPOSIT, and a deposit is refused.
func TestVirtualAccountExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := issueVA(t, e, "order-va-exp", map[string]any{"validHours": 1})
	e.advance(t, 3600)
	_, m := e.call(t, "GET", "/v1/payments/"+p["paymentKey"].(string), sk, nil)
	require.Equal(t, "WAITING_FOR_DEPOSIT", m["status"])
	require.Equal(t, true, m["virtualAccount"].(map[string]any)["expired"])
	status, m := e.call(t, "POST", "/v1/sandbox/virtual-accounts/"+p["paymentKey"].(string)+"/deposit", sk, nil)
	requireError(t, 400, "INVALID_REQUEST", status, m)
}

// docs/toss.md#cancel: before deposit only a full cancel (NOT_ALLOWED_PARTIAL_REFUND_WAITING_DEPOSIT), no refund account.
func TestCancelWaitingVirtualAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := issueVA(t, e, "order-va-cw", nil)
	status, m := e.call(t, "POST", cancelPath(p), sk, map[string]any{"cancelReason": "x", "cancelAmount": 1000})
	requireError(t, 403, "NOT_ALLOWED_PARTIAL_REFUND_WAITING_DEPOSIT", status, m)
	status, m = e.call(t, "POST", cancelPath(p), sk, map[string]any{"cancelReason": "x"})
	require.Equal(t, 200, status, "%v", m)
	require.Equal(t, "CANCELED", m["status"])
}

// docs/toss.md#cancel: a deposited virtual account needs refundReceiveAccount; the refund completes ~2 days later.
func TestCancelDepositedVirtualAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := issueVA(t, e, "order-va-cd", nil)
	status, _ := e.call(t, "POST", "/v1/sandbox/virtual-accounts/"+p["paymentKey"].(string)+"/deposit", sk, nil)
	require.Equal(t, 200, status)
	status, m := e.call(t, "POST", cancelPath(p), sk, map[string]any{"cancelReason": "x", "cancelAmount": 10000})
	requireError(t, 400, "INVALID_REQUEST", status, m) // docs/toss.md#endpoint-errors (code UNCONFIRMED)
	acct := func(bank, number, holder string) map[string]any {
		return map[string]any{"cancelReason": "x", "cancelAmount": 10000,
			"refundReceiveAccount": map[string]any{"bank": bank, "accountNumber": number, "holderName": holder}}
	}
	status, m = e.call(t, "POST", cancelPath(p), sk, acct("00", "12345678901", "박토스"))
	requireError(t, 400, "INVALID_BANK", status, m)
	status, m = e.call(t, "POST", cancelPath(p), sk, acct("88", "1234-5678", "박토스"))
	requireError(t, 400, "INVALID_REFUND_ACCOUNT_NUMBER", status, m)
	status, m = e.call(t, "POST", cancelPath(p), sk, acct("88", "12345678901", "박토스"))
	require.Equal(t, 200, status, "%v", m)
	require.Equal(t, "PARTIAL_CANCELED", m["status"])
	require.Equal(t, "PENDING", m["virtualAccount"].(map[string]any)["refundStatus"])
	e.advance(t, 48*3600)
	_, m = e.call(t, "GET", "/v1/payments/"+p["paymentKey"].(string), sk, nil)
	require.Equal(t, "COMPLETED", m["virtualAccount"].(map[string]any)["refundStatus"])
}

// docs/toss.md#payment-window: a VIRTUAL_ACCOUNT chosen in the window is confirmed into WAITING_FOR_DEPOSIT.
func TestConfirmVirtualAccountFromWindow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.paid(t, "order-va-window", 20000, "VIRTUAL_ACCOUNT")
	require.Equal(t, "WAITING_FOR_DEPOSIT", p["status"])
	require.NotNil(t, p["secret"])
	require.Equal(t, "박토스", p["virtualAccount"].(map[string]any)["customerName"])
}
