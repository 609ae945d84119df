package subscription

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/toss"
)

// Config configures New. Store, Payments, Toss, KeySecret and
// CustomerKeySecret are required.
type Config struct {
	Store    paydeck.Store
	Payments *payment.Service
	// Toss is the client for billing calls (issue, charge, delete, look up
	// by orderId). Toss sells billing under the API individual key pair,
	// not the payment widget's; the sandbox checks it.
	Toss *toss.Client
	// KeySecret seals billing keys at rest: at least 32 bytes, derived
	// from PAYDECK_SECRET for this purpose only.
	KeySecret []byte
	// CustomerKeySecret is the secret of paydeck.TossCustomerKey: the one
	// the shop's pages use, so the billing window and the checkout give a
	// user the same customerKey.
	CustomerKeySecret []byte
	// Now is the clock (default time.Now); give the store the same one.
	Now func() time.Time
	// Rand is the source of nonces (default crypto/rand).
	Rand io.Reader
	// Logger receives warnings; nil discards them. Billing keys are never
	// logged.
	Logger *slog.Logger
	// RetryAfter is the dunning schedule: a declined renewal is retried
	// this long after the period's due time, once per entry; after the last
	// declined retry the subscription is canceled (default 1, 3, 5 days).
	RetryAfter []time.Duration
	// CheckDelay is how long a charge may stay pending (outcome unknown,
	// or its process died) before Scan queues a job to settle it (default
	// 1 min; keep it above the Toss client's timeout).
	CheckDelay time.Duration
	// ScanBatch bounds the subscriptions one Scan enqueues per kind
	// (default 1000; the next scan goes on).
	ScanBatch int
	// Notify is told of each dunning step (decline, retry scheduled,
	// cancel) and of a card removed at Toss; nil logs them.
	Notify func(ctx context.Context, n Notice)
	// OnChange, when set, runs in the transaction of every subscription
	// state change (see Change*), once per change, with the subscription
	// as it is after the change (plan and charges included, as
	// Service.Subscription answers); the hook for outbound subscription.*
	// events (outbound.SubscriptionHook). Its error rolls the change back.
	OnChange func(ctx context.Context, tx paydeck.Tx, d *Details, change string) error
}

// Changes passed to Config.OnChange.
const (
	ChangeCreated         = "created"
	ChangeRenewed         = "renewed"
	ChangePastDue         = "past_due"
	ChangeCanceled        = "canceled"
	ChangeExpired         = "expired"
	ChangeCancelScheduled = "cancel_scheduled"
	ChangeResumed         = "resumed"
	ChangeCardUpdated     = "card_updated"
	ChangeCardRemoved     = "card_removed"
	ChangeRetryScheduled  = "retry_scheduled"
)

// Notice is a message for the shopper about their subscription.
type Notice struct {
	// Kind is "declined", "canceled" (dunning gave up) or "card_removed".
	Kind           string
	SubscriptionID string
	UserID         string
	// Attempt is the failed attempt's number (declined, canceled).
	Attempt int
	// NextRetryAt is the next attempt (declined with retries left).
	NextRetryAt *time.Time
	// Code and Message are Toss's reason for a decline.
	Code, Message string
}

// Service runs subscriptions. It is safe for concurrent use.
type Service struct {
	cfg      Config
	store    paydeck.Store
	payments *payment.Service
	toss     *toss.Client
	seal     *sealer
	log      *slog.Logger
}

// New returns a Service for cfg with defaults filled in, and registers it
// for BILLING_DELETED webhooks on cfg.Payments.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Payments == nil || cfg.Toss == nil || len(cfg.CustomerKeySecret) == 0 {
		return nil, errors.New("subscription: Store, Payments, Toss and CustomerKeySecret are required")
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
	if cfg.RetryAfter == nil {
		cfg.RetryAfter = DefaultRetryAfter
	}
	for i, d := range cfg.RetryAfter {
		if d <= 0 || (i > 0 && d <= cfg.RetryAfter[i-1]) {
			return nil, errors.New("subscription: RetryAfter must be positive and increasing")
		}
	}
	if cfg.CheckDelay <= 0 {
		cfg.CheckDelay = time.Minute
	}
	if cfg.ScanBatch <= 0 {
		cfg.ScanBatch = 1000
	}
	seal, err := newSealer(cfg.KeySecret, cfg.Rand)
	if err != nil {
		return nil, err
	}
	s := &Service{cfg: cfg, store: cfg.Store, payments: cfg.Payments, toss: cfg.Toss, seal: seal, log: cfg.Logger}
	if s.cfg.Notify == nil {
		s.cfg.Notify = s.logNotice
	}
	cfg.Payments.HandleBillingDeleted(s.BillingDeleted)
	return s, nil
}

// DefaultRetryAfter is the default dunning schedule: +1, +3, +5 days.
var DefaultRetryAfter = []time.Duration{24 * time.Hour, 72 * time.Hour, 120 * time.Hour}

func (s *Service) logNotice(_ context.Context, n Notice) {
	s.log.Info("subscription: notice to the shopper", "kind", n.Kind, "subscriptionId", n.SubscriptionID,
		"userId", n.UserID, "attempt", n.Attempt, "code", n.Code)
}

// changed is the one place a subscription's state change is written: it
// updates the row and calls OnChange, in the caller's transaction.
func (s *Service) changed(ctx context.Context, tx paydeck.Tx, sub *paydeck.Subscription, change string) error {
	if err := tx.UpdateSubscription(ctx, sub); err != nil {
		return err
	}
	return s.onChange(ctx, tx, sub, change)
}

// onChange calls OnChange, when set, with the subscription's details read
// in tx.
func (s *Service) onChange(ctx context.Context, tx paydeck.Tx, sub *paydeck.Subscription, change string) error {
	if s.cfg.OnChange == nil {
		return nil
	}
	d, err := s.details(ctx, tx, sub, true)
	if err != nil {
		return err
	}
	return s.cfg.OnChange(ctx, tx, d, change)
}

// CustomerKey returns the Toss customerKey of a user: the one the billing
// window must be opened with.
func (s *Service) CustomerKey(userID string) string {
	return paydeck.TossCustomerKey(s.cfg.CustomerKeySecret, userID)
}

// notFound is the error for missing and foreign subscriptions alike.
func notFound(id string) error {
	return paydeck.Errorf(paydeck.CodeNotFound, "Subscription %s was not found.", id)
}

func canSee(a payment.Actor, sub *paydeck.Subscription) bool {
	return a.Admin || (a.UserID != "" && a.UserID == sub.UserID)
}

// PlanInput is a new plan.
type PlanInput struct {
	Name          string
	Amount        int64
	Interval      paydeck.PlanInterval
	IntervalCount int
	TrialDays     int
	TaxType       paydeck.TaxType
	IsActive      bool
}

// Plans returns the plans, oldest first: every plan for admins, the active
// ones for everybody else.
func (s *Service) Plans(ctx context.Context, a payment.Actor) ([]*paydeck.Plan, error) {
	f := paydeck.PlanFilter{}
	if !a.Admin {
		active := true
		f.IsActive = &active
	}
	var plans []*paydeck.Plan
	err := s.store.View(ctx, func(tx paydeck.Tx) (err error) {
		plans, _, err = tx.FindPlans(ctx, f)
		return err
	})
	return plans, err
}

// Plan returns one plan (inactive ones only to admins) or not_found.
func (s *Service) Plan(ctx context.Context, a payment.Actor, id string) (*paydeck.Plan, error) {
	var p *paydeck.Plan
	err := s.store.View(ctx, func(tx paydeck.Tx) (err error) {
		p, err = tx.FindPlanByID(ctx, id)
		return err
	})
	if err == nil && !p.IsActive && !a.Admin {
		return nil, paydeck.Reasonf(paydeck.CodeNotFound, paydeck.ReasonPlanNotFound, "Plan %s was not found.", id)
	}
	return p, err
}

// CreatePlan creates a plan and the digital product its renewal orders
// carry (inactive: never listed or sold on its own), in one transaction.
// Admins only (forbidden otherwise); invalid per Plan.Validate. Interval
// count 0 means 1; tax type "" means taxable.
func (s *Service) CreatePlan(ctx context.Context, a payment.Actor, in PlanInput) (*paydeck.Plan, error) {
	if !a.Admin {
		return nil, paydeck.Reasonf(paydeck.CodeForbidden, paydeck.ReasonShopOnly, "Only the shop can manage plans.")
	}
	p := &paydeck.Plan{Name: strings.TrimSpace(in.Name), Amount: in.Amount, Interval: in.Interval,
		IntervalCount: in.IntervalCount, TrialDays: in.TrialDays, TaxType: in.TaxType, IsActive: in.IsActive}
	if p.IntervalCount == 0 {
		p.IntervalCount = 1
	}
	if p.TaxType == "" {
		p.TaxType = paydeck.TaxTaxable
	}
	if err := validPlan(p); err != nil {
		return nil, err
	}
	err := s.store.Update(ctx, func(tx paydeck.Tx) error {
		prod := &paydeck.Product{Name: p.Name, Description: "Subscription plan", Price: p.Amount, IsDigital: true}
		if err := tx.CreateProduct(ctx, prod); err != nil {
			return err
		}
		p.ProductID = prod.ID
		return tx.CreatePlan(ctx, p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// MaxPlanAmount is the largest plan amount in won: the payment service's
// default MaxAmount, so that every renewal is a payable order.
const MaxPlanAmount = 10_000_000

// validPlan is Plan.Validate with the amount bounded by MaxPlanAmount.
func validPlan(p *paydeck.Plan) error {
	if p.Amount > MaxPlanAmount {
		return paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonPlanAmountTooHigh, "Plan amount must be at most %d won.", MaxPlanAmount)
	}
	return p.Validate()
}

// PlanPatch changes some fields of a plan; nil fields stay. The interval is
// fixed once a plan exists (its subscriptions' periods follow it).
type PlanPatch struct {
	Name      *string
	Amount    *int64
	TrialDays *int
	TaxType   *paydeck.TaxType
	IsActive  *bool
}

// UpdatePlan applies patch to the plan (and its product's name and price).
// A new amount applies from each subscription's next renewal. Admins only.
func (s *Service) UpdatePlan(ctx context.Context, a payment.Actor, id string, patch PlanPatch) (*paydeck.Plan, error) {
	if !a.Admin {
		return nil, paydeck.Reasonf(paydeck.CodeForbidden, paydeck.ReasonShopOnly, "Only the shop can manage plans.")
	}
	var out *paydeck.Plan
	err := s.store.Update(ctx, func(tx paydeck.Tx) error {
		p, err := tx.FindPlanByID(ctx, id)
		if err != nil {
			return err
		}
		if patch.Name != nil {
			p.Name = strings.TrimSpace(*patch.Name)
		}
		if patch.Amount != nil {
			p.Amount = *patch.Amount
		}
		if patch.TrialDays != nil {
			p.TrialDays = *patch.TrialDays
		}
		if patch.TaxType != nil {
			p.TaxType = *patch.TaxType
		}
		if patch.IsActive != nil {
			p.IsActive = *patch.IsActive
		}
		if err := validPlan(p); err != nil {
			return err
		}
		if err := tx.UpdatePlan(ctx, p); err != nil {
			return err
		}
		prod, err := tx.FindProductByID(ctx, p.ProductID)
		if err != nil {
			return err
		}
		prod.Name, prod.Price = p.Name, p.Amount
		if err := tx.UpdateProduct(ctx, prod); err != nil {
			return err
		}
		out = p
		return nil
	})
	return out, err
}
