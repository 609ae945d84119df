package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/subscription"
)

// TestBrowserSubscription: a shopper subscribes with the sandbox billing
// window, sees the next charge and the first charge, and cancels now with
// the unused days refunded.
func TestBrowserSubscription(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	s := newShop(t, env)
	plan := env.Plan(t, "월간 원두", 19_900, paydeck.IntervalMonth, 1, 0)
	ctx := sitetest.Browser(t)
	text := func(id string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(id)))
		require.NoError(t, err)
		return strings.TrimSpace(v)
	}
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(s.URL+"/signup?next=%2Fsubscriptions"),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), "subscriber@example.com"),
		chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), "김구독"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), sitetest.SitePassword),
		chromedp.Click(chromedp.ID("signup-submit")),
		chromedp.WaitVisible(chromedp.ID("subscribe-"+plan.ID)),
	))
	sitetest.Screenshot(t, ctx, shots, "subscriptions")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("subscribe-"+plan.ID)),
		chromedp.WaitEnabled(chromedp.ID("register-card")),
	))
	sitetest.Screenshot(t, ctx, shots, "subscribe")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("register-card")), chromedp.WaitVisible(chromedp.ID("approve"))))
	sitetest.Screenshot(t, ctx, shots, "sandbox-billing-window")
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("approve")), chromedp.WaitVisible(chromedp.ID("next-charge"))))
	sitetest.Screenshot(t, ctx, shots, "subscription")

	require.Equal(t, "이용 중", text("sub-status"))
	next := text("next-charge")
	require.Contains(t, next, "19,900")
	subs, _, err := env.Subscriptions.Subscriptions(context.Background(), payment.System, paydeck.SubscriptionFilter{}, true)
	require.NoError(t, err)
	require.Len(t, subs, 1)
	d := subs[0]
	require.Contains(t, next, d.CurrentPeriodEnd.In(paydeck.KST).Format("2006-01-02"), "the next charge is at the period end")
	charges := text("charges")
	require.Contains(t, charges, d.Charges[0].OrderID, "the first charge is listed with its order")

	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.ID("cancel-now")), chromedp.WaitNotPresent(chromedp.ID("cancel-now")),
		chromedp.WaitVisible(chromedp.ID("sub-status"))))
	sitetest.Screenshot(t, ctx, shots, "subscription-canceled")
	require.Equal(t, "취소됨", text("sub-status"))
	require.Contains(t, text("next-charge"), "예정된 결제가 없습니다")
	d, err = env.Subscriptions.Subscription(context.Background(), payment.System, d.ID)
	require.NoError(t, err)
	require.Equal(t, paydeck.SubscriptionCanceled, d.Status)
	require.Positive(t, d.Charges[0].RefundedAmount, "the unused days were refunded")
}

// TestSubscriptionPagesAreOwnersOnly: another customer's subscription is a
// 404 page; a cancel without the CSRF token is refused.
func TestSubscriptionPagesAreOwnersOnly(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	s := newShop(t, env)
	plan := env.Plan(t, "월간", 9_900, paydeck.IntervalMonth, 1, 0)
	owner := s.User(t, paydeck.RoleCustomer)
	ck := env.Subscriptions.CustomerKey(owner.ID)
	d, err := env.Subscriptions.Subscribe(context.Background(), apptest.As(owner),
		subscriptionInput(plan.ID, env.BillingAuthKey(t, ck), ck))
	require.NoError(t, err)

	v := s.Visitor(t)
	v.SignIn(t, s.User(t, paydeck.RoleCustomer))
	require.Equal(t, http.StatusNotFound, v.Get(t, "/subscriptions/"+d.ID).Status)
	p := v.Post(t, "/subscriptions/"+d.ID+"/cancel", url.Values{"when": {"now"}})
	require.Equal(t, http.StatusNotFound, p.Status, p.Body)

	o := s.Visitor(t)
	o.SignIn(t, owner)
	page := o.Get(t, "/subscriptions/"+d.ID)
	require.Equal(t, http.StatusOK, page.Status)
	require.NotContains(t, page.Body, d.BillingKeySealed, "not even the sealed billing key is on the page")
	for _, k := range env.Sandbox.BillingKeysOf(ck) {
		require.NotContains(t, page.Body, k)
	}
	p = o.Post(t, "/subscriptions/"+d.ID+"/cancel", url.Values{"when": {"now"}, "csrf": {"forged"}})
	require.Equal(t, http.StatusForbidden, p.Status)
	p = o.Post(t, "/subscriptions/"+d.ID+"/cancel", url.Values{"when": {"tomorrow"}})
	require.Equal(t, http.StatusUnprocessableEntity, p.Status, p.Body)
	p = o.Post(t, "/subscriptions/"+d.ID+"/cancel", url.Values{"when": {"end"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	require.Contains(t, o.Get(t, "/subscriptions/"+d.ID).Body, `id="resume"`)
}

func subscriptionInput(planID, authKey, customerKey string) subscription.SubscribeInput {
	return subscription.SubscribeInput{PlanID: planID, AuthKey: authKey, CustomerKey: customerKey}
}
