package payment

import (
	"context"
	"strings"
	"time"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/toss"
)

// Charges of Toss billing keys (자동결제). The subscription package owns the
// billing keys and sends the charges; this file makes each charge an order
// and a payment like any other (ORD… orderId, audit events, refunds through
// Cancel, settlement and reconciliation) and records Toss's answer.
//
// A billing payment waits in status ready, not in_progress, while its
// charge is being sent: the Sweep's ResolvePayment settles confirms by
// paymentKey, which a billing charge only has once Toss answered, so its
// unknown outcomes are settled by the caller (who holds the billing key and
// looks the charge up by orderId).

// BillingOrderTimeout is how long a billing order stays payable: long
// enough for an unknown charge outcome to be settled first, so the Sweep
// never expires an order whose charge Toss may have approved.
const BillingOrderTimeout = 7 * 24 * time.Hour

// Event types of billing charges.
const (
	EventBillingChargeRequested paydeck.EventType = "billing_charge_requested"
	EventBillingChargeDeclined  paydeck.EventType = "billing_charge_declined"
)

// BillingOrderInput is a new billing order: one unit of a digital product
// at Amount won, for UserID. Note is recorded on the order's created event.
type BillingOrderInput struct {
	UserID    string
	ProductID string
	Amount    int64
	Note      map[string]any
}

// StartBillingCharge creates, in the caller's transaction, a pending order
// of one unit of in.ProductID priced in.Amount and its payment in status
// ready without a paymentKey, with their audit events. The caller then
// sends the charge with the order's OrderID and records the answer with
// RecordBillingCharge. Errors: invalid (amount outside MinAmount..MaxAmount,
// unknown product), the store's.
func (s *Service) StartBillingCharge(ctx context.Context, tx paydeck.Tx, a Actor, in BillingOrderInput) (*paydeck.Order, *paydeck.Payment, error) {
	if in.Amount < s.cfg.MinAmount || in.Amount > s.cfg.MaxAmount {
		return nil, nil, paydeck.Errorf(paydeck.CodeInvalid, "A billing charge must be between %d and %d won.",
			s.cfg.MinAmount, s.cfg.MaxAmount)
	}
	prod, err := tx.FindProductByID(ctx, in.ProductID)
	if paydeck.ErrorCode(err) == paydeck.CodeNotFound {
		return nil, nil, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonProductNotFound, "Product %s does not exist.", in.ProductID)
	} else if err != nil {
		return nil, nil, err
	}
	it := paydeck.OrderItem{ProductID: prod.ID, ProductName: prod.Name, Quantity: 1, UnitPrice: in.Amount, TotalPrice: in.Amount}
	o := &paydeck.Order{UserID: in.UserID, Status: paydeck.OrderPending, Items: []paydeck.OrderItem{it},
		ExpiresAt: tx.Now().Add(BillingOrderTimeout)}
	if err := o.ComputeAmounts(); err != nil {
		return nil, nil, err
	}
	if err := tx.CreateOrder(ctx, o); err != nil {
		return nil, nil, err
	}
	meta := map[string]any{"finalAmount": o.FinalAmount, "billing": true}
	for k, v := range in.Note {
		meta[k] = v
	}
	if err := appendEvent(ctx, tx, a, o.ID, "", paydeck.EventCreated, "billing order placed", meta); err != nil {
		return nil, nil, err
	}
	p := &paydeck.Payment{OrderID: o.ID, Status: paydeck.PaymentReady, Method: paydeck.MethodCard, Amount: in.Amount}
	if err := tx.CreatePayment(ctx, p); err != nil {
		return nil, nil, err
	}
	if err := appendEvent(ctx, tx, a, o.ID, p.ID, EventBillingChargeRequested, "billing key charge sent to Toss",
		map[string]any{"amount": in.Amount}); err != nil {
		return nil, nil, err
	}
	return o, p, nil
}

// BillingOutcome is what Toss's answer to a billing charge means.
type BillingOutcome int

// Billing outcomes.
const (
	// BillingUnknown: the charge may or may not have happened (timeout,
	// 5xx, dropped connection); nothing was recorded. Look it up by orderId
	// and, if Toss has no payment, send the same charge again with the same
	// Idempotency-Key.
	BillingUnknown BillingOutcome = iota
	// BillingApproved: the payment is done and its order paid.
	BillingApproved
	// BillingDeclined: Toss refused the charge; the payment is aborted with
	// Toss's code and the order cancelled.
	BillingDeclined
)

// RecordBillingCharge records Toss's answer to the charge of the billing
// payment paymentID (created by StartBillingCharge): tp with terr nil is an
// approval (applied as a confirm's answer is: payment done with Toss's
// paymentKey, order paid), a definite error a decline (payment aborted,
// order cancelled), an unknown outcome changes nothing. then, when not nil,
// runs in the same transaction after a recorded approval or decline, with
// the order and payment as they are afterwards, so the caller's own state
// (the subscription's) changes with them. A payment no longer ready (a
// repeat) is passed to then unchanged, with the outcome its status says.
func (s *Service) RecordBillingCharge(ctx context.Context, a Actor, paymentID string, tp *toss.Payment, terr error,
	then func(tx paydeck.Tx, o *paydeck.Order, p *paydeck.Payment, out BillingOutcome) error) (*paydeck.Payment, BillingOutcome, error) {
	if terr != nil && outcomeUnknown(terr) {
		s.log.Warn("payment: billing charge outcome unknown", "paymentId", paymentID, "err", terr)
		return nil, BillingUnknown, nil
	}
	var out BillingOutcome
	p, err := s.onPayment(ctx, paymentID, func(tx paydeck.Tx, o *paydeck.Order, p *paydeck.Payment) error {
		out = BillingUnknown
		switch {
		case p.Status == paydeck.PaymentDone || p.Status == paydeck.PaymentPartialCanceled || p.Status == paydeck.PaymentCanceled:
			out = BillingApproved
		case p.Status == paydeck.PaymentAborted || p.Status == paydeck.PaymentExpired:
			out = BillingDeclined
		case terr == nil && tp.Status != toss.StatusDone:
			// Toss kept the declined charge as a payment (looked up by
			// orderId): a decline with its failure.
			code, msg := "REJECT_CARD_PAYMENT", "Toss reports the charge "+strings.ToLower(string(tp.Status))+"."
			if tp.Failure != nil {
				code, msg = string(tp.Failure.Code), tp.Failure.Message
			}
			if err := declineBilling(ctx, tx, a, o, p, code, msg); err != nil {
				return err
			}
			out = BillingDeclined
		case terr == nil:
			if tp.OrderID != o.OrderID || int64(tp.TotalAmount) != p.Amount {
				return paydeck.Errorf(paydeck.CodeInternal, "Toss answered a billing charge for another order or amount.")
			}
			p.PaymentKey = tp.PaymentKey
			if err := s.applyLocked(ctx, tx, a, o, p, tp); err != nil {
				return err
			}
			if p.Status != paydeck.PaymentDone {
				return paydeck.Errorf(paydeck.CodeInternal, "Toss answered a billing charge with status %s.", tp.Status)
			}
			out = BillingApproved
		default:
			code, msg := tossFailure(terr)
			if err := declineBilling(ctx, tx, a, o, p, code, msg); err != nil {
				return err
			}
			out = BillingDeclined
		}
		if then == nil || out == BillingUnknown {
			return nil
		}
		return then(tx, o, p, out)
	})
	return p, out, err
}

// declineBilling records a declined charge: payment aborted with Toss's
// code, order cancelled.
func declineBilling(ctx context.Context, tx paydeck.Tx, a Actor, o *paydeck.Order, p *paydeck.Payment, code, msg string) error {
	if err := failPayment(ctx, tx, a, o, p, paydeck.PaymentAborted, code, msg); err != nil {
		return err
	}
	if err := appendEvent(ctx, tx, a, o.ID, p.ID, EventBillingChargeDeclined, "billing charge declined: "+msg,
		map[string]any{"code": code}); err != nil {
		return err
	}
	if o.Status != paydeck.OrderPending {
		return nil
	}
	if err := o.Transition(paydeck.OrderCancelled, tx.Now()); err != nil {
		return err
	}
	return tx.UpdateOrder(ctx, o)
}

// DeclineOf returns Toss's code and message of a declined charge's error.
func DeclineOf(err error) (code, msg string) { return tossFailure(err) }

// OutcomeUnknown reports whether a failed Toss call may have taken effect
// (see RecordBillingCharge's BillingUnknown).
func OutcomeUnknown(err error) bool { return outcomeUnknown(err) }

// HandleBillingDeleted makes the webhook processing hand BILLING_DELETED
// deliveries to fn, which returns the result to record (the subscription
// service matches the key against its own). Without a handler they are
// ignored.
func (s *Service) HandleBillingDeleted(fn func(ctx context.Context, key toss.BillingKey) (string, error)) {
	s.billingDeleted.Store(&fn)
}

// billingDeletedWebhook processes a BILLING_DELETED delivery.
func (s *Service) billingDeletedWebhook(ctx context.Context, ev *toss.BillingDeleted) (string, error) {
	fn := s.billingDeleted.Load()
	if fn == nil {
		return "ignored: " + ev.EventType(), nil
	}
	if strings.TrimSpace(string(ev.BillingKey)) == "" {
		return "rejected: no billingKey", nil
	}
	return (*fn)(ctx, ev.BillingKey)
}
