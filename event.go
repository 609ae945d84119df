package paydeck

import (
	"encoding/json"
	"time"
)

// EventType names what a PaymentEvent records. The set is open; these are the
// types paydeck itself writes.
type EventType string

// Event types.
const (
	EventCreated         EventType = "created"
	EventConfirmRejected EventType = "confirm_rejected"
	EventApproved        EventType = "approved"
	EventCanceled        EventType = "canceled"
	EventFailed          EventType = "failed"
	EventWebhookReceived EventType = "webhook_received"
	EventDepositReceived EventType = "deposit_received"
	EventRefundRequested EventType = "refund_requested"
	EventRefundCompleted EventType = "refund_completed"
	EventRefundFailed    EventType = "refund_failed"
	EventExpired         EventType = "expired"
	// EventAttemptFailed records a payment attempt that ended before
	// paydeck could confirm it: the payment window closed, or Toss sent the
	// shopper to the fail URL with a code. Metadata: code, message.
	EventAttemptFailed EventType = "attempt_failed"
)

// PaymentEvent is one entry of the append-only audit trail of orders and
// payments. The store offers only AppendEvent and reads: nothing updates or
// deletes an event.
type PaymentEvent struct {
	// ID is assigned by the store; IDs increase in append order.
	ID int64 `json:"id"`
	// OrderID is the Order.ID (internal UUID) the event belongs to, or "".
	OrderID string `json:"-"`
	// PaymentID is the Payment.ID the event belongs to, or "".
	PaymentID string    `json:"-"`
	Type      EventType `json:"type"`
	Message   string    `json:"message"`
	// Metadata is a JSON object with details; nil when absent.
	Metadata json.RawMessage `json:"metadata,omitempty"`
	// IP and UserAgent identify the request that caused the event, if any.
	IP        string `json:"ip,omitempty"`
	UserAgent string `json:"userAgent,omitempty"`
	// ActorID is the User.ID of the account whose request caused the event
	// (an admin's refund, a shopper's confirm), or "" for the system (jobs,
	// webhooks). It is kept when the account is deleted.
	ActorID   string    `json:"actorId,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
}

// Validate returns an invalid *Error naming the first broken rule: a type,
// an order or a payment, valid JSON in Metadata when set.
func (e *PaymentEvent) Validate() error {
	switch {
	case e.Type == "":
		return Errorf(CodeInvalid, "Event type is required.")
	case e.OrderID == "" && e.PaymentID == "":
		return Errorf(CodeInvalid, "An event belongs to an order or a payment.")
	case len(e.Metadata) > 0 && !json.Valid(e.Metadata):
		return Errorf(CodeInvalid, "Event metadata is not valid JSON.")
	}
	return nil
}
