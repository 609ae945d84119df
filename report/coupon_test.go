package report_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/report"
)

// TestReportsShowDiscounts: a coupon order paid by card and partly
// refunded; the stats count its discount, the settlement row and CSV carry
// the code and the discount, and the money columns are what was paid.
func TestReportsShowDiscounts(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		ctx := context.Background()
		u := env.Customer(t)
		require.NoError(t, env.DB.Update(ctx, func(tx paydeck.Tx) error {
			return tx.CreateCoupon(ctx, &paydeck.Coupon{Code: "TENOFF", Kind: paydeck.CouponPercent, Value: 10})
		}))
		o, err := env.Payments.CreateOrder(ctx, apptest.As(u), payment.OrderInput{
			Items: []payment.OrderLine{apptest.Line(env.Product(t, 40_000, 10), 1)}, CouponCode: "TENOFF",
			Shipping: payment.Shipping{Name: "홍길동", Address: "서울"}})
		require.NoError(t, err)
		require.Equal(t, int64(40_000-4000+3000), o.FinalAmount)
		key := env.Authorize(t, o, "CARD")
		p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
		require.NoError(t, err)
		part := int64(9000)
		_, _, err = env.Payments.Cancel(ctx, apptest.As(env.Admin(t)), key, payment.CancelInput{Reason: "부분 환불", Amount: &part})
		require.NoError(t, err)
		plain := env.Order(t, u, apptest.Line(env.Product(t, 20_000, 10), 1)) // no coupon
		_, err = env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: env.Authorize(t, plain, "CARD"),
			OrderID: plain.OrderID, Amount: plain.FinalAmount})
		require.NoError(t, err)

		day := p.ApprovedAt.In(paydeck.KST)
		from := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, paydeck.KST)
		var st report.Stats
		var set report.Settlements
		require.NoError(t, env.DB.View(ctx, func(tx paydeck.Tx) (err error) {
			if st, err = report.ComputeStats(ctx, tx, from, from.AddDate(0, 0, 1)); err != nil {
				return err
			}
			set, err = report.ComputeSettlements(ctx, tx, from, from.AddDate(0, 0, 1))
			return err
		}))
		require.Equal(t, int64(1), st.Totals.DiscountCount)
		require.Equal(t, int64(4000), st.Totals.DiscountAmount)
		require.Equal(t, int64(39_000+23_000), st.Totals.ApprovedAmount, "the money approved is net of the discount")
		require.Equal(t, int64(4000), st.ByMethod[0].DiscountAmount)

		require.Len(t, set.Items, 2)
		var it report.Settlement
		for _, s := range set.Items {
			if s.OrderID == o.OrderID {
				it = s
			}
		}
		require.Equal(t, "TENOFF", it.CouponCode)
		require.Equal(t, int64(4000), it.DiscountAmount)
		require.Equal(t, int64(39_000), it.Amount)
		require.Equal(t, int64(30_000), it.KeptAmount, "refundable and kept amounts are what was paid")
		require.Equal(t, int64(4000), set.Totals.DiscountAmount)
		csv, err := set.CSV()
		require.NoError(t, err)
		lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
		require.True(t, strings.HasSuffix(lines[0], ",netAmount,taxFreeAmount,suppliedAmount,vat,cashReceipt,couponCode,discountAmount"), lines[0])
		require.Contains(t, string(csv), ",TENOFF,4000\n")
		require.True(t, strings.HasSuffix(lines[len(lines)-1], ",,4000"), lines[len(lines)-1])
	})
}
