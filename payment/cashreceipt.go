package payment

import (
	"context"
	"fmt"
	"time"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/toss"
)

// Cash receipts (현금영수증) of cash payments (virtual account, transfer).
//
// The shopper's choice goes to Toss with the payment request; Toss issues
// the receipt after the deposit (virtual account) or right after the
// payment (transfer) and reports it on the payment, where apply copies it
// (receiptFromToss). A refund of such a payment makes Toss cancel the
// receipt's matching part, which the refund copies back the same way.
// Receipts Toss did not issue with the payment are issued by paydeck with
// POST /v1/cash-receipts: by an admin afterwards (IssueCashReceipt), or on
// its own for a cash payment of SelfIssueThreshold or more that carries no
// receipt (자진발급, paydeck.CashReceiptFor; SettleCashReceipt, queued by
// the approval). Such a separate receipt is not linked to the payment at
// Toss, so paydeck cancels its refunded part itself (SettleCashReceipt,
// queued by the refund).

// Event types of cash receipts.
const (
	EventCashReceiptIssued   paydeck.EventType = "cash_receipt_issued"
	EventCashReceiptCanceled paydeck.EventType = "cash_receipt_canceled"
	EventCashReceiptFailed   paydeck.EventType = "cash_receipt_failed"
)

// CashReceiptArgs asks for SettleCashReceipt of a payment.
type CashReceiptArgs struct {
	PaymentID string `json:"paymentId"`
}

// Kind implements paydeck.JobArgs.
func (CashReceiptArgs) Kind() string { return "payment_cash_receipt" }

// isCash reports whether m is a cash payment method (cash receipts apply).
func isCash(m paydeck.PaymentMethodType) bool {
	return m == paydeck.MethodVirtualAccount || m == paydeck.MethodTransfer
}

// CheckoutCashReceipt is the cash receipt request for a checkout of amount:
// the shopper's choice checked (paydeck.NormalizeCashReceipt) and the
// self-issue rule applied (paydeck.CashReceiptFor). It is what the page
// sends to Toss for a virtual account or a transfer.
type CheckoutCashReceipt struct {
	Type               paydeck.CashReceiptType
	RegistrationNumber string
	SelfIssued         bool
}

// ResolveCashReceipt checks the shopper's choice t / number for a cash
// payment of amount and returns the request to send. Errors: invalid.
func ResolveCashReceipt(amount int64, t paydeck.CashReceiptType, number string) (CheckoutCashReceipt, error) {
	t, number, err := paydeck.NormalizeCashReceipt(t, number)
	if err != nil {
		return CheckoutCashReceipt{}, err
	}
	t, number, self := paydeck.CashReceiptFor(amount, t, number)
	return CheckoutCashReceipt{Type: t, RegistrationNumber: number, SelfIssued: self}, nil
}

// receiptFromToss returns the payment's cash receipt as Toss reports it on
// tp, or old when Toss reports none or old was issued separately (Toss
// keeps showing the receipt it issued with the payment, which a separate
// one only follows once that was cancelled). now dates a receipt seen for
// the first time.
func receiptFromToss(tp *toss.Payment, old *paydeck.CashReceipt, now time.Time) *paydeck.CashReceipt {
	c := tp.CashReceipt
	if c == nil || c.ReceiptKey == "" || (old != nil && old.Separate) {
		return old
	}
	r := &paydeck.CashReceipt{Type: paydeck.CashReceiptType(c.Type), ReceiptKey: c.ReceiptKey, IssueNumber: c.IssueNumber,
		ReceiptURL: c.ReceiptURL, Amount: int64(c.Amount), TaxFreeAmount: int64(c.TaxFreeAmount),
		Status: paydeck.CashReceiptIssued, IssuedAt: now}
	if old != nil && old.ReceiptKey == c.ReceiptKey {
		r.IssuedAt, r.Number, r.SelfIssued = old.IssuedAt, old.Number, old.SelfIssued
	}
	for _, h := range tp.CashReceipts {
		switch {
		case h.TransactionType == toss.CashReceiptCancel:
			r.CanceledAmount += int64(h.Amount)
		case h.ReceiptKey == c.ReceiptKey:
			if h.CustomerIdentityNumber != "" {
				r.Number = paydeck.MaskIdentity(h.CustomerIdentityNumber)
				r.SelfIssued = h.CustomerIdentityNumber == paydeck.SelfIssueNumber
			}
			if h.RequestedAt != nil && r.IssuedAt.Equal(now) {
				r.IssuedAt = h.RequestedAt.UTC()
			}
		}
	}
	if r.CanceledAmount >= r.Amount {
		r.CanceledAmount, r.Status = r.Amount, paydeck.CashReceiptCanceled
	}
	return r
}

// receiptDue reports what SettleCashReceipt must do for p: issue a
// self-issued receipt, or cancel part of a separate one (amount > 0).
func receiptDue(p *paydeck.Payment) (issue bool, cancel int64) {
	if !isCash(p.Method) {
		return false, 0
	}
	c := p.CashReceipt
	switch {
	case c == nil:
		paid := p.Status == paydeck.PaymentDone || p.Status == paydeck.PaymentPartialCanceled
		return paid && p.Amount >= paydeck.SelfIssueThreshold, 0
	case c.Separate && c.Status == paydeck.CashReceiptIssued:
		if over := c.Amount - c.CanceledAmount - p.BalanceAmount; over > 0 {
			return false, over
		}
	}
	return false, 0
}

// SettleCashReceipt brings a cash payment's receipt in line with the tax
// rules: it issues the self-issued (자진발급) receipt a cash payment of
// SelfIssueThreshold or more must have when Toss issued none, and cancels
// the refunded part of a receipt paydeck issued separately. It is the
// CashReceiptArgs job; it returns an error (River retries) while Toss's
// answer is unknown, and records a definite refusal as an event.
func (s *Service) SettleCashReceipt(ctx context.Context, paymentID string) error {
	p, o, err := s.paymentAndOrderByID(ctx, paymentID)
	if paydeck.ErrorCode(err) == paydeck.CodeNotFound {
		return nil
	} else if err != nil {
		return err
	}
	issue, cancel := receiptDue(p)
	switch {
	case issue:
		_, err = s.issueReceipt(ctx, System, p, o, paydeck.CashReceiptIncomeDeduction, paydeck.SelfIssueNumber,
			"cash-receipt-self-"+p.ID)
	case cancel > 0:
		_, err = s.cancelReceipt(ctx, System, p, o, cancel)
	}
	if err != nil && paydeck.ErrorCode(err) == paydeck.CodeConflict {
		return nil // Toss refused; recorded as an event for the owner
	}
	return err
}

// IssueCashReceiptInput is an admin's request for a receipt after the
// payment: the type (소득공제 or 지출증빙) and the number it is issued to.
type IssueCashReceiptInput struct {
	Type   paydeck.CashReceiptType
	Number string
}

// IssueCashReceipt issues a cash receipt for a paid cash payment that has
// none standing (POST /v1/cash-receipts), for its refundable balance and
// tax-free part, and records it on the payment. Admins only (forbidden).
// Errors: not_found, invalid (type or number; not a cash payment),
// conflict (not paid, a receipt already stands, Toss refused),
// unavailable (Toss unreachable: nothing recorded, try again; the same
// request then reuses its idempotency key).
func (s *Service) IssueCashReceipt(ctx context.Context, a Actor, paymentKey string, in IssueCashReceiptInput) (*paydeck.Payment, error) {
	if !a.Admin {
		return nil, paydeck.Errorf(paydeck.CodeForbidden, "Only the shop can issue cash receipts.")
	}
	t, number, err := paydeck.NormalizeCashReceipt(in.Type, in.Number)
	if err != nil {
		return nil, err
	}
	if t == paydeck.CashReceiptNone {
		return nil, paydeck.Errorf(paydeck.CodeInvalid, "Choose 소득공제 or 지출증빙 to issue a cash receipt.")
	}
	p, o, err := s.paymentAndOrder(ctx, a, paymentKey)
	if err != nil {
		return nil, err
	}
	switch {
	case !isCash(p.Method):
		return nil, paydeck.Errorf(paydeck.CodeInvalid, "Cash receipts are for virtual-account and transfer payments; this one is %s.", p.Method)
	case p.Status != paydeck.PaymentDone && p.Status != paydeck.PaymentPartialCanceled:
		return nil, paydeck.Errorf(paydeck.CodeConflict, "A %s payment gets no cash receipt.", p.Status)
	case p.CashReceipt != nil && p.CashReceipt.Status == paydeck.CashReceiptIssued:
		return nil, paydeck.Errorf(paydeck.CodeConflict, "Payment %s already has a cash receipt; cancel it first.", paymentKey)
	}
	key := fmt.Sprintf("cash-receipt-%s-%s-%s-%d", p.ID, t, number, p.BalanceAmount)
	return s.issueReceipt(ctx, a, p, o, t, number, key)
}

// CancelCashReceipt cancels what stands of the payment's cash receipt
// (POST /v1/cash-receipts/{receiptKey}/cancel). Admins only. Errors:
// not_found, conflict (no receipt standing, Toss refused), unavailable.
func (s *Service) CancelCashReceipt(ctx context.Context, a Actor, paymentKey string) (*paydeck.Payment, error) {
	if !a.Admin {
		return nil, paydeck.Errorf(paydeck.CodeForbidden, "Only the shop can cancel cash receipts.")
	}
	p, o, err := s.paymentAndOrder(ctx, a, paymentKey)
	if err != nil {
		return nil, err
	}
	c := p.CashReceipt
	if c == nil || c.Status != paydeck.CashReceiptIssued {
		return nil, paydeck.Errorf(paydeck.CodeConflict, "Payment %s has no cash receipt to cancel.", paymentKey)
	}
	return s.cancelReceipt(ctx, a, p, o, c.Amount-c.CanceledAmount)
}

// paymentAndOrder reads the payment with paymentKey and its order, if the
// actor may see them.
func (s *Service) paymentAndOrder(ctx context.Context, a Actor, paymentKey string) (*paydeck.Payment, *paydeck.Order, error) {
	var p *paydeck.Payment
	var o *paydeck.Order
	err := s.store.View(ctx, func(tx paydeck.Tx) (err error) {
		if p, err = tx.FindPaymentByKey(ctx, paymentKey); err != nil {
			return notFound("Payment", paymentKey)
		}
		if o, err = tx.FindOrderByID(ctx, p.OrderID); err != nil || !a.canSee(o) {
			return notFound("Payment", paymentKey)
		}
		return nil
	})
	return p, o, err
}

// issueReceipt calls Toss to issue a separate receipt for p's balance and
// records the answer (or a refusal) in one transaction.
func (s *Service) issueReceipt(ctx context.Context, a Actor, p *paydeck.Payment, o *paydeck.Order,
	t paydeck.CashReceiptType, number, key string) (*paydeck.Payment, error) {
	tf := toss.Amount(p.TaxFreeAmount)
	cr, terr := s.toss.CashReceipts.Issue(ctx, &toss.CashReceiptParams{Amount: toss.Amount(p.BalanceAmount),
		OrderID: o.OrderID, OrderName: o.Name(), Type: toss.CashReceiptType(t), CustomerIdentityNumber: number,
		TaxFreeAmount: &tf, Params: toss.Params{IdempotencyKey: key}})
	if terr != nil && outcomeUnknown(terr) {
		return nil, unavailable("cash receipt", terr)
	}
	ctx = context.WithoutCancel(ctx)
	out, err := s.onPayment(ctx, p.ID, func(tx paydeck.Tx, o *paydeck.Order, p *paydeck.Payment) error {
		if terr != nil {
			code, msg := tossFailure(terr)
			if err := appendEvent(ctx, tx, a, o.ID, p.ID, EventCashReceiptFailed, "cash receipt refused: "+msg,
				map[string]any{"code": code, "type": t}); err != nil {
				return err
			}
			return nil
		}
		p.CashReceipt = &paydeck.CashReceipt{Type: t, Number: paydeck.MaskIdentity(number),
			SelfIssued: number == paydeck.SelfIssueNumber, ReceiptKey: cr.ReceiptKey, IssueNumber: cr.IssueNumber,
			ReceiptURL: cr.ReceiptURL, Amount: int64(cr.Amount), TaxFreeAmount: int64(cr.TaxFreeAmount),
			Status: paydeck.CashReceiptIssued, Separate: true, IssuedAt: tx.Now()}
		if err := tx.UpdatePayment(ctx, p); err != nil {
			return err
		}
		msg := "cash receipt issued"
		if p.CashReceipt.SelfIssued {
			msg = "cash receipt self-issued (자진발급): cash payment of 100,000 won or more"
		}
		return appendEvent(ctx, tx, a, o.ID, p.ID, EventCashReceiptIssued, msg,
			map[string]any{"type": t, "amount": int64(cr.Amount), "receiptKey": cr.ReceiptKey, "selfIssued": p.CashReceipt.SelfIssued})
	})
	if err != nil {
		return nil, err
	}
	if terr != nil {
		return nil, tossRefused("cash receipt", terr)
	}
	return out, nil
}

// cancelReceipt calls Toss to cancel amount of p's receipt and records the
// answer (or a refusal) in one transaction.
func (s *Service) cancelReceipt(ctx context.Context, a Actor, p *paydeck.Payment, o *paydeck.Order, amount int64) (*paydeck.Payment, error) {
	c := p.CashReceipt
	amt := toss.Amount(amount)
	_, terr := s.toss.CashReceipts.Cancel(ctx, c.ReceiptKey, &toss.CashReceiptCancelParams{Amount: &amt,
		Params: toss.Params{IdempotencyKey: fmt.Sprintf("cash-receipt-cancel-%s-%d", c.ReceiptKey, c.CanceledAmount+amount)}})
	if terr != nil && outcomeUnknown(terr) {
		return nil, unavailable("cash receipt cancel", terr)
	}
	ctx = context.WithoutCancel(ctx)
	out, err := s.onPayment(ctx, p.ID, func(tx paydeck.Tx, o *paydeck.Order, p *paydeck.Payment) error {
		if terr != nil {
			code, msg := tossFailure(terr)
			return appendEvent(ctx, tx, a, o.ID, p.ID, EventCashReceiptFailed, "cash receipt cancel refused: "+msg,
				map[string]any{"code": code, "amount": amount})
		}
		if p.CashReceipt == nil || p.CashReceipt.ReceiptKey != c.ReceiptKey {
			return nil // changed meanwhile
		}
		r := *p.CashReceipt
		r.CanceledAmount += amount
		if r.CanceledAmount >= r.Amount {
			r.CanceledAmount, r.Status = r.Amount, paydeck.CashReceiptCanceled
		}
		p.CashReceipt = &r
		if err := tx.UpdatePayment(ctx, p); err != nil {
			return err
		}
		return appendEvent(ctx, tx, a, o.ID, p.ID, EventCashReceiptCanceled, "cash receipt canceled",
			map[string]any{"amount": amount, "receiptKey": r.ReceiptKey, "canceledAmount": r.CanceledAmount})
	})
	if err != nil {
		return nil, err
	}
	if terr != nil {
		return nil, tossRefused("cash receipt cancel", terr)
	}
	return out, nil
}
