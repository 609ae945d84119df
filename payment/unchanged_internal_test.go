package payment

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/toss"
)

// unchangedStatuses is what lets ReceiveWebhook record a delivery in the
// statement that reads its payment: a status it lists must be one on which
// stepFor changes nothing for every payment of that status and approval,
// and a status it leaves out one on which stepFor changes something for
// some payment (else the delivery would take the slower path for nothing).
// This walks every claim shape stepFor distinguishes against every local
// status, never approved and approved, with the other fields varied.
func TestUnchangedStatusesAgreeWithStepFor(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	statuses := []toss.PaymentStatus{toss.StatusReady, toss.StatusInProgress, toss.StatusWaitingForDeposit,
		toss.StatusDone, toss.StatusCanceled, toss.StatusPartialCanceled, toss.StatusAborted, toss.StatusExpired, "BOGUS"}
	for _, st := range statuses {
		for _, tossApproved := range []*time.Time{nil, &at} {
			for _, balance := range []toss.Amount{0, 5_000} {
				for _, va := range []*toss.VirtualAccount{nil, {Expired: false}, {Expired: true}} {
					tp := &toss.Payment{Status: st, ApprovedAt: tossApproved, BalanceAmount: balance, VirtualAccount: va}
					never, approved := unchangedStatuses(tp)
					for _, local := range paydeck.PaymentStatuses {
						for _, localApproved := range []*time.Time{nil, &at} {
							changes := false
							for _, p := range []*paydeck.Payment{
								{Status: local, ApprovedAt: localApproved},
								{Status: local, ApprovedAt: localApproved, Amount: 5_000, BalanceAmount: 5_000},
								{Status: local, ApprovedAt: localApproved, Amount: 5_000, Method: paydeck.MethodVirtualAccount},
							} {
								changes = changes || stepFor(p, tp) != stepNone
							}
							listed := never
							if localApproved != nil {
								listed = approved
							}
							require.Equal(t, !changes, slices.Contains(listed, local),
								"claim %s approved=%v balance=%d va=%v, local %s approved=%v",
								st, tossApproved != nil, balance, va, local, localApproved != nil)
						}
					}
				}
			}
		}
	}
	// The commonest delivery: Toss's DONE after paydeck recorded the approval.
	_, approved := unchangedStatuses(&toss.Payment{Status: toss.StatusDone})
	require.Contains(t, approved, paydeck.PaymentDone)
	// A late deposit on an account paydeck cancelled unpaid must be sent back.
	never, _ := unchangedStatuses(&toss.Payment{Status: toss.StatusDone, ApprovedAt: &at, BalanceAmount: 5_000})
	require.NotContains(t, never, paydeck.PaymentCanceled)
}
