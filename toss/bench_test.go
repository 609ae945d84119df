package toss_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/paydeck/paydeck/toss"
)

func BenchmarkDecodePayment(b *testing.B) {
	data := fixtureBytes(b, "payment_partial_cancel.json")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var p toss.Payment
		if err := json.Unmarshal(data, &p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseWebhook(b *testing.B) {
	data := fmt.Appendf(nil, `{"eventType":"PAYMENT_STATUS_CHANGED","createdAt":"2023-07-20T16:35:47.729718","data":%s}`,
		fixtureBytes(b, "payment_card_done.json"))
	for b.Loop() {
		if _, err := toss.ParseWebhook(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkConfirmLoopback measures a whole confirm call (encode, HTTP over
// loopback, decode) against an httptest server.
func BenchmarkConfirmLoopback(b *testing.B) {
	body := fixtureBytes(b, "payment_card_done.json")
	srv := newBenchServer(b, body)
	c := toss.NewClient(testSecretKey, toss.WithBaseURL(srv))
	p := &toss.ConfirmParams{PaymentKey: "tviva20250301101530Qx7Lm", OrderID: "ord-20250301-7Kq2Zp", Amount: 15000}
	for b.Loop() {
		if _, err := c.Payments.Confirm(b.Context(), p); err != nil {
			b.Fatal(err)
		}
	}
}

func newBenchServer(b *testing.B, body []byte) string {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, body) }))
	b.Cleanup(srv.Close)
	return srv.URL
}
