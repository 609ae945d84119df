package sandbox_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// docs/toss.md#authentication: Basic auth with the secret key as user name and an empty password.
func TestAuthMissingOrUnknownKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	status, m := e.call(t, "GET", "/v1/payments/nope", "", nil)
	requireError(t, 401, "UNAUTHORIZED_KEY", status, m) // docs/toss.md#common-error-codes: key not recognised
	status, m = e.call(t, "GET", "/v1/payments/nope", "live_sk_zXLkKEypNArWmo50nX3lmeaxYG5R", nil)
	requireError(t, 401, "UNAUTHORIZED_KEY", status, m) // docs/toss.md#authentication: only test keys
	status, m = e.call(t, "GET", "/v1/payments/nope", "test_ck_D5GePWvyJnrK0W0k6q8gLzN97Eoq", nil)
	requireError(t, 401, "UNAUTHORIZED_KEY", status, m) // a client key is not a secret key
}

// docs/toss.md#authentication: forgetting the colon gives 403 INCORRECT_BASIC_AUTH_FORMAT.
func TestAuthWithoutColon(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	status, m := e.call(t, "GET", "/v1/payments/nope", "", nil,
		"Authorization", "Basic dGVzdF9za196WExrS0V5cE5BcldtbzUwblgzbG1lYXhZRzVS") // base64("test_sk_…") without ':'
	requireError(t, 403, "INCORRECT_BASIC_AUTH_FORMAT", status, m)
}

var upperHex32 = regexp.MustCompile(`^[0-9A-F]{32}$`)

// docs/toss.md#confirm + docs/toss.md#payment-object: confirm returns a DONE card Payment.
func TestConfirmCardPayment(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.paid(t, "ord-20250301-7Kq2Zp", 15000, "CARD")
	require.Equal(t, "DONE", p["status"])
	require.Equal(t, "카드", p["method"])
	require.Equal(t, "NORMAL", p["type"])
	require.Equal(t, "2022-11-16", p["version"])
	require.Equal(t, "tvivarepublica", p["mId"])
	require.Equal(t, 15000.0, p["totalAmount"])
	require.Equal(t, 15000.0, p["balanceAmount"])
	require.Equal(t, 13636.0, p["suppliedAmount"]) // docs/toss.md#amount-invariants: 15000 → 13636 + 1364
	require.Equal(t, 1364.0, p["vat"])
	require.Equal(t, "2025-03-01T10:15:30+09:00", p["requestedAt"]) // timestamps in KST with offset
	require.Equal(t, "2025-03-01T10:15:30+09:00", p["approvedAt"])
	require.Regexp(t, upperHex32, p["lastTransactionKey"])
	require.Nil(t, p["transactionKey"])
	require.Nil(t, p["secret"]) // null for card payments (docs/toss.md#payment-object secret)
	require.Nil(t, p["cancels"])
	card := p["card"].(map[string]any)
	require.Equal(t, "43301234****123*", card["number"])
	require.Equal(t, "00000000", card["approveNo"])
	require.Equal(t, "신용", card["cardType"])
	require.Equal(t, 15000.0, card["amount"])
	require.Contains(t, p["receipt"].(map[string]any)["url"], "/receipt/redirection?transactionId="+p["paymentKey"].(string))
	require.Contains(t, p["checkout"].(map[string]any)["url"], "/v1/payments/"+p["paymentKey"].(string)+"/checkout")
	require.Contains(t, p, "virtualAccount") // null sub-objects are present as null
	require.Nil(t, p["virtualAccount"])
}

// docs/toss.md#confirm: a second confirm gets 400 ALREADY_PROCESSED_PAYMENT.
func TestConfirmTwice(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.paid(t, "order-twice", 1000, "CARD")
	status, m := e.call(t, "POST", "/v1/payments/confirm", sk, map[string]any{"paymentKey": p["paymentKey"], "orderId": "order-twice", "amount": 1000})
	requireError(t, 400, "ALREADY_PROCESSED_PAYMENT", status, m)
}

// docs/toss.md#confirm: the amount must equal the authenticated amount; the session survives a mismatch.
func TestConfirmAmountMismatch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := e.authorize(t, sk, "order-amount", 5000, "CARD")
	status, m := e.call(t, "POST", "/v1/payments/confirm", sk, map[string]any{"paymentKey": key, "orderId": "order-amount", "amount": 4000})
	requireError(t, 400, "INVALID_REQUEST", status, m)
	status, m = e.call(t, "POST", "/v1/payments/confirm", sk, map[string]any{"paymentKey": key, "orderId": "order-amount", "amount": 5000})
	require.Equal(t, 200, status, "%v", m)
	require.Equal(t, "DONE", m["status"])
}

// docs/toss.md#confirm: confirm more than 10 minutes after authentication → 404
// NOT_FOUND_PAYMENT_SESSION and the payment becomes EXPIRED.
func TestConfirmAfterSessionExpired(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := e.authorize(t, sk, "order-expire", 5000, "CARD")
	e.advance(t, 9*60+59)
	_, m := e.call(t, "GET", "/v1/payments/"+key, sk, nil)
	require.Equal(t, "IN_PROGRESS", m["status"])
	e.advance(t, 1)
	status, m := e.call(t, "POST", "/v1/payments/confirm", sk, map[string]any{"paymentKey": key, "orderId": "order-expire", "amount": 5000})
	requireError(t, 404, "NOT_FOUND_PAYMENT_SESSION", status, m)
	_, m = e.call(t, "GET", "/v1/payments/"+key, sk, nil)
	require.Equal(t, "EXPIRED", m["status"])
	require.Equal(t, "EXPIRED_PAYMENT", m["failure"].(map[string]any)["code"]) // docs/toss.md#payment-object failure
}

// docs/toss.md#endpoint-errors: orderId and paymentKey that do not belong together → NOT_FOUND_PAYMENT_SESSION.
func TestConfirmOrderMismatch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := e.authorize(t, sk, "order-aaaa", 5000, "CARD")
	status, m := e.call(t, "POST", "/v1/payments/confirm", sk, map[string]any{"paymentKey": key, "orderId": "order-bbbb", "amount": 5000})
	requireError(t, 404, "NOT_FOUND_PAYMENT_SESSION", status, m)
}

// docs/toss.md#authentication: a widget payment must be confirmed with the widget secret key.
func TestConfirmWithOtherKeyFamily(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := e.authorize(t, gsk, "order-widget", 5000, "CARD")
	status, m := e.call(t, "POST", "/v1/payments/confirm", sk, map[string]any{"paymentKey": key, "orderId": "order-widget", "amount": 5000})
	requireError(t, 400, "INVALID_API_KEY", status, m)
	status, m = e.call(t, "POST", "/v1/payments/confirm", gsk, map[string]any{"paymentKey": key, "orderId": "order-widget", "amount": 5000})
	require.Equal(t, 200, status, "%v", m)
}

// docs/toss.md#get-payment: get by paymentKey and by orderId; unknown → 404 NOT_FOUND_PAYMENT.
func TestGetPayment(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.paid(t, "order-get-1", 3000, "CARD")
	key := p["paymentKey"].(string)
	status, byKey := e.call(t, "GET", "/v1/payments/"+key, sk, nil)
	require.Equal(t, 200, status)
	require.Equal(t, p, byKey)
	status, byOrder := e.call(t, "GET", "/v1/payments/orders/order-get-1", sk, nil)
	require.Equal(t, 200, status)
	require.Equal(t, p, byOrder)
	status, m := e.call(t, "GET", "/v1/payments/tviva-unknown", sk, nil)
	requireError(t, 404, "NOT_FOUND_PAYMENT", status, m)
	status, m = e.call(t, "GET", "/v1/payments/orders/order-unknown", sk, nil)
	requireError(t, 404, "NOT_FOUND_PAYMENT", status, m)
}

// docs/toss.md#identifiers: orderId is 6–64 of [A-Za-z0-9_-], orderName 1–100.
func TestOrderValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tc := range []struct{ orderID, orderName, code string }{
		{"abc12", "상품", "INVALID_ORDER_ID"},
		{string(make([]byte, 65)), "상품", "INVALID_ORDER_ID"},
		{"order.with.dot", "상품", "INVALID_ORDER_ID"},
		{"order id", "상품", "INVALID_ORDER_ID"},
		{"order-ok-1", "", "INVALID_ORDER_NAME"},
		{"order-ok-2", string([]rune(strings101())), "INVALID_ORDER_NAME"},
	} {
		status, m := e.call(t, "POST", "/v1/payments/key-in", sk, map[string]any{
			"amount": 1000, "orderId": tc.orderID, "orderName": tc.orderName, "cardNumber": "4330123412341234",
			"cardExpirationYear": "29", "cardExpirationMonth": "08", "customerIdentityNumber": "881212",
		})
		requireError(t, 400, tc.code, status, m)
	}
}

func strings101() string {
	b := make([]rune, 101)
	for i := range b {
		b[i] = '가'
	}
	return string(b)
}

// docs/toss.md#identifiers: card ≥ 100 KRW, account-based ≥ 200 KRW (BELOW_MINIMUM_AMOUNT).
func TestMinimumAmounts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	status, m := e.call(t, "POST", "/v1/sandbox/authorize", sk, map[string]any{"orderId": "order-min-1", "amount": 99, "orderName": "x", "method": "CARD"})
	requireError(t, 400, "BELOW_MINIMUM_AMOUNT", status, m)
	status, m = e.call(t, "POST", "/v1/sandbox/authorize", sk, map[string]any{"orderId": "order-min-2", "amount": 199, "orderName": "x", "method": "TRANSFER"})
	requireError(t, 400, "BELOW_MINIMUM_AMOUNT", status, m)
	status, _ = e.call(t, "POST", "/v1/sandbox/authorize", sk, map[string]any{"orderId": "order-min-3", "amount": 200, "orderName": "x", "method": "TRANSFER"})
	require.Equal(t, 200, status)
}

// docs/toss.md#easy-pay: an easy-pay payment has easyPay filled, card null, a secret.
func TestConfirmEasyPay(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.paid(t, "order-easy", 30000, "EASY_PAY")
	require.Equal(t, "간편결제", p["method"])
	require.Nil(t, p["card"])
	ep := p["easyPay"].(map[string]any)
	require.Equal(t, "토스페이", ep["provider"])
	require.Equal(t, 30000.0, ep["amount"])
	require.Regexp(t, `^ps_[A-Za-z0-9]{24}$`, p["secret"])
}
