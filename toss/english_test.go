package toss_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/toss"
)

// acceptLanguage adds an Accept-Language header to every request, as a
// client written for Toss's English API docs does.
type acceptLanguage struct {
	value string
	next  http.RoundTripper
}

func (a acceptLanguage) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Accept-Language", a.value)
	return a.next.RoundTrip(r)
}

// With "Accept-Language: en-US" the sandbox answers in English (CARD,
// CREDIT, PERSONAL, VIRTUAL_ACCOUNT, FIXED, English messages); the client
// decodes those to the same constants as the Korean default.
func TestSandboxEnglishRoundTrip(t *testing.T) {
	t.Parallel()
	sb := setupSandbox(t, toss.WithHTTPClient(&http.Client{Transport: acceptLanguage{"en-US", http.DefaultTransport}}))
	korean := toss.NewClient(testSecretKey, toss.WithBaseURL(sb.url), toss.WithBackoff(0, 0))
	c, cx := sb.client, t.Context()

	pk := sb.authorize(t, "it-english-0001", 15000, "CARD")
	p, err := c.Payments.Confirm(cx, &toss.ConfirmParams{PaymentKey: pk, OrderID: "it-english-0001", Amount: 15000})
	require.NoError(t, err)
	require.Equal(t, toss.MethodCard, p.Method)
	require.NotNil(t, p.Card)
	require.Equal(t, toss.CardTypeCredit, p.Card.CardType)
	require.Equal(t, toss.OwnerTypePersonal, p.Card.OwnerType)
	ko, err := korean.Payments.Get(cx, pk)
	require.NoError(t, err)
	require.Equal(t, ko.Method, p.Method)
	require.Equal(t, ko.Card.CardType, p.Card.CardType)
	require.Equal(t, ko.Card.OwnerType, p.Card.OwnerType)

	va, err := c.VirtualAccounts.Issue(cx, &toss.VirtualAccountParams{Amount: 30000, OrderID: "it-english-va01",
		OrderName: "캠핑 의자", CustomerName: "박토스", Bank: "20", AccountKey: "fixed-en-1"})
	require.NoError(t, err)
	require.Equal(t, toss.MethodVirtualAccount, va.Method)
	require.NotNil(t, va.VirtualAccount)
	require.Equal(t, toss.AccountTypeFixed, va.VirtualAccount.AccountType)

	b, err := c.Billing.IssueByCard(cx, &toss.BillingCardParams{CustomerKey: "cust-english-1", CardNumber: "5365101234567890",
		CardExpirationYear: "29", CardExpirationMonth: "08", CustomerIdentityNumber: "1234567890"})
	require.NoError(t, err)
	require.Equal(t, toss.MethodCard, b.Method)
	require.Equal(t, toss.OwnerTypeCorporate, b.Card.OwnerType)

	_, err = c.Payments.Confirm(cx, &toss.ConfirmParams{PaymentKey: pk, OrderID: "it-english-0001", Amount: 15000})
	var te *toss.Error
	require.True(t, errors.As(err, &te), "%v", err)
	require.Equal(t, toss.CodeAlreadyProcessedPayment, te.Code)
	require.Equal(t, "The payment has already been processed.", te.Message)
	_, err = korean.Payments.Confirm(cx, &toss.ConfirmParams{PaymentKey: pk, OrderID: "it-english-0001", Amount: 15000})
	require.True(t, errors.As(err, &te), "%v", err)
	require.Equal(t, "이미 처리된 결제 입니다.", te.Message)
}
