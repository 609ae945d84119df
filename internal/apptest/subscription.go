package apptest

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/subscription"
	"github.com/paydeck/paydeck/toss"
)

// BillingAuthKey does what the shopper does in the billing window: it
// registers the sandbox's test card for customerKey and returns the
// one-time authKey.
func (e *Env) BillingAuthKey(t testing.TB, customerKey string) string {
	t.Helper()
	var out struct {
		AuthKey string `json:"authKey"`
	}
	e.control(t, http.MethodPost, "/v1/sandbox/billing/auth-keys", map[string]any{"customerKey": customerKey}, &out)
	require.NotEmpty(t, out.AuthKey)
	return out.AuthKey
}

// DeclineBilling makes the sandbox decline the next n charges of every
// billing key of customerKey (n 0 lifts the rule).
func (e *Env) DeclineBilling(t testing.TB, customerKey string, n int) {
	t.Helper()
	e.control(t, http.MethodPut, "/v1/sandbox/billing/declines", map[string]any{"customerKey": customerKey, "count": n}, nil)
}

// Plan creates a plan as an admin would.
func (e *Env) Plan(t testing.TB, name string, amount int64, interval paydeck.PlanInterval, count, trialDays int) *paydeck.Plan {
	t.Helper()
	p, err := e.Subscriptions.CreatePlan(context.Background(), As(e.Admin(t)), subscription.PlanInput{Name: name,
		Amount: amount, Interval: interval, IntervalCount: count, TrialDays: trialDays, IsActive: true})
	require.NoError(t, err)
	return p
}

// TossApprovals returns, per orderId, the number of approval transactions
// in the sandbox's transaction list (the truth about what Toss charged)
// between from and to.
func (e *Env) TossApprovals(t testing.TB, from, to time.Time) map[string]int {
	t.Helper()
	out := map[string]int{}
	for tx, err := range e.Toss.Transactions.List(context.Background(), &toss.TransactionListParams{StartDate: from, EndDate: to, Limit: 5000}) {
		require.NoError(t, err)
		if tx.Status == toss.StatusDone {
			out[tx.OrderID]++
		}
	}
	return out
}
