package report_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/report"
	"github.com/paydeck/paydeck/store"
	"github.com/paydeck/paydeck/store/storetest"
)

// TestStatsAndSettlements: one card payment approved in the range and
// partly refunded, one aborted attempt, one payment approved the day after.
func TestStatsAndSettlements(t *testing.T) {
	t.Parallel()
	storetest.EachEngine(t, func(t *testing.T, db store.DB) {
		ctx := context.Background()
		u := storetest.MustCreateUser(t, db, nil)
		pr := storetest.MustCreateProduct(t, db, &paydeck.Product{Price: 10_000, StockQuantity: 10, IsActive: true})
		order := func() *paydeck.Order {
			return storetest.MustPlaceOrder(t, db, u.ID, storetest.Line{Product: pr, Qty: 1})
		}
		done := storetest.MustCreatePayment(t, db, order(), paydeck.PaymentDone)
		storetest.MustCreatePayment(t, db, order(), paydeck.PaymentAborted)
		later := storetest.MustCreatePayment(t, db, order(), paydeck.PaymentDone)
		storetest.MustUpdate(t, db, func(tx paydeck.Tx) error {
			next := later.ApprovedAt.AddDate(0, 0, 2)
			later.ApprovedAt = &next
			if err := tx.UpdatePayment(ctx, later); err != nil {
				return err
			}
			now := tx.Now()
			r := &paydeck.Refund{PaymentID: done.ID, Amount: 3_000, Reason: "partial", Status: paydeck.RefundCompleted, CompletedAt: &now}
			if err := tx.CreateRefund(ctx, r); err != nil {
				return err
			}
			if err := done.ApplyRefund(3_000); err != nil {
				return err
			}
			if err := tx.UpdatePayment(ctx, done); err != nil {
				return err
			}
			return tx.CreatePaymentMethod(ctx, &paydeck.PaymentMethod{Name: "카드", Type: paydeck.MethodCard, IsActive: true, FeeRate: 250})
		})
		day := done.ApprovedAt.In(paydeck.KST)
		from := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, paydeck.KST)
		to := from.AddDate(0, 0, 1)

		var st report.Stats
		var set report.Settlements
		storetest.MustView(t, db, func(tx paydeck.Tx) (err error) {
			if st, err = report.ComputeStats(ctx, tx, from, to); err != nil {
				return err
			}
			set, err = report.ComputeSettlements(ctx, tx, from, to)
			return err
		})
		amount := done.Amount
		tot := st.Totals
		require.Equal(t, int64(3), tot.AttemptCount, "every payment was created today")
		require.Equal(t, int64(1), tot.ApprovedCount)
		require.Equal(t, amount, tot.ApprovedAmount)
		require.Equal(t, int64(1), tot.RefundCount)
		require.Equal(t, int64(3_000), tot.RefundedAmount)
		require.Equal(t, amount-3_000, tot.Revenue)
		require.Equal(t, int64(6_666), tot.ApprovalRateBp, "2 of 3 decided attempts were approved (the later one too)")
		require.Len(t, st.ByDay, 1)
		require.Equal(t, from.Format(time.DateOnly), st.ByDay[0].Date)
		require.Len(t, st.ByMethod, 1)
		require.Equal(t, "card", st.ByMethod[0].Method)

		require.Len(t, set.Items, 1)
		it := set.Items[0]
		kept := amount - 3_000
		fee := (kept*250 + 5_000) / 10_000
		require.Equal(t, done.PaymentKey, it.PaymentKey)
		require.Equal(t, kept, it.KeptAmount)
		require.Equal(t, fee, it.Fee)
		require.Equal(t, kept-fee, it.NetAmount)
		require.Equal(t, set.Totals.NetAmount, it.NetAmount)

		csv, err := set.CSV()
		require.NoError(t, err)
		lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
		require.Len(t, lines, 3)
		require.True(t, strings.HasPrefix(lines[0], "paymentKey,orderId,method,status,approvedAt,amount"))
		require.True(t, strings.HasPrefix(lines[1], done.PaymentKey+","))
		require.True(t, strings.HasPrefix(lines[2], "TOTAL,"))
	})
}
