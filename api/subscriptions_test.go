package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/api"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
)

// TestSubscriptionAPI drives the contract end to end on both engines: an
// admin creates and edits a plan, a customer subscribes with the billing
// window's authKey, reads it back (never with the billing key), another
// customer cannot see it, and it is cancelled now with a refund.
func TestSubscriptionAPI(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env)
		admin := a.NewAdmin(t)
		_, customer := a.SignUp(t, "subscriber")
		_, other := a.SignUp(t, "other")

		var plan api.Plan
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/plans", Token: admin,
			Body: map[string]any{"name": "월간 원두", "amount": 19_900, "interval": "month"}}, http.StatusCreated, &plan)
		require.Equal(t, 1, plan.IntervalCount)
		require.True(t, plan.IsActive)
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/plans", Token: admin,
			Body: map[string]any{"name": "x", "amount": 19_900, "interval": "week"}}).RequireProblem(t, http.StatusUnprocessableEntity)
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/plans", Token: customer,
			Body: map[string]any{"name": "x", "amount": 19_900, "interval": "month"}}).RequireProblem(t, http.StatusForbidden)
		a.MustDo(t, apitest.Request{Method: http.MethodPatch, Path: "/api/plans/" + plan.ID, Token: admin,
			Body: map[string]any{"amount": 20_900}}, http.StatusOK, &plan)
		require.Equal(t, int64(20_900), plan.Amount)
		var plans api.PlanList
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/plans"}, http.StatusOK, &plans)
		require.Len(t, plans.Items, 1)

		var setup api.BillingSetup
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/subscriptions/setup", Token: customer}, http.StatusOK, &setup)
		require.NotEmpty(t, setup.CustomerKey)
		var sub api.Subscription
		res := a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/subscriptions", Token: customer,
			Body: map[string]any{"planId": plan.ID, "authKey": env.BillingAuthKey(t, setup.CustomerKey), "customerKey": setup.CustomerKey}},
			http.StatusCreated, &sub)
		require.Equal(t, "active", sub.Status)
		require.Len(t, sub.Charges, 1)
		require.Equal(t, "paid", sub.Charges[0].Status)
		require.True(t, strings.HasPrefix(sub.Charges[0].OrderID, "ORD"))
		require.Equal(t, sub.CurrentPeriodEnd, *sub.NextChargeAt)
		keys := env.Sandbox.BillingKeysOf(setup.CustomerKey)
		require.Len(t, keys, 1)
		require.NotContains(t, string(res.Body), keys[0], "the billing key is never in an answer")
		require.NotContains(t, string(res.Body), "billingKey")

		// The authKey was used up; another customer's key is refused.
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/subscriptions", Token: other,
			Body: map[string]any{"planId": plan.ID, "authKey": env.BillingAuthKey(t, setup.CustomerKey), "customerKey": setup.CustomerKey}}).
			RequireProblem(t, http.StatusUnprocessableEntity)
		a.Do(t, apitest.Request{Method: http.MethodGet, Path: "/api/subscriptions/" + sub.ID, Token: other}).RequireProblem(t, http.StatusNotFound)
		var page api.SubscriptionPage
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/subscriptions", Token: other}, http.StatusOK, &page)
		require.Empty(t, page.Items)
		a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/subscriptions?status=active", Token: admin}, http.StatusOK, &page)
		require.Len(t, page.Items, 1)
		res = a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/subscriptions/" + sub.ID, Token: customer}, http.StatusOK, &sub)
		require.NotContains(t, string(res.Body), keys[0])

		var ending api.Subscription
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/subscriptions/" + sub.ID + "/cancel", Token: customer,
			Body: map[string]any{"atPeriodEnd": true}}, http.StatusOK, &ending)
		require.True(t, ending.CancelAtPeriodEnd)
		require.Nil(t, ending.NextChargeAt)
		a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/subscriptions/" + sub.ID + "/cancel", Token: customer,
			Body: map[string]any{"atPeriodEnd": false}}, http.StatusOK, &sub)
		require.Equal(t, "canceled", sub.Status)
		require.Positive(t, sub.Charges[0].RefundedAmount)
		a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/subscriptions/" + sub.ID + "/card", Token: customer,
			Body: map[string]any{"authKey": env.BillingAuthKey(t, setup.CustomerKey)}}).RequireProblem(t, http.StatusConflict)
	})
}
