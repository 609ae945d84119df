package toss_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/toss"
)

const testCardNumber = "4330123412345678"

// TestSecretsNeverLeak drives every failure path with a server that echoes
// the request (path, auth and body) into its error messages, and checks that
// neither errors, logs nor fmt output ever contain the secret key, the card
// number or the billing key.
func TestSecretsNeverLeak(t *testing.T) {
	t.Parallel()
	secrets := []string{testSecretKey, testCardNumber, string(testBillingKey), "4330-1234-1234-5678"}
	tb := setup(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n%4 == 3 {
			hangUp(t, w)
			return
		}
		echo := fmt.Sprintf("echo %s %s card 4330-1234-1234-5678 %s", r.URL.Path, r.Header.Get("Authorization"), testCardNumber)
		status := []int{http.StatusBadRequest, http.StatusInternalServerError, http.StatusOK}[n%3]
		if status == http.StatusOK {
			// Undecodable answers whose decode errors would quote the value.
			writeJSON(w, status, []byte(`{"totalAmount":`+testCardNumber+`.5,"authenticatedAt":"`+testCardNumber+`"}`))
			return
		}
		writeJSON(w, status, tossError(toss.CodeInvalidCardNumber, echo))
	}, toss.WithMaxRetries(1),
		// net/http resends a request that carries an Idempotency-Key by itself
		// when a reused connection is cut, which would shift the responder's
		// request count; fresh connections keep the sequence deterministic.
		toss.WithHTTPClient(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}))
	c := tb.client
	cx := t.Context()

	var errs []error
	for range 3 {
		_, err := c.Payments.KeyIn(cx, &toss.KeyInParams{Amount: 1000, OrderID: "ord-keyin", OrderName: "x",
			CardNumber: testCardNumber, CardExpirationYear: "29", CardExpirationMonth: "08", CardPassword: "12"})
		errs = append(errs, err)
		_, err = c.Billing.IssueByCard(cx, &toss.BillingCardParams{CustomerKey: "c", CardNumber: testCardNumber})
		errs = append(errs, err)
		_, err = c.Billing.Charge(cx, testBillingKey, &toss.BillingChargeParams{Amount: 1000, CustomerKey: "c", OrderID: "o", OrderName: "n"})
		errs = append(errs, err)
		errs = append(errs, c.Billing.Delete(cx, testBillingKey))
	}
	var text strings.Builder
	failed := 0
	for _, err := range errs {
		if err == nil {
			continue // a 200 for the bodiless delete
		}
		failed++
		fmt.Fprintf(&text, "%v\n%+v\n%#v\n%s\n", err, err, err, err.Error())
	}
	// The responder's sequence is fixed, so is the outcome: 10 of the 12
	// calls fail (a delete that meets a 200 has no body to get wrong).
	require.Equal(t, 10, failed)
	keyIn := toss.KeyInParams{CardNumber: testCardNumber, CardPassword: "12", Amount: 1000}
	billing := toss.Billing{BillingKey: testBillingKey, CustomerKey: "c"}
	card := toss.BillingCardParams{CardNumber: testCardNumber}
	deleted := toss.BillingDeleted{BillingKey: testBillingKey}
	for _, v := range []any{c, *c, keyIn, &keyIn, billing, &billing, card, &card, testBillingKey, deleted, &deleted} {
		fmt.Fprintf(&text, "%v\n%+v\n%#v\n%s\n%q\n", v, v, v, v, v)
	}
	fmt.Fprint(&text, tb.logs.String())

	out := text.String()
	require.Contains(t, out, "toss: POST /v1/billing/{billingKey}", "errors name the route")
	require.Contains(t, out, "[masked]", "echoed card numbers are masked")
	require.Contains(t, out, "[redacted billing key]")
	require.Contains(t, out, "************5678")
	require.Contains(t, tb.logs.String(), "toss: retrying request", "the logs were exercised")
	for _, s := range secrets {
		require.NotContains(t, out, s)
	}
	encodedAuth := strings.TrimPrefix(tb.requests()[0].Header.Get("Authorization"), "Basic ")
	require.NotContains(t, out, encodedAuth)
	require.NotContains(t, out, "Z_t5vOvQxrj4499PeiJcjen28", "not even the escaped billing key")
}
