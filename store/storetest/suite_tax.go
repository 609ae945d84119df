package storetest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
)

// testTaxFree checks that the tax type of products and order lines, an
// order's and a refund's tax-free amount and a payment's cash receipt are
// stored and read back (issue 15 §1–2), and that the store refuses an order
// whose tax-free amount disagrees with its lines.
func testTaxFree(t *testing.T, newDB NewDBFunc) {
	db, _ := newClockDB(t, newDB)
	ctx := context.Background()
	user := MustCreateUser(t, db, nil)
	tangerine := MustCreateProduct(t, db, &paydeck.Product{Name: "제주 감귤 5kg", Price: 29_900, TaxFree: true, IsActive: true})
	shirt := MustCreateProduct(t, db, nil)
	MustView(t, db, func(tx paydeck.Tx) error {
		got, err := tx.FindProductByID(ctx, tangerine.ID)
		require.NoError(t, err)
		require.True(t, got.TaxFree)
		require.Equal(t, tangerine, got)
		return nil
	})
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		shirt.TaxFree = true
		require.NoError(t, tx.UpdateProduct(ctx, shirt))
		got, err := tx.FindProductByID(ctx, shirt.ID)
		require.NoError(t, err)
		require.True(t, got.TaxFree)
		shirt.TaxFree = false
		return tx.UpdateProduct(ctx, shirt)
	})

	o := MustPlaceOrder(t, db, user.ID, Line{tangerine, 2}, Line{shirt, 1})
	require.Equal(t, int64(59_800), o.TaxFreeAmount)
	require.True(t, o.Items[0].TaxFree)
	require.False(t, o.Items[1].TaxFree)
	p := MustCreatePayment(t, db, o, paydeck.PaymentDone)
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		p.TaxFreeAmount = o.TaxFreeAmount
		p.VAT = paydeck.VATOf(p.Amount - p.TaxFreeAmount)
		p.SuppliedAmount = p.Amount - p.TaxFreeAmount - p.VAT
		p.CashReceipt = &paydeck.CashReceipt{Type: paydeck.CashReceiptIncomeDeduction, Number: paydeck.MaskIdentity("01012345678"),
			ReceiptKey: "rcpt_1", IssueNumber: "123456789", ReceiptURL: "https://example.test/r", Amount: p.Amount,
			TaxFreeAmount: p.TaxFreeAmount, Status: paydeck.CashReceiptIssued, IssuedAt: tx.Now()}
		return tx.UpdatePayment(ctx, p)
	})
	r := &paydeck.Refund{PaymentID: p.ID, Amount: 10_000, TaxFreeAmount: 8_000, Reason: "부분 환불", Status: paydeck.RefundPending}
	MustUpdate(t, db, func(tx paydeck.Tx) error { return tx.CreateRefund(ctx, r) })
	MustView(t, db, func(tx paydeck.Tx) error {
		got, err := tx.FindOrderByID(ctx, o.ID)
		require.NoError(t, err)
		require.Equal(t, o, got)
		gp, err := tx.FindPaymentByID(ctx, p.ID)
		require.NoError(t, err)
		require.Equal(t, p, gp)
		require.Equal(t, "010****5678", gp.CashReceipt.Number)
		gr, err := tx.FindRefundByID(ctx, r.ID)
		require.NoError(t, err)
		require.Equal(t, int64(8_000), gr.TaxFreeAmount)
		return nil
	})
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		p.CashReceipt = nil
		return tx.UpdatePayment(ctx, p)
	})
	MustView(t, db, func(tx paydeck.Tx) error {
		gp, err := tx.FindPaymentByID(ctx, p.ID)
		require.NoError(t, err)
		require.Nil(t, gp.CashReceipt)
		return nil
	})
	t.Run("TamperedTaxFreeAmount", func(t *testing.T) {
		err := db.Update(ctx, func(tx paydeck.Tx) error {
			bad, err := PlaceOrder(ctx, tx, user.ID, Line{tangerine, 1})
			if err != nil {
				return err
			}
			bad.TaxFreeAmount = 0
			return tx.UpdateOrder(ctx, bad)
		})
		requireCode(t, paydeck.CodeInvalid, err)
	})
}
