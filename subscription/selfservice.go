package subscription

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/toss"
)

// Details is a subscription as its owner or an admin sees it.
type Details struct {
	*paydeck.Subscription
	Plan *paydeck.Plan
	// Charges are the periods' charges, oldest first.
	Charges []Charge
	// NextChargeAt and NextChargeAmount are the next charge paydeck will
	// attempt (the renewal, or the dunning retry); nil when none will be
	// (ended, or set to cancel at period end).
	NextChargeAt     *time.Time
	NextChargeAmount int64
}

// Charge is one period's charge with its latest attempt's public orderId
// and Toss paymentKey (for the receipt).
type Charge struct {
	*paydeck.SubscriptionCharge
	OrderID    string
	PaymentKey string
}

// Subscription returns the subscription with its plan and charges if the
// actor may see it (its owner, or an admin); else not_found.
func (s *Service) Subscription(ctx context.Context, a payment.Actor, id string) (*Details, error) {
	var d *Details
	err := s.store.View(ctx, func(tx paydeck.Tx) error {
		sub, err := tx.FindSubscriptionByID(ctx, id)
		if err != nil || !canSee(a, sub) {
			return notFound(id)
		}
		d, err = s.details(ctx, tx, sub, true)
		return err
	})
	return d, err
}

// Subscriptions returns subscriptions matching filter, newest first, with
// their plans (charges only when withCharges) and the total count.
// Customers only ever see their own (filter.UserID is forced).
func (s *Service) Subscriptions(ctx context.Context, a payment.Actor, filter paydeck.SubscriptionFilter, withCharges bool) ([]*Details, int, error) {
	if !a.Admin {
		if a.UserID == "" {
			return nil, 0, paydeck.Reasonf(paydeck.CodeUnauthorized, paydeck.ReasonSignInRequired, "Sign in to list subscriptions.")
		}
		filter.UserID = &a.UserID
	}
	var out []*Details
	var n int
	err := s.store.View(ctx, func(tx paydeck.Tx) error {
		subs, total, err := tx.FindSubscriptions(ctx, filter)
		if err != nil {
			return err
		}
		n, out = total, make([]*Details, 0, len(subs))
		for _, sub := range subs {
			d, err := s.details(ctx, tx, sub, withCharges)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	return out, n, err
}

func (s *Service) details(ctx context.Context, tx paydeck.Tx, sub *paydeck.Subscription, withCharges bool) (*Details, error) {
	plan, err := tx.FindPlanByID(ctx, sub.PlanID)
	if err != nil {
		return nil, err
	}
	d := &Details{Subscription: sub, Plan: plan, Charges: []Charge{}}
	switch {
	case sub.Status.Final() || sub.CancelAtPeriodEnd:
	case sub.Status == paydeck.SubscriptionPastDue:
		d.NextChargeAt, d.NextChargeAmount = sub.NextRetryAt, plan.Amount
	default:
		end := sub.CurrentPeriodEnd
		d.NextChargeAt, d.NextChargeAmount = &end, plan.Amount
	}
	if !withCharges {
		return d, nil
	}
	charges, _, err := tx.FindSubscriptionCharges(ctx, paydeck.SubscriptionChargeFilter{SubscriptionID: &sub.ID})
	if err != nil {
		return nil, err
	}
	for _, c := range charges {
		ch := Charge{SubscriptionCharge: c}
		if c.OrderID != "" {
			o, err := tx.FindOrderByID(ctx, c.OrderID)
			if err != nil {
				return nil, err
			}
			ch.OrderID = o.OrderID
		}
		if c.PaymentID != "" {
			p, err := tx.FindPaymentByID(ctx, c.PaymentID)
			if err != nil {
				return nil, err
			}
			ch.PaymentKey = p.PaymentKey
		}
		d.Charges = append(d.Charges, ch)
	}
	return d, nil
}

// change locks the subscription, checks the actor, and runs fn.
func (s *Service) change(ctx context.Context, a payment.Actor, id string, fn func(tx paydeck.Tx, sub *paydeck.Subscription) error) error {
	return s.store.Update(ctx, func(tx paydeck.Tx) error {
		sub, err := tx.LockSubscriptionByID(ctx, id)
		if err != nil || !canSee(a, sub) {
			return notFound(id)
		}
		return fn(tx, sub)
	})
}

// Cancel ends the subscription. atPeriodEnd: no further renewal, it
// expires when the current period (or trial) ends, and Resume can undo it
// until then (a past_due subscription has no paid period to run out: it
// is canceled now). Otherwise it is canceled now and the unused part of
// the current paid period is refunded (see the package doc for the rule);
// the billing key is deleted at Toss. Cancelling a canceled subscription
// again retries a refund that had failed. Errors: not_found, conflict
// (already expired), unavailable or conflict from the refund.
func (s *Service) Cancel(ctx context.Context, a payment.Actor, id string, atPeriodEnd bool) (*Details, error) {
	var ended string
	refund := false
	err := s.change(ctx, a, id, func(tx paydeck.Tx, sub *paydeck.Subscription) error {
		ended, refund = "", false
		switch {
		case sub.Status == paydeck.SubscriptionCanceled:
			refund = true // retry a refund that may have failed
			return nil
		case sub.Status.Final():
			return paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonSubscriptionEnded, "Subscription %s has already ended.", id)
		case atPeriodEnd && sub.Status != paydeck.SubscriptionPastDue:
			if sub.CancelAtPeriodEnd {
				return nil
			}
			sub.CancelAtPeriodEnd = true
			return s.changed(ctx, tx, sub, ChangeCancelScheduled)
		}
		if err := sub.Transition(paydeck.SubscriptionCanceled, tx.Now()); err != nil {
			return err
		}
		if err := abandonOpen(ctx, tx, sub); err != nil {
			return err
		}
		ended, refund = sub.BillingKeySealed, true
		if err := s.changed(ctx, tx, sub, ChangeCanceled); err != nil {
			return err
		}
		// The refund is also queued (for after CheckDelay), so a crash
		// before it is sent below cannot lose it; both use the same
		// idempotency key, and the job finds it done.
		return tx.Enqueue(ctx, RefundArgs{SubscriptionID: sub.ID},
			&paydeck.JobOptions{UniqueByArgs: true, ScheduledAt: tx.Now().Add(s.cfg.CheckDelay)})
	})
	if err != nil {
		return nil, err
	}
	if ended != "" {
		s.deleteSealed(ctx, ended, id)
	}
	if refund {
		if err := s.RefundUnused(ctx, id, 0); err != nil && !errors.Is(err, errRefundPending) {
			return nil, err
		}
	}
	return s.Subscription(ctx, a, id)
}

// abandonOpen gives up the failed charge of an ended subscription.
func abandonOpen(ctx context.Context, tx paydeck.Tx, sub *paydeck.Subscription) error {
	c, err := tx.FindSubscriptionCharge(ctx, sub.ID, sub.CurrentPeriod+1)
	if paydeck.ErrorCode(err) == paydeck.CodeNotFound {
		return nil
	} else if err != nil || c.Status != paydeck.ChargeFailed {
		return err
	}
	c.Status = paydeck.ChargeAbandoned
	return tx.UpdateSubscriptionCharge(ctx, c)
}

// ProratedRefund is the refund of a period of amount won running from
// start to end when the subscription is canceled at at: amount × unused
// whole days ÷ days in the period (rounded to whole days), rounded down to
// the won; 0 outside the period.
func ProratedRefund(amount int64, start, end, at time.Time) int64 {
	days := int64((end.Sub(start) + 12*time.Hour) / (24 * time.Hour))
	if days <= 0 || !at.Before(end) {
		return 0
	}
	unused := min(int64(end.Sub(at)/(24*time.Hour)), days)
	return amount * unused / days
}

// RefundUnused refunds a canceled subscription's paid period: the period
// given, in full (a charge approved after the subscription ended), or, for
// period 0, the current period prorated at CanceledAt. It is idempotent
// (one refund per charge, by its idempotency key) and the work of the
// RefundArgs job. A trial or an unpaid period refunds nothing.
func (s *Service) RefundUnused(ctx context.Context, id string, period int) error {
	var sub *paydeck.Subscription
	var c *paydeck.SubscriptionCharge
	var paymentKey string
	err := s.store.View(ctx, func(tx paydeck.Tx) (err error) {
		if sub, err = tx.FindSubscriptionByID(ctx, id); err != nil {
			return err
		}
		if period == 0 {
			period = sub.CurrentPeriod
		}
		if c, err = tx.FindSubscriptionCharge(ctx, id, period); err != nil {
			return err
		}
		if c.Status == paydeck.ChargePaid {
			p, err := tx.FindPaymentByID(ctx, c.PaymentID)
			if err != nil {
				return err
			}
			paymentKey = p.PaymentKey
		}
		return nil
	})
	if paydeck.ErrorCode(err) == paydeck.CodeNotFound || (err == nil && (c.Status != paydeck.ChargePaid || sub.Status != paydeck.SubscriptionCanceled)) {
		return nil
	} else if err != nil {
		return err
	}
	amount := c.Amount
	if period == sub.CurrentPeriod && sub.CanceledAt != nil {
		amount = ProratedRefund(c.Amount, c.PeriodStart, c.PeriodEnd, *sub.CanceledAt)
	}
	if amount <= 0 || c.RefundedAmount >= amount {
		return nil
	}
	r, _, err := s.payments.Cancel(ctx, payment.System, paymentKey, payment.CancelInput{
		Reason: "subscription canceled: unused days refunded", Amount: &amount,
		IdempotencyKey: fmt.Sprintf("subscription-refund-%d", period)})
	if err != nil {
		return err
	}
	if r.Status != paydeck.RefundCompleted {
		return errRefundPending // package payment settles it; the job looks again
	}
	return s.store.Update(ctx, func(tx paydeck.Tx) error {
		c, err := tx.FindSubscriptionCharge(ctx, id, period)
		if err != nil {
			return err
		}
		c.RefundedAmount = r.Amount
		return tx.UpdateSubscriptionCharge(ctx, c)
	})
}

// errRefundPending: the refund was sent but its outcome is not known yet.
var errRefundPending = errors.New("subscription: refund in progress")

// Resume undoes a cancel at period end before the period ends. Errors:
// not_found, conflict (ended, or not set to cancel).
func (s *Service) Resume(ctx context.Context, a payment.Actor, id string) (*Details, error) {
	err := s.change(ctx, a, id, func(tx paydeck.Tx, sub *paydeck.Subscription) error {
		if sub.Status.Final() || !sub.CancelAtPeriodEnd {
			return paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonNotSetToCancel, "Subscription %s is not set to cancel.", id)
		}
		sub.CancelAtPeriodEnd = false
		return s.changed(ctx, tx, sub, ChangeResumed)
	})
	if err != nil {
		return nil, err
	}
	return s.Subscription(ctx, a, id)
}

// UpdateCard replaces the subscription's card: a new billing key from the
// billing window's authKey (with the subscription's customerKey), the old
// one deleted at Toss. A past_due subscription is charged at once.
// Errors: not_found, invalid (authKey), conflict (ended; Toss refused the
// authKey), unavailable.
func (s *Service) UpdateCard(ctx context.Context, a payment.Actor, id, authKey string) (*Details, error) {
	if authKey == "" || len(authKey) > 300 {
		return nil, paydeck.Errorf(paydeck.CodeInvalid, "authKey is required (at most 300 characters).")
	}
	d, err := s.Subscription(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if d.Status.Final() {
		return nil, paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonSubscriptionEnded, "Subscription %s has ended.", id)
	}
	b, err := s.toss.Billing.IssueByAuthKey(ctx, &toss.BillingAuthKeyParams{AuthKey: authKey, CustomerKey: d.CustomerKey})
	if err != nil {
		return nil, s.tossError("card registration", err)
	}
	sealed, err := s.seal.seal(b.BillingKey, d.CustomerKey)
	if err != nil {
		return nil, err
	}
	var old string
	pastDue := false
	err = s.change(ctx, a, id, func(tx paydeck.Tx, sub *paydeck.Subscription) error {
		if sub.Status.Final() {
			return paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonSubscriptionEnded, "Subscription %s has ended.", id)
		}
		old = sub.BillingKeySealed
		sub.BillingKeySealed, sub.BillingKeyHash, sub.NeedsCard = sealed, s.seal.hash(b.BillingKey), false
		if b.Card != nil {
			sub.CardIssuer, sub.CardNumber = b.Card.IssuerCode, b.Card.Number
		}
		if pastDue = sub.Status == paydeck.SubscriptionPastDue; pastDue {
			now := tx.Now()
			sub.NextRetryAt = &now
		}
		return s.changed(ctx, tx, sub, ChangeCardUpdated)
	})
	if err != nil {
		s.deleteKey(ctx, b.BillingKey)
		return nil, err
	}
	s.deleteSealed(ctx, old, id)
	if pastDue {
		if err := s.Renew(ctx, id, d.CurrentPeriod+1); err != nil && !errors.Is(err, errUnknown) {
			return nil, err
		}
	}
	return s.Subscription(ctx, a, id)
}

// Retry makes a past_due subscription's next attempt due now and runs it
// (admins only). Errors: forbidden, not_found, conflict (not past_due).
func (s *Service) Retry(ctx context.Context, a payment.Actor, id string) (*Details, error) {
	if !a.Admin {
		return nil, paydeck.Reasonf(paydeck.CodeForbidden, paydeck.ReasonShopOnly, "Only the shop can retry a charge.")
	}
	var period int
	err := s.change(ctx, a, id, func(tx paydeck.Tx, sub *paydeck.Subscription) error {
		if sub.Status != paydeck.SubscriptionPastDue {
			return paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonNotPastDue, "Subscription %s is not past due.", id)
		}
		now := tx.Now()
		sub.NextRetryAt, period = &now, sub.CurrentPeriod+1
		return s.changed(ctx, tx, sub, ChangeRetryScheduled)
	})
	if err != nil {
		return nil, err
	}
	if err := s.Renew(ctx, id, period); err != nil && !errors.Is(err, errUnknown) {
		return nil, err
	}
	return s.Subscription(ctx, a, id)
}

// BillingDeleted handles Toss's BILLING_DELETED webhook: the live
// subscriptions charging that key need a new card (NeedsCard; the shopper
// is told). It returns the result recorded on the delivery.
func (s *Service) BillingDeleted(ctx context.Context, key toss.BillingKey) (string, error) {
	hash := s.seal.hash(key)
	var notices []Notice
	err := s.store.Update(ctx, func(tx paydeck.Tx) error {
		notices = nil
		subs, _, err := tx.FindSubscriptions(ctx, paydeck.SubscriptionFilter{BillingKeyHash: &hash})
		if err != nil {
			return err
		}
		for _, found := range subs {
			sub, err := tx.LockSubscriptionByID(ctx, found.ID)
			if err != nil {
				return err
			}
			if sub.Status.Final() || sub.NeedsCard || sub.BillingKeyHash != hash {
				continue
			}
			sub.NeedsCard = true
			if err := s.changed(ctx, tx, sub, ChangeCardRemoved); err != nil {
				return err
			}
			notices = append(notices, Notice{Kind: "card_removed", SubscriptionID: sub.ID, UserID: sub.UserID})
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	for _, n := range notices {
		s.cfg.Notify(ctx, n)
	}
	if len(notices) == 0 {
		return "ignored: no live subscription charges this billing key", nil
	}
	return fmt.Sprintf("applied: %d subscription(s) need a new card", len(notices)), nil
}

// Stats are the subscription figures of the admin dashboard.
type Stats struct {
	// Active counts trialing, active and past_due subscriptions.
	Active int
	// PastDue counts past_due subscriptions.
	PastDue int
	// MRR is the monthly recurring revenue in won: the active and past_due
	// subscriptions' plan amounts per month (yearly ÷ 12, every N days ×
	// 30 ÷ N), rounded down.
	MRR int64
	// Churned counts subscriptions ended in the last 30 days; ChurnBp is
	// Churned ÷ (Active + Churned) in basis points, 0 when both are 0.
	Churned int
	ChurnBp int64
}

// Stats computes the dashboard figures at now (admins only).
func (s *Service) Stats(ctx context.Context, a payment.Actor) (*Stats, error) {
	if !a.Admin {
		return nil, paydeck.Reasonf(paydeck.CodeForbidden, paydeck.ReasonShopOnly, "Only the shop can see subscription figures.")
	}
	since := s.cfg.Now().AddDate(0, 0, -30)
	st := &Stats{}
	err := s.store.View(ctx, func(tx paydeck.Tx) error {
		plans, _, err := tx.FindPlans(ctx, paydeck.PlanFilter{})
		if err != nil {
			return err
		}
		monthly := map[string]float64{}
		for _, p := range plans {
			switch p.Interval {
			case paydeck.IntervalMonth:
				monthly[p.ID] = float64(p.Amount) / float64(p.IntervalCount)
			case paydeck.IntervalYear:
				monthly[p.ID] = float64(p.Amount) / float64(12*p.IntervalCount)
			default:
				monthly[p.ID] = float64(p.Amount) * 30 / float64(p.IntervalCount)
			}
		}
		subs, _, err := tx.FindSubscriptions(ctx, paydeck.SubscriptionFilter{})
		if err != nil {
			return err
		}
		var mrr float64
		for _, sub := range subs {
			switch {
			case !sub.Status.Final():
				st.Active++
				if sub.Status == paydeck.SubscriptionPastDue {
					st.PastDue++
				}
				if sub.Status != paydeck.SubscriptionTrialing {
					mrr += monthly[sub.PlanID]
				}
			case sub.EndedAt != nil && !sub.EndedAt.Before(since):
				st.Churned++
			}
		}
		st.MRR = int64(mrr)
		if st.Active+st.Churned > 0 {
			st.ChurnBp = int64(st.Churned) * 10_000 / int64(st.Active+st.Churned)
		}
		return nil
	})
	return st, err
}
