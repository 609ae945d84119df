package paydeck

import "slices"

// machine lists, for each status of one entity, the statuses it may change
// to. A status with no entry is final.
type machine[S ~string] struct {
	entity string
	next   map[S][]S
}

// check returns nil when from → to is listed and a *TransitionError otherwise.
func (m machine[S]) check(from, to S) error {
	if slices.Contains(m.next[from], to) {
		return nil
	}
	return &TransitionError{Entity: m.entity, From: string(from), To: string(to)}
}

// final reports whether no transition leaves s.
func (m machine[S]) final(s S) bool { return len(m.next[s]) == 0 }

// OrderStatus is the life-cycle state of an Order.
type OrderStatus string

// Order statuses.
const (
	OrderPending         OrderStatus = "pending"
	OrderPaid            OrderStatus = "paid"
	OrderCancelled       OrderStatus = "cancelled"
	OrderRefunded        OrderStatus = "refunded"
	OrderPartialRefunded OrderStatus = "partial_refunded"
	OrderShipped         OrderStatus = "shipped"
	OrderDelivered       OrderStatus = "delivered"
	OrderExpired         OrderStatus = "expired"
)

// OrderStatuses lists every order status.
var OrderStatuses = []OrderStatus{OrderPending, OrderPaid, OrderCancelled, OrderRefunded,
	OrderPartialRefunded, OrderShipped, OrderDelivered, OrderExpired}

// orderMachine is the complete list of allowed order transitions.
// cancelled, expired and refunded are final. Refunds may follow shipping
// (returns); a partially refunded order may still ship and be refunded again.
var orderMachine = machine[OrderStatus]{entity: "order", next: map[OrderStatus][]OrderStatus{
	OrderPending:         {OrderPaid, OrderCancelled, OrderExpired},
	OrderPaid:            {OrderShipped, OrderPartialRefunded, OrderRefunded},
	OrderPartialRefunded: {OrderPartialRefunded, OrderRefunded, OrderShipped},
	OrderShipped:         {OrderDelivered, OrderPartialRefunded, OrderRefunded},
	OrderDelivered:       {OrderPartialRefunded, OrderRefunded},
}}

// Valid reports whether s is one of the order statuses.
func (s OrderStatus) Valid() bool { return slices.Contains(OrderStatuses, s) }

// CanTransition returns nil when an order may change from s to to, and a
// *TransitionError (code conflict) otherwise.
func (s OrderStatus) CanTransition(to OrderStatus) error { return orderMachine.check(s, to) }

// Final reports whether s is final (no transition leaves it).
func (s OrderStatus) Final() bool { return orderMachine.final(s) }

// PaymentStatus mirrors the status of a Toss payment, in lower case.
type PaymentStatus string

// Payment statuses (Toss READY, IN_PROGRESS, ... in lower case).
const (
	PaymentReady             PaymentStatus = "ready"
	PaymentInProgress        PaymentStatus = "in_progress"
	PaymentWaitingForDeposit PaymentStatus = "waiting_for_deposit"
	PaymentDone              PaymentStatus = "done"
	PaymentCanceled          PaymentStatus = "canceled"
	PaymentPartialCanceled   PaymentStatus = "partial_canceled"
	PaymentAborted           PaymentStatus = "aborted"
	PaymentExpired           PaymentStatus = "expired"
)

// PaymentStatuses lists every payment status.
var PaymentStatuses = []PaymentStatus{PaymentReady, PaymentInProgress, PaymentWaitingForDeposit,
	PaymentDone, PaymentCanceled, PaymentPartialCanceled, PaymentAborted, PaymentExpired}

// paymentMachine is the complete list of allowed payment transitions.
// canceled, aborted and expired are final. in_progress means "confirm sent,
// outcome not yet known"; it resolves to done, waiting_for_deposit or aborted.
var paymentMachine = machine[PaymentStatus]{entity: "payment", next: map[PaymentStatus][]PaymentStatus{
	PaymentReady:             {PaymentInProgress, PaymentWaitingForDeposit, PaymentDone, PaymentAborted, PaymentExpired},
	PaymentInProgress:        {PaymentWaitingForDeposit, PaymentDone, PaymentAborted, PaymentExpired},
	PaymentWaitingForDeposit: {PaymentDone, PaymentCanceled, PaymentExpired},
	PaymentDone:              {PaymentPartialCanceled, PaymentCanceled},
	PaymentPartialCanceled:   {PaymentPartialCanceled, PaymentCanceled},
}}

// Valid reports whether s is one of the payment statuses.
func (s PaymentStatus) Valid() bool { return slices.Contains(PaymentStatuses, s) }

// CanTransition returns nil when a payment may change from s to to, and a
// *TransitionError (code conflict) otherwise.
func (s PaymentStatus) CanTransition(to PaymentStatus) error { return paymentMachine.check(s, to) }

// Final reports whether s is final (no transition leaves it).
func (s PaymentStatus) Final() bool { return paymentMachine.final(s) }

// RefundStatus is the life-cycle state of a Refund.
type RefundStatus string

// Refund statuses.
const (
	RefundPending    RefundStatus = "pending"
	RefundInProgress RefundStatus = "in_progress"
	RefundCompleted  RefundStatus = "completed"
	RefundFailed     RefundStatus = "failed"
)

// RefundStatuses lists every refund status.
var RefundStatuses = []RefundStatus{RefundPending, RefundInProgress, RefundCompleted, RefundFailed}

// refundMachine is the complete list of allowed refund transitions.
// completed and failed are final; a retry after failure is a new Refund.
var refundMachine = machine[RefundStatus]{entity: "refund", next: map[RefundStatus][]RefundStatus{
	RefundPending:    {RefundInProgress, RefundCompleted, RefundFailed},
	RefundInProgress: {RefundCompleted, RefundFailed},
}}

// Valid reports whether s is one of the refund statuses.
func (s RefundStatus) Valid() bool { return slices.Contains(RefundStatuses, s) }

// CanTransition returns nil when a refund may change from s to to, and a
// *TransitionError (code conflict) otherwise.
func (s RefundStatus) CanTransition(to RefundStatus) error { return refundMachine.check(s, to) }

// Final reports whether s is final (no transition leaves it).
func (s RefundStatus) Final() bool { return refundMachine.final(s) }
