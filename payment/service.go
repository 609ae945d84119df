package payment

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/toss"
)

// Config configures New. Store and Toss are required; zero values elsewhere
// take the documented defaults.
type Config struct {
	// Store is paydeck's database.
	Store paydeck.Store
	// Toss is the Toss Payments client.
	Toss *toss.Client
	// Now is the clock (default time.Now). Transactions use the store's
	// clock (Tx.Now); give both the same one.
	Now func() time.Time
	// Rand is the source of generated identifiers (default crypto/rand).
	Rand io.Reader
	// Logger receives warnings (spoofed webhooks, Toss mismatches); nil
	// discards them.
	Logger *slog.Logger
	// PaymentTimeout is how long a new order stays payable (default 30 min).
	PaymentTimeout time.Duration
	// MinAmount and MaxAmount bound an order's final amount in won
	// (defaults 100 and 10,000,000).
	MinAmount, MaxAmount int64
	// ShippingFee is charged on orders with physical goods below
	// FreeShippingOver (defaults 3,000 and 50,000 won).
	ShippingFee, FreeShippingOver int64
	// ConfirmCheckDelay is how old a confirm or refund still in progress
	// must be before Sweep re-checks it with Toss (default 1 min): the
	// safety net if the process dies between the Toss call and recording
	// its outcome. Keep it above the Toss client's timeout.
	ConfirmCheckDelay time.Duration
	// SweepBatch is how many rows of one kind Sweep reads at a time
	// (default 500); one run reads at most 20 batches of each kind.
	SweepBatch int
	// MaxPendingOrders is how many unpaid (pending, not yet expired)
	// orders one user may hold (default 5), and MaxPendingQuantity how many
	// units of one product over them (default 10), so that no account can
	// hold the stock in orders it never pays.
	MaxPendingOrders   int
	MaxPendingQuantity int64
	// CustomerKeySecret keys the shoppers' Toss customerKeys
	// (paydeck.TossCustomerKey) that Checkout hands out; give it the key
	// the subscription service uses, so that the checkout and the billing
	// window see one customer.
	CustomerKeySecret []byte
}

// Service runs paydeck's payment flows. It is safe for concurrent use.
type Service struct {
	cfg   Config
	store paydeck.Store
	toss  *toss.Client
	log   *slog.Logger
	// confirming maps the paymentKey of each confirm this process is
	// running (Toss called, answer not yet recorded) to a channel closed
	// once it is recorded.
	confirming sync.Map
	// billingDeleted handles BILLING_DELETED webhooks (HandleBillingDeleted).
	billingDeleted atomic.Pointer[func(context.Context, toss.BillingKey) (string, error)]
}

// New returns a Service for cfg, filling in defaults. It fails with an
// invalid *paydeck.Error when Store or Toss is missing or a bound is
// inconsistent.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Toss == nil {
		return nil, paydeck.Errorf(paydeck.CodeInvalid, "payment: Store and Toss are required.")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	setDefault(&cfg.PaymentTimeout, 30*time.Minute)
	setDefault(&cfg.MinAmount, 100)
	setDefault(&cfg.MaxAmount, 10_000_000)
	setDefault(&cfg.ShippingFee, 3000)
	setDefault(&cfg.FreeShippingOver, 50_000)
	setDefault(&cfg.ConfirmCheckDelay, time.Minute)
	setDefault(&cfg.SweepBatch, 500)
	setDefault(&cfg.MaxPendingOrders, 5)
	setDefault(&cfg.MaxPendingQuantity, 10)
	if cfg.MinAmount > cfg.MaxAmount || cfg.PaymentTimeout < 0 || cfg.ShippingFee < 0 {
		return nil, paydeck.Errorf(paydeck.CodeInvalid, "payment: configured amounts or timeouts are inconsistent.")
	}
	return &Service{cfg: cfg, store: cfg.Store, toss: cfg.Toss, log: cfg.Logger}, nil
}

func setDefault[T int | int64 | time.Duration](v *T, def T) {
	if *v == 0 {
		*v = def
	}
}

// Actor is who causes a change: a signed-in user (Admin for the shop's
// staff) with the request's IP and user agent, recorded on audit events.
type Actor struct {
	UserID    string
	Admin     bool
	IP        string
	UserAgent string
}

// System is the actor of jobs and webhooks: it may act on every order.
var System = Actor{Admin: true}

// canSee reports whether a may read and act on the order as its owner.
func (a Actor) canSee(o *paydeck.Order) bool {
	return a.Admin || (a.UserID != "" && o.UserID == a.UserID)
}

// notFound is the error for missing and foreign records alike, so callers
// cannot probe for other users' orders.
func notFound(what, id string) error {
	return paydeck.Errorf(paydeck.CodeNotFound, "%s %s was not found.", what, id)
}

// Event types the payment package writes besides the domain's.
const (
	EventConfirmRequested paydeck.EventType = "confirm_requested"
	EventConfirmUnknown   paydeck.EventType = "confirm_unknown"
	EventAccountIssued    paydeck.EventType = "virtual_account_issued"
	EventCancelBack       paydeck.EventType = "cancel_back"
	EventShipped          paydeck.EventType = "shipped"
	EventDelivered        paydeck.EventType = "delivered"
	// EventCouponReleased records an order's coupon use given back
	// (cancelled, expired or fully refunded order).
	EventCouponReleased paydeck.EventType = "coupon_released"
	// EventOwnerTask records money paydeck must return but cannot on its
	// own; the task is the refund it names (pending until the owner acts).
	EventOwnerTask paydeck.EventType = "owner_task"
)

// RefundAccountRequired is the ErrorCode of a pending refund that is an
// owner task: a deposited virtual account must go back, and only the
// shopper's bank account (which the owner asks for) lets Toss refund it.
const RefundAccountRequired = "REFUND_ACCOUNT_REQUIRED"

// CancelBackFailed is the ErrorCode of a pending refund that is an owner
// task because Toss refused to cancel a payment back.
const CancelBackFailed = "CANCEL_BACK_FAILED"

// appendEvent appends one audit event caused by a.
func appendEvent(ctx context.Context, tx paydeck.Tx, a Actor, orderID, paymentID string,
	typ paydeck.EventType, msg string, meta map[string]any) error {
	e := &paydeck.PaymentEvent{OrderID: orderID, PaymentID: paymentID, Type: typ, Message: msg,
		IP: a.IP, UserAgent: a.UserAgent, ActorID: a.UserID}
	if len(meta) > 0 {
		b, err := json.Marshal(meta)
		if err != nil {
			return err
		}
		e.Metadata = b
	}
	return tx.AppendEvent(ctx, e)
}

// outcomeUnknown reports whether a failed Toss call may have taken effect,
// so it must be settled by reading Toss again and repeating the call with
// the same idempotency key. It is toss.OutcomeUnknown except for
// FORBIDDEN_CONSECUTIVE_REQUEST: Toss refused to start the operation, and as
// it replays a key's first answer (the sandbox does; UNCONFIRMED for Toss),
// repeating with the same key could never succeed.
func outcomeUnknown(err error) bool {
	return toss.OutcomeUnknown(err) && !toss.IsCode(err, toss.CodeForbiddenConsecutiveRequest)
}

// tossFailure returns Toss's code and message for a definite failure.
func tossFailure(err error) (code, msg string) {
	var te *toss.Error
	if errors.As(err, &te) {
		return string(te.Code), te.Message
	}
	return "REQUEST_REJECTED", "The request to Toss was rejected before sending."
}

// tossRefused turns a definite Toss refusal into the error callers see.
func tossRefused(what string, err error) error {
	code, msg := tossFailure(err)
	var te *toss.Error
	if errors.As(err, &te) && te.HTTPStatus >= 500 {
		return paydeck.Reasonf(paydeck.CodeUnavailable, paydeck.ReasonTossUnavailable, "Toss could not complete the %s: %s (%s).", what, msg, code)
	}
	return paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonTossRefused, "Toss refused the %s: %s (%s).", what, msg, code)
}

// unavailable wraps a failed Toss call whose outcome needs no recording.
func unavailable(what string, err error) error {
	return errors.Join(paydeck.Reasonf(paydeck.CodeUnavailable, paydeck.ReasonTossUnavailable, "Toss is not reachable for the %s; try again later.", what), err)
}
