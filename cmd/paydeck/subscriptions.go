package main

import (
	"context"
	"fmt"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/api"
	"github.com/paydeck/paydeck/outbound"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/subscription"
	"github.com/paydeck/paydeck/toss"
	"github.com/paydeck/paydeck/toss/sandbox"
)

// newSubscriptions returns the subscription service on m.db and pay. Toss
// sells billing keys only under the API individual key pair: in sandbox
// mode that is the sandbox's documentation pair; otherwise
// TOSS_SECRET_KEY, which must then be an API individual key (test_sk_ /
// live_sk_) for subscriptions to work. Billing keys are sealed with a key
// derived from PAYDECK_SECRET for that purpose only; customerKeys are the
// shop pages' (the checkout's).
func (m *Main) newSubscriptions(pay *payment.Service) (*subscription.Service, error) {
	cfg := m.Config
	secret := cfg.TossSecretKey.Reveal()
	if cfg.SandboxMode() {
		secret = sandbox.DocsSecretKey
	}
	client := toss.NewClient(secret, toss.WithBaseURL(cfg.TossAPIBaseURL), toss.WithTimeout(cfg.TossTimeout),
		toss.WithLogger(m.logger.With("component", "toss-billing")))
	svc, err := subscription.New(subscription.Config{Store: m.db, Payments: pay, Toss: client,
		KeySecret: subkey(cfg.Secret, "paydeck/billing/keys"), CustomerKeySecret: subkey(cfg.Secret, "paydeck/pages/cookies"),
		Now: m.Now, Rand: m.Rand, Logger: m.logger.With("component", "subscription"), CheckDelay: cfg.CheckDelay,
		OnChange: outbound.SubscriptionHook(api.Views{})})
	if err != nil {
		return nil, fmt.Errorf("subscription service: %w", err)
	}
	return svc, nil
}

// billingClientKey is the client key of the billing window (see
// newSubscriptions).
func (m *Main) billingClientKey() string {
	if m.Config.SandboxMode() {
		return sandbox.DocsClientKey
	}
	return m.Config.TossClientKey
}

// seedDemoPlan adds the demo shop's monthly plan (with its renewal
// product) so subscriptions can be tried at once in sandbox mode.
func seedDemoPlan(ctx context.Context, db paydeck.Store) error {
	return db.Update(ctx, func(tx paydeck.Tx) error {
		prod := &paydeck.Product{Name: "월간 원두 구독", Description: "Subscription plan", Price: 19_900, IsDigital: true}
		if err := tx.CreateProduct(ctx, prod); err != nil {
			return err
		}
		return tx.CreatePlan(ctx, &paydeck.Plan{Name: prod.Name, Amount: prod.Price, Interval: paydeck.IntervalMonth,
			IntervalCount: 1, TrialDays: 7, TaxType: paydeck.TaxTaxable, IsActive: true, ProductID: prod.ID})
	})
}
