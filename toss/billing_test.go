package toss_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/toss"
)

// A billing key as Toss issues them: base64 with '+', '/' and '='.
const testBillingKey = toss.BillingKey("Z_t5vOvQxrj4499PeiJcjen28-V2RyqgYTwN44Rdzk0=+a/b")

const billingJSON = `{
  "mId": "tvivarepublica",
  "customerKey": "cust-8f1c2a",
  "authenticatedAt": "2025-03-01T11:00:00+09:00",
  "method": "카드",
  "billingKey": "Z_t5vOvQxrj4499PeiJcjen28-V2RyqgYTwN44Rdzk0=+a/b",
  "card": {"issuerCode": "71", "acquirerCode": "71", "number": "43301234****123*", "cardType": "신용", "ownerType": "개인"},
  "cardCompany": "롯데",
  "cardNumber": "43301234****123*"
}`

func TestBillingIssueByAuthKey(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusOK, []byte(billingJSON)))

	b, err := tb.client.Billing.IssueByAuthKey(t.Context(), &toss.BillingAuthKeyParams{AuthKey: "bln_auth_1", CustomerKey: "cust-8f1c2a"})
	require.NoError(t, err)
	r := tb.requests()[0]
	require.Equal(t, http.MethodPost, r.Method)
	require.Equal(t, "/v1/billing/authorizations/issue", r.RequestURI)
	require.NotEmpty(t, r.Header.Get("Idempotency-Key"))
	requireJSONEqual(t, `{"authKey":"bln_auth_1","customerKey":"cust-8f1c2a"}`, r.Body)

	require.Equal(t, testBillingKey, b.BillingKey)
	require.Equal(t, toss.MethodCard, b.Method)
	require.Equal(t, toss.CardTypeCredit, b.Card.CardType)
	require.True(t, b.AuthenticatedAt.Equal(time.Date(2025, 3, 1, 2, 0, 0, 0, time.UTC)))
}

func TestBillingIssueByCard(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusOK, []byte(billingJSON)))

	_, err := tb.client.Billing.IssueByCard(t.Context(), &toss.BillingCardParams{
		CustomerKey: "cust-8f1c2a", CardNumber: "4330123412341234", CardExpirationYear: "29",
		CardExpirationMonth: "08", CustomerIdentityNumber: "881212",
	})
	require.NoError(t, err)
	r := tb.requests()[0]
	require.Equal(t, "/v1/billing/authorizations/card", r.RequestURI)
	requireJSONEqual(t, `{"customerKey":"cust-8f1c2a","cardNumber":"4330123412341234","cardExpirationYear":"29",
		"cardExpirationMonth":"08","customerIdentityNumber":"881212"}`, r.Body)
}

func TestBillingChargeEscapesKey(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusOK, fixture(t, "payment_card_done.json")))

	p, err := tb.client.Billing.Charge(t.Context(), testBillingKey, &toss.BillingChargeParams{
		Amount: 9900, CustomerKey: "cust-8f1c2a", OrderID: "sub-2025-03-a1", OrderName: "월 구독",
		Params: toss.Params{IdempotencyKey: "charge:sub-2025-03-a1"},
	})
	require.NoError(t, err)
	r := tb.requests()[0]
	require.Equal(t, http.MethodPost, r.Method)
	require.Equal(t, "/v1/billing/Z_t5vOvQxrj4499PeiJcjen28-V2RyqgYTwN44Rdzk0%3D%2Ba%2Fb", r.RequestURI)
	require.Equal(t, "/v1/billing/"+string(testBillingKey), r.Path, "the server decodes it back to one segment")
	require.Equal(t, "charge:sub-2025-03-a1", r.Header.Get("Idempotency-Key"))
	requireJSONEqual(t, `{"amount":9900,"customerKey":"cust-8f1c2a","orderId":"sub-2025-03-a1","orderName":"월 구독"}`, r.Body)
	require.Equal(t, toss.StatusDone, p.Status)
}

func TestBillingDelete(t *testing.T) {
	t.Parallel()
	tb := setup(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })

	require.NoError(t, tb.client.Billing.Delete(t.Context(), testBillingKey))
	r := tb.requests()[0]
	require.Equal(t, http.MethodDelete, r.Method)
	require.Equal(t, "/v1/billing/Z_t5vOvQxrj4499PeiJcjen28-V2RyqgYTwN44Rdzk0%3D%2Ba%2Fb", r.RequestURI)
	require.Empty(t, r.Body)
	require.Empty(t, r.Header.Get("Idempotency-Key"))
}

func TestBillingDeleteNotFound(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusNotFound, tossError(toss.CodeNotFoundBilling, "존재하지 않는 빌링키")))

	err := tb.client.Billing.Delete(t.Context(), testBillingKey)
	require.True(t, toss.IsCode(err, toss.CodeNotFoundBilling))
	require.NotContains(t, err.Error(), string(testBillingKey))
}
