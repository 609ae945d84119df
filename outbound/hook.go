// Package outbound sends paydeck's state changes to other systems: signed
// (Standard Webhooks, package webhook) events such as order.paid, delivered
// at least once to the configured endpoints by River jobs.
//
// Events are born in the same transaction as the change they report: Hook
// is the store's EventHook, so it sees every audit event an Update appends
// and, before the commit, turns those that matter to other systems into an
// OutboundEvent plus one delivery job per subscribed endpoint. A rolled-back
// change therefore leaves neither event nor job, and a committed one always
// has both.
package outbound

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/subscription"
)

// Version is the envelope's version; it changes only with an incompatible
// change of the envelope or of a data representation.
const Version = 1

// Envelope is the JSON body of every event.
type Envelope struct {
	ID      string                    `json:"id" example:"evt_3j5x4kq9m2n7p8r6s1t0v4w2" doc:"Unique per event; also the webhook-id header. Deduplicate on it: delivery is at least once."`
	Type    paydeck.OutboundEventType `json:"type" example:"order.paid"`
	Version int                       `json:"version" example:"1" doc:"Envelope version."`
	Created time.Time                 `json:"created" doc:"When the change happened. Deliveries may arrive out of order; this field is the order."`
	Data    any                       `json:"data" doc:"The API's own representation of the object."`
}

// Views renders the API's representation of each object, so events carry
// exactly what the REST API answers (package api implements it).
type Views interface {
	Order(o *paydeck.Order) any
	Payment(p *paydeck.Payment, orderID string) any
	Refund(r *paydeck.Refund, p *paydeck.Payment, orderID string) any
	Subscription(d *subscription.Details) any
}

// Hook returns the store's EventHook (store.Options.EventHook) that
// publishes an outbound event for each audit event that reports one of
// paydeck.OutboundEventTypes, checked against the records as they are at the
// end of the transaction.
func Hook(v Views) paydeck.EventHook {
	return func(ctx context.Context, tx paydeck.Tx, events []*paydeck.PaymentEvent) error {
		for _, e := range events {
			typ, data, err := describe(ctx, tx, v, e)
			if err != nil {
				return err
			}
			if typ == "" {
				continue
			}
			if e.ID == 0 { // describe read the order through tx, which sets it
				return errors.New("outbound: the audit event has no ID yet")
			}
			if _, err := publish(ctx, tx, typ, e.ID, data, nil); err != nil {
				return err
			}
		}
		return nil
	}
}

// describe returns the outbound type and data for an audit event, or ""
// when it reports nothing other systems are told about.
func describe(ctx context.Context, tx paydeck.Tx, v Views, e *paydeck.PaymentEvent) (paydeck.OutboundEventType, any, error) {
	var (
		typ  paydeck.OutboundEventType
		want paydeck.OrderStatus // the order's status that confirms an order event
	)
	switch {
	case e.Type == paydeck.EventApproved || e.Type == paydeck.EventDepositReceived:
		typ, want = paydeck.OutOrderPaid, paydeck.OrderPaid
	case e.Type == paydeck.EventCanceled && e.PaymentID == "":
		typ, want = paydeck.OutOrderCanceled, paydeck.OrderCancelled
	case e.Type == paydeck.EventExpired && e.PaymentID == "":
		typ, want = paydeck.OutOrderExpired, paydeck.OrderExpired
	case e.Type == payment.EventShipped:
		typ, want = paydeck.OutOrderShipped, paydeck.OrderShipped
	case e.Type == paydeck.EventFailed:
		typ = paydeck.OutPaymentFailed
	case e.Type == payment.EventAccountIssued:
		typ = paydeck.OutPaymentWaitingForDeposit
	case e.Type == paydeck.EventRefundCompleted:
		typ = paydeck.OutRefundCompleted
	case e.Type == paydeck.EventRefundFailed:
		typ = paydeck.OutRefundFailed
	default:
		return "", nil, nil
	}
	if e.OrderID == "" {
		return "", nil, nil
	}
	o, err := tx.FindOrderByID(ctx, e.OrderID)
	if err != nil {
		return "", nil, err
	}
	if want != "" {
		// An approval for an order that expired meanwhile is cancelled
		// back, not paid: only the final state counts.
		if o.Status != want {
			return "", nil, nil
		}
		return typ, v.Order(o), nil
	}
	if e.PaymentID == "" {
		return "", nil, nil
	}
	p, err := tx.FindPaymentByID(ctx, e.PaymentID)
	if err != nil {
		return "", nil, err
	}
	switch typ {
	case paydeck.OutPaymentWaitingForDeposit:
		if p.Status != paydeck.PaymentWaitingForDeposit {
			return "", nil, nil
		}
		return typ, v.Payment(p, o.OrderID), nil
	case paydeck.OutPaymentFailed:
		return typ, v.Payment(p, o.OrderID), nil
	}
	var meta struct {
		RefundID string `json:"refundId"`
	}
	if err := json.Unmarshal(e.Metadata, &meta); err != nil || meta.RefundID == "" {
		return "", nil, nil
	}
	r, err := tx.FindRefundByID(ctx, meta.RefundID)
	if err != nil {
		return "", nil, err
	}
	return typ, v.Refund(r, p, o.OrderID), nil
}

// publish stores an event and enqueues its deliveries: to only, when set,
// else to every enabled endpoint subscribed to typ.
func publish(ctx context.Context, tx paydeck.Tx, typ paydeck.OutboundEventType, source int64, data any,
	only *paydeck.WebhookEndpoint) (*paydeck.OutboundEvent, error) {
	ev := &paydeck.OutboundEvent{ID: NewEventID(), Type: typ, SourceEventID: source, CreatedAt: tx.Now()}
	body, err := json.Marshal(Envelope{ID: ev.ID, Type: typ, Version: Version, Created: ev.CreatedAt, Data: data})
	if err != nil {
		return nil, err
	}
	ev.Body = body
	if only != nil {
		if err := tx.CreateOutboundEvent(ctx, ev); err != nil {
			return nil, err
		}
		return ev, enqueue(ctx, tx, ev.ID, only.ID)
	}
	// One statement stores the event and names the endpoints that want it
	// (on PostgreSQL, together with the transaction's other last writes).
	return ev, tx.CreateOutboundEventFor(ctx, ev, func(targets []string) error {
		for _, id := range targets {
			if err := enqueue(ctx, tx, ev.ID, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// enqueue inserts one delivery job.
func enqueue(ctx context.Context, tx paydeck.Tx, eventID, endpointID string) error {
	return tx.Enqueue(ctx, DeliverArgs{EventID: eventID, EndpointID: endpointID},
		&paydeck.JobOptions{MaxAttempts: MaxAttempts})
}

var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// NewEventID returns "evt_" and 26 characters of 128 random bits.
func NewEventID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "evt_" + strings.ToLower(idEncoding.EncodeToString(b))
}
