package sandbox_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

// docs/toss.md#accept-language: with "Accept-Language: en-US" Toss's own values and messages
// come in English; without it, in Korean.
func TestAcceptLanguageEnglish(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	en := []string{"Accept-Language", "en-US"}

	key := e.authorize(t, sk, "order-english", 15000, "CARD")
	status, p := e.call(t, "POST", "/v1/payments/confirm", sk, map[string]any{"paymentKey": key, "orderId": "order-english", "amount": 15000}, en...)
	require.Equal(t, 200, status, "%v", p)
	require.Equal(t, "CARD", p["method"])
	card := p["card"].(map[string]any)
	require.Equal(t, "CREDIT", card["cardType"])
	require.Equal(t, "PERSONAL", card["ownerType"])
	require.Equal(t, "토스 티셔츠 외 2건", p["orderName"], "what the merchant sent stays as sent")
	_, ko := e.call(t, "GET", "/v1/payments/"+key, sk, nil)
	require.Equal(t, "카드", ko["method"])
	require.Equal(t, "신용", ko["card"].(map[string]any)["cardType"])

	status, m := e.call(t, "POST", "/v1/payments/confirm", sk, map[string]any{"paymentKey": key, "orderId": "order-english", "amount": 15000}, en...)
	requireError(t, 400, "ALREADY_PROCESSED_PAYMENT", status, m)
	require.Equal(t, "The payment has already been processed.", m["message"])
	status, m = e.call(t, "GET", "/v1/payments/nope", "", nil, en...)
	requireError(t, 401, "UNAUTHORIZED_KEY", status, m)
	require.Equal(t, "The secret key or client key is not authorized.", m["message"])
	status, m = e.call(t, "GET", "/v1/nothing-here", sk, nil, en...)
	requireError(t, 404, "NOT_FOUND", status, m)
	require.Equal(t, "The requested resource was not found.", m["message"])
	status, m = e.call(t, "GET", "/v1/payments/nope", sk, nil, append(en, "TossPayments-Test-Code", "NOT_FOUND_PAYMENT")...)
	requireError(t, 404, "NOT_FOUND_PAYMENT", status, m)
	require.Equal(t, "Error forced by TossPayments-Test-Code: NOT_FOUND_PAYMENT", m["message"])
	status, m = e.call(t, "GET", "/v1/payments/nope", sk, nil)
	requireError(t, 404, "NOT_FOUND_PAYMENT", status, m)
	require.Equal(t, "존재하지 않는 결제 정보 입니다.", m["message"])

	status, va := e.call(t, "POST", "/v1/virtual-accounts", sk, map[string]any{
		"amount": 30000, "orderId": "order-english-va", "orderName": "캠핑 의자", "customerName": "박토스", "bank": "20", "accountKey": "fixed-1",
	}, en...)
	require.Equal(t, 200, status, "%v", va)
	require.Equal(t, "VIRTUAL_ACCOUNT", va["method"])
	require.Equal(t, "FIXED", va["virtualAccount"].(map[string]any)["accountType"])

	easyKey := e.authorize(t, sk, "order-english-ez", 15000, "EASY_PAY")
	status, ez := e.call(t, "POST", "/v1/payments/confirm", sk, map[string]any{"paymentKey": easyKey, "orderId": "order-english-ez", "amount": 15000}, en...)
	require.Equal(t, 200, status, "%v", ez)
	require.Equal(t, "EASY_PAY", ez["method"])
	require.Equal(t, "TOSSPAY", ez["easyPay"].(map[string]any)["provider"])

	status, b := e.call(t, "POST", "/v1/billing/authorizations/card", sk, map[string]any{
		"customerKey": "cust-english", "cardNumber": "5365101234567890", "cardExpirationYear": "29",
		"cardExpirationMonth": "08", "customerIdentityNumber": "1234567890",
	}, en...)
	require.Equal(t, 200, status, "%v", b)
	require.Equal(t, "CARD", b["method"])
	require.Equal(t, "CORPORATE", b["card"].(map[string]any)["ownerType"])
	require.Equal(t, "CREDIT", b["card"].(map[string]any)["cardType"])
	require.NotEmpty(t, b["cardCompany"])
	require.Regexp(t, `^[A-Z]+$`, b["cardCompany"])

	status, raw := e.req(t, "GET", "/v1/transactions?startDate="+url.QueryEscape("2025-03-01T00:00:00")+"&endDate=2025-03-02", sk, nil, en...)
	require.Equal(t, 200, status)
	require.Contains(t, string(raw), `"method":"CARD"`)
	require.NotContains(t, string(raw), `"method":"카드"`)
}

// docs/toss.md#idempotency: an idempotent replay is the first response, in the first
// request's language.
func TestIdempotentReplayKeepsLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := e.authorize(t, sk, "order-replay-en", 15000, "CARD")
	body := map[string]any{"paymentKey": key, "orderId": "order-replay-en", "amount": 15000}
	status, first := e.call(t, "POST", "/v1/payments/confirm", sk, body, "Idempotency-Key", "k-replay-en", "Accept-Language", "en-US")
	require.Equal(t, 200, status, "%v", first)
	status, again := e.call(t, "POST", "/v1/payments/confirm", sk, body, "Idempotency-Key", "k-replay-en")
	require.Equal(t, 200, status)
	require.Equal(t, first, again)
	require.Equal(t, "CARD", again["method"])

	status, m := e.call(t, "POST", "/v1/payments/confirm", sk, map[string]any{"paymentKey": "nope", "orderId": "order-replay-en", "amount": 1}, "Idempotency-Key", "k-replay-err", "Accept-Language", "en-US")
	requireError(t, 404, "NOT_FOUND_PAYMENT_SESSION", status, m)
	_, m2 := e.call(t, "POST", "/v1/payments/confirm", sk, map[string]any{"paymentKey": "nope", "orderId": "order-replay-en", "amount": 1}, "Idempotency-Key", "k-replay-err")
	require.Equal(t, m, m2)
}
