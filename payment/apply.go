package payment

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/toss"
)

// cancelBackReason is the reason of refunds paydeck starts on its own for
// approvals that arrived after the order stopped being payable.
const cancelBackReason = "order no longer payable"

// apply reconciles the local payment with tp, a payment read from Toss (a
// confirm answer or a re-fetch). It is idempotent and order-independent:
// it only moves the payment forward (in_progress → done / waiting /
// aborted, waiting → done / expired), and applying a state already recorded
// changes nothing and appends no event.
func (s *Service) apply(ctx context.Context, a Actor, paymentID string, tp *toss.Payment) (*paydeck.Payment, error) {
	_, p, err := s.applyOrder(ctx, a, paymentID, tp)
	return p, err
}

// applyOrder is apply that also returns the order as it left it.
func (s *Service) applyOrder(ctx context.Context, a Actor, paymentID string, tp *toss.Payment) (*paydeck.Order, *paydeck.Payment, error) {
	return s.onPaymentOrder(ctx, paymentID, func(tx paydeck.Tx, o *paydeck.Order, p *paydeck.Payment) error {
		return s.applyLocked(ctx, tx, a, o, p, tp)
	})
}

func (s *Service) applyLocked(ctx context.Context, tx paydeck.Tx, a Actor, o *paydeck.Order, p *paydeck.Payment, tp *toss.Payment) error {
	switch stepFor(p, tp) {
	case stepApprove:
		return s.approve(ctx, tx, a, o, p, tp)
	case stepIssue:
		return s.issueAccount(ctx, tx, a, o, p, tp)
	case stepExpireAccount:
		return expireAccount(ctx, tx, o, p)
	case stepCancelLate:
		return s.lateApproval(ctx, tx, a, o, p, tp)
	case stepFail:
		code, msg := "", "Toss reports the payment "+strings.ToLower(string(tp.Status))+"."
		if tp.Failure != nil {
			code, msg = string(tp.Failure.Code), tp.Failure.Message
		}
		return failPayment(ctx, tx, a, o, p, paydeck.PaymentStatus(strings.ToLower(string(tp.Status))), code, msg)
	}
	return nil
}

// step is what applying a Toss payment does to the local one.
type step int

const (
	stepNone          step = iota // nothing: the state is already recorded, or Toss's is not ahead of it
	stepApprove                   // approved or deposited: payment done, order paid
	stepIssue                     // virtual account issued: waiting for the deposit
	stepExpireAccount             // virtual account expired or aborted before the deposit
	stepFail                      // aborted or expired before approval
	stepCancelLate                // approved at Toss although paydeck gave the payment up: cancel back
)

// stepFor decides what applying tp to p does. It reads nothing but its
// arguments, so it also tells, before any lock is taken, whether applying
// would change anything at all. Of p it reads only Status and whether
// ApprovedAt is set: unchangedStatuses relies on that.
func stepFor(p *paydeck.Payment, tp *toss.Payment) step {
	open := p.Status == paydeck.PaymentInProgress || p.Status == paydeck.PaymentReady
	waiting := p.Status == paydeck.PaymentWaitingForDeposit
	switch tp.Status {
	case toss.StatusDone, toss.StatusPartialCanceled, toss.StatusCanceled:
		// A cancelled payment counts as approved only if it ever was: a
		// virtual account cancelled before its deposit was not (its
		// refund records the cancel).
		approved := tp.Status == toss.StatusDone || tp.ApprovedAt != nil
		gaveUp := p.Status == paydeck.PaymentAborted || p.Status == paydeck.PaymentExpired || cancelledUnpaid(p)
		switch {
		case approved && (open || waiting):
			return stepApprove
		case approved && gaveUp && tp.BalanceAmount > 0:
			return stepCancelLate
		}
	case toss.StatusWaitingForDeposit:
		switch {
		case open:
			return stepIssue
		case waiting && tp.VirtualAccount != nil && tp.VirtualAccount.Expired:
			return stepExpireAccount
		}
	case toss.StatusAborted, toss.StatusExpired:
		switch {
		case waiting:
			return stepExpireAccount
		case open:
			return stepFail
		}
	}
	return stepNone
}

// cancelledUnpaid reports whether p is a virtual account paydeck cancelled
// before any deposit (SwitchMethod, an order cancel): a deposit Toss takes
// for it afterwards is money for an order that is not paid by it, to be
// sent back, never a second payment of the order.
func cancelledUnpaid(p *paydeck.Payment) bool {
	return p.Status == paydeck.PaymentCanceled && p.ApprovedAt == nil
}

// copyFromToss copies what Toss approved or issued into p.
func copyFromToss(p *paydeck.Payment, tp *toss.Payment) {
	p.Method = methodOf(tp.Method)
	p.Amount = int64(tp.TotalAmount)
	p.BalanceAmount = p.Amount
	p.SuppliedAmount, p.VAT, p.TaxFreeAmount = int64(tp.SuppliedAmount), int64(tp.VAT), int64(tp.TaxFreeAmount)
	if tp.LastTransactionKey != nil {
		p.TransactionKey = *tp.LastTransactionKey
	}
	if tp.Secret != nil && *tp.Secret != "" {
		p.Secret = *tp.Secret
	}
	if tp.Receipt != nil && tp.Receipt.URL != "" {
		p.ReceiptURL = tp.Receipt.URL
	}
	var details any
	switch {
	case tp.Card != nil:
		details = tp.Card
	case tp.EasyPay != nil:
		details = tp.EasyPay
	case tp.Transfer != nil:
		details = tp.Transfer
	case tp.MobilePhone != nil:
		details = tp.MobilePhone
	case tp.GiftCertificate != nil:
		details = tp.GiftCertificate
	}
	if details != nil {
		if b, err := json.Marshal(details); err == nil {
			p.MethodDetails = b
		}
	}
}

// approve records an approval (or a virtual-account deposit): payment done,
// order paid. An approval for an order that is no longer pending (expired or
// cancelled meanwhile) is recorded and then cancelled back with a refund.
func (s *Service) approve(ctx context.Context, tx paydeck.Tx, a Actor, o *paydeck.Order, p *paydeck.Payment, tp *toss.Payment) error {
	if approvalDiffers(o, p, tp) {
		// Not the approval paydeck asked for: refuse it, alert, and send
		// the money back.
		s.log.Error("payment: Toss approved a different order or amount", "paymentId", p.ID,
			"orderId", tossOrderID(o, p), "tossOrderId", tp.OrderID, "amount", p.Amount, "tossAmount", int64(tp.TotalAmount),
			"taxFreeAmount", o.TaxFreeAmount, "tossTaxFreeAmount", int64(tp.TaxFreeAmount))
		if err := failPayment(ctx, tx, a, o, p, paydeck.PaymentAborted, "APPROVAL_MISMATCH",
			"Toss approved a different order or amount; the approval is cancelled back."); err != nil {
			return err
		}
		return s.lateApproval(ctx, tx, a, o, p, tp)
	}
	deposit := p.Status == paydeck.PaymentWaitingForDeposit
	if err := approvePayment(p, tp, tx.Now()); err != nil {
		return err
	}
	if err := tx.UpdatePayment(ctx, p); err != nil {
		return err
	}
	return s.approved(ctx, tx, a, o, p, deposit)
}

// approvalDiffers reports whether Toss approved something else than p of
// o: another order, another amount, or (as long as nothing of the payment
// was cancelled yet, since cancels shrink it) another tax-free part
// (issue 15 §1).
func approvalDiffers(o *paydeck.Order, p *paydeck.Payment, tp *toss.Payment) bool {
	taxFreeDiffers := tp.BalanceAmount == tp.TotalAmount && int64(tp.TaxFreeAmount) != o.TaxFreeAmount
	return tp.OrderID != tossOrderID(o, p) || int64(tp.TotalAmount) != p.Amount || taxFreeDiffers
}

// approvePayment copies Toss's approval into p and moves it to done.
func approvePayment(p *paydeck.Payment, tp *toss.Payment, now time.Time) error {
	copyFromToss(p, tp)
	p.CashReceipt = receiptFromToss(tp, p.CashReceipt, now)
	p.ApprovedAt = tp.ApprovedAt
	if p.ApprovedAt == nil {
		p.ApprovedAt = &now
	}
	return p.Transition(paydeck.PaymentDone)
}

// approved records the rest of an approval once the payment p is written
// done: its event, then the order paid (or, no longer pending, the
// approval cancelled back) and the cash receipt paydeck owes.
func (s *Service) approved(ctx context.Context, tx paydeck.Tx, a Actor, o *paydeck.Order, p *paydeck.Payment, deposit bool) error {
	typ, msg := paydeck.EventApproved, "payment approved by Toss"
	if deposit {
		typ, msg = paydeck.EventDepositReceived, "virtual account deposit verified"
	}
	meta := map[string]any{"amount": p.Amount, "method": p.Method, "transactionKey": p.TransactionKey}
	if err := appendEvent(ctx, tx, a, o.ID, p.ID, typ, msg, meta); err != nil {
		return err
	}
	if o.Status != paydeck.OrderPending {
		return s.cancelBack(ctx, tx, o, p, p.BalanceAmount)
	}
	if err := o.Transition(paydeck.OrderPaid, tx.Now()); err != nil {
		return err
	}
	if issue, _ := receiptDue(p); issue {
		// A cash payment of 100,000 won or more with no receipt from Toss:
		// paydeck self-issues one (paydeck.SelfIssueThreshold).
		if err := tx.Enqueue(ctx, CashReceiptArgs{PaymentID: p.ID}, nil); err != nil {
			return err
		}
	}
	return tx.UpdateOrder(ctx, o)
}

// errLockedPath turns approveUnchanged back to the locked path.
var errLockedPath = errors.New("payment: the approval needs the locked path")

// approveUnchanged records Toss's approval of the payment a confirm's
// first transaction created, p0 as that transaction left it, without
// reading the payment and its order first: UpdatePaymentIfUnchanged writes
// the approved payment only if nothing wrote it since, and brings the
// order back for the rest. Whenever the approval needs applyOrder to
// decide (the payment changed, the order is no longer pending, Toss
// approved something else) its transaction writes nothing and it reports
// false; so it does on a failure, logged, since the locked path may still
// succeed.
func (s *Service) approveUnchanged(ctx context.Context, a Actor, p0 *paydeck.Payment, tp *toss.Payment) (*paydeck.Order, *paydeck.Payment, bool) {
	if p0.Status != paydeck.PaymentInProgress || stepFor(p0, tp) != stepApprove {
		return nil, nil, false
	}
	var order *paydeck.Order
	var out *paydeck.Payment
	err := s.store.Update(ctx, func(tx paydeck.Tx) error {
		order, out = nil, nil
		p := *p0
		if err := approvePayment(&p, tp, tx.Now()); err != nil {
			return err
		}
		o, ok, err := tx.UpdatePaymentIfUnchanged(ctx, &p, p0.UpdatedAt)
		switch {
		case err != nil:
			return err
		case !ok || o.Status != paydeck.OrderPending || approvalDiffers(o, p0, tp):
			return errLockedPath
		}
		if err := s.approved(ctx, tx, a, o, &p, false); err != nil {
			return err
		}
		order, out = o, &p
		return nil
	})
	if err != nil {
		if !errors.Is(err, errLockedPath) {
			s.log.Warn("payment: approval without the lock failed; taking the locked path", "paymentId", p0.ID, "err", err)
		}
		return nil, nil, false
	}
	return order, out, true
}

// issueAccount records a virtual account issued by confirm: the payment waits
// for the deposit, the order stays pending until the due date, and a job
// checks the account at the due date (Toss sends no webhook for expiry).
func (s *Service) issueAccount(ctx context.Context, tx paydeck.Tx, a Actor, o *paydeck.Order, p *paydeck.Payment, tp *toss.Payment) error {
	va := tp.VirtualAccount
	if va == nil {
		return paydeck.Errorf(paydeck.CodeInternal, "Toss returned a waiting payment without a virtual account.")
	}
	copyFromToss(p, tp)
	due := va.DueDate.UTC()
	p.VirtualAccount = &paydeck.VirtualAccount{BankCode: va.BankCode, AccountNumber: va.AccountNumber,
		CustomerName: va.CustomerName, DueDate: due}
	p.ExpiresAt = &due
	if err := p.Transition(paydeck.PaymentWaitingForDeposit); err != nil {
		return err
	}
	if err := tx.UpdatePayment(ctx, p); err != nil {
		return err
	}
	if err := appendEvent(ctx, tx, a, o.ID, p.ID, EventAccountIssued, "virtual account issued; waiting for the deposit",
		map[string]any{"amount": p.Amount, "bankCode": va.BankCode, "dueDate": due}); err != nil {
		return err
	}
	if o.Status != paydeck.OrderPending {
		return s.cancelBack(ctx, tx, o, p, p.BalanceAmount)
	}
	if due.After(o.ExpiresAt) {
		o.ExpiresAt = due
		if err := tx.UpdateOrder(ctx, o); err != nil {
			return err
		}
	}
	return tx.Enqueue(ctx, ExpireVirtualAccountArgs{PaymentID: p.ID}, &paydeck.JobOptions{ScheduledAt: due})
}

// lateApproval handles Toss's approval of a payment paydeck gave up
// (aborted or expired locally): paydeck never keeps money for an order it
// does not consider paid, so the approval is recorded and cancelled back.
func (s *Service) lateApproval(ctx context.Context, tx paydeck.Tx, a Actor, o *paydeck.Order, p *paydeck.Payment, tp *toss.Payment) error {
	s.log.Warn("payment: Toss approved a payment paydeck gave up; cancelling it back", "paymentId", p.ID,
		"status", p.Status, "tossStatus", tp.Status)
	if p.Method == "" {
		p.Method = methodOf(tp.Method)
		if err := tx.UpdatePayment(ctx, p); err != nil {
			return err
		}
	}
	if err := appendEvent(ctx, tx, a, o.ID, p.ID, paydeck.EventApproved, "Toss approved a payment paydeck had given up ("+string(p.Status)+")",
		map[string]any{"amount": int64(tp.TotalAmount), "tossStatus": tp.Status}); err != nil {
		return err
	}
	return s.cancelBack(ctx, tx, o, p, int64(tp.BalanceAmount))
}

// cancelBack starts a refund of amount of p because its order can no longer
// be paid (or p was given up); ResolveRefund performs it right away. It does
// nothing while another refund of p is open or once p's refunds cover
// amount. A deposited virtual account cannot go back without the shopper's
// bank account: it becomes an owner task instead, a pending refund with
// ErrorCode RefundAccountRequired that the admin completes (Cancel with a
// RefundAccount). Every attempt is a new refund with its own keys.
func (s *Service) cancelBack(ctx context.Context, tx paydeck.Tx, o *paydeck.Order, p *paydeck.Payment, amount int64) error {
	rs, _, err := tx.FindRefunds(ctx, paydeck.RefundFilter{PaymentID: &p.ID})
	if err != nil {
		return err
	}
	var done int64
	for _, r := range rs {
		switch r.Status {
		case paydeck.RefundPending, paydeck.RefundInProgress:
			return nil // under way, or already an owner task
		case paydeck.RefundCompleted:
			done += r.Amount
		}
	}
	if amount <= 0 || (done > 0 && done >= amount) {
		return nil
	}
	if p.Method == paydeck.MethodVirtualAccount && p.Status != paydeck.PaymentWaitingForDeposit {
		return s.ownerTask(ctx, tx, o, p, amount, RefundAccountRequired,
			"The deposit must go back; Toss needs the shopper's bank account to refund it.")
	}
	taxFree, _ := refundTaxFree(p, amount, nil)
	r := &paydeck.Refund{PaymentID: p.ID, Amount: amount, TaxFreeAmount: taxFree, Reason: cancelBackReason,
		Status: paydeck.RefundInProgress}
	if err := tx.CreateRefund(ctx, r); err != nil {
		return err
	}
	if err := appendEvent(ctx, tx, System, o.ID, p.ID, EventCancelBack,
		"order is "+string(o.Status)+"; cancelling the payment back", map[string]any{"amount": r.Amount, "refundId": r.ID}); err != nil {
		return err
	}
	return tx.Enqueue(ctx, ResolveRefundArgs{RefundID: r.ID}, nil)
}

// ownerTask records money paydeck must return but cannot on its own: a
// pending refund of amount with the reason code and message, which the
// admin completes (Cancel; with a RefundAccount for a deposited account).
func (s *Service) ownerTask(ctx context.Context, tx paydeck.Tx, o *paydeck.Order, p *paydeck.Payment, amount int64, code, msg string) error {
	taxFree, _ := refundTaxFree(p, amount, nil)
	r := &paydeck.Refund{PaymentID: p.ID, Amount: amount, TaxFreeAmount: taxFree, Reason: cancelBackReason,
		Status: paydeck.RefundPending, ErrorCode: code, ErrorMessage: msg}
	if err := tx.CreateRefund(ctx, r); err != nil {
		return err
	}
	s.log.Warn("payment: owner task: money to return by hand", "paymentId", p.ID, "refundId", r.ID, "code", code)
	return appendEvent(ctx, tx, System, o.ID, p.ID, EventOwnerTask, "order is "+string(o.Status)+": "+msg,
		map[string]any{"amount": amount, "refundId": r.ID, "code": code})
}

// expireAccount ends a virtual account whose due date passed without a
// deposit: payment expired, order expired with its stock released.
func expireAccount(ctx context.Context, tx paydeck.Tx, o *paydeck.Order, p *paydeck.Payment) error {
	if err := p.Transition(paydeck.PaymentExpired); err != nil {
		return err
	}
	if err := tx.UpdatePayment(ctx, p); err != nil {
		return err
	}
	if err := appendEvent(ctx, tx, System, o.ID, p.ID, paydeck.EventExpired, "virtual account due date passed without a deposit",
		map[string]any{"amount": p.Amount}); err != nil {
		return err
	}
	if o.Status != paydeck.OrderPending {
		return nil
	}
	return expireOrder(ctx, tx, o, "virtual account not paid by its due date")
}

// methodOf maps Toss's method to paydeck's word ("" when unknown).
func methodOf(m toss.Method) paydeck.PaymentMethodType {
	switch m {
	case toss.MethodCard:
		return paydeck.MethodCard
	case toss.MethodVirtualAccount:
		return paydeck.MethodVirtualAccount
	case toss.MethodEasyPay:
		return paydeck.MethodEasyPay
	case toss.MethodMobilePhone:
		return paydeck.MethodMobilePhone
	case toss.MethodTransfer:
		return paydeck.MethodTransfer
	case toss.MethodCultureGiftCertificate, toss.MethodBookGiftCertificate, toss.MethodGameGiftCertificate:
		return paydeck.MethodGiftCertificate
	}
	return ""
}
