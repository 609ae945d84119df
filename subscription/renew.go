package subscription

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/toss"
)

// SubscribeInput is what the billing window's success redirect brought
// back, and the plan the shopper picked.
type SubscribeInput struct {
	PlanID      string
	AuthKey     string
	CustomerKey string
}

// chargeKey is the Toss Idempotency-Key of one attempt at one period: the
// same for every send of that attempt (retried jobs, a resumed attempt
// after a crash, another instance), different for the next attempt.
func chargeKey(subID string, period, attempt int) string {
	return fmt.Sprintf("subscription-%s-%d-%d", subID, period, attempt)
}

// errUnknown is returned while a charge's outcome is unknown: the Renew
// job is retried by River, which looks the charge up again.
var errUnknown = errors.New("subscription: charge outcome unknown; will look it up again")

// Subscribe signs the actor up to an active plan: it issues a billing key
// from the billing window's authKey (customerKey must be the actor's, see
// CustomerKey), stores it sealed, and charges the first period at once
// unless the plan has a trial (then the first charge is due when the trial
// ends). A declined first charge cancels the subscription, deletes the
// billing key and returns a conflict error with Toss's reason; an unknown
// outcome returns the subscription with its first charge pending (a job
// settles it). Errors: unauthorized, invalid (input, foreign customerKey),
// not_found (plan), conflict (Toss refused the authKey or the charge).
func (s *Service) Subscribe(ctx context.Context, a payment.Actor, in SubscribeInput) (*Details, error) {
	if a.UserID == "" {
		return nil, paydeck.Reasonf(paydeck.CodeUnauthorized, paydeck.ReasonSignInRequired, "Sign in to subscribe.")
	}
	if in.AuthKey == "" || utf8.RuneCountInString(in.AuthKey) > 300 {
		return nil, paydeck.Errorf(paydeck.CodeInvalid, "authKey is required (at most 300 characters).")
	}
	if in.CustomerKey != s.CustomerKey(a.UserID) {
		return nil, paydeck.Errorf(paydeck.CodeInvalid, "customerKey is not this customer's; open the billing window with the customerKey paydeck gave you.")
	}
	plan, err := s.Plan(ctx, payment.Actor{}, in.PlanID)
	if err != nil {
		return nil, paydeck.Reasonf(paydeck.CodeNotFound, paydeck.ReasonPlanNotFound, "Plan %s was not found.", in.PlanID)
	}
	b, err := s.toss.Billing.IssueByAuthKey(ctx, &toss.BillingAuthKeyParams{AuthKey: in.AuthKey, CustomerKey: in.CustomerKey})
	if err != nil {
		return nil, s.tossError("card registration", err)
	}
	sub, err := s.create(ctx, a, plan, b)
	if err != nil {
		s.deleteKey(ctx, b.BillingKey)
		return nil, err
	}
	if sub.Status == paydeck.SubscriptionActive {
		if err := s.Renew(ctx, sub.ID, 1); err != nil && !errors.Is(err, errUnknown) {
			return nil, err
		}
	}
	d, err := s.Subscription(ctx, a, sub.ID)
	if err != nil {
		return nil, err
	}
	if d.Status == paydeck.SubscriptionCanceled {
		msg := "the card was declined"
		if len(d.Charges) > 0 && d.Charges[0].FailureMessage != "" {
			msg = d.Charges[0].FailureMessage + " (" + d.Charges[0].FailureCode + ")"
		}
		return d, paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonFirstChargeRefused, "Toss refused the first charge: %s.", msg)
	}
	return d, nil
}

// create records a new subscription with its sealed billing key.
func (s *Service) create(ctx context.Context, a payment.Actor, plan *paydeck.Plan, b *toss.Billing) (*paydeck.Subscription, error) {
	sealed, err := s.seal.seal(b.BillingKey, b.CustomerKey)
	if err != nil {
		return nil, err
	}
	sub := &paydeck.Subscription{UserID: a.UserID, PlanID: plan.ID, CustomerKey: b.CustomerKey,
		BillingKeySealed: sealed, BillingKeyHash: s.seal.hash(b.BillingKey)}
	if b.Card != nil {
		sub.CardIssuer, sub.CardNumber = b.Card.IssuerCode, b.Card.Number
	}
	err = s.store.Update(ctx, func(tx paydeck.Tx) error {
		now := tx.Now()
		sub.Status, sub.CurrentPeriodStart, sub.AnchorAt = paydeck.SubscriptionActive, now, now
		if plan.TrialDays > 0 {
			sub.Status, sub.AnchorAt = paydeck.SubscriptionTrialing, now.AddDate(0, 0, plan.TrialDays)
		}
		sub.CurrentPeriodEnd = sub.AnchorAt
		if err := tx.CreateSubscription(ctx, sub); err != nil {
			return err
		}
		return s.onChange(ctx, tx, sub, ChangeCreated)
	})
	return sub, err
}

// attempt is one send of a period's charge, prepared under the lock.
type attempt struct {
	sub    *paydeck.Subscription
	plan   *paydeck.Plan
	charge *paydeck.SubscriptionCharge
	order  *paydeck.Order
	// resume: the attempt was started before and its outcome is unknown.
	resume bool
}

// Renew charges period of the subscription if it is due and not charged:
// the work of one Renew job, and safe to run any number of times, at once
// on several instances. It starts the period's first attempt (when the
// previous period ended), a dunning retry (past_due, NextRetryAt passed),
// or settles an attempt whose outcome is unknown; a paid period, a future
// one, or an ended subscription is left alone. A subscription set to
// cancel at period end expires instead of renewing. It returns an error
// wrapping errUnknown while the outcome is unknown.
func (s *Service) Renew(ctx context.Context, subID string, period int) error {
	at, ended, err := s.begin(ctx, subID, period)
	if ended != "" {
		s.deleteSealed(ctx, ended, subID)
	}
	if err != nil || at == nil {
		return err
	}
	return s.send(ctx, at)
}

// begin prepares the attempt to send, in one transaction under the
// subscription's lock; nil when there is nothing to send. ended is the
// sealed billing key of a subscription that expired here.
func (s *Service) begin(ctx context.Context, subID string, period int) (at *attempt, ended string, err error) {
	err = s.store.Update(ctx, func(tx paydeck.Tx) error {
		at, ended = nil, ""
		sub, err := tx.LockSubscriptionByID(ctx, subID)
		if paydeck.ErrorCode(err) == paydeck.CodeNotFound {
			return nil
		} else if err != nil {
			return err
		}
		if sub.Status.Final() {
			return nil
		}
		plan, err := tx.FindPlanByID(ctx, sub.PlanID)
		if err != nil {
			return err
		}
		now := tx.Now()
		c, err := tx.FindSubscriptionCharge(ctx, sub.ID, period)
		next := &attempt{sub: sub, plan: plan, charge: c}
		switch {
		case paydeck.ErrorCode(err) == paydeck.CodeNotFound:
			if period != sub.CurrentPeriod+1 || now.Before(sub.CurrentPeriodEnd) || sub.Status == paydeck.SubscriptionPastDue {
				return nil // not due, or a stale job
			}
			if sub.CancelAtPeriodEnd {
				if err := sub.Transition(paydeck.SubscriptionExpired, now); err != nil {
					return err
				}
				ended = sub.BillingKeySealed
				return s.changed(ctx, tx, sub, ChangeExpired)
			}
			c = &paydeck.SubscriptionCharge{SubscriptionID: sub.ID, Period: period, Amount: plan.Amount,
				Status: paydeck.ChargePending, Attempts: 1,
				PeriodStart: plan.PeriodBoundary(sub.AnchorAt, period-1), PeriodEnd: plan.PeriodBoundary(sub.AnchorAt, period)}
			if next.order, err = s.startOrder(ctx, tx, sub, plan, c); err != nil {
				return err
			}
			if err := tx.CreateSubscriptionCharge(ctx, c); err != nil {
				return err
			}
			next.charge = c
		case err != nil:
			return err
		case c.Status == paydeck.ChargePaid || c.Status == paydeck.ChargeAbandoned:
			return nil
		case c.Status == paydeck.ChargePending:
			if next.order, err = tx.FindOrderByID(ctx, c.OrderID); err != nil {
				return err
			}
			next.resume = true
		default: // failed: a dunning retry, when due
			if sub.Status != paydeck.SubscriptionPastDue || sub.NextRetryAt == nil || now.Before(*sub.NextRetryAt) {
				return nil
			}
			c.Attempts++
			c.Status, c.Amount = paydeck.ChargePending, plan.Amount
			if next.order, err = s.startOrder(ctx, tx, sub, plan, c); err != nil {
				return err
			}
			if err := tx.UpdateSubscriptionCharge(ctx, c); err != nil {
				return err
			}
		}
		at = next
		return nil
	})
	return at, ended, err
}

// startOrder creates the order and payment of the charge's current attempt.
func (s *Service) startOrder(ctx context.Context, tx paydeck.Tx, sub *paydeck.Subscription, plan *paydeck.Plan,
	c *paydeck.SubscriptionCharge) (*paydeck.Order, error) {
	o, p, err := s.payments.StartBillingCharge(ctx, tx, payment.System, payment.BillingOrderInput{UserID: sub.UserID,
		ProductID: plan.ProductID, Amount: c.Amount,
		Note: map[string]any{"subscriptionId": sub.ID, "period": c.Period, "attempt": c.Attempts}})
	if err != nil {
		return nil, err
	}
	c.OrderID, c.PaymentID = o.ID, p.ID
	return o, nil
}

// send sends the attempt to Toss (after looking it up, for a resumed one)
// and records the answer.
func (s *Service) send(ctx context.Context, at *attempt) error {
	c, o := at.charge, at.order
	if at.resume {
		tp, err := s.toss.Payments.GetByOrderID(ctx, o.OrderID)
		switch {
		case err == nil:
			return s.record(ctx, at, tp, nil)
		case !toss.IsCode(err, toss.CodeNotFoundPayment):
			return fmt.Errorf("look up charge %s: %w", o.OrderID, errors.Join(errUnknown, err))
		}
		// Toss has no payment for this orderId: the attempt never reached
		// it, or was declined. The same key repeats it once, or replays
		// the decline.
	}
	key, err := s.seal.open(at.sub.BillingKeySealed, at.sub.CustomerKey)
	if err != nil {
		return err
	}
	params := &toss.BillingChargeParams{Amount: toss.Amount(c.Amount), CustomerKey: at.sub.CustomerKey,
		OrderID: o.OrderID, OrderName: orderName(at.plan, c.Period),
		Params: toss.Params{IdempotencyKey: chargeKey(at.sub.ID, c.Period, c.Attempts)}}
	if at.plan.TaxType == paydeck.TaxFree {
		tf := toss.Amount(c.Amount)
		params.TaxFreeAmount = &tf
	}
	tp, terr := s.toss.Billing.Charge(ctx, key, params)
	return s.record(context.WithoutCancel(ctx), at, tp, terr)
}

// orderName is what the card statement shows: "<plan> 3회차", at most 100
// characters.
func orderName(p *paydeck.Plan, period int) string {
	suffix := fmt.Sprintf(" %d회차", period)
	name := []rune(p.Name)
	if max := 100 - utf8.RuneCountInString(suffix); len(name) > max {
		name = name[:max]
	}
	return string(name) + suffix
}

// record records Toss's answer to an attempt: the payment and order by
// package payment, the charge and subscription here, in one transaction.
func (s *Service) record(ctx context.Context, at *attempt, tp *toss.Payment, terr error) error {
	var notices []Notice
	var ended string
	_, out, err := s.payments.RecordBillingCharge(ctx, payment.System, at.charge.PaymentID, tp, terr,
		func(tx paydeck.Tx, _ *paydeck.Order, p *paydeck.Payment, out payment.BillingOutcome) error {
			notices, ended = nil, ""
			var err error
			notices, ended, err = s.settle(ctx, tx, at, p, out)
			return err
		})
	if err != nil {
		return err
	}
	if out == payment.BillingUnknown {
		return fmt.Errorf("charge %s: %w", at.order.OrderID, errors.Join(errUnknown, terr))
	}
	for _, n := range notices {
		s.cfg.Notify(ctx, n)
	}
	if ended != "" {
		s.deleteSealed(ctx, ended, at.sub.ID)
	}
	return nil
}

// settle applies a recorded approval or decline to the charge and the
// subscription (locked here, after the order and payment: the lock order of
// every money path).
func (s *Service) settle(ctx context.Context, tx paydeck.Tx, at *attempt, p *paydeck.Payment,
	out payment.BillingOutcome) (notices []Notice, ended string, err error) {
	sub, err := tx.LockSubscriptionByID(ctx, at.sub.ID)
	if err != nil {
		return nil, "", err
	}
	c, err := tx.FindSubscriptionCharge(ctx, sub.ID, at.charge.Period)
	if err != nil {
		return nil, "", err
	}
	if c.Status != paydeck.ChargePending || c.PaymentID != p.ID {
		return nil, "", nil // settled already
	}
	now := tx.Now()
	if out == payment.BillingApproved {
		c.Status, c.PaidAt, c.FailureCode, c.FailureMessage = paydeck.ChargePaid, &now, "", ""
		if err := tx.UpdateSubscriptionCharge(ctx, c); err != nil {
			return nil, "", err
		}
		if sub.Status.Final() {
			// Ended while this charge was in flight: the period is paid
			// but will not be served; refund it in full.
			return nil, "", tx.Enqueue(ctx, RefundArgs{SubscriptionID: sub.ID, Period: c.Period}, &paydeck.JobOptions{UniqueByArgs: true})
		}
		sub.CurrentPeriod, sub.CurrentPeriodStart, sub.CurrentPeriodEnd = c.Period, c.PeriodStart, c.PeriodEnd
		sub.RetryCount, sub.NextRetryAt, sub.NeedsCard = 0, nil, false
		if sub.Status != paydeck.SubscriptionActive {
			if err := sub.Transition(paydeck.SubscriptionActive, now); err != nil {
				return nil, "", err
			}
		}
		return nil, "", s.changed(ctx, tx, sub, ChangeRenewed)
	}
	c.Status, c.FailureCode, c.FailureMessage = paydeck.ChargeFailed, p.FailureCode, p.FailureMessage
	notice := Notice{Kind: "declined", SubscriptionID: sub.ID, UserID: sub.UserID, Attempt: c.Attempts,
		Code: p.FailureCode, Message: p.FailureMessage}
	sub.RetryCount = c.Attempts
	signup := c.Period == 1 && sub.CurrentPeriod == 0 && sub.AnchorAt.Equal(sub.CreatedAt)
	change := ChangePastDue
	switch {
	case sub.Status.Final():
		c.Status = paydeck.ChargeAbandoned
	case signup || c.Attempts > len(s.cfg.RetryAfter):
		c.Status = paydeck.ChargeAbandoned
		if err := sub.Transition(paydeck.SubscriptionCanceled, now); err != nil {
			return nil, "", err
		}
		change, ended, notice.Kind = ChangeCanceled, sub.BillingKeySealed, "canceled"
	default:
		retry := c.PeriodStart.Add(s.cfg.RetryAfter[c.Attempts-1])
		sub.NextRetryAt, notice.NextRetryAt = &retry, &retry
		if sub.Status == paydeck.SubscriptionPastDue {
			change = ChangeRetryScheduled
		} else if err := sub.Transition(paydeck.SubscriptionPastDue, now); err != nil {
			return nil, "", err
		}
	}
	if err := tx.UpdateSubscriptionCharge(ctx, c); err != nil {
		return nil, "", err
	}
	if sub.Status.Final() && change != ChangeCanceled {
		return nil, "", nil
	}
	if err := s.changed(ctx, tx, sub, change); err != nil {
		return nil, "", err
	}
	if signup {
		return nil, ended, nil // the shopper sees the refusal in the answer
	}
	return []Notice{notice}, ended, nil
}

// Scan enqueues the Renew jobs due at now: the next period of trialing and
// active subscriptions whose period ended, the dunning retry of past_due
// ones whose NextRetryAt passed, and the settling of charges pending for
// longer than CheckDelay. Jobs are unique by their arguments, so repeated
// scans (or several instances) never queue one twice.
func (s *Service) Scan(ctx context.Context) error {
	now := s.cfg.Now().Add(time.Microsecond)
	stale := now.Add(-s.cfg.CheckDelay)
	return s.store.Update(ctx, func(tx paydeck.Tx) error {
		due, _, err := tx.FindSubscriptions(ctx, paydeck.SubscriptionFilter{PeriodEndBefore: &now, Limit: s.cfg.ScanBatch,
			Statuses: []paydeck.SubscriptionStatus{paydeck.SubscriptionTrialing, paydeck.SubscriptionActive}})
		if err != nil {
			return err
		}
		for _, sub := range due {
			if err := tx.Enqueue(ctx, RenewArgs{SubscriptionID: sub.ID, Period: sub.CurrentPeriod + 1}, unique); err != nil {
				return err
			}
		}
		retry, _, err := tx.FindSubscriptions(ctx, paydeck.SubscriptionFilter{RetryBefore: &now, Limit: s.cfg.ScanBatch,
			Statuses: []paydeck.SubscriptionStatus{paydeck.SubscriptionPastDue}})
		if err != nil {
			return err
		}
		for _, sub := range retry {
			args := RenewArgs{SubscriptionID: sub.ID, Period: sub.CurrentPeriod + 1, Attempt: sub.RetryCount + 1}
			if err := tx.Enqueue(ctx, args, unique); err != nil {
				return err
			}
		}
		pending, _, err := tx.FindSubscriptionCharges(ctx, paydeck.SubscriptionChargeFilter{UpdatedBefore: &stale,
			Limit: s.cfg.ScanBatch, Statuses: []paydeck.ChargeStatus{paydeck.ChargePending}})
		if err != nil {
			return err
		}
		if len(pending) > 0 {
			s.log.Warn("subscription: scan found charges left pending", "count", len(pending))
		}
		for _, c := range pending {
			// Unique per CheckDelay window: a job left "running" by a
			// killed process does not block the next window's.
			args := RenewArgs{SubscriptionID: c.SubscriptionID, Period: c.Period, Attempt: c.Attempts}
			if err := tx.Enqueue(ctx, args, &paydeck.JobOptions{UniqueByArgs: true, UniquePeriod: s.cfg.CheckDelay}); err != nil {
				return err
			}
		}
		return nil
	})
}

// unique queues a job at most once for the same arguments.
var unique = &paydeck.JobOptions{UniqueByArgs: true}

// deleteSealed deletes an ended subscription's billing key at Toss, best
// effort (a key left behind can no longer be charged by paydeck).
func (s *Service) deleteSealed(ctx context.Context, sealed, subID string) {
	var customerKey string
	_ = s.store.View(ctx, func(tx paydeck.Tx) error {
		sub, err := tx.FindSubscriptionByID(ctx, subID)
		if err == nil {
			customerKey = sub.CustomerKey
		}
		return err
	})
	key, err := s.seal.open(sealed, customerKey)
	if err != nil {
		s.log.Warn("subscription: cannot open a billing key to delete it", "subscriptionId", subID, "err", err)
		return
	}
	s.deleteKey(ctx, key)
}

// deleteKey deletes a billing key at Toss, best effort.
func (s *Service) deleteKey(ctx context.Context, key toss.BillingKey) {
	if err := s.toss.Billing.Delete(context.WithoutCancel(ctx), key); err != nil && !toss.IsCode(err, toss.CodeNotFoundBilling) {
		s.log.Warn("subscription: billing key not deleted at Toss", "err", err)
	}
}

// tossError turns a failed Toss call into the error callers see.
func (s *Service) tossError(what string, err error) error {
	if payment.OutcomeUnknown(err) {
		return errors.Join(paydeck.Reasonf(paydeck.CodeUnavailable, paydeck.ReasonTossUnavailable, "Toss is not reachable for the %s; try again later.", what), err)
	}
	code, msg := payment.DeclineOf(err)
	return paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonTossRefused, "Toss refused the %s: %s (%s).", what, msg, code)
}
