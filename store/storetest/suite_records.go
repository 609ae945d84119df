package storetest

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/store"
)

// withDonePayment returns a new store holding one customer's order of one
// product, paid by a done payment.
func withDonePayment(t *testing.T, newDB NewDBFunc) (store.DB, *paydeck.User, *paydeck.Order, *paydeck.Payment) {
	db, _ := newClockDB(t, newDB)
	user := MustCreateUser(t, db, nil)
	o := MustPlaceOrder(t, db, user.ID, Line{MustCreateProduct(t, db, nil), 1})
	return db, user, o, MustCreatePayment(t, db, o, paydeck.PaymentDone)
}

func testEvents(t *testing.T, newDB NewDBFunc) {
	db, user, o, p := withDonePayment(t, newDB)
	ctx := context.Background()
	approved := &paydeck.PaymentEvent{OrderID: o.ID, PaymentID: p.ID, Type: paydeck.EventApproved, Message: "approved",
		Metadata: json.RawMessage(`{"amount":10000}`), IP: "203.0.113.7", UserAgent: "curl/8",
		ActorID: user.ID}
	webhook := &paydeck.PaymentEvent{PaymentID: p.ID, Type: paydeck.EventWebhookReceived, Message: "status changed"}
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		require.NoError(t, tx.AppendEvent(ctx, approved))
		return tx.AppendEvent(ctx, webhook)
	})
	require.Greater(t, webhook.ID, approved.ID)

	MustView(t, db, func(tx paydeck.Tx) error {
		es, total, err := tx.FindEvents(ctx, paydeck.EventFilter{PaymentID: &p.ID})
		require.NoError(t, err)
		require.Equal(t, 2, total)
		require.JSONEq(t, `{"amount":10000}`, string(es[0].Metadata))
		es[0].Metadata = approved.Metadata
		require.Equal(t, []*paydeck.PaymentEvent{approved, webhook}, es)
		es, total, err = tx.FindEvents(ctx, paydeck.EventFilter{OrderID: &o.ID})
		require.NoError(t, err)
		require.Equal(t, 2, total, "the created event of MustPlaceOrder and approved")
		require.Equal(t, paydeck.EventCreated, es[0].Type)
		typ := paydeck.EventWebhookReceived
		_, total, err = tx.FindEvents(ctx, paydeck.EventFilter{Type: &typ})
		require.NoError(t, err)
		require.Equal(t, 1, total)
		return nil
	})
	err := db.Update(ctx, func(tx paydeck.Tx) error {
		return tx.AppendEvent(ctx, &paydeck.PaymentEvent{Type: paydeck.EventFailed})
	})
	requireCode(t, paydeck.CodeInvalid, err)
	err = db.Update(ctx, func(tx paydeck.Tx) error {
		return tx.AppendEvent(ctx, &paydeck.PaymentEvent{PaymentID: "00000000-0000-4000-8000-000000000000", Type: paydeck.EventFailed})
	})
	requireCode(t, paydeck.CodeConflict, err)
}

func testWebhooks(t *testing.T, newDB NewDBFunc) {
	db, _ := newClockDB(t, newDB)
	ctx := context.Background()
	body := []byte(`{"eventType":"DEPOSIT_CALLBACK", "secret":"ps_x"}` + "\n")
	w1 := &paydeck.Webhook{EventType: "DEPOSIT_CALLBACK", Body: body, Headers: map[string]string{"User-Agent": "TossPayments"}}
	w2 := &paydeck.Webhook{Body: []byte("not json"), Headers: map[string]string{}}
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		require.NoError(t, tx.CreateWebhook(ctx, w1))
		return tx.CreateWebhook(ctx, w2)
	})
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		now := tx.Now()
		w1.ProcessedAt, w1.Result = &now, "applied"
		return tx.UpdateWebhook(ctx, w1)
	})
	MustView(t, db, func(tx paydeck.Tx) error {
		got, err := tx.FindWebhookByID(ctx, w1.ID)
		require.NoError(t, err)
		require.Equal(t, w1, got, "the body is kept byte for byte")
		processed := false
		ws, total, err := tx.FindWebhooks(ctx, paydeck.WebhookFilter{Processed: &processed})
		require.NoError(t, err)
		require.Equal(t, 1, total)
		require.Equal(t, []*paydeck.Webhook{w2}, ws)
		_, err = tx.FindWebhookByID(ctx, 1_000_000)
		requireCode(t, paydeck.CodeNotFound, err)
		return nil
	})
}

// testPaymentWebhook: CreatePaymentWebhook records a delivery only when
// no payment has the key or the payment's status is one of the unchanged
// ones for its approval, with the result for that case, and writes nothing
// otherwise.
func testPaymentWebhook(t *testing.T, newDB NewDBFunc) {
	db, _, _, p := withDonePayment(t, newDB)
	ctx := context.Background()
	approved := p.ApprovedAt != nil
	try := func(key string, never, ever []paydeck.PaymentStatus) (*paydeck.Webhook, bool) {
		w := &paydeck.Webhook{EventType: "PAYMENT_STATUS_CHANGED", Body: []byte(`{"eventType":"PAYMENT_STATUS_CHANGED"}`),
			Headers: map[string]string{"User-Agent": "TossPayments"}}
		var ok bool
		MustUpdate(t, db, func(tx paydeck.Tx) (err error) {
			ok, err = tx.CreatePaymentWebhook(ctx, w, paydeck.PaymentWebhookTriage{PaymentKey: key,
				Unchanged: never, UnchangedApproved: ever, Unknown: "ignored: unknown paymentKey",
				UnchangedBefore: "unchanged: Toss DONE claimed, local ", UnchangedAfter: " already"})
			return err
		})
		return w, ok
	}
	done := []paydeck.PaymentStatus{paydeck.PaymentDone}
	open := []paydeck.PaymentStatus{paydeck.PaymentReady, paydeck.PaymentInProgress}
	_, ok := try(p.PaymentKey, open, open)
	require.False(t, ok, "the payment is done, not ready or in progress")
	_, ok = try(p.PaymentKey, nil, nil)
	require.False(t, ok, "no status changes nothing")
	if approved {
		_, ok = try(p.PaymentKey, done, nil)
	} else {
		_, ok = try(p.PaymentKey, nil, done)
	}
	require.False(t, ok, "done, but with the other approval")
	w1, ok := try(p.PaymentKey, done, done)
	require.True(t, ok)
	require.Equal(t, "unchanged: Toss DONE claimed, local done already", w1.Result)
	w2, ok := try("tviva-unknown", nil, nil)
	require.True(t, ok)
	require.Equal(t, "ignored: unknown paymentKey", w2.Result)
	require.Greater(t, w2.ID, w1.ID)
	MustView(t, db, func(tx paydeck.Tx) error {
		ws, total, err := tx.FindWebhooks(ctx, paydeck.WebhookFilter{})
		require.NoError(t, err)
		require.Equal(t, 2, total, "the misses wrote nothing")
		require.Equal(t, []*paydeck.Webhook{w1, w2}, ws)
		return nil
	})
	err := db.Update(ctx, func(tx paydeck.Tx) error {
		_, err := tx.CreatePaymentWebhook(ctx, &paydeck.Webhook{}, paydeck.PaymentWebhookTriage{PaymentKey: "key\x00", Unchanged: done})
		return err
	})
	requireCode(t, paydeck.CodeInvalid, err)
}

func testReports(t *testing.T, newDB NewDBFunc) {
	db, _ := newClockDB(t, newDB)
	ctx := context.Background()
	r1 := &paydeck.ReconciliationReport{Date: "2026-02-28", Report: json.RawMessage(`{"mismatches":[]}`)}
	r2 := &paydeck.ReconciliationReport{Date: "2026-02-28", Report: json.RawMessage(`{"mismatches":[{"paymentKey":"k"}]}`)}
	r3 := &paydeck.ReconciliationReport{Date: "2026-03-01", Report: json.RawMessage(`{}`)}
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		for _, r := range []*paydeck.ReconciliationReport{r1, r2, r3} {
			if err := tx.CreateReconciliationReport(ctx, r); err != nil {
				return err
			}
		}
		return nil
	})
	MustView(t, db, func(tx paydeck.Tx) error {
		date := "2026-02-28"
		rs, total, err := tx.FindReconciliationReports(ctx, paydeck.ReconciliationReportFilter{Date: &date, Limit: 1})
		require.NoError(t, err)
		require.Equal(t, 2, total)
		require.Len(t, rs, 1)
		require.Equal(t, r2.ID, rs[0].ID, "newest first")
		require.JSONEq(t, string(r2.Report), string(rs[0].Report))
		return nil
	})
	err := db.Update(ctx, func(tx paydeck.Tx) error {
		return tx.CreateReconciliationReport(ctx, &paydeck.ReconciliationReport{Date: "28/02/2026", Report: json.RawMessage(`{}`)})
	})
	requireCode(t, paydeck.CodeInvalid, err)
}
