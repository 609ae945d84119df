package payment

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/toss"
)

// A deposit Toss takes for a virtual account paydeck cancelled before any
// deposit (SwitchMethod, an order cancel) never pays the order a second
// time: it is money to send back (stepCancelLate, which makes it an owner
// task since a deposit needs the shopper's bank account), while Toss's own
// record of that cancel changes nothing.
func TestLateDepositOnCancelledAccount(t *testing.T) {
	t.Parallel()
	cancelled := &paydeck.Payment{Status: paydeck.PaymentCanceled, Method: paydeck.MethodVirtualAccount, Amount: 10_000}
	now := time.Now()
	require.Equal(t, stepCancelLate, stepFor(cancelled, &toss.Payment{Status: toss.StatusDone, ApprovedAt: &now, TotalAmount: 10_000, BalanceAmount: 10_000}))
	require.Equal(t, stepNone, stepFor(cancelled, &toss.Payment{Status: toss.StatusCanceled, TotalAmount: 10_000}))
	require.Equal(t, stepNone, stepFor(cancelled, &toss.Payment{Status: toss.StatusWaitingForDeposit, TotalAmount: 10_000}))

	// A refunded payment that was approved is no such thing.
	refunded := &paydeck.Payment{Status: paydeck.PaymentCanceled, Method: paydeck.MethodCard, Amount: 10_000, ApprovedAt: &now}
	require.Equal(t, stepNone, stepFor(refunded, &toss.Payment{Status: toss.StatusDone, ApprovedAt: &now, TotalAmount: 10_000, BalanceAmount: 10_000}))
}
