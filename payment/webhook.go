package payment

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/toss"
)

// keptHeaders are the request headers recorded with a webhook.
var keptHeaders = []string{toss.HeaderWebhookID, toss.HeaderWebhookTransmission, toss.HeaderWebhookRetried,
	toss.HeaderWebhookSignature, "Content-Type", "User-Agent"}

// webhookWait bounds how long a delivery about a payment this process is
// confirming waits for that confirm's answer to be recorded.
const webhookWait = 3 * time.Second

// Bounds on what is kept of one delivery.
const (
	// WebhookExcerptBytes is how much of the body is kept of a delivery
	// that needs no processing: not JSON, not a Toss event, or about no
	// payment or order paydeck knows. The whole body is kept only for
	// deliveries a job processes.
	WebhookExcerptBytes = 256
	// maxWebhookHeader bounds each kept header value, maxEventType the
	// recorded eventType.
	maxWebhookHeader = 200
	maxEventType     = 64
)

// ReceiveWebhook records a delivery from Toss and, when it needs
// processing, enqueues that, in one transaction, so the caller can answer
// 200 at once. Nothing in the body is trusted here. A delivery is
// processed (by a job, which re-fetches from Toss or checks the deposit
// secret) only when it is a PAYMENT_STATUS_CHANGED about a local payment
// whose claim would change that payment (see unchanged), or a
// DEPOSIT_CALLBACK about a local order; only then is the whole body kept.
// Every other delivery (a body that is not a JSON object, a malformed or
// unhandled event, an unknown paymentKey or orderId, a claim that would
// change nothing) is recorded as processed at once, with its result, the
// first WebhookExcerptBytes of its body and bounded header values, so that
// junk costs a few hundred bytes however large it was. A body that is not
// a JSON object also returns an invalid error (answer 400).
//
// Toss sends PAYMENT_STATUS_CHANGED for an approval while paydeck is still
// recording the confirm answer, so a delivery about a payment this process
// is confirming first waits (up to webhookWait) for that answer.
func (s *Service) ReceiveWebhook(ctx context.Context, body []byte, h http.Header) error {
	w := &paydeck.Webhook{Headers: map[string]string{}}
	for _, k := range keptHeaders {
		if v := h.Get(k); v != "" {
			w.Headers[k] = storable(clip(v, maxWebhookHeader))
		}
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	valid := len(trimmed) > 0 && trimmed[0] == '{' && json.Valid(body)
	var ev toss.WebhookEvent
	if valid {
		if e, err := toss.ParseWebhook(body); err == nil {
			ev, w.EventType = e, storable(clip(e.EventType(), maxEventType))
		}
	}
	claim, _ := ev.(*toss.PaymentStatusChanged)
	if claim != nil {
		s.awaitConfirm(ctx, claim.Data.PaymentKey)
	}
	err := s.store.Update(ctx, func(tx paydeck.Tx) error {
		w.ID, w.ProcessedAt, w.Result, w.Body = 0, nil, "", body
		if done, err := recordAtOnce(ctx, tx, w, claim); err != nil || done {
			return err
		}
		result, err := s.triage(ctx, tx, valid, ev, len(body))
		if err != nil {
			return err
		}
		if result != "" {
			now := tx.Now()
			w.ProcessedAt, w.Result, w.Body = &now, result, excerpt(body)
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

// triage returns the result to record at once for a delivery that needs no
// processing, or "" for one a job must process (see ReceiveWebhook); size
// is the body's length.
func (s *Service) triage(ctx context.Context, tx paydeck.Tx, valid bool, ev toss.WebhookEvent, size int) (string, error) {
	switch ev := ev.(type) {
	case nil:
		if !valid {
			return "rejected: body is not a JSON object", nil
		}
		return "rejected: malformed body", nil
	case *toss.PaymentStatusChanged:
		if ev.Data.PaymentKey == "" {
			return "rejected: no paymentKey", nil
		}
		return unchanged(ctx, tx, ev)
	case *toss.DepositCallback:
		_, err := findOrderForToss(ctx, tx, ev.OrderID, false)
		switch paydeck.ErrorCode(err) {
		case "":
			return "", nil
		case paydeck.CodeNotFound:
			return "rejected: unknown order", nil
		case paydeck.CodeInvalid: // an orderId the store refuses (say, holding NUL)
			return "rejected: " + paydeck.ErrorMessage(err), nil
		}
		return "", err
	case *toss.BillingDeleted:
		return s.triageBillingDeleted(ev, size), nil
	default:
		if ev.EventType() == "" {
			return "ignored: no eventType", nil
		}
		return "ignored: " + storable(clip(ev.EventType(), maxEventType)), nil
	}
}

// maxBillingDeletedBody bounds a BILLING_DELETED delivery kept whole:
// Toss's is a few hundred bytes (eventType, createdAt, billingKey).
const maxBillingDeletedBody = 4 << 10

// triageBillingDeleted is triage for BILLING_DELETED: processed by a job
// (the subscription service looks the billing key up) only when a handler
// is registered and the body is of the size Toss sends; otherwise
// recorded at once like other junk.
func (s *Service) triageBillingDeleted(ev *toss.BillingDeleted, size int) string {
	switch {
	case s.billingDeleted.Load() == nil:
		return "ignored: " + ev.EventType()
	case strings.TrimSpace(string(ev.BillingKey)) == "":
		return "rejected: no billingKey"
	case size > maxBillingDeletedBody:
		return "rejected: body too large"
	}
	return ""
}

// excerpt is the part of a body kept when the whole is not needed.
func excerpt(body []byte) []byte {
	if len(body) <= WebhookExcerptBytes {
		return body
	}
	return bytes.Clone(body[:WebhookExcerptBytes])
}

// clip cuts s to at most n bytes, at a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
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
		o, err := findOrderForToss(ctx, tx, cb.OrderID, false)
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
		return resultUnknownKey, nil
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

// recordAtOnce records a PAYMENT_STATUS_CHANGED delivery that needs no
// processing in one statement that also reads its payment (see unchanged):
// the commonest delivery, Toss's notice of the approval paydeck has just
// recorded, then costs no read of its own. It reports whether it did (and
// then sets w as recorded); when not, nothing was written, w is as it was,
// and triage decides as before.
func recordAtOnce(ctx context.Context, tx paydeck.Tx, w *paydeck.Webhook, claim *toss.PaymentStatusChanged) (bool, error) {
	if claim == nil || claim.Data.PaymentKey == "" || strings.ContainsRune(claim.Data.PaymentKey, 0) {
		return false, nil
	}
	never, approved := unchangedStatuses(&claim.Data)
	rec := *w
	rec.Body = excerpt(w.Body)
	done, err := tx.CreatePaymentWebhook(ctx, &rec, paydeck.PaymentWebhookTriage{PaymentKey: claim.Data.PaymentKey,
		Unchanged: never, UnchangedApproved: approved, Unknown: resultUnknownKey,
		UnchangedBefore: unchangedResult(claim, ""), UnchangedAfter: " already"})
	if done {
		*w = rec
	}
	return done, err
}

// unchangedStatuses lists the local payment statuses on which applying tp
// changes nothing: never for a payment never approved, approved for one
// that was. stepFor reads of a payment only its Status and whether
// ApprovedAt is set, so the lists hold for every payment.
func unchangedStatuses(tp *toss.Payment) (never, approved []paydeck.PaymentStatus) {
	at := time.Time{}
	for _, st := range paydeck.PaymentStatuses {
		if stepFor(&paydeck.Payment{Status: st}, tp) == stepNone {
			never = append(never, st)
		}
		if stepFor(&paydeck.Payment{Status: st, ApprovedAt: &at}, tp) == stepNone {
			approved = append(approved, st)
		}
	}
	return never, approved
}

// resultUnknownKey is the result of a delivery about a paymentKey paydeck
// never recorded.
const resultUnknownKey = "ignored: unknown paymentKey"

// unchangedResult is the result recorded for a claim that changes nothing
// on a payment of status local.
func unchangedResult(ev *toss.PaymentStatusChanged, local paydeck.PaymentStatus) string {
	return "unchanged: Toss " + storable(clip(string(ev.Data.Status), maxEventType)) + " claimed, local " + string(local)
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
		return resultUnknownKey, nil
	case paydeck.ErrorCode(err) == paydeck.CodeInvalid: // a key the store refuses (say, holding NUL)
		return "rejected: " + paydeck.ErrorMessage(err), nil
	case err != nil:
		return "", err
	case stepFor(p, &ev.Data) != stepNone:
		return "", nil
	}
	return unchangedResult(ev, p.Status) + " already", nil
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

// DefaultWebhookRetention is how long processed deliveries are kept.
const DefaultWebhookRetention = 90 * 24 * time.Hour

// pruneBatch is how many deliveries one PruneWebhooks transaction removes.
const pruneBatch = 1000

// PruneWebhooksArgs asks for PruneWebhooks: delete the deliveries processed
// more than KeepSeconds ago.
type PruneWebhooksArgs struct {
	KeepSeconds int64 `json:"keepSeconds"`
}

// Kind implements paydeck.JobArgs.
func (PruneWebhooksArgs) Kind() string { return "payment_prune_webhooks" }

// PruneWebhooks deletes the deliveries processed more than keep ago (keep
// ≤ 0 means DefaultWebhookRetention), a batch per transaction, and returns
// how many it deleted. Deliveries still pending are kept whatever their age.
func (s *Service) PruneWebhooks(ctx context.Context, keep time.Duration) (int, error) {
	if keep <= 0 {
		keep = DefaultWebhookRetention
	}
	total := 0
	for {
		var n int
		err := s.store.Update(ctx, func(tx paydeck.Tx) (err error) {
			n, err = tx.DeleteWebhooks(ctx, tx.Now().Add(-keep), pruneBatch)
			return err
		})
		total += n
		if err != nil || n < pruneBatch {
			return total, err
		}
	}
}
