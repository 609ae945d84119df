package storetest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
)

// MustCreatePlan creates a monthly plan of 9,900 won with its digital
// product, unless p sets other values. p may be nil.
func MustCreatePlan(t testing.TB, db paydeck.Store, p *paydeck.Plan) *paydeck.Plan {
	t.Helper()
	if p == nil {
		p = &paydeck.Plan{IsActive: true}
	}
	if p.Name == "" {
		p.Name = "Plan"
	}
	if p.Amount == 0 {
		p.Amount = 9_900
	}
	if p.Interval == "" {
		p.Interval, p.IntervalCount = paydeck.IntervalMonth, 1
	}
	if p.TaxType == "" {
		p.TaxType = paydeck.TaxTaxable
	}
	prod := MustCreateProduct(t, db, &paydeck.Product{Name: p.Name, Price: p.Amount, IsDigital: true})
	p.ProductID = prod.ID
	MustUpdate(t, db, func(tx paydeck.Tx) error { return tx.CreatePlan(context.Background(), p) })
	return p
}

// mustCreateSubscription creates an active subscription of u to p whose
// first period starts at tx.Now.
func mustCreateSubscription(t testing.TB, db paydeck.Store, u *paydeck.User, p *paydeck.Plan) *paydeck.Subscription {
	t.Helper()
	var s *paydeck.Subscription
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		now := tx.Now()
		s = &paydeck.Subscription{UserID: u.ID, PlanID: p.ID, Status: paydeck.SubscriptionActive,
			CustomerKey: "cus_test", BillingKeySealed: "sealed", BillingKeyHash: "hash-" + u.ID, CardIssuer: "61", CardNumber: "4330****1234",
			AnchorAt: now, CurrentPeriod: 1, CurrentPeriodStart: now, CurrentPeriodEnd: p.PeriodBoundary(now, 1)}
		return tx.CreateSubscription(context.Background(), s)
	})
	return s
}

func testSubscriptions(t *testing.T, newDB NewDBFunc) {
	db, _ := newClockDB(t, newDB)
	ctx := context.Background()
	u := MustCreateUser(t, db, nil)

	// Plans: create, read back, validate, update, filter.
	p := MustCreatePlan(t, db, &paydeck.Plan{Name: "월간 구독", Amount: 9_900, TrialDays: 7, IsActive: true})
	MustView(t, db, func(tx paydeck.Tx) error {
		got, err := tx.FindPlanByID(ctx, p.ID)
		require.NoError(t, err)
		require.Equal(t, p, got)
		return nil
	})
	err := db.Update(ctx, func(tx paydeck.Tx) error {
		return tx.CreatePlan(ctx, &paydeck.Plan{Name: "x", Amount: 50, Interval: paydeck.IntervalMonth, IntervalCount: 1,
			TaxType: paydeck.TaxTaxable, ProductID: p.ProductID})
	})
	requireCode(t, paydeck.CodeInvalid, err)
	err = db.Update(ctx, func(tx paydeck.Tx) error {
		return tx.CreatePlan(ctx, &paydeck.Plan{Name: "x", Amount: 500, Interval: paydeck.IntervalMonth, IntervalCount: 1,
			TaxType: paydeck.TaxTaxable, ProductID: "00000000-0000-4000-8000-000000000000"})
	})
	requireCode(t, paydeck.CodeConflict, err)
	yearly := MustCreatePlan(t, db, &paydeck.Plan{Name: "연간", Amount: 99_000, Interval: paydeck.IntervalYear, IntervalCount: 1})
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		yearly.Amount, yearly.IsActive = 89_000, true
		return tx.UpdatePlan(ctx, yearly)
	})
	MustView(t, db, func(tx paydeck.Tx) error {
		active := true
		plans, n, err := tx.FindPlans(ctx, paydeck.PlanFilter{IsActive: &active})
		require.NoError(t, err)
		require.Equal(t, 2, n)
		require.Equal(t, int64(89_000), plans[1].Amount)
		_, err = tx.FindPlanByID(ctx, "nope")
		requireCode(t, paydeck.CodeNotFound, err)
		return nil
	})

	// Subscriptions: create, lock, update, filters; the sealed key round-trips.
	s := mustCreateSubscription(t, db, u, p)
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		got, err := tx.LockSubscriptionByID(ctx, s.ID)
		require.NoError(t, err)
		require.Equal(t, s, got)
		retry := tx.Now().Add(24 * time.Hour)
		got.Status, got.RetryCount, got.NextRetryAt, got.BillingKeySealed = paydeck.SubscriptionPastDue, 1, &retry, "sealed2"
		return tx.UpdateSubscription(ctx, got)
	})
	other := mustCreateSubscription(t, db, MustCreateUser(t, db, nil), yearly)
	MustView(t, db, func(tx paydeck.Tx) error {
		got, err := tx.FindSubscriptionByID(ctx, s.ID)
		require.NoError(t, err)
		require.Equal(t, paydeck.SubscriptionPastDue, got.Status)
		require.Equal(t, "sealed2", got.BillingKeySealed)
		mine, n, err := tx.FindSubscriptions(ctx, paydeck.SubscriptionFilter{UserID: &u.ID})
		require.NoError(t, err)
		require.Equal(t, 1, n)
		require.Equal(t, s.ID, mine[0].ID)
		far := tx.Now().Add(48 * time.Hour)
		due, _, err := tx.FindSubscriptions(ctx, paydeck.SubscriptionFilter{RetryBefore: &far})
		require.NoError(t, err)
		require.Len(t, due, 1)
		year := tx.Now().AddDate(0, 2, 0)
		ends, _, err := tx.FindSubscriptions(ctx, paydeck.SubscriptionFilter{PeriodEndBefore: &year,
			Statuses: []paydeck.SubscriptionStatus{paydeck.SubscriptionActive}})
		require.NoError(t, err)
		require.Empty(t, ends, "the past_due one is filtered out, the yearly one ends later")
		all, n, err := tx.FindSubscriptions(ctx, paydeck.SubscriptionFilter{})
		require.NoError(t, err)
		require.Equal(t, 2, n)
		require.Equal(t, other.ID, all[0].ID, "newest first")
		bad := "bad"
		hash := "hash-" + u.ID
		byKey, _, err := tx.FindSubscriptions(ctx, paydeck.SubscriptionFilter{BillingKeyHash: &hash})
		require.NoError(t, err)
		require.Len(t, byKey, 1)
		require.Equal(t, s.ID, byKey[0].ID)
		none, _, err := tx.FindSubscriptions(ctx, paydeck.SubscriptionFilter{UserID: &bad})
		require.NoError(t, err)
		require.Empty(t, none)
		return nil
	})

	// Charges.
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		c := &paydeck.SubscriptionCharge{SubscriptionID: s.ID, Period: 1, Amount: 9_900, Status: paydeck.ChargePending,
			PeriodStart: s.CurrentPeriodStart, PeriodEnd: s.CurrentPeriodEnd}
		require.NoError(t, tx.CreateSubscriptionCharge(ctx, c))
		now := tx.Now()
		c.Status, c.Attempts, c.PaidAt = paydeck.ChargePaid, 1, &now
		return tx.UpdateSubscriptionCharge(ctx, c)
	})
	MustView(t, db, func(tx paydeck.Tx) error {
		c, err := tx.FindSubscriptionCharge(ctx, s.ID, 1)
		require.NoError(t, err)
		require.Equal(t, paydeck.ChargePaid, c.Status)
		require.NotNil(t, c.PaidAt)
		_, err = tx.FindSubscriptionCharge(ctx, s.ID, 2)
		requireCode(t, paydeck.CodeNotFound, err)
		cs, n, err := tx.FindSubscriptionCharges(ctx, paydeck.SubscriptionChargeFilter{SubscriptionID: &s.ID,
			Statuses: []paydeck.ChargeStatus{paydeck.ChargePaid}})
		require.NoError(t, err)
		require.Equal(t, 1, n)
		require.Equal(t, c, cs[0])
		return nil
	})
}

// testChargeOncePerPeriod checks the unique (subscription, period): of many
// concurrent creates of one period's charge exactly one commits.
func testChargeOncePerPeriod(t *testing.T, newDB NewDBFunc) {
	db, _ := newClockDB(t, newDB)
	ctx := context.Background()
	s := mustCreateSubscription(t, db, MustCreateUser(t, db, nil), MustCreatePlan(t, db, nil))
	var ok, conflict atomic.Int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			err := db.Update(ctx, func(tx paydeck.Tx) error {
				return tx.CreateSubscriptionCharge(ctx, &paydeck.SubscriptionCharge{SubscriptionID: s.ID, Period: 2,
					Amount: 9_900, Status: paydeck.ChargePending, PeriodStart: s.CurrentPeriodEnd, PeriodEnd: s.CurrentPeriodEnd})
			})
			switch paydeck.ErrorCode(err) {
			case "":
				ok.Add(1)
			case paydeck.CodeConflict:
				conflict.Add(1)
			default:
				t.Errorf("create charge: %v", err)
			}
		})
	}
	wg.Wait()
	require.Equal(t, int64(1), ok.Load())
	require.Equal(t, int64(7), conflict.Load())
}
