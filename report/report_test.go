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

// TestSettlementsCarryTaxSplit: a settlement row and the CSV carry the
// payment's tax-free part, supplied amount and VAT of what was kept, and
// the cash receipt standing for it.
func TestSettlementsCarryTaxSplit(t *testing.T) {
	t.Parallel()
	storetest.EachEngine(t, func(t *testing.T, db store.DB) {
		ctx := context.Background()
		u := storetest.MustCreateUser(t, db, nil)
		tangerine := storetest.MustCreateProduct(t, db, &paydeck.Product{Price: 29_900, StockQuantity: 10, IsActive: true, TaxFree: true})
		soap := storetest.MustCreateProduct(t, db, &paydeck.Product{Price: 13_000, StockQuantity: 10, IsActive: true})
		o := storetest.MustPlaceOrder(t, db, u.ID, storetest.Line{Product: tangerine, Qty: 1}, storetest.Line{Product: soap, Qty: 1})
		p := storetest.MustCreatePayment(t, db, o, paydeck.PaymentDone)
		storetest.MustUpdate(t, db, func(tx paydeck.Tx) error {
			p.Method = paydeck.MethodVirtualAccount
			p.TaxFreeAmount = o.TaxFreeAmount
			p.VAT = paydeck.VATOf(p.BalanceAmount - p.TaxFreeAmount)
			p.SuppliedAmount = p.BalanceAmount - p.TaxFreeAmount - p.VAT
			p.CashReceipt = &paydeck.CashReceipt{Type: paydeck.CashReceiptIncomeDeduction, Number: "010****5678",
				Amount: p.Amount, Status: paydeck.CashReceiptIssued, IssuedAt: tx.Now()}
			return tx.UpdatePayment(ctx, p)
		})
		day := p.ApprovedAt.In(paydeck.KST)
		from := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, paydeck.KST)
		var set report.Settlements
		storetest.MustView(t, db, func(tx paydeck.Tx) (err error) {
			set, err = report.ComputeSettlements(ctx, tx, from, from.AddDate(0, 0, 1))
			return err
		})
		require.Len(t, set.Items, 1)
		it := set.Items[0]
		require.Equal(t, int64(29_900), it.TaxFreeAmount)
		require.Equal(t, int64(1_182), it.VAT, "round(13,000 / 11)")
		require.Equal(t, int64(11_818), it.SuppliedAmount)
		require.Equal(t, it.KeptAmount, it.TaxFreeAmount+it.SuppliedAmount+it.VAT)
		require.Equal(t, "소득공제", it.CashReceipt)
		require.Equal(t, int64(1_182), set.Totals.VAT)
		csv, err := set.CSV()
		require.NoError(t, err)
		lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
		require.True(t, strings.HasSuffix(lines[0], ",taxFreeAmount,suppliedAmount,vat,cashReceipt,couponCode,discountAmount"))
		require.True(t, strings.HasSuffix(lines[1], ",29900,11818,1182,소득공제,,0"), lines[1])
		require.True(t, strings.HasSuffix(lines[2], ",29900,11818,1182,,,0"), lines[2])
	})
}
