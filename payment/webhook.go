package payment

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/toss"
)

// keptHeaders are the request headers recorded with a webhook.
var keptHeaders = []string{toss.HeaderWebhookID, toss.HeaderWebhookTransmission, toss.HeaderWebhookRetried,
	toss.HeaderWebhookSignature, "Content-Type", "User-Agent"}

// webhookWait bounds how long a delivery about a payment this process is
// confirming waits for that confirm's answer to be recorded.
const webhookWait = 3 * time.Second

// ReceiveWebhook records a delivery from Toss (raw body and a few headers)
// and enqueues its processing, in one transaction, so the caller can answer
// 200 at once. A body that is not a JSON object is recorded as rejected and
// returns an invalid error (answer 400). Nothing in the body is trusted
// here: a PAYMENT_STATUS_CHANGED whose claim would change nothing locally
// even if it were true (see unchanged) is recorded as processed, with no
// job and no Toss call. Toss sends PAYMENT_STATUS_CHANGED for an approval
// while paydeck is still recording the confirm answer, so a delivery about
// a payment this process is confirming first waits (up to webhookWait)
// for that answer to be recorded.
func (s *Service) ReceiveWebhook(ctx context.Context, body []byte, h http.Header) error {
	w := &paydeck.Webhook{Body: body, Headers: map[string]string{}}
	for _, k := range keptHeaders {
		if v := h.Get(k); v != "" {
			w.Headers[k] = v
		}
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	valid := len(trimmed) > 0 && trimmed[0] == '{' && json.Valid(body)
	var claim *toss.PaymentStatusChanged
	if valid {
		if ev, err := toss.ParseWebhook(body); err == nil {
			w.EventType = storable(ev.EventType())
			claim, _ = ev.(*toss.PaymentStatusChanged)
		}
	}
	if claim != nil {
		s.awaitConfirm(ctx, claim.Data.PaymentKey)
	}
	err := s.store.Update(ctx, func(tx paydeck.Tx) error {
		w.ID, w.ProcessedAt, w.Result = 0, nil, ""
		if !valid {
			now := tx.Now()
			w.ProcessedAt, w.Result = &now, "rejected: body is not a JSON object"
		} else if result, err := unchanged(ctx, tx, claim); err != nil {
			return err
		} else if result != "" {
			now := tx.Now()
			w.ProcessedAt, w.Result = &now, result
		}
		if err := tx.CreateWebhook(ctx, w); err != nil || w.ProcessedAt != nil {
			return err
		}
		return tx.Enqueue(ctx, ProcessWebhookArgs{WebhookID: w.ID}, nil)
	})
	if err == nil && !valid {
		return paydeck.Errorf(paydeck.CodeInvalid, "The webhook body is not a JSON object.")
	}
	return err
}

// errRetryLater marks a webhook that cannot be judged yet: the job retries.
var errRetryLater = errors.New("payment: webhook refers to a payment whose confirm is still being recorded")

// ProcessWebhook processes a recorded delivery once and records the result
// on it. DEPOSIT_CALLBACK is accepted only when its secret matches the
// stored secret of the order's payment (constant time); the payment is then
// re-fetched from Toss and applied. PAYMENT_STATUS_CHANGED is never trusted:
// the payment is re-fetched by paymentKey and applied. Applying is
// idempotent, so duplicates and out-of-order deliveries end in the same
// state. Spoofed or unknown deliveries change nothing and are logged.
func (s *Service) ProcessWebhook(ctx context.Context, webhookID int64) error {
	var w *paydeck.Webhook
	err := s.store.View(ctx, func(tx paydeck.Tx) (err error) {
		w, err = tx.FindWebhookByID(ctx, webhookID)
		return err
	})
	if paydeck.ErrorCode(err) == paydeck.CodeNotFound {
		return nil
	} else if err != nil {
		return err
	}
	if w.ProcessedAt != nil {
		return nil
	}
	result, err := s.processWebhook(ctx, w)
	if paydeck.ErrorCode(err) == paydeck.CodeInvalid {
		// A value the store refuses (say, a NUL in an orderId): retrying
		// cannot help.
		result, err = "rejected: "+paydeck.ErrorMessage(err), nil
	}
	if err != nil {
		return err
	}
	if strings.HasPrefix(result, "rejected") {
		s.log.Warn("payment: webhook rejected", "webhookId", w.ID, "eventType", w.EventType, "result", result)
	}
	return s.store.Update(ctx, func(tx paydeck.Tx) error {
		now := tx.Now()
		w.ProcessedAt, w.Result = &now, storable(result)
		return tx.UpdateWebhook(ctx, w)
	})
}

// processWebhook acts on one delivery and returns the result to record.
func (s *Service) processWebhook(ctx context.Context, w *paydeck.Webhook) (string, error) {
	ev, err := toss.ParseWebhook(w.Body)
	if err != nil {
		return "rejected: malformed body", nil
	}
	switch ev := ev.(type) {
	case *toss.DepositCallback:
		return s.depositCallback(ctx, ev)
	case *toss.PaymentStatusChanged:
		var result string
		if err := s.store.View(ctx, func(tx paydeck.Tx) (err error) {
			result, err = unchanged(ctx, tx, ev)
			return err
		}); err != nil || result != "" {
			return result, err
		}
		tp, err := s.toss.Payments.Refetch(ctx, ev)
		switch {
		case toss.IsCode(err, toss.CodeNotFoundPayment):
			return "rejected: Toss does not know this payment", nil
		case errors.Is(err, toss.ErrWebhookMismatch):
			return "rejected: body does not match the payment at Toss", nil
		case err != nil:
			return "", err
		}
		return s.applyFetched(ctx, tp)
	case *toss.BillingDeleted:
		return s.billingDeletedWebhook(ctx, ev)
	default:
		return "ignored: " + ev.EventType(), nil
	}
}

// depositCallback verifies a DEPOSIT_CALLBACK against the stored secret of
// the order's payments and applies the re-fetched payment.
func (s *Service) depositCallback(ctx context.Context, cb *toss.DepositCallback) (string, error) {
	var pays []*paydeck.Payment
	err := s.store.View(ctx, func(tx paydeck.Tx) error {
		o, err := tx.FindOrderByOrderID(ctx, cb.OrderID)
		if err != nil {
			return err
		}
		pays, _, err = tx.FindPayments(ctx, paydeck.PaymentFilter{OrderID: &o.ID})
		return err
	})
	if paydeck.ErrorCode(err) == paydeck.CodeNotFound {
		return "rejected: unknown order", nil
	} else if err != nil {
		return "", err
	}
	pending := false
	for _, p := range pays {
		if toss.VerifyDepositCallback(cb, p.Secret) {
			tp, err := s.toss.Payments.Get(ctx, p.PaymentKey)
			if err != nil {
				return "", err
			}
			return s.applyFetched(ctx, tp)
		}
		pending = pending || (p.Status == paydeck.PaymentInProgress && p.Secret == "")
	}
	if pending {
		return "", errRetryLater
	}
	return "rejected: secret mismatch", nil
}

// applyFetched applies a payment fetched from Toss to the local payment
// with the same paymentKey; when that changes nothing, without a writing
// transaction.
func (s *Service) applyFetched(ctx context.Context, tp *toss.Payment) (string, error) {
	var p *paydeck.Payment
	err := s.store.View(ctx, func(tx paydeck.Tx) (err error) {
		p, err = tx.FindPaymentByKey(ctx, tp.PaymentKey)
		return err
	})
	if paydeck.ErrorCode(err) == paydeck.CodeNotFound {
		return "ignored: unknown paymentKey", nil
	} else if err != nil {
		return "", err
	}
	if stepFor(p, tp) != stepNone {
		p, err = s.apply(ctx, System, p.ID, tp)
	}
	if err != nil {
		return "", err
	}
	return "applied: Toss " + string(tp.Status) + ", local " + string(p.Status), nil
}

// unchanged returns the result to record for a PAYMENT_STATUS_CHANGED
// delivery that needs no processing, whether its claim is true or forged:
// its paymentKey names no local payment (paydeck records a payment before
// it asks Toss to confirm it, so this is a payment paydeck did not start),
// or names one on which applying the claimed payment would change nothing
// (stepFor). It returns "" when the delivery must be processed (or ev is
// nil).
func unchanged(ctx context.Context, tx paydeck.Tx, ev *toss.PaymentStatusChanged) (string, error) {
	if ev == nil || ev.Data.PaymentKey == "" {
		return "", nil
	}
	p, err := tx.FindPaymentByKey(ctx, ev.Data.PaymentKey)
	switch {
	case paydeck.ErrorCode(err) == paydeck.CodeNotFound:
		return "ignored: unknown paymentKey", nil
	case paydeck.ErrorCode(err) == paydeck.CodeInvalid: // a key the store refuses (say, holding NUL)
		return "rejected: " + paydeck.ErrorMessage(err), nil
	case err != nil:
		return "", err
	case stepFor(p, &ev.Data) != stepNone:
		return "", nil
	}
	return "unchanged: Toss " + string(ev.Data.Status) + " claimed, local " + string(p.Status) + " already", nil
}

// trackConfirm marks a confirm of paymentKey as running in this process
// until the returned func is called (once its answer is recorded).
func (s *Service) trackConfirm(paymentKey string) (done func()) {
	ch := make(chan struct{})
	s.confirming.Store(paymentKey, ch)
	return func() {
		s.confirming.CompareAndDelete(paymentKey, ch)
		close(ch)
	}
}

// awaitConfirm waits until no confirm of paymentKey runs in this process,
// for at most webhookWait or until ctx ends.
func (s *Service) awaitConfirm(ctx context.Context, paymentKey string) {
	v, ok := s.confirming.Load(paymentKey)
	if !ok {
		return
	}
	t := time.NewTimer(webhookWait)
	defer t.Stop()
	select {
	case <-v.(chan struct{}):
	case <-ctx.Done():
	case <-t.C:
	}
}

// storable makes text taken from a delivery fit a text column: valid UTF-8
// without NUL characters (which the store refuses).
func storable(s string) string {
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
}
