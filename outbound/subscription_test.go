package outbound_test

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/outbound"
	"github.com/paydeck/paydeck/subscription"
	"github.com/paydeck/paydeck/webhook"
)

// TestSubscriptionEvents drives subscriptions through the real service and
// the sandbox and checks the subscription.* events a receiver gets, each
// verified with webhook.Verify and carrying the API's subscription: sign-up
// (created, then renewed for the first period), a renewal, a declined
// renewal (past_due), a new card (card_updated, and renewed by the charge
// it triggers), cancel (canceled), a cancel rolled back (nothing), and a
// cancel at period end (expired when the period ends). Every change gives
// exactly one stored event.
func TestSubscriptionEvents(t *testing.T) {
	t.Parallel()
	var failCancel atomic.Bool
	boom := errors.New("the cancel failed after its event was published")
	opt := apptest.WithSubscriptionConfig(func(c *subscription.Config) {
		publish := c.OnChange
		c.OnChange = func(ctx context.Context, tx paydeck.Tx, d *subscription.Details, change string) error {
			if err := publish(ctx, tx, d, change); err != nil {
				return err
			}
			if change == subscription.ChangeCanceled && failCancel.Load() {
				return boom
			}
			return nil
		}
	})
	apptest.EachEngine(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		rcv := newReceiver(t)
		ep, err := e.Outbound.CreateEndpoint(ctx, outbound.EndpointInput{URL: rcv.URL, Enabled: true})
		require.NoError(t, err)
		plan := e.Plan(t, "월간 원두", 19_900, paydeck.IntervalMonth, 1, 0)

		// received returns the verified events of subscription id in the
		// order they were made (the store's Seq): deliveries are separate
		// jobs, so two events of one change (card_updated and the charge
		// it runs) may arrive in either order. Each request is verified
		// when first seen: before the test moves the clock on by a month.
		verified := 0
		received := func(id string) []env {
			var out []env
			for i, g := range rcv.requests() {
				if i >= verified {
					require.NoError(t, webhook.Verify(ep.Secret, g.Header, g.Body, e.Clock.Now()))
					verified = i + 1
				}
				if ev := envelope(t, g.Body); ev.Data["id"] == id {
					out = append(out, ev)
				}
			}
			seq := map[string]int64{}
			for _, ev := range outboundEvents(t, e) {
				seq[ev.ID] = ev.Seq
			}
			slices.SortStableFunc(out, func(a, b env) int { return cmp.Compare(seq[a.ID], seq[b.ID]) })
			return out
		}
		types := func(id string) []paydeck.OutboundEventType {
			var out []paydeck.OutboundEventType
			for _, ev := range received(id) {
				out = append(out, ev.Type)
			}
			return out
		}
		wait := func(id string, want ...paydeck.OutboundEventType) env {
			t.Helper()
			apptest.WaitFor(t, string(want[len(want)-1]), func() bool { return len(types(id)) >= len(want) })
			require.Equal(t, want, types(id))
			got := received(id)
			return got[len(got)-1]
		}
		subscribe := func(u *paydeck.User) *subscription.Details {
			ck := e.Subscriptions.CustomerKey(u.ID)
			d, err := e.Subscriptions.Subscribe(ctx, apptest.As(u),
				subscription.SubscribeInput{PlanID: plan.ID, AuthKey: e.BillingAuthKey(t, ck), CustomerKey: ck})
			require.NoError(t, err)
			return d
		}
		renewal := func(end time.Time) {
			// Every event so far arrived and is verified before the
			// clock moves on.
			apptest.WaitFor(t, "all events", func() bool { return len(rcv.requests()) >= len(outboundEvents(t, e)) })
			received("")
			e.Clock.Advance(end.Sub(e.Clock.Now()) + time.Minute)
			require.NoError(t, e.Subscriptions.Scan(ctx))
		}

		// Sign-up: created (before the first charge), then renewed.
		u := e.Customer(t)
		d := subscribe(u)
		wait(d.ID, paydeck.OutSubscriptionCreated, paydeck.OutSubscriptionRenewed)
		first := received(d.ID)
		require.Equal(t, "active", first[0].Data["status"])
		require.EqualValues(t, 0, first[0].Data["currentPeriod"])
		require.EqualValues(t, 1, first[1].Data["currentPeriod"])
		require.Equal(t, d.CardNumber, first[1].Data["card"].(map[string]any)["number"])
		require.NotContains(t, first[1].Data, "billingKey")

		// A renewal.
		renewal(d.CurrentPeriodEnd)
		ev := wait(d.ID, paydeck.OutSubscriptionCreated, paydeck.OutSubscriptionRenewed, paydeck.OutSubscriptionRenewed)
		require.EqualValues(t, 2, ev.Data["currentPeriod"])

		// A declined renewal.
		d, err = e.Subscriptions.Subscription(ctx, apptest.As(u), d.ID)
		require.NoError(t, err)
		e.DeclineBilling(t, d.CustomerKey, 1)
		renewal(d.CurrentPeriodEnd)
		ev = wait(d.ID, paydeck.OutSubscriptionCreated, paydeck.OutSubscriptionRenewed, paydeck.OutSubscriptionRenewed,
			paydeck.OutSubscriptionPastDue)
		require.Equal(t, "past_due", ev.Data["status"])
		require.NotEmpty(t, ev.Data["nextRetryAt"])

		// A new card: card_updated, and the charge it runs at once.
		_, err = e.Subscriptions.UpdateCard(ctx, apptest.As(u), d.ID, e.BillingAuthKey(t, d.CustomerKey))
		require.NoError(t, err)
		ev = wait(d.ID, paydeck.OutSubscriptionCreated, paydeck.OutSubscriptionRenewed, paydeck.OutSubscriptionRenewed,
			paydeck.OutSubscriptionPastDue, paydeck.OutSubscriptionCardUpdated, paydeck.OutSubscriptionRenewed)
		require.Equal(t, "active", ev.Data["status"])
		require.EqualValues(t, 3, ev.Data["currentPeriod"])

		// A cancel rolled back sends nothing; the same cancel committed
		// sends subscription.canceled once.
		failCancel.Store(true)
		_, err = e.Subscriptions.Cancel(ctx, apptest.As(u), d.ID, false)
		require.ErrorIs(t, err, boom)
		failCancel.Store(false)
		d, err = e.Subscriptions.Subscription(ctx, apptest.As(u), d.ID)
		require.NoError(t, err)
		require.Equal(t, paydeck.SubscriptionActive, d.Status)
		require.Empty(t, outboundEvents(t, e, paydeck.OutSubscriptionCanceled))
		_, err = e.Subscriptions.Cancel(ctx, apptest.As(u), d.ID, false)
		require.NoError(t, err)
		ev = wait(d.ID, paydeck.OutSubscriptionCreated, paydeck.OutSubscriptionRenewed, paydeck.OutSubscriptionRenewed,
			paydeck.OutSubscriptionPastDue, paydeck.OutSubscriptionCardUpdated, paydeck.OutSubscriptionRenewed,
			paydeck.OutSubscriptionCanceled)
		require.Equal(t, "canceled", ev.Data["status"])

		// Cancel at period end: nothing now, expired when the period ends.
		v := e.Customer(t)
		d2 := subscribe(v)
		_, err = e.Subscriptions.Cancel(ctx, apptest.As(v), d2.ID, true)
		require.NoError(t, err)
		renewal(d2.CurrentPeriodEnd)
		ev = wait(d2.ID, paydeck.OutSubscriptionCreated, paydeck.OutSubscriptionRenewed, paydeck.OutSubscriptionExpired)
		require.Equal(t, "expired", ev.Data["status"])

		// One stored event per change, none for the rolled-back cancel.
		count := map[paydeck.OutboundEventType]int{}
		for _, stored := range outboundEvents(t, e) {
			count[stored.Type]++
		}
		require.Equal(t, map[paydeck.OutboundEventType]int{
			paydeck.OutSubscriptionCreated: 2, paydeck.OutSubscriptionRenewed: 4, paydeck.OutSubscriptionPastDue: 1,
			paydeck.OutSubscriptionCardUpdated: 1, paydeck.OutSubscriptionCanceled: 1, paydeck.OutSubscriptionExpired: 1,
			// The charges are orders too: 4 paid; the declined attempt's
			// payment failed; the cancel refunded the unused days.
			paydeck.OutOrderPaid: 4, paydeck.OutPaymentFailed: 1, paydeck.OutRefundCompleted: 1,
		}, count)
	}, opt)
}
