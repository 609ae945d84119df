package sandbox_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func keyInBody(orderID string, amount int64) map[string]any {
	return map[string]any{
		"amount": amount, "orderId": orderID, "orderName": "키인 상품", "cardNumber": "4330123412341234",
		"cardExpirationYear": "29", "cardExpirationMonth": "08", "customerIdentityNumber": "881212",
	}
}

// docs/toss.md#key-in: key-in is approved in one call (DONE) with a masked card.
func TestKeyIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	status, p := e.call(t, "POST", "/v1/payments/key-in", sk, keyInBody("order-keyin-1", 50000))
	require.Equal(t, 200, status, "%v", p)
	require.Equal(t, "DONE", p["status"])
	require.Equal(t, "카드", p["method"])
	require.Equal(t, "43301234****123*", p["card"].(map[string]any)["number"])
	require.Equal(t, "개인", p["card"].(map[string]any)["ownerType"])
	require.Equal(t, 45455.0, p["suppliedAmount"]) // docs/toss.md#amount-invariants: 50000 → 45455 + 4545
	require.Equal(t, 4545.0, p["vat"])
	status, m := e.call(t, "POST", "/v1/payments/key-in", sk, keyInBody("order-keyin-1", 50000))
	requireError(t, 400, "DUPLICATED_ORDER_ID", status, m) // docs/toss.md#endpoint-errors
}

// docs/toss.md#endpoint-errors: card data validation codes.
func TestKeyInValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tc := range []struct {
		field, value, code string
	}{
		{"cardNumber", "4330-1234", "INVALID_CARD_NUMBER"},
		{"cardExpirationYear", "2029", "INVALID_CARD_EXPIRATION"},
		{"cardExpirationMonth", "13", "INVALID_CARD_EXPIRATION"},
		{"cardExpirationYear", "24", "INVALID_CARD_EXPIRATION"}, // expired on the sandbox clock (2025-03)
		{"customerIdentityNumber", "19881212", "INVALID_BIRTH_DAY_FORMAT"},
		{"cardPassword", "123", "INVALID_CARD_PASSWORD"},
		{"customerEmail", "not-an-email", "INVALID_EMAIL"},
	} {
		body := keyInBody("order-keyin-val", 1000)
		body[tc.field] = tc.value
		status, m := e.call(t, "POST", "/v1/payments/key-in", sk, body)
		requireError(t, 400, tc.code, status, m)
	}
	body := keyInBody("order-keyin-inst", 10000)
	body["cardInstallmentPlan"] = 3
	status, m := e.call(t, "POST", "/v1/payments/key-in", sk, body)
	requireError(t, 400, "NOT_SUPPORTED_MONTHLY_INSTALLMENT_PLAN", status, m) // docs/toss.md#key-in: installments from 50,000 KRW
}

// docs/toss.md#billing: billing uses the individual-API pair only.
func TestBillingNeedsAPIKeyFamily(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	status, m := e.call(t, "POST", "/v1/billing/authorizations/card", gsk, map[string]any{
		"customerKey": "cust-1", "cardNumber": "4330123412341234", "cardExpirationYear": "29",
		"cardExpirationMonth": "08", "customerIdentityNumber": "881212",
	})
	requireError(t, 400, "INVALID_API_KEY", status, m)
}

func issueBilling(t *testing.T, e *env, customerKey string) string {
	t.Helper()
	status, m := e.call(t, "POST", "/v1/billing/authorizations/card", sk, map[string]any{
		"customerKey": customerKey, "cardNumber": "5365101234567890", "cardExpirationYear": "29",
		"cardExpirationMonth": "08", "customerIdentityNumber": "1234567890",
	})
	require.Equal(t, 200, status, "%v", m)
	require.Equal(t, customerKey, m["customerKey"])
	require.Equal(t, "카드", m["method"])
	require.Equal(t, "53651012****789*", m["card"].(map[string]any)["number"])
	require.Equal(t, "법인", m["card"].(map[string]any)["ownerType"]) // 10-digit identity = business
	return m["billingKey"].(string)
}

// docs/toss.md#billing-charge/docs/toss.md#billing-delete + docs/toss.md#transport: charge and delete a billing key whose path must be escaped.
func TestBillingChargeAndDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	bk := issueBilling(t, e, "cust-billing-1")
	require.True(t, strings.HasSuffix(bk, "="), "billing keys are base64 with padding: %s", bk)
	path := "/v1/billing/" + url.PathEscape(bk)
	charge := map[string]any{"customerKey": "cust-billing-1", "amount": 9900, "orderId": "order-bill-1", "orderName": "월 구독"}
	status, p := e.call(t, "POST", path, sk, charge)
	require.Equal(t, 200, status, "%v", p)
	require.Equal(t, "BILLING", p["type"])
	require.Equal(t, "DONE", p["status"])
	require.Equal(t, "53651012****789*", p["card"].(map[string]any)["number"])

	status, m := e.call(t, "POST", path, sk, charge)
	requireError(t, 400, "DUPLICATED_ORDER_ID", status, m)
	charge["orderId"], charge["customerKey"] = "order-bill-2", "someone-else"
	status, m = e.call(t, "POST", path, sk, charge)
	requireError(t, 400, "NOT_MATCHES_CUSTOMER_KEY", status, m)

	status, raw := e.req(t, "DELETE", path, sk, nil)
	require.Equal(t, 200, status)
	require.Empty(t, raw) // docs/toss.md#billing-delete: empty body
	charge["customerKey"] = "cust-billing-1"
	status, m = e.call(t, "POST", path, sk, charge)
	requireError(t, 404, "NOT_FOUND_BILLING", status, m)
	status, m = e.call(t, "DELETE", path, sk, nil)
	requireError(t, 404, "NOT_FOUND_BILLING", status, m)
}

// docs/toss.md#billing-issue: an authKey from requestBillingAuth is exchanged once for a billing key.
func TestBillingFromAuthKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	status, m := e.call(t, "POST", "/v1/sandbox/billing/auth-keys", sk, map[string]any{"customerKey": "cust-auth-1"})
	require.Equal(t, 200, status, "%v", m)
	authKey := m["authKey"].(string)
	status, m = e.call(t, "POST", "/v1/billing/authorizations/issue", sk, map[string]any{"authKey": authKey, "customerKey": "other-cust"})
	requireError(t, 400, "INVALID_BILLING_AUTH", status, m)
	status, m = e.call(t, "POST", "/v1/billing/authorizations/issue", sk, map[string]any{"authKey": authKey, "customerKey": "cust-auth-1"})
	require.Equal(t, 200, status, "%v", m)
	require.NotEmpty(t, m["billingKey"])
	status, m = e.call(t, "POST", "/v1/billing/authorizations/issue", sk, map[string]any{"authKey": authKey, "customerKey": "cust-auth-1"})
	requireError(t, 400, "INVALID_BILLING_AUTH", status, m) // one-time
}
