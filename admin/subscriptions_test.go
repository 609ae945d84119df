package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/subscription"
)

// TestSubscriptionAdmin: plans are created and edited through the pages
// (a bad amount is shown again with its message), the list filters by
// status, MRR is on the dashboard, a past_due subscription's timeline shows
// the decline and a manual retry recovers it, and the admin cancels it.
func TestSubscriptionAdmin(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	s := newStore(t, env)
	ctx := context.Background()

	p := s.admin.Post(t, "/admin/plans", url.Values{"name": {"월간 원두"}, "amount": {"20000"}, "interval": {"month"},
		"interval_count": {"1"}, "trial_days": {"0"}, "tax_type": {"taxable"}, "active": {"1"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	p = s.admin.Post(t, "/admin/plans", url.Values{"name": {"싼 상품"}, "amount": {"50"}, "interval": {"month"},
		"interval_count": {"1"}, "trial_days": {"0"}, "tax_type": {"taxable"}})
	require.Equal(t, http.StatusUnprocessableEntity, p.Status)
	require.Contains(t, p.Body, "요금제 금액은 100원 이상이어야 합니다.")
	p = s.admin.Post(t, "/admin/plans", url.Values{"name": {"비싼 상품"}, "amount": {"10000001"}, "interval": {"month"},
		"interval_count": {"1"}, "trial_days": {"0"}, "tax_type": {"taxable"}})
	require.Equal(t, http.StatusUnprocessableEntity, p.Status)
	require.Contains(t, p.Body, "요금제 금액은 10,000,000원 이하여야 합니다.")
	plans, err := env.Subscriptions.Plans(ctx, payment.System)
	require.NoError(t, err)
	require.Len(t, plans, 1)
	plan := plans[0]
	p = s.admin.Post(t, "/admin/plans/"+plan.ID, url.Values{"name": {"월간 원두"}, "amount": {"24000"}, "trial_days": {"0"},
		"tax_type": {"taxable"}, "active": {"1"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	plan, err = env.Subscriptions.Plan(ctx, payment.System, plan.ID)
	require.NoError(t, err)
	require.Equal(t, int64(24_000), plan.Amount)

	// A customer subscribes; the next renewal is declined.
	ck := env.Subscriptions.CustomerKey(s.customer.ID)
	d, err := env.Subscriptions.Subscribe(ctx, apptest.As(s.customer),
		subscription.SubscribeInput{PlanID: plan.ID, AuthKey: env.BillingAuthKey(t, ck), CustomerKey: ck})
	require.NoError(t, err)
	dash := s.admin.Get(t, "/admin/")
	require.Equal(t, http.StatusOK, dash.Status)
	require.Contains(t, dash.Body, `id="mrr">24,000`)
	env.DeclineBilling(t, ck, 1)
	env.Clock.Advance(d.CurrentPeriodEnd.Sub(env.Clock.Now()) + time.Minute)
	require.NoError(t, env.Subscriptions.Renew(ctx, d.ID, 2))
	s.admin = s.Visitor(t) // a month later: a new session
	s.admin.SignIn(t, s.User(t, paydeck.RoleAdmin))

	list := s.admin.Get(t, "/admin/subscriptions?status=past_due")
	require.Equal(t, http.StatusOK, list.Status)
	require.Contains(t, list.Body, "/admin/subscriptions/"+d.ID)
	require.NotContains(t, s.admin.Get(t, "/admin/subscriptions?status=active").Body, "/admin/subscriptions/"+d.ID)
	require.Equal(t, http.StatusUnprocessableEntity, s.admin.Get(t, "/admin/subscriptions?status=bogus").Status)
	page := s.admin.Get(t, "/admin/subscriptions/"+d.ID)
	require.Equal(t, http.StatusOK, page.Status)
	require.Contains(t, page.Body, "REJECT_CARD_PAYMENT")
	require.Contains(t, page.Body, string(payment.EventBillingChargeDeclined))
	require.Contains(t, page.Body, `id="retry"`)

	// The retry is charged at once (the decline rule was used up).
	p = s.admin.Post(t, "/admin/subscriptions/"+d.ID+"/retry", url.Values{})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	got, err := env.Subscriptions.Subscription(ctx, payment.System, d.ID)
	require.NoError(t, err)
	require.Equal(t, paydeck.SubscriptionActive, got.Status)
	require.Equal(t, 2, got.CurrentPeriod)

	// Customers get no admin page; the admin cancels.
	c := s.Visitor(t)
	c.SignIn(t, s.customer)
	require.Equal(t, http.StatusForbidden, c.Get(t, "/admin/subscriptions/"+d.ID).Status)
	require.Equal(t, http.StatusForbidden, c.Post(t, "/admin/subscriptions/"+d.ID+"/cancel", url.Values{"when": {"now"}}).Status)
	p = s.admin.Post(t, "/admin/subscriptions/"+d.ID+"/cancel", url.Values{"when": {"now"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	got, err = env.Subscriptions.Subscription(ctx, payment.System, d.ID)
	require.NoError(t, err)
	require.Equal(t, paydeck.SubscriptionCanceled, got.Status)
	require.Contains(t, s.admin.Get(t, "/admin/subscriptions").Body, `id="churn">`)
}
