package paydeck_test

import (
	"bytes"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/paydeck/paydeck"
)

// TestPropertyRefunds: whatever refunds are attempted, the balance stays in
// [0, amount], what was refunded equals amount − balance, and the status says
// canceled exactly when nothing is left.
func TestPropertyRefunds(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		amount := rapid.Int64Range(100, 10_000_000).Draw(t, "amount")
		p := &paydeck.Payment{Status: paydeck.PaymentDone, Amount: amount, BalanceAmount: amount}
		var refunded int64
		for _, r := range rapid.SliceOf(rapid.Int64Range(-10, amount+10)).Draw(t, "refunds") {
			balance, status := p.BalanceAmount, p.Status
			if err := p.ApplyRefund(r); err != nil {
				if p.BalanceAmount != balance || p.Status != status {
					t.Fatalf("failed refund %d changed the payment", r)
				}
				continue
			}
			refunded += r
			if p.BalanceAmount < 0 || p.BalanceAmount > p.Amount {
				t.Fatalf("balance %d out of [0, %d]", p.BalanceAmount, p.Amount)
			}
			if refunded != amount-p.BalanceAmount {
				t.Fatalf("refunded %d but balance %d of %d", refunded, p.BalanceAmount, amount)
			}
			if (p.Status == paydeck.PaymentCanceled) != (p.BalanceAmount == 0) {
				t.Fatalf("status %s with balance %d", p.Status, p.BalanceAmount)
			}
		}
	})
}

// walk applies random transitions and checks that once a final status is
// reached nothing changes it.
func walk[S ~string](t *rapid.T, all []S, can func(S, S) error, final func(S) bool) {
	s := all[0]
	reachedFinal := false
	for _, to := range rapid.SliceOf(rapid.SampledFrom(all)).Draw(t, "targets") {
		err := can(s, to)
		if reachedFinal && err == nil {
			t.Fatalf("final status %s changed to %s", s, to)
		}
		if err == nil {
			s = to
		}
		reachedFinal = final(s)
	}
}

func TestPropertyFinalStatusesNeverChange(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		walk(t, paydeck.OrderStatuses, paydeck.OrderStatus.CanTransition, paydeck.OrderStatus.Final)
		walk(t, paydeck.PaymentStatuses, paydeck.PaymentStatus.CanTransition, paydeck.PaymentStatus.Final)
		walk(t, paydeck.RefundStatuses, paydeck.RefundStatus.CanTransition, paydeck.RefundStatus.Final)
	})
}

func TestPropertyFeePlusNetIsAmount(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		m := &paydeck.PaymentMethod{
			FeeRate:  rapid.Int64Range(0, paydeck.BasisPoints).Draw(t, "rate"),
			FixedFee: rapid.Int64Range(0, 10_000).Draw(t, "fixed"),
		}
		amount := rapid.Int64Range(0, 100_000_000_000_000).Draw(t, "amount")
		fee, net, err := m.Fee(amount)
		if err != nil {
			t.Fatal(err)
		}
		if fee+net != amount || fee < 0 || net < 0 {
			t.Fatalf("fee %d + net %d != amount %d (or negative)", fee, net, amount)
		}
	})
}

func TestPropertyOrderIDValidForToss(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		now := time.Unix(rapid.Int64Range(0, 1<<35).Draw(t, "unix"), 0)
		b := rapid.SliceOfN(rapid.Byte(), 4, 4).Draw(t, "random")
		id, err := paydeck.NewOrderID(now, bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if !paydeck.ValidTossOrderID(id) || len(id) != 19 {
			t.Fatalf("order id %q is not valid for Toss", id)
		}
	})
}
