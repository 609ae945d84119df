package payment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/toss"
)

// RefundAccount is the shopper's bank account for refunding a deposited
// virtual account. Bank is Toss's bank code (e.g. "20").
type RefundAccount struct {
	Bank, AccountNumber, HolderName string
}

// CancelInput is a refund request. Amount nil refunds the whole balance.
// IdempotencyKey, when set, makes a repeated request return the first
// refund instead of refunding again.
type CancelInput struct {
	Reason string
	Amount *int64
	// TaxFreeAmount is the tax-free part of Amount when the caller knows
	// it (a refund of given lines); nil applies paydeck.RefundTaxFree.
	// It must fit the payment's tax-free and taxable balances.
	TaxFreeAmount  *int64
	RefundAccount  *RefundAccount
	IdempotencyKey string
}

// requestHash identifies what the request asks for (amount or "the
// balance", reason, refund account), so that a repeat under the same
// IdempotencyKey can be told from a different request.
func (in CancelInput) requestHash() string {
	amount := "balance"
	if in.Amount != nil {
		amount = strconv.FormatInt(*in.Amount, 10)
	}
	parts := []string{amount, in.Reason}
	if in.TaxFreeAmount != nil {
		parts = append(parts, "taxFree="+strconv.FormatInt(*in.TaxFreeAmount, 10))
	}
	if ra := in.RefundAccount; ra != nil {
		parts = append(parts, ra.Bank, ra.AccountNumber, ra.HolderName)
	}
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s;", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// cancelKey is the Idempotency-Key of the Toss cancel of one refund.
func cancelKey(refundID string) string { return "cancel-" + refundID }

// Cancel refunds all or part of a payment through Toss and returns the
// refund and the payment as they are afterwards.
//
// Customers may refund their own payments until the order ships; admins any
// payment. The amount must not exceed the balance; only one refund of a
// payment runs at a time (a second concurrent one is a conflict); a
// deposited virtual account needs RefundAccount; a virtual account still
// waiting for its deposit can only be cancelled in full. On success the
// balance, payment and order statuses follow (order refunded with its
// physical stock returned, or partial_refunded). A definite Toss refusal
// leaves a failed refund with Toss's code and message, changes no balance,
// and is returned together with a conflict error. When Toss's answer is
// unknown the refund stays in_progress and a job repeats the same call; if
// the process dies before recording the answer, Sweep does, once the refund
// is ConfirmCheckDelay old.
func (s *Service) Cancel(ctx context.Context, a Actor, paymentKey string, in CancelInput) (*paydeck.Refund, *paydeck.Payment, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	if n := utf8.RuneCountInString(in.Reason); n < 1 || n > 200 {
		return nil, nil, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonRefundReason, "A cancel reason of 1 to 200 characters is required.")
	}
	if in.Amount != nil && *in.Amount <= 0 {
		return nil, nil, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonRefundAmount, "Refund amount must be positive.")
	}
	var r *paydeck.Refund
	var pay *paydeck.Payment
	var started bool
	hash := in.requestHash()
	err := s.store.Update(ctx, func(tx paydeck.Tx) error {
		r, pay, started = nil, nil, false
		p, err := tx.FindPaymentByKey(ctx, paymentKey)
		if err != nil {
			return notFound("Payment", paymentKey)
		}
		o, err := tx.LockOrderByID(ctx, p.OrderID)
		if err != nil || !a.canSee(o) {
			return notFound("Payment", paymentKey)
		}
		if p, err = tx.LockPaymentByID(ctx, p.ID); err != nil {
			return err
		}
		pay = p
		// Decided by what happened, not by the last status: a shipped order
		// the shop partially refunded is partial_refunded, and still shipped.
		if !a.Admin && (o.ShippedAt != nil || o.Status == paydeck.OrderShipped || o.Status == paydeck.OrderDelivered) {
			return paydeck.Reasonf(paydeck.CodeForbidden, paydeck.ReasonOrderShipped, "Order %s has shipped; ask the shop for a refund.", o.OrderID)
		}
		r, started, err = beginRefund(ctx, tx, a, o, p, in, hash)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	if !started {
		return r, pay, nil
	}
	return s.callCancel(context.WithoutCancel(ctx), a, r, pay.PaymentKey, false)
}

// beginRefund starts a refund of p (order o and p locked) in the caller's
// transaction: a repeat under in.IdempotencyKey returns the first refund
// (started false), an admin's pending owner task is taken up, else a new
// in_progress refund is created with its event. A started refund is sent
// to Toss (callCancel) once the transaction commits.
func beginRefund(ctx context.Context, tx paydeck.Tx, a Actor, o *paydeck.Order, p *paydeck.Payment, in CancelInput,
	hash string) (*paydeck.Refund, bool, error) {
	if in.IdempotencyKey != "" {
		if r, err := tx.FindRefundByKey(ctx, p.ID, in.IdempotencyKey); err == nil {
			if r.RequestHash != "" && r.RequestHash != hash {
				return nil, false, paydeck.Errorf(paydeck.CodeInvalid,
					"This Idempotency-Key was already used for a different refund request; use a new key.")
			}
			return r, false, nil // a repeat: the first refund
		} else if paydeck.ErrorCode(err) != paydeck.CodeNotFound {
			return nil, false, err
		}
	}
	if a.Admin {
		if r, err := takeOwnerTask(ctx, tx, a, o, p, in); err != nil || r != nil {
			return r, r != nil, err
		}
	}
	amount, err := refundable(ctx, tx, p, in)
	if err != nil {
		return nil, false, err
	}
	taxFree, err := refundTaxFree(p, amount, in.TaxFreeAmount)
	if err != nil {
		return nil, false, err
	}
	r := &paydeck.Refund{PaymentID: p.ID, Amount: amount, TaxFreeAmount: taxFree, Reason: in.Reason,
		Status: paydeck.RefundInProgress, IdempotencyKey: in.IdempotencyKey, RequestHash: hash}
	if ra := in.RefundAccount; ra != nil {
		r.Account = &paydeck.RefundAccount{BankCode: ra.Bank, AccountNumber: ra.AccountNumber, HolderName: ra.HolderName}
	}
	if err := tx.CreateRefund(ctx, r); err != nil {
		return nil, false, err
	}
	if err := appendEvent(ctx, tx, a, o.ID, p.ID, paydeck.EventRefundRequested, "refund requested: "+in.Reason,
		map[string]any{"amount": amount, "refundId": r.ID, "balanceAmount": p.BalanceAmount}); err != nil {
		return nil, false, err
	}
	return r, true, nil
}

// takeOwnerTask starts the pending refund of p that is an owner task
// (RefundAccountRequired: with the account in in; CancelBackFailed) and
// returns it; nil when p has no such task.
func takeOwnerTask(ctx context.Context, tx paydeck.Tx, a Actor, o *paydeck.Order, p *paydeck.Payment, in CancelInput) (*paydeck.Refund, error) {
	pending, _, err := tx.FindRefunds(ctx, paydeck.RefundFilter{PaymentID: &p.ID, Statuses: []paydeck.RefundStatus{paydeck.RefundPending}})
	if err != nil {
		return nil, err
	}
	for _, r := range pending {
		if r.ErrorCode != RefundAccountRequired && r.ErrorCode != CancelBackFailed {
			continue
		}
		if in.Amount != nil && *in.Amount != r.Amount {
			return nil, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonRefundFullOnly, "This payment must be refunded in full (%d won).", r.Amount)
		}
		if r.TaxFreeAmount == 0 {
			r.TaxFreeAmount, _ = refundTaxFree(p, r.Amount, nil)
		}
		if ra := in.RefundAccount; ra != nil {
			r.Account = &paydeck.RefundAccount{BankCode: ra.Bank, AccountNumber: ra.AccountNumber, HolderName: ra.HolderName}
		} else if r.ErrorCode == RefundAccountRequired {
			return nil, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonRefundAccount, "Refunding a deposited virtual account needs refundReceiveAccount.")
		}
		r.ErrorCode, r.ErrorMessage = "", ""
		if err := r.Transition(paydeck.RefundInProgress, tx.Now()); err != nil {
			return nil, err
		}
		if err := tx.UpdateRefund(ctx, r); err != nil {
			return nil, err
		}
		return r, appendEvent(ctx, tx, a, o.ID, p.ID, paydeck.EventRefundRequested, "refund account received: "+in.Reason,
			map[string]any{"amount": r.Amount, "refundId": r.ID, "balanceAmount": p.BalanceAmount})
	}
	return nil, nil
}

// refundable checks a new refund of p against its state and returns the
// amount to refund.
func refundable(ctx context.Context, tx paydeck.Tx, p *paydeck.Payment, in CancelInput) (int64, error) {
	_, open, err := tx.FindRefunds(ctx, paydeck.RefundFilter{PaymentID: &p.ID,
		Statuses: []paydeck.RefundStatus{paydeck.RefundPending, paydeck.RefundInProgress}})
	if err != nil {
		return 0, err
	}
	if open > 0 {
		return 0, paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonRefundInProgress, "Another refund of this payment is in progress; try again shortly.")
	}
	amount := p.BalanceAmount
	if in.Amount != nil {
		amount = *in.Amount
	}
	if p.Status == paydeck.PaymentWaitingForDeposit {
		if amount != p.BalanceAmount {
			return 0, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonDepositFullOnly, "A virtual account awaiting its deposit can only be cancelled in full.")
		}
		return amount, nil
	}
	if err := p.CanRefund(amount); err != nil {
		return 0, err
	}
	if p.Method == paydeck.MethodVirtualAccount && in.RefundAccount == nil {
		return 0, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonRefundAccount, "Refunding a deposited virtual account needs refundReceiveAccount.")
	}
	return amount, nil
}

// refundTaxFree returns the tax-free part of a refund of amount from p:
// want when the caller named it (checked to fit p's tax-free and taxable
// balances), else paydeck.RefundTaxFree of p's balance. A refund of the
// whole balance always takes the whole tax-free balance.
func refundTaxFree(p *paydeck.Payment, amount int64, want *int64) (int64, error) {
	balance, taxFree := p.BalanceAmount, p.TaxFreeAmount
	if amount >= balance || taxFree > balance {
		return min(taxFree, amount), nil
	}
	if want == nil {
		return paydeck.RefundTaxFree(amount, balance, taxFree), nil
	}
	if t := *want; t < 0 || t > taxFree || t > amount || amount-t > balance-taxFree {
		return 0, paydeck.Errorf(paydeck.CodeInvalid, "Tax-free amount %d does not fit: the refund is %d won, "+
			"of which at most %d tax-free and at most %d taxable.", t, amount, min(taxFree, amount), balance-taxFree)
	}
	return *want, nil
}

// callCancel sends the refund to Toss and records the outcome (byJob: see
// settleRefund).
func (s *Service) callCancel(ctx context.Context, a Actor, r *paydeck.Refund, paymentKey string, byJob bool) (*paydeck.Refund, *paydeck.Payment, error) {
	amt := toss.Amount(r.Amount)
	params := &toss.CancelParams{CancelReason: r.Reason, CancelAmount: &amt,
		Params: toss.Params{IdempotencyKey: cancelKey(r.ID)}}
	if r.TaxFreeAmount > 0 {
		tf := toss.Amount(r.TaxFreeAmount)
		params.TaxFreeAmount = &tf
	}
	if ra := r.Account; ra != nil {
		params.RefundReceiveAccount = &toss.RefundReceiveAccount{Bank: ra.BankCode, AccountNumber: ra.AccountNumber, HolderName: ra.HolderName}
	}
	tp, terr := s.toss.Payments.Cancel(ctx, paymentKey, params)
	return s.settleRefund(ctx, a, r.ID, tp, terr, byJob)
}

// settleRefund records the outcome of a Toss cancel for the refund. An
// unknown outcome is handed to the ResolveRefund job, unless this already is
// that job (byJob), which River retries itself.
func (s *Service) settleRefund(ctx context.Context, a Actor, refundID string, tp *toss.Payment, terr error, byJob bool) (*paydeck.Refund, *paydeck.Payment, error) {
	var r *paydeck.Refund
	var pay *paydeck.Payment
	err := s.store.Update(ctx, func(tx paydeck.Tx) error {
		var err error
		if r, err = tx.FindRefundByID(ctx, refundID); err != nil {
			return err
		}
		p, err := tx.FindPaymentByID(ctx, r.PaymentID)
		if err != nil {
			return err
		}
		o, err := tx.LockOrderByID(ctx, p.OrderID)
		if err != nil {
			return err
		}
		if pay, err = tx.LockPaymentByID(ctx, p.ID); err != nil {
			return err
		}
		if r, err = tx.FindRefundByID(ctx, refundID); err != nil || r.Status != paydeck.RefundInProgress {
			return err // settled meanwhile
		}
		switch {
		case terr == nil:
			return s.completeRefund(ctx, tx, a, o, pay, r, tp)
		case outcomeUnknown(terr):
			s.log.Warn("payment: cancel outcome unknown", "refundId", r.ID, "err", terr)
			if byJob {
				return nil
			}
			return tx.Enqueue(ctx, ResolveRefundArgs{RefundID: r.ID}, resolveOnce)
		}
		code, msg := tossFailure(terr)
		if err := r.Transition(paydeck.RefundFailed, tx.Now()); err != nil {
			return err
		}
		r.ErrorCode, r.ErrorMessage = code, msg
		if err := tx.UpdateRefund(ctx, r); err != nil {
			return err
		}
		if err := appendEvent(ctx, tx, a, o.ID, pay.ID, paydeck.EventRefundFailed, "refund failed: "+msg,
			map[string]any{"amount": r.Amount, "refundId": r.ID, "code": code}); err != nil {
			return err
		}
		if r.Reason != cancelBackReason || pay.Status == paydeck.PaymentWaitingForDeposit {
			return nil // a waiting account that took its deposit meanwhile is cancelled back when the deposit is applied
		}
		// Money paydeck must not keep is still at Toss and Toss refused to
		// send it back: the owner must act. A new refund, never the failed
		// one's keys.
		if pay.Method == paydeck.MethodVirtualAccount {
			return s.ownerTask(ctx, tx, o, pay, r.Amount, RefundAccountRequired,
				"The deposit must go back; Toss needs the shopper's bank account to refund it.")
		}
		return s.ownerTask(ctx, tx, o, pay, r.Amount, CancelBackFailed, "Toss refused to cancel the payment back: "+msg)
	})
	if err != nil {
		return r, pay, err
	}
	if r.Status == paydeck.RefundFailed && terr != nil {
		return r, pay, tossRefused("refund", terr)
	}
	return r, pay, nil
}

// completeRefund applies a successful Toss cancel: refund completed, the
// payment's balance and status, the order's status and, on a full refund,
// the stock of physical goods.
func (s *Service) completeRefund(ctx context.Context, tx paydeck.Tx, a Actor, o *paydeck.Order, p *paydeck.Payment,
	r *paydeck.Refund, tp *toss.Payment) error {
	if n := len(tp.Cancels); n > 0 {
		r.TransactionKey = tp.Cancels[n-1].TransactionKey
	}
	if err := r.Transition(paydeck.RefundCompleted, tx.Now()); err != nil {
		return err
	}
	if err := tx.UpdateRefund(ctx, r); err != nil {
		return err
	}
	late := p.Status == paydeck.PaymentAborted || p.Status == paydeck.PaymentExpired || cancelledUnpaid(p)
	switch {
	case late:
		// An approval Toss made after paydeck gave the payment up, cancelled
		// back: the payment never counted, nor does its refund.
		s.log.Warn("payment: late approval cancelled back", "paymentId", p.ID, "amount", r.Amount)
		return appendEvent(ctx, tx, a, o.ID, p.ID, paydeck.EventRefundCompleted, "late approval cancelled back",
			map[string]any{"amount": r.Amount, "refundId": r.ID, "transactionKey": r.TransactionKey,
				"tossBalanceAmount": int64(tp.BalanceAmount)})
	case p.Status == paydeck.PaymentWaitingForDeposit:
		p.BalanceAmount = 0
		if err := p.Transition(paydeck.PaymentCanceled); err != nil {
			return err
		}
	default:
		if err := p.ApplyRefund(r.Amount); err != nil {
			return err
		}
	}
	// Toss's figures after the change are the truth (issue 11, defect 9);
	// a split other than the one paydeck asked for is logged.
	wantTaxFree := max(p.TaxFreeAmount-r.TaxFreeAmount, 0)
	if late || p.Status == paydeck.PaymentCanceled {
		wantTaxFree = 0
	}
	p.SuppliedAmount, p.VAT, p.TaxFreeAmount = int64(tp.SuppliedAmount), int64(tp.VAT), int64(tp.TaxFreeAmount)
	if p.TaxFreeAmount != wantTaxFree || p.VAT != paydeck.VATOf(p.BalanceAmount-p.TaxFreeAmount) {
		s.log.Warn("payment: tax split differs from Toss after a refund", "paymentId", p.ID,
			"taxFreeAmount", wantTaxFree, "tossTaxFreeAmount", p.TaxFreeAmount, "tossVat", p.VAT)
	}
	p.CashReceipt = receiptFromToss(tp, p.CashReceipt, tx.Now())
	if _, cancel := receiptDue(p); cancel > 0 {
		// A receipt paydeck issued separately: Toss does not cancel it
		// with the payment, paydeck does.
		if err := tx.Enqueue(ctx, CashReceiptArgs{PaymentID: p.ID}, nil); err != nil {
			return err
		}
	}
	if int64(tp.BalanceAmount) != p.BalanceAmount {
		s.log.Warn("payment: balance differs from Toss after a refund", "paymentId", p.ID,
			"local", p.BalanceAmount, "toss", int64(tp.BalanceAmount))
	}
	if tp.LastTransactionKey != nil {
		p.TransactionKey = *tp.LastTransactionKey
	}
	if err := tx.UpdatePayment(ctx, p); err != nil {
		return err
	}
	if err := appendEvent(ctx, tx, a, o.ID, p.ID, paydeck.EventRefundCompleted, "refund completed",
		map[string]any{"amount": r.Amount, "refundId": r.ID, "balanceAmount": p.BalanceAmount,
			"transactionKey": r.TransactionKey, "tossBalanceAmount": int64(tp.BalanceAmount)}); err != nil {
		return err
	}
	if o.Status == paydeck.OrderPending && r.Reason == SwitchMethodReason {
		return s.reopenOrder(ctx, tx, o, p)
	}
	return refundOrder(ctx, tx, o, p)
}

// refundOrder moves the order after a completed refund of p.
func refundOrder(ctx context.Context, tx paydeck.Tx, o *paydeck.Order, p *paydeck.Payment) error {
	to := paydeck.OrderPartialRefunded
	switch {
	case o.Status == paydeck.OrderPending: // a virtual account cancelled before its deposit
		to = paydeck.OrderCancelled
	case o.Status.Final(): // expired or cancelled: a cancel-back, stock already returned
		return nil
	case p.BalanceAmount == 0:
		to = paydeck.OrderRefunded
	}
	if err := o.Transition(to, tx.Now()); err != nil {
		return err
	}
	if to != paydeck.OrderPartialRefunded && o.ShippedAt == nil { // shipped goods are not back in stock
		if err := releaseStock(ctx, tx, o); err != nil {
			return err
		}
	}
	if to != paydeck.OrderPartialRefunded { // all the money went back: so does the coupon
		if err := releaseCoupon(ctx, tx, System, o, "order "+string(to)); err != nil {
			return err
		}
	}
	if err := tx.UpdateOrder(ctx, o); err != nil {
		return err
	}
	if to != paydeck.OrderCancelled {
		return nil
	}
	// The order's own cancel event (order.canceled for other systems), as
	// for an order cancelled before any payment.
	return appendEvent(ctx, tx, System, o.ID, "", paydeck.EventCanceled,
		"order cancelled with its virtual account before the deposit", map[string]any{"paymentId": p.ID})
}

// ResolveRefund settles a refund left in_progress by repeating the same
// Toss cancel with the same idempotency key (Toss replays the first answer
// or performs it now) and recording the result. It returns an error while
// the outcome is still unknown, so the job is retried.
func (s *Service) ResolveRefund(ctx context.Context, refundID string) error {
	var r *paydeck.Refund
	var p *paydeck.Payment
	err := s.store.View(ctx, func(tx paydeck.Tx) (err error) {
		if r, err = tx.FindRefundByID(ctx, refundID); err != nil {
			return err
		}
		p, err = tx.FindPaymentByID(ctx, r.PaymentID)
		return err
	})
	if paydeck.ErrorCode(err) == paydeck.CodeNotFound {
		return nil
	} else if err != nil {
		return err
	}
	if r.Status != paydeck.RefundInProgress {
		return nil
	}
	r, _, err = s.callCancel(ctx, System, r, p.PaymentKey, true)
	switch {
	case r == nil:
		return err
	case r.Status == paydeck.RefundInProgress:
		return fmt.Errorf("refund %s: %w", r.ID, errors.Join(errors.New("cancel outcome still unknown"), err))
	}
	return nil
}
