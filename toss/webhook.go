package toss

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Webhook event types (the "eventType" member).
const (
	EventPaymentStatusChanged  = "PAYMENT_STATUS_CHANGED"
	EventDepositCallback       = "DEPOSIT_CALLBACK"
	EventCancelStatusChanged   = "CANCEL_STATUS_CHANGED"
	EventBillingDeleted        = "BILLING_DELETED"
	EventMethodUpdated         = "METHOD_UPDATED"
	EventCustomerStatusChanged = "CUSTOMER_STATUS_CHANGED"
	EventPayoutChanged         = "payout.changed"
	EventSellerChanged         = "seller.changed"
)

// ErrInvalidWebhook is wrapped by ParseWebhook errors: the body is not a JSON
// object, or a known event lacks its data or has malformed fields.
var ErrInvalidWebhook = errors.New("toss: invalid webhook body")

// ErrWebhookMismatch is wrapped when a re-fetched payment does not match the
// webhook that named it (different orderId, or a wrong deposit secret).
var ErrWebhookMismatch = errors.New("toss: webhook does not match the payment")

// WebhookEvent is a parsed webhook: one of *PaymentStatusChanged,
// *DepositCallback, *CancelStatusChanged, *BillingDeleted, *MethodUpdated,
// *CustomerStatusChanged, *PayoutChanged, *SellerChanged or *UnknownEvent.
// Use a type switch.
type WebhookEvent interface {
	// EventType returns the event's type (one of the Event constants, or the
	// unknown type's own name).
	EventType() string
}

// PaymentStatusChanged reports a payment's new status, with the full Payment.
// It is NOT signed: anyone can post one. Act only on the payment re-read with
// Client.Payments.Refetch.
type PaymentStatusChanged struct {
	CreatedAt time.Time // Korea time; Toss sends it without offset
	Data      Payment
}

// DepositCallback reports a virtual-account change (issued, deposited,
// deposit reversed, canceled). Toss sends it flat, without eventType or
// paymentKey. Verify Secret with VerifyDepositCallback against the secret
// stored from the issue/confirm response (or use Payments.RefetchDeposit).
type DepositCallback struct {
	CreatedAt      time.Time
	Secret         string
	Status         PaymentStatus
	TransactionKey string
	OrderID        string
}

// String omits the secret.
func (d DepositCallback) String() string {
	return fmt.Sprintf("DepositCallback{OrderID:%s Status:%s TransactionKey:%s}", d.OrderID, d.Status, d.TransactionKey)
}

// GoString is String, so %#v omits the secret too.
func (d DepositCallback) GoString() string { return d.String() }

// CancelStatusChanged reports the outcome of an asynchronous (overseas
// easy-pay) cancel.
type CancelStatusChanged struct {
	CreatedAt time.Time
	Data      Cancel
}

// BillingDeleted reports a deleted billing key; match it against your own
// stored keys (it is not signed).
type BillingDeleted struct {
	CreatedAt  time.Time
	BillingKey BillingKey
	Reason     *string
}

// MethodUpdated reports a BrandPay payment-method change (status ENABLED,
// DISABLED or ALIAS_UPDATED).
type MethodUpdated struct {
	CreatedAt   time.Time
	CustomerKey string
	MethodKey   string
	Status      string
}

// CustomerStatusChanged reports a BrandPay customer change (CREATED, REMOVED,
// PASSWORD_CHANGED, ONE_TOUCH_ACTIVATED, ONE_TOUCH_DEACTIVATED).
type CustomerStatusChanged struct {
	CreatedAt   time.Time
	CustomerKey string
	Status      string
	ChangedAt   time.Time
}

// PayoutChanged reports a payout that reached COMPLETED or FAILED. It is
// signed: check it with VerifyWebhookSignature before parsing.
type PayoutChanged struct {
	CreatedAt time.Time
	Version   string
	EventID   string
	Payout    Payout
}

// Payout is the entity of a payout.changed event.
type Payout struct {
	ID                     string            `json:"id"`
	RefPayoutID            string            `json:"refPayoutId"`
	Destination            string            `json:"destination"`
	ScheduleType           string            `json:"scheduleType"`
	PayoutDate             string            `json:"payoutDate"` // yyyy-MM-dd
	Amount                 PayoutAmount      `json:"amount"`
	TransactionDescription string            `json:"transactionDescription"`
	Status                 string            `json:"status"` // REQUESTED, IN_PROGRESS, COMPLETED, FAILED, CANCELED
	Error                  *Failure          `json:"error"`
	Metadata               map[string]string `json:"metadata"`
}

// PayoutAmount is a payout's amount (a resource-style {currency, value}).
type PayoutAmount struct {
	Currency string `json:"currency"`
	Value    Amount `json:"value"`
}

// SellerChanged reports a payout seller's new status (PARTIALLY_APPROVED,
// KYC_REQUIRED, APPROVED). It is signed like PayoutChanged. The seller
// object's shape is not documented: ID and Status are decoded, the rest is
// kept in Raw.
type SellerChanged struct {
	CreatedAt time.Time
	Version   string
	EventID   string
	SellerID  string
	Status    string
	Raw       json.RawMessage
}

// UnknownEvent is a webhook of a type this package does not know (including
// legacy PAYOUT_STATUS_CHANGED). Answer 200 anyway, or Toss retries for days.
type UnknownEvent struct {
	Type string
	Raw  json.RawMessage // the whole body
}

// EventType implements WebhookEvent.
func (*PaymentStatusChanged) EventType() string { return EventPaymentStatusChanged }

// EventType implements WebhookEvent.
func (*DepositCallback) EventType() string { return EventDepositCallback }

// EventType implements WebhookEvent.
func (*CancelStatusChanged) EventType() string { return EventCancelStatusChanged }

// EventType implements WebhookEvent.
func (*BillingDeleted) EventType() string { return EventBillingDeleted }

// EventType implements WebhookEvent.
func (*MethodUpdated) EventType() string { return EventMethodUpdated }

// EventType implements WebhookEvent.
func (*CustomerStatusChanged) EventType() string { return EventCustomerStatusChanged }

// EventType implements WebhookEvent.
func (*PayoutChanged) EventType() string { return EventPayoutChanged }

// EventType implements WebhookEvent.
func (*SellerChanged) EventType() string { return EventSellerChanged }

// EventType implements WebhookEvent.
func (u *UnknownEvent) EventType() string { return u.Type }

// envelope is the union of every webhook body shape.
type envelope struct {
	EventType      string          `json:"eventType"`
	CreatedAt      jsonTime        `json:"createdAt"`
	Data           json.RawMessage `json:"data"`
	Secret         *string         `json:"secret"`
	Status         PaymentStatus   `json:"status"`
	TransactionKey string          `json:"transactionKey"`
	OrderID        string          `json:"orderId"`
	Version        string          `json:"version"`
	EventID        string          `json:"eventId"`
	EntityBody     json.RawMessage `json:"entityBody"`
}

// ParseWebhook parses a webhook body into a typed event. A DEPOSIT_CALLBACK
// is recognised by eventType or, as Toss sends it, by its shape (secret and
// transactionKey, no data). Any other body that is a JSON object with an
// unknown eventType becomes *UnknownEvent. It errors (wrapping
// ErrInvalidWebhook) when the body is not a JSON object or a known event is
// malformed. Parsing does not authenticate: see VerifyDepositCallback,
// VerifyWebhookSignature and PaymentService.Refetch.
func ParseWebhook(body []byte) (WebhookEvent, error) {
	var env envelope
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, fmt.Errorf("%w: not a JSON object", ErrInvalidWebhook)
	}
	if err := json.Unmarshal(trimmed, &env); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidWebhook, err)
	}
	created := env.CreatedAt.t
	switch {
	case env.EventType == EventDepositCallback ||
		(env.EventType == "" && env.Secret != nil && env.TransactionKey != "" && isNull(env.Data)):
		if env.Secret == nil || env.OrderID == "" {
			return nil, fmt.Errorf("%w: deposit callback without secret or orderId", ErrInvalidWebhook)
		}
		return &DepositCallback{CreatedAt: created, Secret: *env.Secret, Status: env.Status,
			TransactionKey: env.TransactionKey, OrderID: env.OrderID}, nil
	case env.EventType == EventPaymentStatusChanged:
		ev := &PaymentStatusChanged{CreatedAt: created}
		return ev, decodeData(env.Data, &ev.Data)
	case env.EventType == EventCancelStatusChanged:
		ev := &CancelStatusChanged{CreatedAt: created}
		return ev, decodeData(env.Data, &ev.Data)
	case env.EventType == EventBillingDeleted:
		var d struct {
			BillingKey BillingKey `json:"billingKey"`
			Reason     *string    `json:"reason"`
		}
		if err := decodeData(env.Data, &d); err != nil {
			return nil, err
		}
		return &BillingDeleted{CreatedAt: created, BillingKey: d.BillingKey, Reason: d.Reason}, nil
	case env.EventType == EventMethodUpdated:
		var d struct{ CustomerKey, MethodKey, Status string }
		if err := decodeData(env.Data, &d); err != nil {
			return nil, err
		}
		return &MethodUpdated{CreatedAt: created, CustomerKey: d.CustomerKey, MethodKey: d.MethodKey, Status: d.Status}, nil
	case env.EventType == EventCustomerStatusChanged:
		var d struct {
			CustomerKey string   `json:"customerKey"`
			Status      string   `json:"status"`
			ChangedAt   jsonTime `json:"changedAt"`
		}
		if err := decodeData(env.Data, &d); err != nil {
			return nil, err
		}
		return &CustomerStatusChanged{CreatedAt: created, CustomerKey: d.CustomerKey, Status: d.Status, ChangedAt: d.ChangedAt.t}, nil
	case env.EventType == EventPayoutChanged:
		ev := &PayoutChanged{CreatedAt: created, Version: env.Version, EventID: env.EventID}
		return ev, decodeData(env.EntityBody, &ev.Payout)
	case env.EventType == EventSellerChanged:
		var d struct{ ID, Status string }
		if err := decodeData(env.EntityBody, &d); err != nil {
			return nil, err
		}
		return &SellerChanged{CreatedAt: created, Version: env.Version, EventID: env.EventID,
			SellerID: d.ID, Status: d.Status, Raw: env.EntityBody}, nil
	}
	return &UnknownEvent{Type: env.EventType, Raw: append(json.RawMessage(nil), trimmed...)}, nil
}

// decodeData decodes a required data member.
func decodeData(raw json.RawMessage, dst any) error {
	if isNull(raw) {
		return fmt.Errorf("%w: missing data", ErrInvalidWebhook)
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidWebhook, err)
	}
	return nil
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

// VerifyDepositCallback reports whether cb carries the secret Toss returned
// for that payment (Payment.Secret from the issue or confirm response),
// comparing in constant time. An empty secret on either side never matches.
func VerifyDepositCallback(cb *DepositCallback, storedSecret string) bool {
	if cb == nil || cb.Secret == "" || storedSecret == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(cb.Secret), []byte(storedSecret)) == 1
}

// Webhook request headers.
const (
	HeaderWebhookSignature    = "Tosspayments-Webhook-Signature"
	HeaderWebhookTransmission = "Tosspayments-Webhook-Transmission-Time"
	HeaderWebhookID           = "Tosspayments-Webhook-Transmission-Id"
	HeaderWebhookRetried      = "Tosspayments-Webhook-Transmission-Retried-Count"
)

// WebhookDelivery describes one delivery attempt from its headers.
type WebhookDelivery struct {
	TransmissionID   string    // unique id; use it to de-duplicate
	TransmissionTime time.Time // zero when absent or malformed
	RetriedCount     int       // 0 on the first send
}

// ReadWebhookDelivery reads the delivery headers Toss sets on every webhook.
func ReadWebhookDelivery(h http.Header) WebhookDelivery {
	d := WebhookDelivery{TransmissionID: h.Get(HeaderWebhookID)}
	d.TransmissionTime, _ = parseTime(h.Get(HeaderWebhookTransmission))
	d.RetriedCount, _ = strconv.Atoi(h.Get(HeaderWebhookRetried))
	return d
}
