package payment

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paydeck/paydeck"
)

// Checkout is what a page or a script needs to open Toss's payment window
// (or widget) for one attempt to pay an order. The API's getCheckout and
// the shop's checkout page both build it here, so that one shopper gets one
// customerKey and one orderName whichever way they pay.
type Checkout struct {
	Order *paydeck.Order
	// TossOrderID is the orderId to send to Toss for this attempt: the
	// order's OrderID for the first, "{OrderID}-{n}" once an earlier
	// attempt used it up (see AttemptOrderID).
	TossOrderID string
	// OrderName is shown in the payment window: "생수 외 1건", at most 100
	// characters as Toss requires.
	OrderName string
	// Amount is the order's FinalAmount in won; TaxFreeAmount its tax-free
	// part (면세), sent to Toss with it.
	Amount, TaxFreeAmount int64
	// CustomerKey is the shopper's Toss customerKey
	// (paydeck.TossCustomerKey of the order's user), the same in the
	// checkout and the billing window.
	CustomerKey string
	// CustomerEmail and CustomerName are the ordering user's, "" when
	// unknown.
	CustomerEmail, CustomerName string
}

// maxOrderName is Toss's limit on orderName, in characters.
const maxOrderName = 100

// OrderName is the name Toss shows for o: the first item's product name,
// plus "외 N건" for the N other lines, cut to 100 characters.
func OrderName(o *paydeck.Order) string {
	if len(o.Items) == 0 {
		return o.OrderID
	}
	name := o.Items[0].ProductName
	if n := len(o.Items) - 1; n > 0 {
		name = fmt.Sprintf("%s 외 %d건", name, n)
	}
	for utf8.RuneCountInString(name) > maxOrderName {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name
}

// AttemptOrderID returns the Toss orderId of attempt n (from 1) to pay the
// order with public orderID: orderID itself for the first attempt,
// "{orderID}-{n}" after. Toss refuses to reuse an orderId once a payment
// under it was approved, issued a virtual account or was cancelled
// (DUPLICATED_ORDER_ID), so an order whose virtual account was cancelled
// is paid under the next one. docs/toss.md#attempts.
func AttemptOrderID(orderID string, n int) string {
	if n <= 1 {
		return orderID
	}
	return orderID + "-" + strconv.Itoa(n)
}

// ParseAttemptOrderID splits a Toss orderId made by AttemptOrderID into the
// order's public orderID and the attempt number (1 when it has no suffix).
// paydeck's own order IDs (NewOrderID) never contain "-".
func ParseAttemptOrderID(tossOrderID string) (orderID string, n int) {
	i := strings.LastIndexByte(tossOrderID, '-')
	if i <= 0 {
		return tossOrderID, 1
	}
	n, err := strconv.Atoi(tossOrderID[i+1:])
	if err != nil || n < 2 || strconv.Itoa(n) != tossOrderID[i+1:] {
		return tossOrderID, 1
	}
	return tossOrderID[:i], n
}

// tossOrderID is the orderId p was made with at Toss.
func tossOrderID(o *paydeck.Order, p *paydeck.Payment) string {
	if p.TossOrderID != "" {
		return p.TossOrderID
	}
	return o.OrderID
}

// usedUp reports whether Toss keeps p's orderId from being used again:
// every payment that got past authorization (approved, a virtual account
// issued, cancelled, expired). An aborted attempt, or one still in
// progress, leaves it free.
func usedUp(p *paydeck.Payment) bool {
	switch p.Status {
	case paydeck.PaymentAborted, paydeck.PaymentInProgress, paydeck.PaymentReady:
		return false
	}
	return true
}

// nextAttempt returns the Toss orderId of the next attempt to pay o, whose
// payments are pays: the attempt after the last one Toss used up.
func nextAttempt(o *paydeck.Order, pays []*paydeck.Payment) string {
	n := 1
	for _, p := range pays {
		if !usedUp(p) {
			continue
		}
		if base, k := ParseAttemptOrderID(tossOrderID(o, p)); base == o.OrderID {
			n = max(n, k+1)
		}
	}
	return AttemptOrderID(o.OrderID, n)
}

// findOrderForToss reads (lock: locks) the order a Toss orderId belongs to:
// the order with that public orderId, else, for an attempt orderId, the
// order it was made for.
func findOrderForToss(ctx context.Context, tx paydeck.Tx, tossOrderID string, lock bool) (*paydeck.Order, error) {
	find := tx.FindOrderByOrderID
	if lock {
		find = tx.LockOrderByOrderID
	}
	o, err := find(ctx, tossOrderID)
	if paydeck.ErrorCode(err) != paydeck.CodeNotFound {
		return o, err
	}
	if base, n := ParseAttemptOrderID(tossOrderID); n > 1 {
		return find(ctx, base)
	}
	return o, err
}

// Checkout returns what the payment window needs to pay the order with
// public orderID (or the Toss orderId of one of its attempts) now. Errors:
// not_found (no such order, or not the actor's), conflict (the order cannot
// be paid: not pending or expired, a confirm is under way, or a virtual
// account awaits its deposit — SwitchMethod cancels it first), internal
// (no CustomerKeySecret configured).
func (s *Service) Checkout(ctx context.Context, a Actor, orderID string) (*Checkout, error) {
	if len(s.cfg.CustomerKeySecret) == 0 {
		return nil, paydeck.Errorf(paydeck.CodeInternal, "payment: CustomerKeySecret is not configured.")
	}
	var c *Checkout
	err := s.store.View(ctx, func(tx paydeck.Tx) error {
		o, err := findOrderForToss(ctx, tx, orderID, false)
		if err != nil || !a.canSee(o) {
			return notFound("Order", orderID)
		}
		if err := o.Payable(tx.Now()); err != nil {
			return err
		}
		pays, _, err := tx.FindPayments(ctx, paydeck.PaymentFilter{OrderID: &o.ID})
		if err != nil {
			return err
		}
		for _, p := range pays {
			switch p.Status {
			case paydeck.PaymentWaitingForDeposit:
				return paydeck.Errorf(paydeck.CodeConflict,
					"Order %s has a virtual account awaiting its deposit; cancel it to pay another way.", o.OrderID)
			case paydeck.PaymentInProgress, paydeck.PaymentReady:
				return paydeck.Errorf(paydeck.CodeConflict, "Order %s has a payment being confirmed; try again shortly.", o.OrderID)
			case paydeck.PaymentDone, paydeck.PaymentPartialCanceled:
				return paydeck.Errorf(paydeck.CodeConflict, "Order %s is already paid.", o.OrderID)
			}
		}
		c = &Checkout{Order: o, TossOrderID: nextAttempt(o, pays), OrderName: OrderName(o), Amount: o.FinalAmount,
			TaxFreeAmount: o.TaxFreeAmount, CustomerKey: paydeck.TossCustomerKey(s.cfg.CustomerKeySecret, o.UserID)}
		if !paydeck.ValidTossOrderID(c.TossOrderID) {
			return paydeck.Errorf(paydeck.CodeConflict, "Order %s cannot be paid again under a new Toss orderId.", o.OrderID)
		}
		if u, err := tx.FindUserByID(ctx, o.UserID); err == nil {
			c.CustomerEmail, c.CustomerName = u.Email, u.Name
		} else if paydeck.ErrorCode(err) != paydeck.CodeNotFound {
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Reasons of the Toss cancels that close a virtual account awaiting its
// deposit at the shopper's request (shown in Toss's records).
const (
	// SwitchMethodReason: the shopper pays the order another way.
	SwitchMethodReason = "결제수단 변경 (입금 전 가상계좌 취소)"
	// CancelOrderReason: the shopper cancels the order.
	CancelOrderReason = "주문 취소 (입금 전 가상계좌 취소)"
)

// EventAccountReleased records that a virtual account awaiting its deposit
// was cancelled at Toss so that the shopper can pay the order another way.
const EventAccountReleased paydeck.EventType = "virtual_account_released"

// openAccount returns the order with public orderID (if the actor may see
// it) and its payment awaiting a deposit, nil when it has none.
func (s *Service) openAccount(ctx context.Context, a Actor, orderID string) (*paydeck.Order, *paydeck.Payment, error) {
	o, pays, err := s.Order(ctx, a, orderID)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range pays {
		if p.Status == paydeck.PaymentWaitingForDeposit {
			return o, p, nil
		}
	}
	return o, nil, nil
}

// SwitchMethod lets the shopper pay a pending order another way while its
// virtual account still awaits the deposit: the account is cancelled at
// Toss (a full cancel of the waiting payment, through Cancel, so an unknown
// outcome is settled by the same job as any refund) and the order stays
// pending, payable for PaymentTimeout from now under the next attempt's
// orderId (Checkout). Repeating it once the account is gone changes
// nothing. Errors: not_found, conflict (the order is not pending, or Toss
// refused the cancel, e.g. because the deposit just arrived), unavailable.
func (s *Service) SwitchMethod(ctx context.Context, a Actor, orderID string) (*paydeck.Order, error) {
	o, p, err := s.openAccount(ctx, a, orderID)
	if err != nil {
		return nil, err
	}
	if o.Status != paydeck.OrderPending {
		return nil, paydeck.Errorf(paydeck.CodeConflict, "Order %s is %s; there is nothing to pay.", o.OrderID, o.Status)
	}
	if p == nil {
		return o, nil
	}
	if _, _, err := s.Cancel(ctx, a, p.PaymentKey, CancelInput{Reason: SwitchMethodReason,
		IdempotencyKey: "switch-method-" + p.ID}); err != nil {
		return nil, err
	}
	o, _, err = s.Order(ctx, a, o.OrderID)
	return o, err
}

// reopenOrder keeps o pending after its virtual account was cancelled for
// SwitchMethod: payable for PaymentTimeout from now.
func (s *Service) reopenOrder(ctx context.Context, tx paydeck.Tx, o *paydeck.Order, p *paydeck.Payment) error {
	o.ExpiresAt = tx.Now().Add(s.cfg.PaymentTimeout)
	if err := tx.UpdateOrder(ctx, o); err != nil {
		return err
	}
	return appendEvent(ctx, tx, System, o.ID, p.ID, EventAccountReleased,
		"virtual account cancelled before its deposit; the shopper pays another way",
		map[string]any{"amount": p.Amount, "expiresAt": o.ExpiresAt})
}

// Bounds on recorded failed attempts.
const (
	// maxAttemptEvents is how many failed attempts one order records; more
	// (a script reloading the fail page) are dropped.
	maxAttemptEvents = 50
	// attemptRepeat is how soon the same failure again counts as a reload
	// of the fail page rather than a new attempt.
	attemptRepeat     = 30 * time.Second
	maxFailureCode    = 64
	maxFailureMessage = 300
)

// RecordFailedAttempt records an attempt to pay the order with public
// orderID (or an attempt orderId of it) that ended before paydeck could
// confirm it: the shopper closed the payment window or Toss sent them to
// the fail URL with code and message. It appends an attempt_failed event to
// the order, so the owner sees it in the timeline, the failed-payments list
// and the approval rate. Nothing is recorded for an order the actor may not
// see or that is no longer pending, for the same failure again within
// attemptRepeat (a reload), or beyond maxAttemptEvents per order.
func (s *Service) RecordFailedAttempt(ctx context.Context, a Actor, orderID, code, message string) error {
	code, message = storable(clip(strings.TrimSpace(code), maxFailureCode)), storable(clip(strings.TrimSpace(message), maxFailureMessage))
	if code == "" || !paydeck.ValidTossOrderID(orderID) {
		return nil
	}
	return s.store.Update(ctx, func(tx paydeck.Tx) error {
		o, err := findOrderForToss(ctx, tx, orderID, true)
		if err != nil || !a.canSee(o) || o.Status != paydeck.OrderPending {
			return nil
		}
		typ := paydeck.EventAttemptFailed
		_, n, err := tx.FindEvents(ctx, paydeck.EventFilter{OrderID: &o.ID, Type: &typ, Limit: 1})
		if err != nil || n >= maxAttemptEvents {
			return err
		}
		if n > 0 {
			events, _, err := tx.FindEvents(ctx, paydeck.EventFilter{OrderID: &o.ID, Type: &typ, Offset: n - 1, Limit: 1})
			if err != nil {
				return err
			}
			var meta struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			}
			if len(events) == 1 && json.Unmarshal(events[0].Metadata, &meta) == nil && meta.Code == code &&
				meta.Message == message && tx.Now().Sub(events[0].CreatedAt) < attemptRepeat {
				return nil
			}
		}
		return appendEvent(ctx, tx, a, o.ID, "", paydeck.EventAttemptFailed, "payment attempt failed: "+code,
			map[string]any{"code": code, "message": message, "tossOrderId": orderID})
	})
}

// RefundUnderWay reports whether a refund (or the cancel of a virtual
// account) of the payment with paymentKey is pending or in flight at Toss,
// if the actor may see its order (else not_found).
func (s *Service) RefundUnderWay(ctx context.Context, a Actor, paymentKey string) (bool, error) {
	var n int
	err := s.store.View(ctx, func(tx paydeck.Tx) error {
		p, err := tx.FindPaymentByKey(ctx, paymentKey)
		if err != nil {
			return notFound("Payment", paymentKey)
		}
		o, err := tx.FindOrderByID(ctx, p.OrderID)
		if err != nil || !a.canSee(o) {
			return notFound("Payment", paymentKey)
		}
		_, n, err = tx.FindRefunds(ctx, paydeck.RefundFilter{PaymentID: &p.ID,
			Statuses: []paydeck.RefundStatus{paydeck.RefundPending, paydeck.RefundInProgress}})
		return err
	})
	return n > 0, err
}
