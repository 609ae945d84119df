package subscription_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/subscription"
	"github.com/paydeck/paydeck/toss"
)

// subscribe signs u up to plan through the billing window's authKey.
func subscribe(t *testing.T, env *apptest.Env, u *paydeck.User, plan *paydeck.Plan) *subscription.Details {
	t.Helper()
	ck := env.Subscriptions.CustomerKey(u.ID)
	d, err := env.Subscriptions.Subscribe(context.Background(), apptest.As(u),
		subscription.SubscribeInput{PlanID: plan.ID, AuthKey: env.BillingAuthKey(t, ck), CustomerKey: ck})
	require.NoError(t, err)
	return d
}

// get reads the subscription back.
func get(t *testing.T, env *apptest.Env, id string) *subscription.Details {
	t.Helper()
	d, err := env.Subscriptions.Subscription(context.Background(), payment.System, id)
	require.NoError(t, err)
	return d
}

// advanceTo moves the shared clock (store, service and sandbox) to just
// after at.
func advanceTo(env *apptest.Env, at time.Time) {
	env.Clock.Advance(at.Sub(env.Clock.Now()) + time.Minute)
}

// scanUntil runs the scan (as the periodic job does) and waits until the
// queued jobs brought the subscription to cond.
func scanUntil(t *testing.T, env *apptest.Env, id, what string, cond func(d *subscription.Details) bool) *subscription.Details {
	t.Helper()
	require.NoError(t, env.Subscriptions.Scan(context.Background()))
	var d *subscription.Details
	apptest.WaitFor(t, what, func() bool {
		d = get(t, env, id)
		return cond(d)
	})
	return d
}

// paidPeriods returns the periods whose charge is paid.
func paidPeriods(d *subscription.Details) []int {
	var out []int
	for _, c := range d.Charges {
		if c.Status == paydeck.ChargePaid {
			out = append(out, c.Period)
		}
	}
	return out
}

// requireTossMatches checks the sandbox's transaction list against the
// subscription: one approval per paid period's order, none for the others.
func requireTossMatches(t *testing.T, env *apptest.Env, d *subscription.Details, since time.Time) {
	t.Helper()
	approvals := env.TossApprovals(t, since.Add(-time.Hour), env.Clock.Now().Add(time.Hour))
	paid := 0
	for _, c := range d.Charges {
		if c.Status == paydeck.ChargePaid {
			paid++
			require.Equal(t, 1, approvals[c.OrderID], "period %d charged once at Toss", c.Period)
		}
	}
	total := 0
	for _, n := range approvals {
		total += n
	}
	require.Equal(t, paid, total, "Toss approved exactly the paid periods")
}

func TestSignUpChargesFirstPeriod(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		start := env.Clock.Now()
		plan := env.Plan(t, "월간 커피", 9_900, paydeck.IntervalMonth, 1, 0)
		u := env.Customer(t)
		d := subscribe(t, env, u, plan)
		require.Equal(t, paydeck.SubscriptionActive, d.Status)
		require.Equal(t, 1, d.CurrentPeriod)
		require.Len(t, d.Charges, 1)
		require.Equal(t, paydeck.ChargePaid, d.Charges[0].Status)
		require.Regexp(t, `^ORD\d{8}[0-9A-F]{8}$`, d.Charges[0].OrderID)
		require.Equal(t, plan.PeriodBoundary(d.AnchorAt, 1), d.CurrentPeriodEnd)
		require.NotEmpty(t, d.CardNumber)
		require.NotEmpty(t, d.BillingKeySealed)
		// The renewal is an order and a payment like any other.
		o := env.OrderByID(t, d.Charges[0].SubscriptionCharge.OrderID)
		require.Equal(t, paydeck.OrderPaid, o.Status)
		require.Equal(t, int64(9_900), o.FinalAmount)
		p := env.PaymentByKey(t, d.Charges[0].PaymentKey)
		require.Equal(t, paydeck.PaymentDone, p.Status)
		require.Contains(t, env.EventTypes(t, o.ID), string(paydeck.EventApproved))
		// The sealed key is not the key Toss issued.
		keys := env.Sandbox.BillingKeysOf(d.CustomerKey)
		require.Len(t, keys, 1)
		require.NotContains(t, d.BillingKeySealed, keys[0])
		requireTossMatches(t, env, d, start)

		// Someone else's customerKey is refused before Toss is asked.
		other := env.Customer(t)
		_, err := env.Subscriptions.Subscribe(context.Background(), apptest.As(other), subscription.SubscribeInput{
			PlanID: plan.ID, AuthKey: env.BillingAuthKey(t, d.CustomerKey), CustomerKey: d.CustomerKey})
		require.Equal(t, paydeck.CodeInvalid, paydeck.ErrorCode(err))
		// Another user cannot see it.
		_, err = env.Subscriptions.Subscription(context.Background(), apptest.As(other), d.ID)
		require.Equal(t, paydeck.CodeNotFound, paydeck.ErrorCode(err))
	})
}

func TestSignUpDeclinedCancels(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		plan := env.Plan(t, "월간", 5_000, paydeck.IntervalMonth, 1, 0)
		u := env.Customer(t)
		ck := env.Subscriptions.CustomerKey(u.ID)
		env.DeclineBilling(t, ck, 1)
		d, err := env.Subscriptions.Subscribe(context.Background(), apptest.As(u),
			subscription.SubscribeInput{PlanID: plan.ID, AuthKey: env.BillingAuthKey(t, ck), CustomerKey: ck})
		require.Equal(t, paydeck.CodeConflict, paydeck.ErrorCode(err))
		require.Contains(t, paydeck.ErrorMessage(err), "REJECT_CARD_PAYMENT")
		require.Equal(t, paydeck.SubscriptionCanceled, d.Status)
		require.Empty(t, env.Sandbox.BillingKeysOf(ck), "the billing key is deleted at Toss")
	})
}

func TestTrialThenTwelveMonthlyRenewals(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		start := env.Clock.Now()
		plan := env.Plan(t, "월간 체험", 12_000, paydeck.IntervalMonth, 1, 14)
		d := subscribe(t, env, env.Customer(t), plan)
		require.Equal(t, paydeck.SubscriptionTrialing, d.Status)
		require.Empty(t, d.Charges, "no charge during the trial")
		require.WithinDuration(t, start.AddDate(0, 0, 14), *d.NextChargeAt, time.Minute)

		// Nothing is due before the trial ends.
		require.NoError(t, env.Subscriptions.Scan(context.Background()))
		require.NoError(t, env.Subscriptions.Renew(context.Background(), d.ID, 1))
		require.Empty(t, get(t, env, d.ID).Charges)

		for period := 1; period <= 12; period++ {
			advanceTo(env, d.CurrentPeriodEnd)
			d = scanUntil(t, env, d.ID, "period paid", func(d *subscription.Details) bool { return d.CurrentPeriod == period })
			require.Equal(t, paydeck.SubscriptionActive, d.Status)
			// A second scan and a repeated job change nothing.
			require.NoError(t, env.Subscriptions.Scan(context.Background()))
			require.NoError(t, env.Subscriptions.Renew(context.Background(), d.ID, period))
		}
		require.Len(t, paidPeriods(d), 12)
		for i, c := range d.Charges {
			require.Equal(t, plan.PeriodBoundary(d.AnchorAt, i), c.PeriodStart)
			require.Equal(t, plan.PeriodBoundary(d.AnchorAt, i+1), c.PeriodEnd)
			require.Equal(t, 1, c.Attempts)
		}
		requireTossMatches(t, env, d, start)
	})
}

func TestDeclineDunningRecoveredByCardUpdate(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	notices := map[string][]subscription.Notice{} // by subscription
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		start := env.Clock.Now()
		plan := env.Plan(t, "월간", 7_000, paydeck.IntervalMonth, 1, 0)
		u := env.Customer(t)
		d := subscribe(t, env, u, plan)
		env.DeclineBilling(t, d.CustomerKey, 2)

		due := d.CurrentPeriodEnd
		advanceTo(env, due)
		d = scanUntil(t, env, d.ID, "past due", func(d *subscription.Details) bool { return d.Status == paydeck.SubscriptionPastDue })
		require.Equal(t, 1, d.RetryCount)
		require.Equal(t, due.Add(24*time.Hour), *d.NextRetryAt)
		require.Equal(t, paydeck.ChargeFailed, d.Charges[1].Status)
		require.Equal(t, "REJECT_CARD_PAYMENT", d.Charges[1].FailureCode)
		require.Equal(t, paydeck.OrderCancelled, env.OrderByID(t, d.Charges[1].SubscriptionCharge.OrderID).Status)

		// The first retry (+1 day) is declined too: the next is at +3 days.
		advanceTo(env, *d.NextRetryAt)
		d = scanUntil(t, env, d.ID, "second decline", func(d *subscription.Details) bool { return d.RetryCount == 2 })
		require.Equal(t, due.Add(72*time.Hour), *d.NextRetryAt)
		require.Equal(t, paydeck.SubscriptionPastDue, d.Status)

		// A new card is charged at once, before the scheduled retry.
		ck := d.CustomerKey
		oldKeys := env.Sandbox.BillingKeysOf(ck)
		d, err := env.Subscriptions.UpdateCard(context.Background(), apptest.As(u), d.ID, env.BillingAuthKey(t, ck))
		require.NoError(t, err)
		require.Equal(t, paydeck.SubscriptionActive, d.Status)
		require.Equal(t, 2, d.CurrentPeriod)
		require.Equal(t, 3, d.Charges[1].Attempts)
		require.Equal(t, paydeck.ChargePaid, d.Charges[1].Status)
		require.Nil(t, d.NextRetryAt)
		newKeys := env.Sandbox.BillingKeysOf(ck)
		require.Len(t, newKeys, 1, "the old key is deleted at Toss")
		require.NotEqual(t, oldKeys, newKeys)
		// The period keeps its dates: the next renewal is one month after the first.
		require.Equal(t, plan.PeriodBoundary(d.AnchorAt, 2), d.CurrentPeriodEnd)
		requireTossMatches(t, env, d, start)
		// The shopper was told of each decline and of the next attempt.
		mu.Lock()
		defer mu.Unlock()
		got := notices[d.ID]
		require.Len(t, got, 2)
		for i, n := range got {
			require.Equal(t, "declined", n.Kind)
			require.Equal(t, i+1, n.Attempt)
			require.Equal(t, "REJECT_CARD_PAYMENT", n.Code)
			require.Equal(t, due.Add([]time.Duration{24 * time.Hour, 72 * time.Hour}[i]), *n.NextRetryAt)
		}
	}, apptest.WithSubscriptionConfig(func(c *subscription.Config) {
		c.Notify = func(_ context.Context, n subscription.Notice) {
			mu.Lock()
			defer mu.Unlock()
			notices[n.SubscriptionID] = append(notices[n.SubscriptionID], n)
		}
	}))
}

func TestDeclineDunningCancelsAfterLastRetry(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		plan := env.Plan(t, "월간", 7_000, paydeck.IntervalMonth, 1, 0)
		d := subscribe(t, env, env.Customer(t), plan)
		env.DeclineBilling(t, d.CustomerKey, 10)
		due := d.CurrentPeriodEnd
		advanceTo(env, due)
		d = scanUntil(t, env, d.ID, "past due", func(d *subscription.Details) bool { return d.RetryCount == 1 })
		for retry, after := range []time.Duration{24 * time.Hour, 72 * time.Hour, 120 * time.Hour} {
			require.Equal(t, due.Add(after), *d.NextRetryAt, "retry %d on schedule", retry+1)
			// Not before its time.
			require.NoError(t, env.Subscriptions.Scan(context.Background()))
			require.NoError(t, env.Subscriptions.Renew(context.Background(), d.ID, 2))
			require.Equal(t, retry+1, get(t, env, d.ID).RetryCount)
			advanceTo(env, *d.NextRetryAt)
			d = scanUntil(t, env, d.ID, "retry declined", func(d *subscription.Details) bool { return d.RetryCount == retry+2 })
		}
		require.Equal(t, paydeck.SubscriptionCanceled, d.Status)
		require.Equal(t, paydeck.ChargeAbandoned, d.Charges[1].Status)
		require.Equal(t, 4, d.Charges[1].Attempts)
		require.Nil(t, d.NextChargeAt)
		require.WithinDuration(t, due.Add(120*time.Hour), *d.EndedAt, 2*time.Minute, "cancelled on schedule")
		apptest.WaitFor(t, "billing key deleted", func() bool { return len(env.Sandbox.BillingKeysOf(d.CustomerKey)) == 0 })
		// Ended: no more renewals.
		advanceTo(env, d.CurrentPeriodEnd.AddDate(0, 2, 0))
		require.NoError(t, env.Subscriptions.Scan(context.Background()))
		require.NoError(t, env.Subscriptions.Renew(context.Background(), d.ID, 2))
		require.Len(t, get(t, env, d.ID).Charges, 2)
	})
}

func TestCancelAtPeriodEndAndResume(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		plan := env.Plan(t, "월간", 7_000, paydeck.IntervalMonth, 1, 0)
		u := env.Customer(t)
		d := subscribe(t, env, u, plan)
		ctx := context.Background()
		d, err := env.Subscriptions.Cancel(ctx, apptest.As(u), d.ID, true)
		require.NoError(t, err)
		require.True(t, d.CancelAtPeriodEnd)
		require.Nil(t, d.NextChargeAt)
		d, err = env.Subscriptions.Resume(ctx, apptest.As(u), d.ID)
		require.NoError(t, err)
		require.False(t, d.CancelAtPeriodEnd)
		advanceTo(env, d.CurrentPeriodEnd)
		d = scanUntil(t, env, d.ID, "renewed", func(d *subscription.Details) bool { return d.CurrentPeriod == 2 })

		d, err = env.Subscriptions.Cancel(ctx, apptest.As(u), d.ID, true)
		require.NoError(t, err)
		advanceTo(env, d.CurrentPeriodEnd)
		d = scanUntil(t, env, d.ID, "expired", func(d *subscription.Details) bool { return d.Status == paydeck.SubscriptionExpired })
		require.Len(t, d.Charges, 2, "no charge for the period after the end")
		apptest.WaitFor(t, "billing key deleted", func() bool { return len(env.Sandbox.BillingKeysOf(d.CustomerKey)) == 0 })
		_, err = env.Subscriptions.Resume(ctx, apptest.As(u), d.ID)
		require.Equal(t, paydeck.CodeConflict, paydeck.ErrorCode(err))
	})
}

func TestCancelNowRefundsUnusedDays(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		plan := env.Plan(t, "30일", 30_000, paydeck.IntervalDay, 30, 0)
		u := env.Customer(t)
		d := subscribe(t, env, u, plan)
		env.Clock.Advance(10*24*time.Hour + time.Hour) // 10 days and an hour used: 19 whole days unused
		d, err := env.Subscriptions.Cancel(context.Background(), apptest.As(u), d.ID, false)
		require.NoError(t, err)
		require.Equal(t, paydeck.SubscriptionCanceled, d.Status)
		require.Equal(t, int64(19_000), d.Charges[0].RefundedAmount)
		p := env.PaymentByKey(t, d.Charges[0].PaymentKey)
		require.Equal(t, paydeck.PaymentPartialCanceled, p.Status)
		require.Equal(t, int64(11_000), p.BalanceAmount)
		require.Equal(t, paydeck.OrderPartialRefunded, env.OrderByID(t, d.Charges[0].SubscriptionCharge.OrderID).Status)
		// Again: no second refund.
		d, err = env.Subscriptions.Cancel(context.Background(), apptest.As(u), d.ID, false)
		require.NoError(t, err)
		require.Len(t, env.Refunds(t, p.ID), 1)
		require.Empty(t, env.Sandbox.BillingKeysOf(d.CustomerKey))
	})
}

func TestProratedRefund(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, paydeck.KST)
	end := start.AddDate(0, 1, 0) // 31 days
	for _, tc := range []struct {
		at   time.Time
		want int64
	}{
		{start, 31_000},
		{start.Add(time.Hour), 30_000},
		{start.AddDate(0, 0, 30), 1_000},
		{end.Add(-time.Hour), 0},
		{end, 0},
		{start.AddDate(0, 0, 15).Add(time.Minute), 15_000},
	} {
		require.Equal(t, tc.want, subscription.ProratedRefund(31_000, start, end, tc.at), "at %v", tc.at)
	}
	require.Equal(t, int64(3_225), subscription.ProratedRefund(10_000, start, end, start.AddDate(0, 0, 21)), "rounded down")
}

func TestBillingDeletedWebhookAsksForANewCard(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		plan := env.Plan(t, "월간", 7_000, paydeck.IntervalMonth, 1, 0)
		u := env.Customer(t)
		d := subscribe(t, env, u, plan)
		keys := env.Sandbox.BillingKeysOf(d.CustomerKey)
		require.Len(t, keys, 1)
		// The card is removed on Toss's side: Toss sends BILLING_DELETED.
		require.NoError(t, env.Toss.Billing.Delete(context.Background(), toss.BillingKey(keys[0])))
		apptest.WaitFor(t, "needs card", func() bool { return get(t, env, d.ID).NeedsCard })
		var result string
		apptest.WaitFor(t, "webhook result recorded", func() bool {
			for _, w := range env.ReceivedWebhooks(t) {
				if w.EventType == "BILLING_DELETED" {
					result = w.Result
				}
			}
			return result != ""
		})
		require.Contains(t, result, "applied")
		require.NotContains(t, result, keys[0])
		// The renewal is declined (no key) and dunning starts; a new card
		// recovers it and clears the flag.
		advanceTo(env, d.CurrentPeriodEnd)
		d = scanUntil(t, env, d.ID, "past due", func(d *subscription.Details) bool { return d.Status == paydeck.SubscriptionPastDue })
		require.Equal(t, "NOT_FOUND_BILLING", d.Charges[1].FailureCode)
		d, err := env.Subscriptions.UpdateCard(context.Background(), apptest.As(u), d.ID, env.BillingAuthKey(t, d.CustomerKey))
		require.NoError(t, err)
		require.False(t, d.NeedsCard)
		require.Equal(t, paydeck.SubscriptionActive, d.Status)
	})
}

// TestRenewalsReconcile: renewals are payments like any other, so the daily
// reconciliation against Toss's transaction list matches them.
func TestRenewalsReconcile(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		plan := env.Plan(t, "월간", 7_000, paydeck.IntervalMonth, 1, 0)
		d := subscribe(t, env, env.Customer(t), plan)
		other := subscribe(t, env, env.Customer(t), plan)
		advanceTo(env, other.CurrentPeriodEnd)
		d = scanUntil(t, env, d.ID, "renewed", func(d *subscription.Details) bool { return d.CurrentPeriod == 2 })
		scanUntil(t, env, other.ID, "renewed", func(d *subscription.Details) bool { return d.CurrentPeriod == 2 })
		for _, c := range d.Charges {
			rep, err := env.Payments.Reconcile(context.Background(), c.PaidAt.In(paydeck.KST).Format(time.DateOnly))
			require.NoError(t, err)
			var r payment.Report
			require.NoError(t, json.Unmarshal(rep.Report, &r))
			require.Empty(t, r.Mismatches)
			require.Positive(t, r.Matched)
		}
	})
}
