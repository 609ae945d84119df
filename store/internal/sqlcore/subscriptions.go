package sqlcore

import (
	"context"

	"github.com/paydeck/paydeck"
)

// Plans, subscriptions and their per-period charges (issue 16).

const planCols = `id, name, amount, billing_interval, interval_count, trial_days, tax_type, is_active, product_id,
	created_at, updated_at`

const errPlanNotFound = "Plan not found."

func scanPlan(r Rows) (*paydeck.Plan, error) {
	p := &paydeck.Plan{}
	err := r.Scan(scanText(&p.ID), &p.Name, &p.Amount, &p.Interval, &p.IntervalCount, &p.TrialDays, &p.TaxType,
		&p.IsActive, scanText(&p.ProductID), scanTime(&p.CreatedAt), scanTime(&p.UpdatedAt))
	return p, err
}

// CreatePlan implements paydeck.Tx.
func (tx *Tx) CreatePlan(ctx context.Context, p *paydeck.Plan) error {
	if err := p.Validate(); err != nil {
		return err
	} else if !paydeck.ValidUUID(p.ProductID) {
		return paydeck.Errorf(paydeck.CodeConflict, "A referenced record does not exist.")
	}
	id, err := newID()
	if err != nil {
		return err
	}
	p.ID, p.CreatedAt, p.UpdatedAt = id, tx.now, tx.now
	_, err = tx.exec(ctx, "", `INSERT INTO plans (`+planCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.Name, p.Amount, string(p.Interval), p.IntervalCount, p.TrialDays, string(p.TaxType), p.IsActive,
		p.ProductID, tx.t(p.CreatedAt), tx.t(p.UpdatedAt))
	return err
}

// FindPlanByID implements paydeck.Tx.
func (tx *Tx) FindPlanByID(ctx context.Context, id string) (*paydeck.Plan, error) {
	if !paydeck.ValidUUID(id) {
		return nil, paydeck.Errorf(paydeck.CodeNotFound, errPlanNotFound)
	}
	return first(ctx, tx, `SELECT `+planCols+` FROM plans WHERE id = ?`, []any{id}, scanPlan, errPlanNotFound)
}

// FindPlans implements paydeck.Tx.
func (tx *Tx) FindPlans(ctx context.Context, f paydeck.PlanFilter) ([]*paydeck.Plan, int, error) {
	w := &where{}
	if f.IsActive != nil {
		w.add("is_active = ?", *f.IsActive)
	}
	return list(ctx, tx, planCols, "FROM plans", w, "created_at, id", f.Offset, f.Limit, scanPlan)
}

// UpdatePlan implements paydeck.Tx.
func (tx *Tx) UpdatePlan(ctx context.Context, p *paydeck.Plan) error {
	if err := p.Validate(); err != nil {
		return err
	} else if !paydeck.ValidUUID(p.ID) {
		return paydeck.Errorf(paydeck.CodeNotFound, errPlanNotFound)
	}
	p.UpdatedAt = tx.now
	n, err := tx.exec(ctx, "", `UPDATE plans SET name = ?, amount = ?, billing_interval = ?, interval_count = ?,
		trial_days = ?, tax_type = ?, is_active = ?, updated_at = ? WHERE id = ?`,
		p.Name, p.Amount, string(p.Interval), p.IntervalCount, p.TrialDays, string(p.TaxType), p.IsActive,
		tx.t(p.UpdatedAt), p.ID)
	return rowsOrNotFound(n, err, errPlanNotFound)
}

const subscriptionCols = `id, user_id, plan_id, status, customer_key, billing_key_sealed, billing_key_hash, card_issuer, card_number,
	needs_card, anchor_at, current_period, current_period_start, current_period_end, cancel_at_period_end,
	retry_count, next_retry_at, canceled_at, ended_at, created_at, updated_at`

const errSubscriptionNotFound = "Subscription not found."

func scanSubscription(r Rows) (*paydeck.Subscription, error) {
	s := &paydeck.Subscription{}
	err := r.Scan(scanText(&s.ID), scanText(&s.UserID), scanText(&s.PlanID), &s.Status, &s.CustomerKey,
		&s.BillingKeySealed, &s.BillingKeyHash, &s.CardIssuer, &s.CardNumber, &s.NeedsCard, scanTime(&s.AnchorAt), &s.CurrentPeriod,
		scanTime(&s.CurrentPeriodStart), scanTime(&s.CurrentPeriodEnd), &s.CancelAtPeriodEnd, &s.RetryCount,
		scanNullTime(&s.NextRetryAt), scanNullTime(&s.CanceledAt), scanNullTime(&s.EndedAt),
		scanTime(&s.CreatedAt), scanTime(&s.UpdatedAt))
	return s, err
}

// CreateSubscription implements paydeck.Tx.
func (tx *Tx) CreateSubscription(ctx context.Context, s *paydeck.Subscription) error {
	if err := s.Validate(); err != nil {
		return err
	} else if !paydeck.ValidUUID(s.UserID) || !paydeck.ValidUUID(s.PlanID) {
		return paydeck.Errorf(paydeck.CodeConflict, "A referenced record does not exist.")
	}
	id, err := newID()
	if err != nil {
		return err
	}
	s.ID, s.CreatedAt, s.UpdatedAt = id, tx.now, tx.now
	normTimes(&s.AnchorAt, &s.CurrentPeriodStart, &s.CurrentPeriodEnd)
	normTimePtrs(&s.NextRetryAt, &s.CanceledAt, &s.EndedAt)
	_, err = tx.exec(ctx, "", `INSERT INTO subscriptions (`+subscriptionCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.UserID, s.PlanID, string(s.Status), s.CustomerKey, s.BillingKeySealed, s.BillingKeyHash, s.CardIssuer, s.CardNumber,
		s.NeedsCard, tx.t(s.AnchorAt), s.CurrentPeriod, tx.t(s.CurrentPeriodStart), tx.t(s.CurrentPeriodEnd),
		s.CancelAtPeriodEnd, s.RetryCount, tx.tp(s.NextRetryAt), tx.tp(s.CanceledAt), tx.tp(s.EndedAt),
		tx.t(s.CreatedAt), tx.t(s.UpdatedAt))
	return err
}

// FindSubscriptionByID implements paydeck.Tx.
func (tx *Tx) FindSubscriptionByID(ctx context.Context, id string) (*paydeck.Subscription, error) {
	return tx.findSubscription(ctx, id, false)
}

// LockSubscriptionByID implements paydeck.Tx.
func (tx *Tx) LockSubscriptionByID(ctx context.Context, id string) (*paydeck.Subscription, error) {
	return tx.findSubscription(ctx, id, true)
}

func (tx *Tx) findSubscription(ctx context.Context, id string, lock bool) (*paydeck.Subscription, error) {
	if !paydeck.ValidUUID(id) {
		return nil, paydeck.Errorf(paydeck.CodeNotFound, errSubscriptionNotFound)
	}
	suffix := ""
	if lock {
		suffix = tx.d.ForUpdate()
	}
	return first(ctx, tx, `SELECT `+subscriptionCols+` FROM subscriptions WHERE id = ?`+suffix, []any{id},
		scanSubscription, errSubscriptionNotFound)
}

// FindSubscriptions implements paydeck.Tx.
func (tx *Tx) FindSubscriptions(ctx context.Context, f paydeck.SubscriptionFilter) ([]*paydeck.Subscription, int, error) {
	w := &where{}
	for _, id := range []*string{f.UserID, f.PlanID} {
		if id != nil && !paydeck.ValidUUID(*id) {
			return []*paydeck.Subscription{}, 0, nil
		}
	}
	if f.UserID != nil {
		w.add("user_id = ?", *f.UserID)
	}
	if f.PlanID != nil {
		w.add("plan_id = ?", *f.PlanID)
	}
	in(w, "status", f.Statuses)
	if f.PeriodEndBefore != nil {
		w.add("current_period_end < ?", tx.t(*f.PeriodEndBefore))
	}
	if f.RetryBefore != nil {
		w.add("next_retry_at < ?", tx.t(*f.RetryBefore))
	}
	if f.BillingKeyHash != nil {
		w.add("billing_key_hash = ?", *f.BillingKeyHash)
	}
	return list(ctx, tx, subscriptionCols, "FROM subscriptions", w, "created_at DESC, id DESC", f.Offset, f.Limit,
		scanSubscription)
}

// UpdateSubscription implements paydeck.Tx.
func (tx *Tx) UpdateSubscription(ctx context.Context, s *paydeck.Subscription) error {
	if err := s.Validate(); err != nil {
		return err
	} else if !paydeck.ValidUUID(s.ID) || !paydeck.ValidUUID(s.PlanID) {
		return paydeck.Errorf(paydeck.CodeNotFound, errSubscriptionNotFound)
	}
	s.UpdatedAt = tx.now
	normTimes(&s.AnchorAt, &s.CurrentPeriodStart, &s.CurrentPeriodEnd)
	normTimePtrs(&s.NextRetryAt, &s.CanceledAt, &s.EndedAt)
	n, err := tx.exec(ctx, "", `UPDATE subscriptions SET plan_id = ?, status = ?, billing_key_sealed = ?, billing_key_hash = ?,
		card_issuer = ?, card_number = ?, needs_card = ?, anchor_at = ?, current_period = ?, current_period_start = ?,
		current_period_end = ?, cancel_at_period_end = ?, retry_count = ?, next_retry_at = ?, canceled_at = ?,
		ended_at = ?, updated_at = ? WHERE id = ?`,
		s.PlanID, string(s.Status), s.BillingKeySealed, s.BillingKeyHash, s.CardIssuer, s.CardNumber, s.NeedsCard, tx.t(s.AnchorAt),
		s.CurrentPeriod, tx.t(s.CurrentPeriodStart), tx.t(s.CurrentPeriodEnd), s.CancelAtPeriodEnd, s.RetryCount,
		tx.tp(s.NextRetryAt), tx.tp(s.CanceledAt), tx.tp(s.EndedAt), tx.t(s.UpdatedAt), s.ID)
	return rowsOrNotFound(n, err, errSubscriptionNotFound)
}

const chargeCols = `id, subscription_id, period, amount, status, attempts, order_id, payment_id, failure_code,
	failure_message, refunded_amount, period_start, period_end, paid_at, created_at, updated_at`

const (
	errChargeNotFound = "Subscription charge not found."
	errChargeTaken    = "This period of the subscription already has a charge."
)

func scanCharge(r Rows) (*paydeck.SubscriptionCharge, error) {
	c := &paydeck.SubscriptionCharge{}
	err := r.Scan(scanText(&c.ID), scanText(&c.SubscriptionID), &c.Period, &c.Amount, &c.Status, &c.Attempts,
		scanText(&c.OrderID), scanText(&c.PaymentID), &c.FailureCode, &c.FailureMessage, &c.RefundedAmount,
		scanTime(&c.PeriodStart), scanTime(&c.PeriodEnd), scanNullTime(&c.PaidAt),
		scanTime(&c.CreatedAt), scanTime(&c.UpdatedAt))
	return c, err
}

// CreateSubscriptionCharge implements paydeck.Tx.
func (tx *Tx) CreateSubscriptionCharge(ctx context.Context, c *paydeck.SubscriptionCharge) error {
	if err := c.Validate(); err != nil {
		return err
	} else if !paydeck.ValidUUID(c.SubscriptionID) || !optUUID(c.OrderID) || !optUUID(c.PaymentID) {
		return paydeck.Errorf(paydeck.CodeConflict, "A referenced record does not exist.")
	}
	id, err := newID()
	if err != nil {
		return err
	}
	c.ID, c.CreatedAt, c.UpdatedAt = id, tx.now, tx.now
	normTimes(&c.PeriodStart, &c.PeriodEnd)
	normTimePtrs(&c.PaidAt)
	_, err = tx.exec(ctx, errChargeTaken, `INSERT INTO subscription_charges (`+chargeCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.SubscriptionID, c.Period, c.Amount, string(c.Status), c.Attempts, nullText(c.OrderID),
		nullText(c.PaymentID), c.FailureCode, c.FailureMessage, c.RefundedAmount, tx.t(c.PeriodStart),
		tx.t(c.PeriodEnd), tx.tp(c.PaidAt), tx.t(c.CreatedAt), tx.t(c.UpdatedAt))
	return err
}

// optUUID reports whether id is empty or a UUID.
func optUUID(id string) bool { return id == "" || paydeck.ValidUUID(id) }

// FindSubscriptionCharge implements paydeck.Tx.
func (tx *Tx) FindSubscriptionCharge(ctx context.Context, subscriptionID string, period int) (*paydeck.SubscriptionCharge, error) {
	if !paydeck.ValidUUID(subscriptionID) {
		return nil, paydeck.Errorf(paydeck.CodeNotFound, errChargeNotFound)
	}
	return first(ctx, tx, `SELECT `+chargeCols+` FROM subscription_charges WHERE subscription_id = ? AND period = ?`,
		[]any{subscriptionID, period}, scanCharge, errChargeNotFound)
}

// FindSubscriptionCharges implements paydeck.Tx.
func (tx *Tx) FindSubscriptionCharges(ctx context.Context, f paydeck.SubscriptionChargeFilter) ([]*paydeck.SubscriptionCharge, int, error) {
	w := &where{}
	if f.SubscriptionID != nil {
		if !paydeck.ValidUUID(*f.SubscriptionID) {
			return []*paydeck.SubscriptionCharge{}, 0, nil
		}
		w.add("subscription_id = ?", *f.SubscriptionID)
	}
	in(w, "status", f.Statuses)
	if f.UpdatedBefore != nil {
		w.add("updated_at < ?", tx.t(*f.UpdatedBefore))
	}
	return list(ctx, tx, chargeCols, "FROM subscription_charges", w, "subscription_id, period", f.Offset, f.Limit,
		scanCharge)
}

// UpdateSubscriptionCharge implements paydeck.Tx.
func (tx *Tx) UpdateSubscriptionCharge(ctx context.Context, c *paydeck.SubscriptionCharge) error {
	if err := c.Validate(); err != nil {
		return err
	} else if !paydeck.ValidUUID(c.ID) {
		return paydeck.Errorf(paydeck.CodeNotFound, errChargeNotFound)
	} else if !optUUID(c.OrderID) || !optUUID(c.PaymentID) {
		return paydeck.Errorf(paydeck.CodeConflict, "A referenced record does not exist.")
	}
	c.UpdatedAt = tx.now
	normTimePtrs(&c.PaidAt)
	n, err := tx.exec(ctx, "", `UPDATE subscription_charges SET amount = ?, status = ?, attempts = ?, order_id = ?,
		payment_id = ?, failure_code = ?, failure_message = ?, refunded_amount = ?, paid_at = ?, updated_at = ?
		WHERE id = ?`,
		c.Amount, string(c.Status), c.Attempts, nullText(c.OrderID), nullText(c.PaymentID), c.FailureCode,
		c.FailureMessage, c.RefundedAmount, tx.tp(c.PaidAt), tx.t(c.UpdatedAt), c.ID)
	return rowsOrNotFound(n, err, errChargeNotFound)
}
