package paydeck_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
)

// checkMachine checks every (from, to) pair: allowed iff listed in allowed,
// and a refused pair gives a conflict *TransitionError.
func checkMachine[S ~string](t *testing.T, all []S, allowed map[[2]S]bool, can func(from, to S) error) {
	t.Helper()
	for _, from := range all {
		for _, to := range all {
			t.Run(fmt.Sprintf("%s→%s", from, to), func(t *testing.T) {
				t.Parallel()
				err := can(from, to)
				if allowed[[2]S{from, to}] {
					require.NoError(t, err)
					return
				}
				var te *paydeck.TransitionError
				require.ErrorAs(t, err, &te)
				require.Equal(t, string(from), te.From)
				require.Equal(t, string(to), te.To)
				require.Equal(t, paydeck.CodeConflict, paydeck.ErrorCode(err))
			})
		}
	}
}

func TestOrderStatus_CanTransition(t *testing.T) {
	t.Parallel()
	type p = [2]paydeck.OrderStatus
	allowed := map[p]bool{
		{"pending", "paid"}: true, {"pending", "cancelled"}: true, {"pending", "expired"}: true,
		{"paid", "shipped"}: true, {"paid", "partial_refunded"}: true, {"paid", "refunded"}: true,
		{"partial_refunded", "partial_refunded"}: true, {"partial_refunded", "refunded"}: true,
		{"partial_refunded", "shipped"}: true,
		{"shipped", "delivered"}:        true, {"shipped", "partial_refunded"}: true, {"shipped", "refunded"}: true,
		{"delivered", "partial_refunded"}: true, {"delivered", "refunded"}: true,
	}
	checkMachine(t, paydeck.OrderStatuses, allowed, paydeck.OrderStatus.CanTransition)
	for _, s := range []paydeck.OrderStatus{"cancelled", "expired", "refunded"} {
		require.True(t, s.Final(), s)
	}
	require.False(t, paydeck.OrderPaid.Final())
	require.False(t, paydeck.OrderStatus("PAID").Valid())
}

func TestPaymentStatus_CanTransition(t *testing.T) {
	t.Parallel()
	type p = [2]paydeck.PaymentStatus
	allowed := map[p]bool{
		{"ready", "in_progress"}: true, {"ready", "waiting_for_deposit"}: true, {"ready", "done"}: true,
		{"ready", "aborted"}: true, {"ready", "expired"}: true,
		{"in_progress", "waiting_for_deposit"}: true, {"in_progress", "done"}: true,
		{"in_progress", "aborted"}: true, {"in_progress", "expired"}: true,
		{"waiting_for_deposit", "done"}: true, {"waiting_for_deposit", "canceled"}: true,
		{"waiting_for_deposit", "expired"}: true,
		{"done", "partial_canceled"}:       true, {"done", "canceled"}: true,
		{"partial_canceled", "partial_canceled"}: true, {"partial_canceled", "canceled"}: true,
	}
	checkMachine(t, paydeck.PaymentStatuses, allowed, paydeck.PaymentStatus.CanTransition)
	for _, s := range []paydeck.PaymentStatus{"canceled", "aborted", "expired"} {
		require.True(t, s.Final(), s)
	}
}

func TestRefundStatus_CanTransition(t *testing.T) {
	t.Parallel()
	type p = [2]paydeck.RefundStatus
	allowed := map[p]bool{
		{"pending", "in_progress"}: true, {"pending", "completed"}: true, {"pending", "failed"}: true,
		{"in_progress", "completed"}: true, {"in_progress", "failed"}: true,
	}
	checkMachine(t, paydeck.RefundStatuses, allowed, paydeck.RefundStatus.CanTransition)
	require.True(t, paydeck.RefundCompleted.Final())
	require.True(t, paydeck.RefundFailed.Final())
}

func TestOrder_Transition(t *testing.T) {
	t.Parallel()
	now := mustTime(t, "2026-03-01T10:00:00Z")
	o := &paydeck.Order{Status: paydeck.OrderPending}
	require.NoError(t, o.Transition(paydeck.OrderPaid, now))
	require.Equal(t, now, *o.PaidAt)
	require.NoError(t, o.Transition(paydeck.OrderShipped, now.Add(1)))
	require.Equal(t, now.Add(1), *o.ShippedAt)
	require.NoError(t, o.Transition(paydeck.OrderDelivered, now.Add(2)))
	require.Equal(t, now.Add(2), *o.DeliveredAt)
	err := o.Transition(paydeck.OrderPending, now.Add(3))
	require.Equal(t, paydeck.CodeConflict, paydeck.ErrorCode(err))
	require.Equal(t, "order status cannot change from delivered to pending.", paydeck.ErrorMessage(err))
	require.Equal(t, paydeck.OrderDelivered, o.Status)
}

func TestRefund_Transition(t *testing.T) {
	t.Parallel()
	now := mustTime(t, "2026-03-01T10:00:00Z")
	r := &paydeck.Refund{Status: paydeck.RefundPending}
	require.NoError(t, r.Transition(paydeck.RefundInProgress, now))
	require.Nil(t, r.CompletedAt)
	require.NoError(t, r.Transition(paydeck.RefundCompleted, now))
	require.Equal(t, now, *r.CompletedAt)
	require.Error(t, r.Transition(paydeck.RefundFailed, now))
	require.Equal(t, paydeck.RefundCompleted, r.Status)
}

func TestPayment_Transition(t *testing.T) {
	t.Parallel()
	p := &paydeck.Payment{Status: paydeck.PaymentInProgress}
	require.NoError(t, p.Transition(paydeck.PaymentDone))
	require.Error(t, p.Transition(paydeck.PaymentInProgress))
	require.Equal(t, paydeck.PaymentDone, p.Status)
}
