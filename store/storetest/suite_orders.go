package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
)

func testOrders(t *testing.T, newDB NewDBFunc) {
	db, _ := newClockDB(t, newDB)
	ctx := context.Background()
	kim, lee := MustCreateUser(t, db, nil), MustCreateUser(t, db, nil)
	shirt := MustCreateProduct(t, db, nil)
	ebook := MustCreateProduct(t, db, &paydeck.Product{Price: 9_900, IsDigital: true, IsActive: true})

	o1 := MustPlaceOrder(t, db, kim.ID, Line{shirt, 2}, Line{ebook, 1})
	o2 := MustPlaceOrder(t, db, kim.ID, Line{ebook, 3})
	o3 := MustPlaceOrder(t, db, lee.ID, Line{shirt, 1})
	require.True(t, paydeck.ValidTossOrderID(o1.OrderID))
	require.Equal(t, "ORD20260301", o1.OrderID[:11])
	require.Equal(t, int64(29_900), o1.FinalAmount)
	require.Len(t, o1.Items, 2)
	require.Equal(t, o1.ID, o1.Items[0].OrderID)

	MustView(t, db, func(tx paydeck.Tx) error {
		got, err := tx.FindOrderByID(ctx, o1.ID)
		require.NoError(t, err)
		require.Equal(t, o1, got)
		got, err = tx.FindOrderByOrderID(ctx, o1.OrderID)
		require.NoError(t, err)
		require.Equal(t, o1, got)
		_, err = tx.FindOrderByOrderID(ctx, "ORD-missing")
		requireCode(t, paydeck.CodeNotFound, err)
		orders, total, err := tx.FindOrders(ctx, paydeck.OrderFilter{UserID: &kim.ID})
		require.NoError(t, err)
		require.Equal(t, 2, total)
		require.Equal(t, []*paydeck.Order{o2, o1}, orders, "newest first, with items")
		return nil
	})

	t.Run("LockAndTransition", func(t *testing.T) {
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			o, err := tx.LockOrderByOrderID(ctx, o1.OrderID)
			require.NoError(t, err)
			require.NoError(t, o.Transition(paydeck.OrderPaid, tx.Now()))
			require.NoError(t, tx.UpdateOrder(ctx, o))
			o1 = o
			return nil
		})
		MustView(t, db, func(tx paydeck.Tx) error {
			got, err := tx.FindOrderByID(ctx, o1.ID)
			require.NoError(t, err)
			require.Equal(t, o1, got)
			require.NotNil(t, got.PaidAt)
			return nil
		})
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			o, err := tx.LockOrderByID(ctx, o3.ID)
			require.NoError(t, err)
			require.Equal(t, o3, o)
			return nil
		})
	})
	t.Run("FilterPendingPastExpiry", func(t *testing.T) {
		MustView(t, db, func(tx paydeck.Tx) error {
			before := o3.ExpiresAt.Add(time.Microsecond)
			orders, total, err := tx.FindOrders(ctx, paydeck.OrderFilter{
				Statuses: []paydeck.OrderStatus{paydeck.OrderPending}, ExpiresBefore: &before})
			require.NoError(t, err)
			require.Equal(t, 2, total)
			require.Equal(t, []string{o3.ID, o2.ID}, []string{orders[0].ID, orders[1].ID})
			before = o3.ExpiresAt
			_, total, err = tx.FindOrders(ctx, paydeck.OrderFilter{
				Statuses: []paydeck.OrderStatus{paydeck.OrderPending}, ExpiresBefore: &before})
			require.NoError(t, err)
			require.Equal(t, 1, total)
			from := o2.CreatedAt
			_, total, err = tx.FindOrders(ctx, paydeck.OrderFilter{CreatedFrom: &from, CreatedBefore: &o3.CreatedAt})
			require.NoError(t, err)
			require.Equal(t, 1, total)
			return nil
		})
	})
	t.Run("DuplicateOrderID", func(t *testing.T) {
		err := db.Update(ctx, func(tx paydeck.Tx) error {
			o := &paydeck.Order{OrderID: o1.OrderID, UserID: kim.ID, Status: paydeck.OrderPending,
				ShippingName: "x", ExpiresAt: tx.Now().Add(time.Hour)}
			it, err := paydeck.NewOrderItem(shirt, 1)
			require.NoError(t, err)
			o.Items = append(o.Items, it)
			require.NoError(t, o.ComputeAmounts())
			return tx.CreateOrder(ctx, o)
		})
		requireCode(t, paydeck.CodeConflict, err)
	})
	t.Run("TamperedAmount", func(t *testing.T) {
		err := db.Update(ctx, func(tx paydeck.Tx) error {
			o := &paydeck.Order{UserID: kim.ID, Status: paydeck.OrderPending, ExpiresAt: tx.Now().Add(time.Hour)}
			it, err := paydeck.NewOrderItem(shirt, 1)
			require.NoError(t, err)
			o.Items = append(o.Items, it)
			require.NoError(t, o.ComputeAmounts())
			o.FinalAmount--
			return tx.CreateOrder(ctx, o)
		})
		requireCode(t, paydeck.CodeInvalid, err)
	})
	t.Run("TimesKeptAtMicroseconds", func(t *testing.T) {
		var o *paydeck.Order
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			o = &paydeck.Order{UserID: kim.ID, Status: paydeck.OrderPending,
				ExpiresAt: time.Date(2026, 3, 1, 10, 0, 0, 999_999_999, paydeck.KST)}
			it, err := paydeck.NewOrderItem(ebook, 1)
			require.NoError(t, err)
			o.Items = append(o.Items, it)
			require.NoError(t, o.ComputeAmounts())
			return tx.CreateOrder(ctx, o)
		})
		require.Equal(t, time.Date(2026, 3, 1, 1, 0, 0, 999_999_000, time.UTC), o.ExpiresAt)
		MustView(t, db, func(tx paydeck.Tx) error {
			got, err := tx.FindOrderByID(ctx, o.ID)
			require.NoError(t, err)
			require.Equal(t, o, got)
			return nil
		})
	})
	t.Run("MissingUser", func(t *testing.T) {
		err := db.Update(ctx, func(tx paydeck.Tx) error {
			_, err := PlaceOrder(ctx, tx, "00000000-0000-4000-8000-000000000000", Line{ebook, 1})
			return err
		})
		requireCode(t, paydeck.CodeConflict, err)
	})
}

func testPayments(t *testing.T, newDB NewDBFunc) {
	db, _, o, card := withDonePayment(t, newDB)
	ctx := context.Background()
	var va *paydeck.Payment
	MustUpdate(t, db, func(tx paydeck.Tx) error {
		expires := tx.Now().Add(time.Hour)
		va = &paydeck.Payment{PaymentKey: "tviva_key", OrderID: o.ID, Method: paydeck.MethodVirtualAccount,
			Status: paydeck.PaymentWaitingForDeposit, Amount: o.FinalAmount, BalanceAmount: o.FinalAmount,
			SuppliedAmount: 9_091, VAT: 909, MethodDetails: json.RawMessage(`{"accountType":"일반","bank":"20"}`),
			VirtualAccount: &paydeck.VirtualAccount{BankCode: "20", AccountNumber: "X6516549010950",
				CustomerName: "홍길동", DueDate: expires}, Secret: "ps_secret", ExpiresAt: &expires,
			ReceiptURL: "https://dashboard.tosspayments.com/receipt/redirection?transactionId=tviva"}
		return tx.CreatePayment(ctx, va)
	})
	pending := &paydeck.Payment{OrderID: o.ID, Status: paydeck.PaymentReady, Amount: 1, BalanceAmount: 1}
	pending2 := &paydeck.Payment{OrderID: o.ID, Status: paydeck.PaymentReady, Amount: 1, BalanceAmount: 1}
	// Two payments without a key.
	MustUpdate(t, db, func(tx paydeck.Tx) error { return tx.CreatePayment(ctx, pending) })
	MustUpdate(t, db, func(tx paydeck.Tx) error { return tx.CreatePayment(ctx, pending2) })

	MustView(t, db, func(tx paydeck.Tx) error {
		got, err := tx.FindPaymentByKey(ctx, "tviva_key")
		require.NoError(t, err)
		require.JSONEq(t, string(va.MethodDetails), string(got.MethodDetails))
		got.MethodDetails = va.MethodDetails
		require.Equal(t, va, got)
		got, err = tx.FindPaymentByID(ctx, card.ID)
		require.NoError(t, err)
		require.Equal(t, card, got)
		require.Nil(t, got.VirtualAccount)
		_, err = tx.FindPaymentByKey(ctx, "")
		requireCode(t, paydeck.CodeNotFound, err)
		ps, total, err := tx.FindPayments(ctx, paydeck.PaymentFilter{OrderID: &o.ID})
		require.NoError(t, err)
		require.Equal(t, 4, total)
		require.Equal(t, pending2.ID, ps[0].ID)
		due := va.VirtualAccount.DueDate.Add(time.Microsecond)
		ps, _, err = tx.FindPayments(ctx, paydeck.PaymentFilter{
			Statuses: []paydeck.PaymentStatus{paydeck.PaymentWaitingForDeposit}, DueBefore: &due})
		require.NoError(t, err)
		require.Len(t, ps, 1)
		require.Equal(t, va.ID, ps[0].ID)
		due = va.VirtualAccount.DueDate
		_, total, err = tx.FindPayments(ctx, paydeck.PaymentFilter{DueBefore: &due})
		require.NoError(t, err)
		require.Zero(t, total)
		from := *card.ApprovedAt
		ps, _, err = tx.FindPayments(ctx, paydeck.PaymentFilter{ApprovedFrom: &from})
		require.NoError(t, err)
		require.Len(t, ps, 1)
		require.Equal(t, card.ID, ps[0].ID)
		return nil
	})
	t.Run("DuplicateKey", func(t *testing.T) {
		err := db.Update(ctx, func(tx paydeck.Tx) error {
			return tx.CreatePayment(ctx, &paydeck.Payment{PaymentKey: card.PaymentKey, OrderID: o.ID,
				Status: paydeck.PaymentReady})
		})
		requireCode(t, paydeck.CodeConflict, err)
		err = db.Update(ctx, func(tx paydeck.Tx) error {
			pending.PaymentKey = card.PaymentKey
			return tx.UpdatePayment(ctx, pending)
		})
		requireCode(t, paydeck.CodeConflict, err)
	})
	t.Run("LockAndUpdate", func(t *testing.T) {
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			p, err := tx.LockPaymentByKey(ctx, va.PaymentKey)
			require.NoError(t, err)
			require.NoError(t, p.Transition(paydeck.PaymentDone))
			now := tx.Now()
			p.ApprovedAt, p.TransactionKey, p.MethodDetails = &now, "txkey", nil
			p.ReceiptURL = "https://dashboard.tosspayments.com/receipt/redirection?transactionId=txkey"
			require.NoError(t, tx.UpdatePayment(ctx, p))
			va = p
			return nil
		})
		MustView(t, db, func(tx paydeck.Tx) error {
			got, err := tx.FindPaymentByID(ctx, va.ID)
			require.NoError(t, err)
			require.Equal(t, va, got)
			return nil
		})
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			_, err := tx.LockPaymentByID(ctx, card.ID)
			return err
		})
	})
	t.Run("BalanceAboveAmount", func(t *testing.T) {
		err := db.Update(ctx, func(tx paydeck.Tx) error {
			card.BalanceAmount = card.Amount + 1
			return tx.UpdatePayment(ctx, card)
		})
		requireCode(t, paydeck.CodeInvalid, err)
	})
}

func testRefunds(t *testing.T, newDB NewDBFunc) {
	db, _ := newClockDB(t, newDB)
	ctx := context.Background()
	user := MustCreateUser(t, db, nil)
	o := MustPlaceOrder(t, db, user.ID, Line{MustCreateProduct(t, db, nil), 1})
	p := MustCreatePayment(t, db, o, paydeck.PaymentDone)
	r1 := &paydeck.Refund{PaymentID: p.ID, IdempotencyKey: "client-key-1", Amount: 3_000, Reason: "단순 변심",
		Status: paydeck.RefundPending, Account: &paydeck.RefundAccount{BankCode: "88", AccountNumber: "110123456789", HolderName: "홍길동"}}
	r2 := &paydeck.Refund{PaymentID: p.ID, Amount: 1_000, Reason: "partial", Status: paydeck.RefundPending}
	MustUpdate(t, db, func(tx paydeck.Tx) error { return tx.CreateRefund(ctx, r1) })
	MustUpdate(t, db, func(tx paydeck.Tx) error { return tx.CreateRefund(ctx, r2) })
	require.NotEmpty(t, r2.IdempotencyKey, "generated when empty")

	t.Run("SameKeyConflictsAndTxStaysUsable", func(t *testing.T) {
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			err := tx.CreateRefund(ctx, &paydeck.Refund{PaymentID: p.ID, IdempotencyKey: "client-key-1", Amount: 3_000,
				Reason: "retry", Status: paydeck.RefundPending})
			requireCode(t, paydeck.CodeConflict, err)
			got, err := tx.FindRefundByKey(ctx, p.ID, "client-key-1")
			require.NoError(t, err)
			require.Equal(t, r1, got)
			return nil
		})
	})
	t.Run("UpdateAndFind", func(t *testing.T) {
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			require.NoError(t, r1.Transition(paydeck.RefundCompleted, tx.Now()))
			r1.TransactionKey = "cancel-tx"
			return tx.UpdateRefund(ctx, r1)
		})
		MustUpdate(t, db, func(tx paydeck.Tx) error {
			require.NoError(t, r2.Transition(paydeck.RefundFailed, tx.Now()))
			r2.ErrorCode, r2.ErrorMessage = "NOT_CANCELABLE_AMOUNT", "취소 할 수 없는 금액 입니다."
			return tx.UpdateRefund(ctx, r2)
		})
		MustView(t, db, func(tx paydeck.Tx) error {
			got, err := tx.FindRefundByID(ctx, r1.ID)
			require.NoError(t, err)
			require.Equal(t, r1, got)
			rs, total, err := tx.FindRefunds(ctx, paydeck.RefundFilter{PaymentID: &p.ID})
			require.NoError(t, err)
			require.Equal(t, 2, total)
			require.Equal(t, []*paydeck.Refund{r1, r2}, rs)
			rs, _, err = tx.FindRefunds(ctx, paydeck.RefundFilter{Statuses: []paydeck.RefundStatus{paydeck.RefundFailed}})
			require.NoError(t, err)
			require.Equal(t, []*paydeck.Refund{r2}, rs)
			return nil
		})
	})
	t.Run("MissingPayment", func(t *testing.T) {
		err := db.Update(ctx, func(tx paydeck.Tx) error {
			return tx.CreateRefund(ctx, &paydeck.Refund{PaymentID: "00000000-0000-4000-8000-000000000000", Amount: 1,
				Reason: "x", Status: paydeck.RefundPending})
		})
		requireCode(t, paydeck.CodeConflict, err)
	})
}
