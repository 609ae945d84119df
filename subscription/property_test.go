package subscription_test

import (
	"context"
	"flag"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
)

// TestMain lowers rapid's default number of checks (each check runs
// subscriptions through the sandbox) unless -rapid.checks is given.
func TestMain(m *testing.M) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "rapid.checks" })
	if !given {
		if err := flag.Set("rapid.checks", "6"); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}

// chargeFaults are what may happen to one billing charge at Toss.
var chargeFaults = map[string]string{
	"none":     ``,
	"drop":     `[{"operation":"billing-charge","times":1,"approveThenDrop":true}]`,
	"hang":     `[{"operation":"billing-charge","times":1,"hang":true}]`,
	"error5xx": `[{"operation":"billing-charge","times":1,"errorCode":"FAILED_INTERNAL_SYSTEM_PROCESSING"}]`,
	"busy":     `[{"operation":"billing-charge","times":1,"errorCode":"IDEMPOTENT_REQUEST_PROCESSING"}]`,
}

// TestEveryPeriodChargedExactlyOnceProperty: whatever happens to the
// charges (answers lost after Toss approved, hangs, 5xx, declines) and
// however many times and how concurrently the renewal job runs (retried
// jobs, several instances), every period ends charged at Toss exactly once
// (the sandbox's transaction list is the truth) or, when declined, not at
// all; paydeck's paid charges are Toss's approvals one for one.
func TestEveryPeriodChargedExactlyOnceProperty(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		ctx := context.Background()
		start := env.Clock.Now()
		plan := env.Plan(t, "월간", 8_800, paydeck.IntervalMonth, 1, 0)
		var subs []string
		rapid.Check(t, func(rt *rapid.T) {
			env.SetFaults(t, `[]`)
			d := subscribe(t, env, env.Customer(t), plan)
			subs = append(subs, d.ID)
			for range rapid.IntRange(1, 4).Draw(rt, "periods") {
				d = get(t, env, d.ID)
				due := d.CurrentPeriodEnd
				if d.Status == paydeck.SubscriptionPastDue {
					due = *d.NextRetryAt
				} else if d.Status.Final() {
					break
				}
				advanceTo(env, due)
				if rapid.Bool().Draw(rt, "decline") {
					env.DeclineBilling(t, d.CustomerKey, 1)
				}
				fault := rapid.SampledFrom([]string{"none", "drop", "hang", "error5xx", "busy"}).Draw(rt, "fault")
				if f := chargeFaults[fault]; f != "" {
					env.SetFaults(t, f)
				}
				// The job runs several times at once (instances, retries).
				runs := rapid.IntRange(1, 3).Draw(rt, "concurrent runs")
				var wg sync.WaitGroup
				for range runs {
					wg.Go(func() { _ = env.Subscriptions.Renew(ctx, d.ID, d.CurrentPeriod+1) })
				}
				wg.Wait()
				env.SetFaults(t, `[]`)
				env.DeclineBilling(t, d.CustomerKey, 0)
				// River retries the job until the outcome is known.
				settleCharges(t, env, d.ID, d.CurrentPeriod+1)
			}
		})
		// The truth: every approval at Toss is one paid charge, each paid
		// charge one approval, and no period has two.
		approvals := env.TossApprovals(t, start.Add(-time.Hour), env.Clock.Now().Add(time.Hour))
		paid, total := 0, 0
		for _, id := range subs {
			d := get(t, env, id)
			for _, c := range d.Charges {
				require.NotEqual(t, paydeck.ChargePending, c.Status, "every charge settled")
				if c.Status == paydeck.ChargePaid {
					paid++
					require.Equal(t, 1, approvals[c.OrderID], "period %d of %s", c.Period, id)
				}
			}
		}
		for _, n := range approvals {
			total += n
		}
		require.Equal(t, paid, total, "Toss's approvals equal paydeck's paid charges one for one")
	}, apptest.WithTossRetries(300*time.Millisecond, 0))
}

// settleCharges runs Renew (as River's retries do) until the period's
// charge is no longer pending.
func settleCharges(t *testing.T, env *apptest.Env, id string, period int) {
	t.Helper()
	for range 20 {
		err := env.Subscriptions.Renew(context.Background(), id, period)
		if err == nil {
			d := get(t, env, id)
			settled := true
			for _, c := range d.Charges {
				settled = settled && c.Status != paydeck.ChargePending
			}
			if settled {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("charge of period %d of %s still pending", period, id)
}
