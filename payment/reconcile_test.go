package payment_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/store/storetest"
	"github.com/paydeck/paydeck/toss"
)

func TestReconcileFindsMismatches(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		_, ok := confirmed(t, env, u, "CARD")
		_, tampered := confirmed(t, env, u, "CARD")
		_, refunded := confirmed(t, env, u, "CARD")
		_, _, err := env.Payments.Cancel(ctx, apptest.As(u), refunded.PaymentKey, payment.CancelInput{Reason: "r", Amount: ptr(int64(1000))})
		require.NoError(t, err)

		// Injected: a local amount that differs, and a payment approved at
		// Toss that paydeck never recorded.
		storetest.MustUpdate(t, env.DB, func(tx paydeck.Tx) error {
			p, err := tx.FindPaymentByID(ctx, tampered.ID)
			if err != nil {
				return err
			}
			p.Amount, p.BalanceAmount = p.Amount+1, p.BalanceAmount+1
			return tx.UpdatePayment(ctx, p)
		})
		stray := &paydeck.Order{OrderID: "STRAY-0001", FinalAmount: 7000}
		strayKey := env.Authorize(t, stray, "CARD")
		_, err = env.Toss.Payments.Confirm(ctx, &toss.ConfirmParams{PaymentKey: strayKey, OrderID: stray.OrderID, Amount: 7000})
		require.NoError(t, err)

		date := env.Clock.Now().In(paydeck.KST).Format("2006-01-02")
		rep, err := env.Payments.Reconcile(ctx, date)
		require.NoError(t, err)
		var r payment.Report
		require.NoError(t, json.Unmarshal(rep.Report, &r))
		require.Equal(t, date, r.Date)
		require.Equal(t, 4, r.TossApprovals)
		require.Equal(t, 3, r.LocalApprovals)
		require.Equal(t, 2, r.Matched, "ok and the partially refunded one")
		kinds := map[string]string{}
		for _, m := range r.Mismatches {
			kinds[m.PaymentKey] = m.Kind
		}
		require.Equal(t, map[string]string{tampered.PaymentKey: payment.MismatchAmount, strayKey: payment.MismatchMissingLocally}, kinds)
		require.NotContains(t, kinds, ok.PaymentKey)

		var stored []*paydeck.ReconciliationReport
		storetest.MustView(t, env.DB, func(tx paydeck.Tx) (err error) {
			stored, _, err = tx.FindReconciliationReports(ctx, paydeck.ReconciliationReportFilter{Date: &date})
			return err
		})
		require.Len(t, stored, 1)
		require.JSONEq(t, string(rep.Report), string(stored[0].Report))

		_, err = env.Payments.Reconcile(ctx, "2026-13-01")
		requireCode(t, paydeck.CodeInvalid, err)
	})
}

// TestReconcileTaxSplit: the report carries the day's tax split and flags
// a payment whose tax-free part or VAT differs from Toss's.
func TestReconcileTaxSplit(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		var keys []string
		for range 2 {
			o := env.Order(t, u, apptest.Line(env.TaxFreeProduct(t, 29_900, 10), 1), apptest.Line(env.Product(t, 10_000, 10), 1))
			key := env.Authorize(t, o, "CARD")
			_, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
			require.NoError(t, err)
			keys = append(keys, key)
		}
		storetest.MustUpdate(t, env.DB, func(tx paydeck.Tx) error {
			p, err := tx.FindPaymentByKey(ctx, keys[1])
			if err != nil {
				return err
			}
			p.TaxFreeAmount, p.VAT = p.TaxFreeAmount-1000, p.VAT+91 // as if paydeck had charged VAT on 1,000 won more
			return tx.UpdatePayment(ctx, p)
		})
		rep, err := env.Payments.Reconcile(ctx, env.Clock.Now().In(paydeck.KST).Format("2006-01-02"))
		require.NoError(t, err)
		var r payment.Report
		require.NoError(t, json.Unmarshal(rep.Report, &r))
		require.Equal(t, 1, r.Matched)
		require.Len(t, r.Mismatches, 1)
		m := r.Mismatches[0]
		require.Equal(t, payment.MismatchTax, m.Kind)
		require.Equal(t, keys[1], m.PaymentKey)
		require.Equal(t, int64(28_900), m.LocalTaxFreeAmount)
		require.Equal(t, int64(29_900), m.TossTaxFreeAmount)
		require.Equal(t, int64(1_182), m.TossVAT)
		require.Equal(t, int64(29_900+28_900), r.TaxFreeAmount)
		require.Equal(t, int64(1_182+1_273), r.VAT)
	})
}
