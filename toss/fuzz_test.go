package toss_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/paydeck/paydeck/toss"
)

// FuzzDecodePayment checks that decoding any bytes as a Payment never
// panics, and that whatever decodes re-encodes to JSON that decodes to the
// same encoding again (the wire shape is stable).
func FuzzDecodePayment(f *testing.F) {
	for _, name := range []string{"payment_card_done.json", "payment_va_waiting.json", "payment_partial_cancel.json", "payment_easypay.json"} {
		f.Add(fixtureBytes(f, name))
	}
	f.Add([]byte(`{"totalAmount":1e3,"approvedAt":"2025-03-01T10:16:02.5+09:00","method":"CARD"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p toss.Payment
		if err := json.Unmarshal(data, &p); err != nil {
			return
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		var again toss.Payment
		if err := json.Unmarshal(out, &again); err != nil {
			t.Fatalf("re-decode of %s: %v", out, err)
		}
		out2, err := json.Marshal(again)
		if err != nil || string(out2) != string(out) {
			t.Fatalf("unstable encoding:\n%s\n%s", out, out2)
		}
	})
}

// FuzzParseWebhook checks that ParseWebhook never panics and either returns
// an event or an error wrapping ErrInvalidWebhook.
func FuzzParseWebhook(f *testing.F) {
	f.Add([]byte(`{"createdAt":"2022-01-01T00:00:00.000000","secret":"ps_x","status":"DONE","transactionKey":"t","orderId":"o"}`))
	f.Add([]byte(`{"eventType":"BILLING_DELETED","createdAt":"2024-12-01T00:00:00.000000","data":{"billingKey":"k","reason":null}}`))
	f.Add([]byte(`{"eventType":"payout.changed","entityBody":{"amount":{"value":5000.0}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := toss.ParseWebhook(data)
		switch {
		case err != nil && !errors.Is(err, toss.ErrInvalidWebhook):
			t.Fatalf("error does not wrap ErrInvalidWebhook: %v", err)
		case err == nil && ev == nil:
			t.Fatal("nil event without error")
		case err == nil:
			_ = ev.EventType()
		}
	})
}
