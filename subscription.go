package paydeck

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// PlanInterval is the unit of a plan's billing period.
type PlanInterval string

// Plan intervals: a plan renews every IntervalCount of these.
const (
	IntervalMonth PlanInterval = "month"
	IntervalYear  PlanInterval = "year"
	IntervalDay   PlanInterval = "day"
)

// TaxType says whether a plan's amount carries VAT.
type TaxType string

// Tax types.
const (
	TaxTaxable TaxType = "taxable"
	TaxFree    TaxType = "tax_free"
)

// MaxTrialDays bounds a plan's free trial.
const MaxTrialDays = 365

// Plan is what a subscription buys: an amount charged every period.
type Plan struct {
	// ID is a UUID assigned by the store on create.
	ID   string `json:"id"`
	Name string `json:"name"`
	// Amount is charged each period, in won (at least MinPrice).
	Amount   int64        `json:"amount"`
	Interval PlanInterval `json:"interval"`
	// IntervalCount is how many Intervals one period lasts (1..365).
	IntervalCount int `json:"intervalCount"`
	// TrialDays is the free trial before the first charge (0: none).
	TrialDays int     `json:"trialDays"`
	TaxType   TaxType `json:"taxType"`
	// IsActive marks plans shoppers can subscribe to; subscriptions of an
	// inactive plan keep renewing.
	IsActive bool `json:"isActive"`
	// ProductID is the digital product that renewal orders carry as their
	// one item (created with the plan, never listed in the shop).
	ProductID string    `json:"-"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Validate returns an invalid *Error naming the first broken rule: a name of
// 1..100 characters, an amount of at least MinPrice, a known interval and tax
// type, 1..365 intervals per period, 0..MaxTrialDays trial days.
func (p *Plan) Validate() error {
	switch n := utf8.RuneCountInString(strings.TrimSpace(p.Name)); {
	case n == 0 || n > 100:
		return Reasonf(CodeInvalid, ReasonPlanName, "Plan name of 1 to 100 characters is required.")
	case p.Amount < MinPrice:
		return Reasonf(CodeInvalid, ReasonPlanAmountTooLow, "Plan amount must be at least %d won.", MinPrice)
	case p.Interval != IntervalMonth && p.Interval != IntervalYear && p.Interval != IntervalDay:
		return Reasonf(CodeInvalid, ReasonPlanInterval, "Plan interval must be month, year or day.")
	case p.IntervalCount < 1 || p.IntervalCount > 365:
		return Reasonf(CodeInvalid, ReasonPlanIntervalCount, "Plan interval count must be between 1 and 365.")
	case p.TrialDays < 0 || p.TrialDays > MaxTrialDays:
		return Reasonf(CodeInvalid, ReasonPlanTrialDays, "Plan trial days must be between 0 and %d.", MaxTrialDays)
	case p.TaxType != TaxTaxable && p.TaxType != TaxFree:
		return Reasonf(CodeInvalid, ReasonPlanTaxType, "Plan tax type must be taxable or tax_free.")
	}
	return nil
}

// PeriodBoundary returns the end of period n (n ≥ 0; the boundary 0 is
// anchor itself) of a subscription to p anchored at anchor. Months and years
// count on the KST calendar from the anchor's day, clamped to the month's
// last day (anchored on 31 January, periods end on 28/29 February, 31 March,
// 30 April, ...), so a short month never shifts later periods.
func (p *Plan) PeriodBoundary(anchor time.Time, n int) time.Time {
	k := anchor.In(KST)
	switch p.Interval {
	case IntervalDay:
		return anchor.AddDate(0, 0, n*p.IntervalCount)
	case IntervalYear:
		return addMonthsClamped(k, 12*n*p.IntervalCount).UTC()
	}
	return addMonthsClamped(k, n*p.IntervalCount).UTC()
}

// addMonthsClamped adds months to t, keeping its day of month unless the
// target month is shorter, then using that month's last day.
func addMonthsClamped(t time.Time, months int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(months), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}

// SubscriptionStatus is the life-cycle state of a Subscription.
type SubscriptionStatus string

// Subscription statuses.
const (
	SubscriptionTrialing SubscriptionStatus = "trialing"
	SubscriptionActive   SubscriptionStatus = "active"
	SubscriptionPastDue  SubscriptionStatus = "past_due"
	SubscriptionCanceled SubscriptionStatus = "canceled"
	SubscriptionExpired  SubscriptionStatus = "expired"
)

// SubscriptionStatuses lists every subscription status.
var SubscriptionStatuses = []SubscriptionStatus{SubscriptionTrialing, SubscriptionActive, SubscriptionPastDue,
	SubscriptionCanceled, SubscriptionExpired}

// subscriptionMachine is the complete list of allowed subscription
// transitions. canceled (by the shopper, the shop, or dunning giving up) and
// expired (ended at the period end as asked) are final.
var subscriptionMachine = machine[SubscriptionStatus]{entity: "subscription", next: map[SubscriptionStatus][]SubscriptionStatus{
	SubscriptionTrialing: {SubscriptionActive, SubscriptionPastDue, SubscriptionCanceled, SubscriptionExpired},
	SubscriptionActive:   {SubscriptionPastDue, SubscriptionCanceled, SubscriptionExpired},
	SubscriptionPastDue:  {SubscriptionActive, SubscriptionCanceled, SubscriptionExpired},
}}

// Valid reports whether s is one of the subscription statuses.
func (s SubscriptionStatus) Valid() bool { return slices.Contains(SubscriptionStatuses, s) }

// CanTransition returns nil when a subscription may change from s to to,
// and a *TransitionError (code conflict) otherwise.
func (s SubscriptionStatus) CanTransition(to SubscriptionStatus) error {
	return subscriptionMachine.check(s, to)
}

// Final reports whether s is final (no transition leaves it).
func (s SubscriptionStatus) Final() bool { return subscriptionMachine.final(s) }

// Subscription is a customer's recurring purchase of a plan, charged on a
// Toss billing key.
type Subscription struct {
	// ID is a UUID assigned by the store on create.
	ID     string             `json:"id"`
	UserID string             `json:"userId"`
	PlanID string             `json:"planId"`
	Status SubscriptionStatus `json:"status"`
	// CustomerKey is the Toss customerKey the billing key is bound to.
	CustomerKey string `json:"-"`
	// BillingKeySealed is the Toss billing key encrypted with a key derived
	// from PAYDECK_SECRET; the plain key exists only in memory while a
	// charge or delete is being sent. Never serialised.
	BillingKeySealed string `json:"-"`
	// BillingKeyHash is a keyed hash of the billing key, to match Toss's
	// BILLING_DELETED webhooks without decrypting every key. Never serialised.
	BillingKeyHash string `json:"-"`
	// CardIssuer is Toss's issuer code, CardNumber the masked number.
	CardIssuer string `json:"cardIssuer"`
	CardNumber string `json:"cardNumber"`
	// NeedsCard is set when the billing key can no longer be charged
	// (deleted at Toss); a card update clears it.
	NeedsCard bool `json:"needsCard"`
	// AnchorAt is the start of the first paid period; period n runs from
	// Plan.PeriodBoundary(AnchorAt, n-1) to PeriodBoundary(AnchorAt, n).
	AnchorAt time.Time `json:"-"`
	// CurrentPeriod is the number of the period paid for last (0 while
	// trialing).
	CurrentPeriod      int       `json:"currentPeriod"`
	CurrentPeriodStart time.Time `json:"currentPeriodStart"`
	CurrentPeriodEnd   time.Time `json:"currentPeriodEnd"`
	CancelAtPeriodEnd  bool      `json:"cancelAtPeriodEnd"`
	// RetryCount is the number of failed attempts at the period now due.
	RetryCount int `json:"retryCount"`
	// NextRetryAt is when dunning tries the due period again (past_due).
	NextRetryAt *time.Time `json:"nextRetryAt,omitempty"`
	CanceledAt  *time.Time `json:"canceledAt,omitempty"`
	EndedAt     *time.Time `json:"endedAt,omitempty"`
	CreatedAt   time.Time  `json:"createdAt"`
	UpdatedAt   time.Time  `json:"updatedAt"`
}

// Validate returns an invalid *Error naming the first broken rule: an owner,
// a plan, a known status, a customer key, a period that does not end before
// it starts (they are equal before the first charge of a plan without trial).
func (s *Subscription) Validate() error {
	switch {
	case s.UserID == "":
		return Errorf(CodeInvalid, "Subscription owner is required.")
	case s.PlanID == "":
		return Errorf(CodeInvalid, "Subscription plan is required.")
	case !s.Status.Valid():
		return Errorf(CodeInvalid, "Subscription status %q is not valid.", s.Status)
	case s.CustomerKey == "":
		return Errorf(CodeInvalid, "Subscription customer key is required.")
	case s.CurrentPeriod < 0 || s.RetryCount < 0:
		return Errorf(CodeInvalid, "Subscription counters must not be negative.")
	case s.CurrentPeriodEnd.Before(s.CurrentPeriodStart):
		return Errorf(CodeInvalid, "Subscription period must not end before it starts.")
	}
	return nil
}

// Transition changes s's status to to when the subscription state machine
// allows it; entering canceled or expired records now in EndedAt (and
// CanceledAt for canceled when unset). A forbidden change returns a
// *TransitionError and leaves s unchanged.
func (s *Subscription) Transition(to SubscriptionStatus, now time.Time) error {
	if err := s.Status.CanTransition(to); err != nil {
		return err
	}
	s.Status = to
	if to.Final() {
		s.EndedAt = &now
		s.NextRetryAt = nil
		if to == SubscriptionCanceled && s.CanceledAt == nil {
			s.CanceledAt = &now
		}
	}
	return nil
}

// ChargeStatus is the state of one period's charge.
type ChargeStatus string

// Charge statuses.
const (
	// ChargePending: an attempt is being sent to Toss or its outcome is
	// not yet known.
	ChargePending ChargeStatus = "pending"
	// ChargePaid: Toss approved one attempt; the period is paid.
	ChargePaid ChargeStatus = "paid"
	// ChargeFailed: the last attempt was declined; dunning retries it.
	ChargeFailed ChargeStatus = "failed"
	// ChargeAbandoned: no more attempts (dunning gave up, or the
	// subscription ended first).
	ChargeAbandoned ChargeStatus = "abandoned"
)

// SubscriptionCharge is the charge of one period of a subscription. The
// store keeps one per (SubscriptionID, Period): a second create is a
// conflict. Each attempt is its own order and payment (a new orderId for
// Toss); OrderID and PaymentID name the latest.
type SubscriptionCharge struct {
	ID             string       `json:"id"`
	SubscriptionID string       `json:"subscriptionId"`
	Period         int          `json:"period"`
	Amount         int64        `json:"amount"`
	Status         ChargeStatus `json:"status"`
	// Attempts counts the attempts sent to Toss for this period.
	Attempts       int    `json:"attempts"`
	OrderID        string `json:"-"`
	PaymentID      string `json:"-"`
	FailureCode    string `json:"failureCode,omitempty"`
	FailureMessage string `json:"failureMessage,omitempty"`
	// RefundedAmount is what was refunded of the paid amount (immediate
	// cancellation's prorated refund).
	RefundedAmount int64      `json:"refundedAmount"`
	PeriodStart    time.Time  `json:"periodStart"`
	PeriodEnd      time.Time  `json:"periodEnd"`
	PaidAt         *time.Time `json:"paidAt,omitempty"`
	CreatedAt      time.Time  `json:"createdAt"`
	UpdatedAt      time.Time  `json:"updatedAt"`
}

// Validate returns an invalid *Error naming the first broken rule.
func (c *SubscriptionCharge) Validate() error {
	switch {
	case c.SubscriptionID == "":
		return Errorf(CodeInvalid, "Charge subscription is required.")
	case c.Period < 1:
		return Errorf(CodeInvalid, "Charge period must be at least 1.")
	case c.Amount <= 0 || c.RefundedAmount < 0 || c.RefundedAmount > c.Amount:
		return Errorf(CodeInvalid, "Charge amounts are inconsistent.")
	case c.Status != ChargePending && c.Status != ChargePaid && c.Status != ChargeFailed && c.Status != ChargeAbandoned:
		return Errorf(CodeInvalid, "Charge status %q is not valid.", c.Status)
	case c.Attempts < 0:
		return Errorf(CodeInvalid, "Charge attempts must not be negative.")
	}
	return nil
}

// TossCustomerKey is a user's Toss customerKey: derived from the user ID
// with a keyed hash so it is stable per user yet unguessable
// (docs/toss.md#security), 36 characters of the SDK's allowed alphabet. The
// checkout and the billing window use the same one.
func TossCustomerKey(secret []byte, userID string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("paydeck toss customer key v1|" + userID))
	return "cus_" + base64.RawURLEncoding.EncodeToString(m.Sum(nil))[:32]
}
