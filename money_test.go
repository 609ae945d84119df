package paydeck_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
)

func TestPaymentMethod_Fee(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name                string
		amount, rate, fixed int64
		wantFee, wantNet    int64
	}{
		{"Card3_3Percent", 10_000, 330, 0, 330, 9_670},
		{"RoundDown", 1, 4_999, 0, 0, 1},       // 0.4999 → 0
		{"HalfRoundsUp", 5, 1_000, 0, 1, 4},    // 0.5 → 1
		{"JustAboveHalf", 15, 3_334, 0, 5, 10}, // 5.001 → 5
		{"FixedAdded", 50_000, 250, 300, 1_550, 48_450},
		{"FeeCappedAtAmount", 100, 0, 200, 100, 0},
		{"Zero", 0, 330, 0, 0, 0},
		{"FullRate", 999, paydeck.BasisPoints, 0, 999, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := &paydeck.PaymentMethod{FeeRate: tc.rate, FixedFee: tc.fixed}
			fee, net, err := m.Fee(tc.amount)
			require.NoError(t, err)
			require.Equal(t, tc.wantFee, fee)
			require.Equal(t, tc.wantNet, net)
		})
	}
	_, _, err := (&paydeck.PaymentMethod{}).Fee(-1)
	require.Equal(t, paydeck.CodeInvalid, paydeck.ErrorCode(err))
}

func TestOrder_ComputeAmounts(t *testing.T) {
	t.Parallel()
	item := func(price, qty int64) paydeck.OrderItem {
		it, err := paydeck.NewOrderItem(&paydeck.Product{ID: "p", Name: "P", Price: price}, qty)
		require.NoError(t, err)
		return it
	}
	o := &paydeck.Order{Items: []paydeck.OrderItem{item(15_000, 2), item(4_500, 1)}, DiscountAmount: 1_000, ShippingFee: 3_000}
	require.NoError(t, o.ComputeAmounts())
	require.Equal(t, int64(34_500), o.TotalAmount)
	require.Equal(t, int64(36_500), o.FinalAmount)

	for name, bad := range map[string]*paydeck.Order{
		"NoItems":          {},
		"DiscountTooLarge": {Items: []paydeck.OrderItem{item(1_000, 1)}, DiscountAmount: 1_001},
		"NegativeShipping": {Items: []paydeck.OrderItem{item(1_000, 1)}, ShippingFee: -1},
		"TamperedTotal":    {Items: []paydeck.OrderItem{{ProductID: "p", Quantity: 2, UnitPrice: 1_000, TotalPrice: 1}}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, paydeck.CodeInvalid, paydeck.ErrorCode(bad.ComputeAmounts()))
			require.Zero(t, bad.FinalAmount)
		})
	}
	_, err := paydeck.NewOrderItem(&paydeck.Product{Price: 100}, paydeck.MaxItemQuantity+1)
	require.Equal(t, paydeck.CodeInvalid, paydeck.ErrorCode(err))
	_, err = paydeck.NewOrderItem(&paydeck.Product{Price: 100}, 0)
	require.Equal(t, paydeck.CodeInvalid, paydeck.ErrorCode(err))
}

func TestOrder_Payable(t *testing.T) {
	t.Parallel()
	now := mustTime(t, "2026-03-01T10:00:00Z")
	o := &paydeck.Order{OrderID: "ORD1", Status: paydeck.OrderPending, ExpiresAt: now.Add(1)}
	require.NoError(t, o.Payable(now))
	require.Equal(t, paydeck.CodeConflict, paydeck.ErrorCode(o.Payable(now.Add(1))))
	o.Status = paydeck.OrderPaid
	require.Equal(t, paydeck.CodeConflict, paydeck.ErrorCode(o.Payable(now)))
}

func TestPayment_ApplyRefund(t *testing.T) {
	t.Parallel()
	p := &paydeck.Payment{Status: paydeck.PaymentDone, Amount: 10_000, BalanceAmount: 10_000}
	require.NoError(t, p.ApplyRefund(3_000))
	require.Equal(t, int64(7_000), p.BalanceAmount)
	require.Equal(t, paydeck.PaymentPartialCanceled, p.Status)
	require.Equal(t, paydeck.CodeInvalid, paydeck.ErrorCode(p.ApplyRefund(7_001)))
	require.Equal(t, paydeck.CodeInvalid, paydeck.ErrorCode(p.ApplyRefund(0)))
	require.NoError(t, p.ApplyRefund(7_000))
	require.Equal(t, paydeck.PaymentCanceled, p.Status)
	require.Zero(t, p.BalanceAmount)
	require.Equal(t, paydeck.CodeConflict, paydeck.ErrorCode(p.ApplyRefund(1)))
	waiting := &paydeck.Payment{Status: paydeck.PaymentWaitingForDeposit, Amount: 1_000, BalanceAmount: 1_000}
	require.Equal(t, paydeck.CodeConflict, paydeck.ErrorCode(waiting.CanRefund(1_000)))
}

func TestNewOrderID(t *testing.T) {
	t.Parallel()
	// 16:00 UTC is already the next day in Korea.
	id, err := paydeck.NewOrderID(mustTime(t, "2026-03-01T16:00:00Z"), bytes.NewReader([]byte{0xde, 0xad, 0xbe, 0xef}))
	require.NoError(t, err)
	require.Equal(t, "ORD20260302DEADBEEF", id)
	_, err = paydeck.NewOrderID(mustTime(t, "2026-03-01T16:00:00Z"), bytes.NewReader([]byte{1}))
	require.Error(t, err)
	require.False(t, paydeck.ValidTossOrderID("ORD1"))
	require.False(t, paydeck.ValidTossOrderID("ORD 20260302"))
	require.True(t, paydeck.ValidTossOrderID("a-b_C9"))
}

func TestNewUUID(t *testing.T) {
	t.Parallel()
	id, err := paydeck.NewUUID(bytes.NewReader(bytes.Repeat([]byte{0xff}, 16)))
	require.NoError(t, err)
	require.Equal(t, "ffffffff-ffff-4fff-bfff-ffffffffffff", id)
	require.True(t, paydeck.ValidUUID(id))
	require.False(t, paydeck.ValidUUID("FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF"))
	require.False(t, paydeck.ValidUUID("1"))
}

func TestUser_Validate(t *testing.T) {
	t.Parallel()
	u := &paydeck.User{Email: "Kim@Example.com", PasswordHash: "h", Role: paydeck.RoleCustomer}
	require.NoError(t, u.Validate())
	require.Equal(t, "kim@example.com", paydeck.NormalizeEmail(" Kim@Example.COM "))
	for _, email := range []string{"", "kim", "@example.com", "kim@", "a@b@c"} {
		u.Email = email
		require.Equal(t, paydeck.CodeInvalid, paydeck.ErrorCode(u.Validate()), email)
	}
}
