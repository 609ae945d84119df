package payment

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/toss"
)

// unchangedStatuses is what lets ReceiveWebhook record a delivery in one
// statement without reading the payment: a status it lists must be one on
// which stepFor changes nothing for every payment of that status, and a
// status it leaves out one on which stepFor changes something for some
// payment (else the delivery would take the slower path for nothing). This
// walks every claim shape stepFor distinguishes against every local status,
// approved or not, with the other fields varied.
func TestUnchangedStatusesAgreeWithStepFor(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	statuses := []toss.PaymentStatus{toss.StatusReady, toss.StatusInProgress, toss.StatusWaitingForDeposit,
		toss.StatusDone, toss.StatusCanceled, toss.StatusPartialCanceled, toss.StatusAborted, toss.StatusExpired, "BOGUS"}
	for _, st := range statuses {
		for _, approved := range []*time.Time{nil, &at} {
			for _, balance := range []toss.Amount{0, 5_000} {
				for _, va := range []*toss.VirtualAccount{nil, {Expired: false}, {Expired: true}} {
					tp := &toss.Payment{Status: st, ApprovedAt: approved, BalanceAmount: balance, VirtualAccount: va}
					listed := unchangedStatuses(tp)
					for _, local := range paydeck.PaymentStatuses {
						changes := false
						for _, p := range []*paydeck.Payment{
							{Status: local},
							{Status: local, ApprovedAt: &at, Amount: 5_000, BalanceAmount: 5_000},
							{Status: local, ApprovedAt: &at, Amount: 5_000, BalanceAmount: 0, Method: paydeck.MethodVirtualAccount},
						} {
							changes = changes || stepFor(p, tp) != stepNone
						}
						require.Equal(t, !changes, slices.Contains(listed, local),
							"claim %s approved=%v balance=%d va=%v, local %s", st, approved != nil, balance, va, local)
					}
				}
			}
		}
	}
	// The commonest delivery: Toss's DONE after paydeck recorded the approval.
	require.Contains(t, unchangedStatuses(&toss.Payment{Status: toss.StatusDone}), paydeck.PaymentDone)
}
