package payment

import (
	"context"
	"errors"
	"fmt"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/toss"
)

// ConfirmInput is what the browser's success redirect brought back.
type ConfirmInput struct {
	PaymentKey string
	OrderID    string
	Amount     int64
}

// confirmKey is the Idempotency-Key of every confirm attempt of one payment:
// the same on retries, from ResolvePayment and after a crash.
func confirmKey(orderID, paymentKey string) string { return "confirm-" + orderID + "-" + paymentKey }

// Confirm approves the payment the shopper authorized for one of their
// orders. The amount and the order's state are checked first and a refusal
// (amount ≠ finalAmount: invalid; order not payable or already paid:
// conflict) is recorded as a confirm_rejected event without calling Toss.
// A repeat of a finished confirm returns the recorded payment without
// calling Toss; a repeat while the first is still running is a conflict.
// Otherwise Toss is called once with a key derived from the payment and the
// outcome recorded: done (order paid), waiting_for_deposit (virtual
// account), or in_progress when the outcome is unknown (a job settles it;
// API answers 202). No job is queued for the common case: if the process
// dies between the Toss call and recording its answer, the payment stays
// in_progress and Sweep resolves it once it is ConfirmCheckDelay old. A
// definite Toss refusal aborts the payment (the order stays payable) and
// returns the aborted payment with a conflict error (unavailable for a
// 5xx) carrying Toss's code and message.
func (s *Service) Confirm(ctx context.Context, a Actor, in ConfirmInput) (*paydeck.Payment, error) {
	_, p, err := s.ConfirmOrder(ctx, a, in)
	return p, err
}

// ConfirmOrder is Confirm that also returns the order, with its items, as
// the transaction that recorded Toss's answer left it, so that a page
// showing the receipt needs no read of its own. The order is nil when no
// answer was recorded: a refusal before Toss, or the replay of a confirm
// that had finished (read it then).
func (s *Service) ConfirmOrder(ctx context.Context, a Actor, in ConfirmInput) (*paydeck.Order, *paydeck.Payment, error) {
	if in.PaymentKey == "" || len(in.PaymentKey) > 200 {
		return nil, nil, paydeck.Errorf(paydeck.CodeInvalid, "paymentKey is required (at most 200 characters).")
	}
	if !paydeck.ValidTossOrderID(in.OrderID) {
		return nil, nil, paydeck.Errorf(paydeck.CodeInvalid, "orderId %q is not valid.", in.OrderID)
	}
	var pay *paydeck.Payment
	var refused error
	var started bool
	err := s.store.Update(ctx, func(tx paydeck.Tx) error {
		pay, refused, started = nil, nil, false
		if !a.Admin && a.UserID != "" {
			// The common case, a shopper confirming their own payable
			// order with a fresh key, checks and inserts in one statement
			// (after the order's lock on PostgreSQL); anything else is read
			// and explained below.
			p := &paydeck.Payment{PaymentKey: in.PaymentKey, Status: paydeck.PaymentInProgress,
				Amount: in.Amount, TossOrderID: in.OrderID}
			if ok, err := tx.CreatePaymentIfPayable(ctx, in.OrderID, a.UserID, p); err != nil {
				return err
			} else if ok {
				if err := appendEvent(ctx, tx, a, p.OrderID, p.ID, EventConfirmRequested, "confirm sent to Toss",
					map[string]any{"amount": in.Amount, "tossOrderId": in.OrderID}); err != nil {
					return err
				}
				pay, started = p, true
				return nil
			}
		}
		// One statement locks the order and reads its payments; an attempt's
		// Toss orderId ("ORD…-2") names its order without the suffix.
		o, pays, err := tx.LockOrderWithPayments(ctx, in.OrderID)
		if base, n := ParseAttemptOrderID(in.OrderID); paydeck.ErrorCode(err) == paydeck.CodeNotFound && n > 1 {
			o, pays, err = tx.LockOrderWithPayments(ctx, base)
		}
		if err != nil || !a.canSee(o) {
			return notFound("Order", in.OrderID)
		}
		for _, p := range pays {
			if p.PaymentKey != in.PaymentKey {
				continue
			}
			switch p.Status {
			case paydeck.PaymentInProgress:
				return paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonConfirmInProgress, "Payment %s is already being confirmed.", in.PaymentKey)
			case paydeck.PaymentAborted, paydeck.PaymentExpired:
				return paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonPaymentFailed, "Payment %s already failed (%s); start a new payment.", in.PaymentKey, p.Status)
			}
			pay = p // finished: replay, no Toss call
			return nil
		}
		reason, code := "", ""
		for _, p := range pays {
			if p.Status != paydeck.PaymentAborted && p.Status != paydeck.PaymentExpired && !cancelledUnpaid(p) {
				reason, code = fmt.Sprintf("Order %s already has a %s payment.", o.OrderID, p.Status), paydeck.CodeConflict
			}
		}
		if err := o.Payable(tx.Now()); reason == "" && err != nil {
			reason, code = paydeck.ErrorMessage(err), paydeck.CodeConflict
		}
		if reason == "" && in.Amount != o.FinalAmount {
			reason, code = fmt.Sprintf("Amount %d does not match the order's amount.", in.Amount), paydeck.CodeInvalid
		}
		if reason != "" {
			refused = paydeck.Errorf(code, "%s", reason)
			return appendEvent(ctx, tx, a, o.ID, "", paydeck.EventConfirmRejected, reason,
				map[string]any{"amount": in.Amount, "finalAmount": o.FinalAmount, "orderStatus": o.Status, "paymentKey": in.PaymentKey})
		}
		p := &paydeck.Payment{PaymentKey: in.PaymentKey, OrderID: o.ID, Status: paydeck.PaymentInProgress,
			Amount: in.Amount, ExpiresAt: &o.ExpiresAt, TossOrderID: in.OrderID}
		// A taken key leaves the transaction usable (CreatePayment inserts
		// nothing): the common case, a fresh key, costs no lookup.
		if err := tx.CreatePayment(ctx, p); paydeck.ErrorCode(err) == paydeck.CodeConflict {
			if released, rerr := releaseRefusedKey(ctx, tx, a, in.PaymentKey, o.ID); rerr != nil {
				return rerr
			} else if !released {
				return err
			}
			if err := tx.CreatePayment(ctx, p); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		if err := appendEvent(ctx, tx, a, o.ID, p.ID, EventConfirmRequested, "confirm sent to Toss",
			map[string]any{"amount": in.Amount, "tossOrderId": in.OrderID}); err != nil {
			return err
		}
		pay, started = p, true
		return nil
	})
	switch {
	case err != nil:
		return nil, nil, err
	case refused != nil:
		return nil, nil, refused
	case !started:
		return nil, pay, nil
	}
	defer s.trackConfirm(in.PaymentKey)()
	tp, terr := s.toss.Payments.Confirm(ctx, &toss.ConfirmParams{PaymentKey: in.PaymentKey, OrderID: in.OrderID,
		Amount: toss.Amount(in.Amount), Params: toss.Params{IdempotencyKey: confirmKey(in.OrderID, in.PaymentKey)}})
	ctx = context.WithoutCancel(ctx)
	if terr == nil {
		if o, p, ok := s.approveUnchanged(ctx, a, pay, tp); ok {
			return o, p, nil
		}
	}
	return s.settleConfirm(ctx, a, pay.ID, tp, terr, false)
}

// EventKeyReleased records that a refused payment gave up its paymentKey
// (see releaseRefusedKey).
const EventKeyReleased paydeck.EventType = "payment_key_released"

// releaseRefusedKey frees paymentKey for a confirm of order orderID when
// it is held by another order's payment that Toss refused before any
// approval (aborted, never approved): someone who learnt the key tried it
// on their own order, and that must not block the order the key was
// authorized for. The refused payment keeps its failure and trail; its
// key moves into an event of its order.
// It reports whether it released the key.
func releaseRefusedKey(ctx context.Context, tx paydeck.Tx, a Actor, paymentKey, orderID string) (bool, error) {
	p, err := tx.FindPaymentByKey(ctx, paymentKey)
	if paydeck.ErrorCode(err) == paydeck.CodeNotFound {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if p.OrderID == orderID || p.Status != paydeck.PaymentAborted || p.ApprovedAt != nil {
		return false, nil // the key stays taken
	}
	if p, err = tx.LockPaymentByID(ctx, p.ID); err != nil {
		return false, err
	}
	p.PaymentKey = ""
	if err := tx.UpdatePayment(ctx, p); err != nil {
		return false, err
	}
	return true, appendEvent(ctx, tx, a, p.OrderID, p.ID, EventKeyReleased,
		"refused payment's key released for the order it belongs to", map[string]any{"paymentKey": paymentKey})
}

// settleConfirm records the outcome of a confirm call for the payment and
// returns the payment and its order as it left them (the order nil when
// the outcome could not be recorded). An unknown outcome is recorded and
// handed to the ResolvePayment job, unless this already is that job
// (byJob), which River retries itself.
func (s *Service) settleConfirm(ctx context.Context, a Actor, paymentID string, tp *toss.Payment, terr error, byJob bool) (*paydeck.Order, *paydeck.Payment, error) {
	switch {
	case terr == nil:
		return s.applyOrder(ctx, a, paymentID, tp)
	case outcomeUnknown(terr):
		s.log.Warn("payment: confirm outcome unknown", "paymentId", paymentID, "err", terr)
		return s.onPaymentOrder(ctx, paymentID, func(tx paydeck.Tx, o *paydeck.Order, p *paydeck.Payment) error {
			if p.Status != paydeck.PaymentInProgress || byJob {
				return nil
			}
			if err := appendEvent(ctx, tx, a, o.ID, p.ID, EventConfirmUnknown, "confirm outcome unknown; checking with Toss",
				map[string]any{"error": terr.Error()}); err != nil {
				return err
			}
			return tx.Enqueue(ctx, ResolvePaymentArgs{PaymentID: p.ID}, resolveOnce)
		})
	default:
		code, msg := tossFailure(terr)
		o, p, err := s.onPaymentOrder(ctx, paymentID, func(tx paydeck.Tx, o *paydeck.Order, p *paydeck.Payment) error {
			return failPayment(ctx, tx, a, o, p, paydeck.PaymentAborted, code, msg)
		})
		if err != nil {
			return o, p, err
		}
		return o, p, tossRefused("payment", terr)
	}
}

// failPayment ends an in-progress payment as aborted or expired with Toss's
// code; the order is untouched and stays payable.
func failPayment(ctx context.Context, tx paydeck.Tx, a Actor, o *paydeck.Order, p *paydeck.Payment,
	to paydeck.PaymentStatus, code, msg string) error {
	if p.Status != paydeck.PaymentInProgress && p.Status != paydeck.PaymentReady {
		return nil
	}
	if err := p.Transition(to); err != nil {
		return err
	}
	p.FailureCode, p.FailureMessage = code, msg
	if err := tx.UpdatePayment(ctx, p); err != nil {
		return err
	}
	return appendEvent(ctx, tx, a, o.ID, p.ID, paydeck.EventFailed, "payment "+string(to)+": "+msg,
		map[string]any{"code": code})
}

// onPayment runs change on the payment and its order, both locked (order
// first, the lock order of every money path) by one statement, in one
// transaction, and returns the payment as it is afterwards. The order comes
// with its items.
func (s *Service) onPayment(ctx context.Context, paymentID string,
	change func(tx paydeck.Tx, o *paydeck.Order, p *paydeck.Payment) error) (*paydeck.Payment, error) {
	_, p, err := s.onPaymentOrder(ctx, paymentID, change)
	return p, err
}

// onPaymentOrder is onPayment that also returns the order as it is
// afterwards (nil when the transaction failed).
func (s *Service) onPaymentOrder(ctx context.Context, paymentID string,
	change func(tx paydeck.Tx, o *paydeck.Order, p *paydeck.Payment) error) (*paydeck.Order, *paydeck.Payment, error) {
	var order *paydeck.Order
	var out *paydeck.Payment
	err := s.store.Update(ctx, func(tx paydeck.Tx) error {
		order, out = nil, nil
		o, p, err := tx.LockPaymentAndOrder(ctx, paymentID)
		if err != nil {
			return err
		}
		if err := change(tx, o, p); err != nil {
			return err
		}
		order, out = o, p
		return nil
	})
	if err != nil {
		order = nil
	}
	return order, out, err
}

// ResolvePayment settles a payment left in_progress: it looks the payment
// up at Toss by orderId and applies what Toss says; a payment Toss still has
// in progress is confirmed again with the same idempotency key; one Toss
// does not know (or aborted, or expired) fails, leaving the order payable.
// It returns an error while the outcome is still unknown, so the job is
// retried. Payments no longer in progress are left alone.
func (s *Service) ResolvePayment(ctx context.Context, paymentID string) error {
	p, o, err := s.paymentAndOrderByID(ctx, paymentID)
	if paydeck.ErrorCode(err) == paydeck.CodeNotFound {
		return nil
	} else if err != nil {
		return err
	}
	if p.Status != paydeck.PaymentInProgress {
		return nil
	}
	tid := tossOrderID(o, p)
	tp, err := s.toss.Payments.GetByOrderID(ctx, tid)
	if err == nil && tp.PaymentKey != p.PaymentKey {
		tp, err = s.toss.Payments.Get(ctx, p.PaymentKey)
	}
	switch {
	case toss.IsCode(err, toss.CodeNotFoundPayment):
		_, err = s.onPayment(ctx, p.ID, func(tx paydeck.Tx, o *paydeck.Order, p *paydeck.Payment) error {
			return failPayment(ctx, tx, System, o, p, paydeck.PaymentAborted, string(toss.CodeNotFoundPayment), "Toss has no such payment.")
		})
		return err
	case err != nil:
		return fmt.Errorf("resolve payment %s: %w", p.ID, err)
	case tp.Status == toss.StatusInProgress || tp.Status == toss.StatusReady:
		tp, err = s.toss.Payments.Confirm(ctx, &toss.ConfirmParams{PaymentKey: p.PaymentKey, OrderID: tid,
			Amount: toss.Amount(p.Amount), Params: toss.Params{IdempotencyKey: confirmKey(tid, p.PaymentKey)}})
		if _, p, err = s.settleConfirm(ctx, System, p.ID, tp, err, true); p == nil {
			return err // the outcome could not be recorded
		}
	default:
		if p, err = s.apply(ctx, System, p.ID, tp); err != nil {
			return err
		}
	}
	if p != nil && p.Status == paydeck.PaymentInProgress {
		return errors.New("payment: confirm outcome still unknown")
	}
	return nil
}

// paymentAndOrderByID reads the payment with internal ID paymentID and its
// order, for the jobs that settle a payment's loose ends.
func (s *Service) paymentAndOrderByID(ctx context.Context, paymentID string) (p *paydeck.Payment, o *paydeck.Order, err error) {
	err = s.store.View(ctx, func(tx paydeck.Tx) (err error) {
		if p, err = tx.FindPaymentByID(ctx, paymentID); err != nil {
			return err
		}
		o, err = tx.FindOrderByID(ctx, p.OrderID)
		return err
	})
	return p, o, err
}
