package payment_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/store/storetest"
	"github.com/paydeck/paydeck/toss"
)

// receipts lists Toss's cash receipts of today (sandbox time).
func receipts(t *testing.T, env *apptest.Env) []toss.CashReceipt {
	t.Helper()
	var out []toss.CashReceipt
	for r, err := range env.Toss.CashReceipts.List(ctx, &toss.CashReceiptListParams{RequestDate: env.Clock.SandboxNow()}) {
		require.NoError(t, err)
		out = append(out, r)
	}
	return out
}

var vaRefundAccount = &payment.RefundAccount{Bank: "20", AccountNumber: "1002003004005", HolderName: "홍길동"}

// TestCashReceiptWithVirtualAccount: a 소득공제 receipt asked for with a
// virtual account is issued by Toss after the deposit, stored with its
// number masked, and its refunded part cancelled with the refund.
func TestCashReceiptWithVirtualAccount(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o := env.Order(t, u, apptest.Line(env.TaxFreeProduct(t, 29_900, 10), 1), apptest.Line(env.Product(t, 10_000, 10), 1))
		key := env.AuthorizeWith(t, o, "VIRTUAL_ACCOUNT", map[string]any{
			"cashReceipt": map[string]any{"type": "소득공제", "registrationNumber": "01012345678"}})
		p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
		require.NoError(t, err)
		require.Equal(t, paydeck.PaymentWaitingForDeposit, p.Status)
		require.Nil(t, p.CashReceipt, "issued after the deposit")
		require.Empty(t, receipts(t, env))

		env.Deposit(t, key)
		apptest.WaitFor(t, "deposit", func() bool { return env.PaymentByKey(t, key).Status == paydeck.PaymentDone })
		p = env.PaymentByKey(t, key)
		c := p.CashReceipt
		require.NotNil(t, c)
		require.Equal(t, paydeck.CashReceiptIncomeDeduction, c.Type)
		require.Equal(t, "010****5678", c.Number)
		require.False(t, c.SelfIssued)
		require.Equal(t, o.FinalAmount, c.Amount)
		require.Equal(t, o.TaxFreeAmount, c.TaxFreeAmount)
		require.NotEmpty(t, c.ReceiptURL)
		require.Equal(t, paydeck.CashReceiptIssued, c.Status)
		require.Len(t, receipts(t, env), 1)
		// The deposit mail is the shopper's receipt: tax split and cash receipt.
		var mail *paydeck.OutboxMessage
		storetest.MustView(t, env.DB, func(tx paydeck.Tx) error {
			msgs, _, err := tx.FindOutboxMessages(ctx, paydeck.OutboxFilter{Limit: 50})
			for _, m := range msgs {
				if m.Kind == "deposit_received" {
					mail = m
				}
			}
			return err
		})
		require.NotNil(t, mail)
		require.Contains(t, mail.Text, "면세 금액")
		require.Contains(t, mail.Text, "29,900원")
		require.Contains(t, mail.Text, "1,182원")
		require.Contains(t, mail.Text, "소득공제 010****5678")

		env.Clock.Advance(2 * time.Second)
		_, p, err = env.Payments.Cancel(ctx, apptest.As(env.Admin(t)), key, payment.CancelInput{Reason: "부분 환불",
			Amount: ptr(int64(10_000)), RefundAccount: vaRefundAccount})
		require.NoError(t, err)
		require.Equal(t, int64(10_000), p.CashReceipt.CanceledAmount)
		require.Equal(t, paydeck.CashReceiptIssued, p.CashReceipt.Status)
		rs := receipts(t, env)
		require.Len(t, rs, 2)
		require.Equal(t, toss.CashReceiptCancel, rs[1].TransactionType)
		require.Equal(t, toss.Amount(10_000), rs[1].Amount)
		requireTossTaxSplit(t, env, p)

		env.Clock.Advance(2 * time.Second)
		_, p, err = env.Payments.Cancel(ctx, apptest.As(env.Admin(t)), key, payment.CancelInput{Reason: "전액 환불", RefundAccount: vaRefundAccount})
		require.NoError(t, err)
		require.Equal(t, paydeck.CashReceiptCanceled, p.CashReceipt.Status)
		require.Equal(t, p.CashReceipt.Amount, p.CashReceipt.CanceledAmount)
	})
}

// TestCashReceiptSelfIssued: a cash payment of 100,000 won or more paid
// without a receipt gets a self-issued (자진발급) one to 010-000-1234; a
// smaller one gets none.
func TestCashReceiptSelfIssued(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		small := env.Order(t, u, apptest.Line(env.Product(t, 60_000, 10), 1))
		var bigKey string
		big := env.Order(t, u, apptest.Line(env.Product(t, 100_000, 10), 1))
		for _, o := range []*paydeck.Order{small, big} {
			key := env.AuthorizeWith(t, o, "TRANSFER", map[string]any{"cashReceipt": map[string]any{"type": "미발행"}})
			p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
			require.NoError(t, err)
			require.Equal(t, paydeck.PaymentDone, p.Status)
			if o == small {
				require.Nil(t, p.CashReceipt)
				continue
			}
			bigKey = key
			apptest.WaitFor(t, "self-issued receipt", func() bool { return env.PaymentByKey(t, key).CashReceipt != nil })
			c := env.PaymentByKey(t, key).CashReceipt
			require.True(t, c.SelfIssued)
			require.True(t, c.Separate)
			require.Equal(t, "010***1234", c.Number)
			require.Equal(t, int64(100_000), c.Amount)
			require.Contains(t, env.EventTypes(t, o.ID), string(payment.EventCashReceiptIssued))
			rs := receipts(t, env)
			require.Len(t, rs, 1)
			require.Equal(t, paydeck.SelfIssueNumber, rs[0].CustomerIdentityNumber)

			// A refund cancels the separate receipt's part (paydeck does it, by job).
			env.Clock.Advance(2 * time.Second)
			_, _, err = env.Payments.Cancel(ctx, apptest.As(u), key, payment.CancelInput{Reason: "부분 환불", Amount: ptr(int64(30_000))})
			require.NoError(t, err)
			apptest.WaitFor(t, "receipt cancel", func() bool {
				return env.PaymentByKey(t, key).CashReceipt.CanceledAmount == 30_000
			})
		}
		require.Equal(t, paydeck.CashReceiptIssued, env.PaymentByKey(t, bigKey).CashReceipt.Status)
	})
}

// TestCashReceiptByAdmin: an admin issues a receipt afterwards for a paid
// transfer and cancels it; shoppers may not, cards get none, and numbers
// are checked.
func TestCashReceiptByAdmin(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		admin := apptest.As(env.Admin(t))
		_, card := confirmed(t, env, u, "CARD")
		_, p := confirmed(t, env, u, "TRANSFER")
		in := payment.IssueCashReceiptInput{Type: paydeck.CashReceiptExpenseProof, Number: "123-45-67890"}
		_, err := env.Payments.IssueCashReceipt(ctx, apptest.As(u), p.PaymentKey, in)
		requireCode(t, paydeck.CodeForbidden, err)
		_, err = env.Payments.IssueCashReceipt(ctx, admin, card.PaymentKey, in)
		requireCode(t, paydeck.CodeInvalid, err)
		_, err = env.Payments.IssueCashReceipt(ctx, admin, p.PaymentKey, payment.IssueCashReceiptInput{Type: paydeck.CashReceiptExpenseProof, Number: "12345"})
		requireCode(t, paydeck.CodeInvalid, err)

		got, err := env.Payments.IssueCashReceipt(ctx, admin, p.PaymentKey, in)
		require.NoError(t, err)
		require.Equal(t, paydeck.CashReceiptExpenseProof, got.CashReceipt.Type)
		require.Equal(t, "123***7890", got.CashReceipt.Number)
		require.Equal(t, p.Amount, got.CashReceipt.Amount)
		_, err = env.Payments.IssueCashReceipt(ctx, admin, p.PaymentKey, in)
		requireCode(t, paydeck.CodeConflict, err)

		got, err = env.Payments.CancelCashReceipt(ctx, admin, p.PaymentKey)
		require.NoError(t, err)
		require.Equal(t, paydeck.CashReceiptCanceled, got.CashReceipt.Status)
		_, err = env.Payments.CancelCashReceipt(ctx, admin, p.PaymentKey)
		requireCode(t, paydeck.CodeConflict, err)
		// Issued again after the cancel.
		got, err = env.Payments.IssueCashReceipt(ctx, admin, p.PaymentKey, payment.IssueCashReceiptInput{
			Type: paydeck.CashReceiptIncomeDeduction, Number: "010-9876-5432"})
		require.NoError(t, err)
		require.Equal(t, "010****5432", got.CashReceipt.Number)
		require.Len(t, receipts(t, env), 3)

		// A refund keeps the separate receipt and has paydeck cancel its part.
		env.Clock.Advance(2 * time.Second)
		_, _, err = env.Payments.Cancel(ctx, admin, p.PaymentKey, payment.CancelInput{Reason: "부분 환불", Amount: ptr(int64(5_000))})
		require.NoError(t, err)
		apptest.WaitFor(t, "receipt part cancelled", func() bool {
			c := env.PaymentByKey(t, p.PaymentKey).CashReceipt
			return c.ReceiptKey == got.CashReceipt.ReceiptKey && c.CanceledAmount == 5_000
		})
	})
}

// TestResolveCashReceipt: the checkout's choice is validated and the
// self-issue rule applied.
func TestResolveCashReceipt(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		amount int64
		typ    paydeck.CashReceiptType
		number string
		want   payment.CheckoutCashReceipt
		bad    bool
	}{
		{50_000, "소득공제", "010-1234-5678", payment.CheckoutCashReceipt{Type: "소득공제", RegistrationNumber: "01012345678"}, false},
		{50_000, "지출증빙", "123-45-67890", payment.CheckoutCashReceipt{Type: "지출증빙", RegistrationNumber: "1234567890"}, false},
		{50_000, "미발행", "", payment.CheckoutCashReceipt{Type: "미발행"}, false},
		{99_999, "", "", payment.CheckoutCashReceipt{Type: "미발행"}, false},
		{100_000, "미발행", "", payment.CheckoutCashReceipt{Type: "소득공제", RegistrationNumber: "0100001234", SelfIssued: true}, false},
		{50_000, "소득공제", "02-123-4567", payment.CheckoutCashReceipt{}, true},
		{50_000, "소득공제", "010-1234-567x", payment.CheckoutCashReceipt{}, true},
		{50_000, "지출증빙", "010-1234-5678", payment.CheckoutCashReceipt{}, true},
		{50_000, "영수증", "", payment.CheckoutCashReceipt{}, true},
	} {
		got, err := payment.ResolveCashReceipt(tc.amount, tc.typ, tc.number)
		if tc.bad {
			requireCode(t, paydeck.CodeInvalid, err)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, tc.want, got)
	}
}
