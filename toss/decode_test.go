package toss_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/toss"
)

func decodePayment(t *testing.T, data []byte) toss.Payment {
	t.Helper()
	var p toss.Payment
	require.NoError(t, json.Unmarshal(data, &p))
	return p
}

func TestDecodeCardDone(t *testing.T) {
	t.Parallel()
	p := decodePayment(t, fixture(t, "payment_card_done.json"))

	require.Equal(t, "2022-11-16", p.Version)
	require.Equal(t, "tviva20250301101530Qx7Lm", p.PaymentKey)
	require.Equal(t, toss.PaymentTypeNormal, p.Type)
	require.Equal(t, "tvivarepublica", p.MID)
	require.Equal(t, "KRW", p.Currency)
	require.Equal(t, toss.Amount(13636), p.SuppliedAmount)
	require.Equal(t, toss.Amount(1364), p.VAT)
	require.Equal(t, time.Date(2025, 3, 1, 10, 15, 30, 0, toss.KST).Unix(), p.RequestedAt.Unix())
	require.NotNil(t, p.ApprovedAt)
	require.Equal(t, "2025-03-01T10:16:02+09:00", p.ApprovedAt.Format(time.RFC3339))
	require.Equal(t, false, *p.UseEscrow)
	require.True(t, p.IsPartialCancelable)
	require.Nil(t, p.Cancels)
	require.Nil(t, p.Secret)
	require.Nil(t, p.VirtualAccount)
	require.Nil(t, p.EasyPay)
	require.Nil(t, p.Failure)
	require.Nil(t, p.Metadata)
	require.Equal(t, "KR", p.Country)
	require.Equal(t, "https://api.tosspayments.com/v1/payments/tviva20250301101530Qx7Lm/checkout", p.Checkout.URL)
	require.Contains(t, p.Receipt.URL, "dashboard.tosspayments.com")
	require.Equal(t, &toss.Card{
		Amount: 15000, IssuerCode: "61", AcquirerCode: toss.Ptr("31"), Number: "43301234****123*",
		InstallmentPlanMonths: 0, ApproveNo: "00000000", CardType: toss.CardTypeCredit,
		OwnerType: toss.OwnerTypePersonal, AcquireStatus: toss.AcquireReady,
	}, p.Card)
}

func TestDecodeEasyPay(t *testing.T) {
	t.Parallel()
	p := decodePayment(t, fixture(t, "payment_easypay.json"))

	require.Equal(t, toss.MethodEasyPay, p.Method)
	require.Nil(t, p.Card)
	require.Equal(t, &toss.EasyPay{Provider: toss.EasyPayTossPay, Amount: 8026, DiscountAmount: 1000}, p.EasyPay)
	require.Equal(t, p.TotalAmount, p.EasyPay.Amount+p.EasyPay.DiscountAmount)
	require.Equal(t, toss.Amount(8026), *p.EasyPayAmount)
	require.Nil(t, p.UseEscrow, "an omitted nullable field stays nil")
	require.Equal(t, map[string]string{"cartId": "c-77"}, p.Metadata)
	require.Equal(t, "ps_Zx98Yw76Vu54Ts32Rq10Po98", *p.Secret)
}

func TestDecodeEnglishAndUnknownValues(t *testing.T) {
	t.Parallel()
	p := decodePayment(t, []byte(`{
		"paymentKey":"pk","status":"SOMETHING_NEW","method":"CARD","type":"NEW_TYPE",
		"requestedAt":"2025-03-01T10:15:30+09:00","approvedAt":null,
		"totalAmount":1000.0,"balanceAmount":"1000",
		"card":{"cardType":"CREDIT","ownerType":"PERSONAL","interestPayer":null,"acquireStatus":"NEW"},
		"virtualAccount":{"accountType":"FIXED","dueDate":"2025-03-08T10:20:11"},
		"cashReceipts":[{"receiptKey":"rk","type":"지출증빙","requestedAt":"2025-03-01T12:00:00+09:00"}],
		"futureObject":{"a":[1,{"b":null}]}
	}`))
	require.Equal(t, toss.PaymentStatus("SOMETHING_NEW"), p.Status)
	require.Equal(t, toss.PaymentType("NEW_TYPE"), p.Type)
	require.Equal(t, toss.MethodCard, p.Method)
	require.Equal(t, toss.Amount(1000), p.TotalAmount)
	require.Equal(t, toss.Amount(1000), p.BalanceAmount)
	require.Nil(t, p.ApprovedAt)
	require.Equal(t, toss.CardTypeCredit, p.Card.CardType)
	require.Equal(t, toss.OwnerTypePersonal, p.Card.OwnerType)
	require.Equal(t, toss.InterestPayer(""), p.Card.InterestPayer)
	require.Equal(t, toss.AcquireStatus("NEW"), p.Card.AcquireStatus)
	require.Equal(t, toss.AccountTypeFixed, p.VirtualAccount.AccountType)
	require.Equal(t, time.Date(2025, 3, 8, 10, 20, 11, 0, toss.KST), p.VirtualAccount.DueDate, "no offset means Korea time")
	require.Equal(t, toss.CashReceiptExpenseProof, p.CashReceipts[0].Type)
	require.NotNil(t, p.CashReceipts[0].RequestedAt)
}

func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"fractional amount": `{"totalAmount":10.5}`,
		"bad timestamp":     `{"requestedAt":"yesterday"}`,
		"numeric timestamp": `{"requestedAt":12}`,
		"enum not a string": `{"method":5}`,
		"amount not number": `{"totalAmount":"ten"}`,
	} {
		var p toss.Payment
		require.Error(t, json.Unmarshal([]byte(body), &p), name)
	}
	var p toss.Payment
	require.ErrorIs(t, json.Unmarshal([]byte(`{"totalAmount":10.5}`), &p), toss.ErrFractionalAmount)
}

func TestPaymentRoundTrip(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"payment_card_done.json", "payment_va_waiting.json", "payment_partial_cancel.json", "payment_easypay.json"} {
		p := decodePayment(t, fixture(t, name))
		out, err := json.Marshal(p)
		require.NoError(t, err)
		again := decodePayment(t, out)
		require.Equal(t, normalize(t, p), normalize(t, again), name)
		require.Contains(t, string(out), `"requestedAt":"`+p.RequestedAt.Format(time.RFC3339)+`"`)
	}
}

// normalize re-encodes a payment so zones compare by offset, not pointer.
func normalize(t *testing.T, p toss.Payment) string {
	t.Helper()
	b, err := json.Marshal(p)
	require.NoError(t, err)
	return string(b)
}

func TestAmountDecoding(t *testing.T) {
	t.Parallel()
	ok := map[string]toss.Amount{
		`1000`: 1000, `1000.0`: 1000, `1000.000`: 1000, `1e3`: 1000, `1.5e1`: 15, `-200`: -200,
		`"1000"`: 1000, `"1000.0"`: 1000, `null`: 0, `0`: 0, `9223372036854775807`: 9223372036854775807,
	}
	for in, want := range ok {
		var a toss.Amount
		require.NoError(t, json.Unmarshal([]byte(in), &a), in)
		require.Equal(t, want, a, in)
	}
	for _, in := range []string{`10.5`, `0.01`, `1e-2`, `9223372036854775808`, `1e999999999`, `"x"`, `true`, `""`, `[]`} {
		var a toss.Amount
		require.Error(t, json.Unmarshal([]byte(in), &a), in)
	}
	b, err := json.Marshal(struct{ A toss.Amount }{15000})
	require.NoError(t, err)
	require.Equal(t, `{"A":15000}`, string(b))
}
