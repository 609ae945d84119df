package payment_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/toss"
)

// requireTossTaxSplit checks that Toss's (the sandbox's) payment carries
// paydeck's balance, tax-free amount, VAT and supplied amount.
func requireTossTaxSplit(t require.TestingT, env *apptest.Env, p *paydeck.Payment) {
	tp, err := env.Toss.Payments.Get(ctx, p.PaymentKey)
	require.NoError(t, err)
	require.Equal(t, p.BalanceAmount, int64(tp.BalanceAmount), "balance")
	require.Equal(t, p.TaxFreeAmount, int64(tp.TaxFreeAmount), "taxFreeAmount")
	require.Equal(t, p.VAT, int64(tp.VAT), "vat")
	require.Equal(t, p.SuppliedAmount, int64(tp.SuppliedAmount), "suppliedAmount")
}

// TestTaxFreeMixedBasket: a basket of a tax-free and a taxable product
// pays VAT on the taxable line and the (taxable) shipping fee only, at
// paydeck and at Toss; a partial refund splits by the documented rule and
// Toss's figures stay equal to paydeck's.
func TestTaxFreeMixedBasket(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		tangerine := env.TaxFreeProduct(t, 29_900, 10)
		soap := env.Product(t, 10_000, 10)
		o := env.Order(t, u, apptest.Line(tangerine, 1), apptest.Line(soap, 1))
		require.Equal(t, int64(3_000), o.ShippingFee)
		require.Equal(t, int64(42_900), o.FinalAmount)
		require.Equal(t, int64(29_900), o.TaxFreeAmount, "shipping is taxable")
		key := env.Authorize(t, o, "CARD")
		p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
		require.NoError(t, err)
		require.Equal(t, paydeck.PaymentDone, p.Status)
		require.Equal(t, int64(29_900), p.TaxFreeAmount)
		require.Equal(t, int64(1_182), p.VAT, "round(13,000 / 11)")
		require.Equal(t, int64(11_818), p.SuppliedAmount)
		requireTossTaxSplit(t, env, p)

		env.Clock.Advance(2 * time.Second)
		r, p, err := env.Payments.Cancel(ctx, apptest.As(u), key, payment.CancelInput{Reason: "부분 환불", Amount: ptr(int64(10_000))})
		require.NoError(t, err)
		require.Equal(t, paydeck.RefundCompleted, r.Status)
		require.Equal(t, paydeck.RefundTaxFree(10_000, 42_900, 29_900), r.TaxFreeAmount)
		require.Equal(t, int64(6_970), r.TaxFreeAmount, "round(10,000 × 29,900 / 42,900)")
		require.Equal(t, int64(29_900-6_970), p.TaxFreeAmount)
		require.Equal(t, paydeck.VATOf(p.BalanceAmount-p.TaxFreeAmount), p.VAT)
		requireTossTaxSplit(t, env, p) // so Toss received taxFreeAmount 6,970

		// A caller that knows the lines names the split (the taxable soap).
		env.Clock.Advance(2 * time.Second)
		_, _, err = env.Payments.Cancel(ctx, apptest.As(u), key, payment.CancelInput{Reason: "r", Amount: ptr(int64(5_000)),
			TaxFreeAmount: ptr(int64(5_000 + 30_000))})
		requireCode(t, paydeck.CodeInvalid, err)
		r, p, err = env.Payments.Cancel(ctx, apptest.As(u), key, payment.CancelInput{Reason: "비누 반품", Amount: ptr(int64(5_000)),
			TaxFreeAmount: ptr(int64(0))})
		require.NoError(t, err)
		require.Zero(t, r.TaxFreeAmount)
		require.Equal(t, int64(22_930), p.TaxFreeAmount)
		requireTossTaxSplit(t, env, p)
	})
}

// TestTaxFreeMismatchAtConfirm: an approval whose tax-free amount differs
// from the order's (a page that did not send taxFreeAmount) is refused and
// cancelled back, as any approval of the wrong amount.
func TestTaxFreeMismatchAtConfirm(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		o := env.Order(t, u, apptest.Line(env.TaxFreeProduct(t, 60_000, 10), 1))
		key := env.AuthorizeWith(t, o, "CARD", map[string]any{"taxFreeAmount": 0})
		p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
		require.NoError(t, err)
		require.Equal(t, paydeck.PaymentAborted, p.Status)
		require.Equal(t, "APPROVAL_MISMATCH", p.FailureCode)
		require.Equal(t, paydeck.OrderPending, env.OrderByID(t, o.ID).Status)
		apptest.WaitFor(t, "cancel back", func() bool {
			tp, err := env.Toss.Payments.Get(ctx, key)
			return err == nil && tp.Status == toss.StatusCanceled
		})
	})
}

// TestTaxSplitProperty: for any mix of taxable and tax-free lines and any
// refunds, taxable + tax-free = the balance, VAT = round(taxable / 11),
// the refunds' tax-free parts add up to what left the payment, and Toss's
// (the sandbox's) numbers equal paydeck's after every step.
func TestTaxSplitProperty(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		rapid.Check(t, func(rt *rapid.T) {
			var lines []payment.OrderLine
			for range rapid.IntRange(1, 3).Draw(rt, "lines") {
				price := rapid.Int64Range(1, 400).Draw(rt, "price") * 100
				var prod *paydeck.Product
				if rapid.Bool().Draw(rt, "taxFree") {
					prod = env.TaxFreeProduct(t, price, 1000)
				} else {
					prod = env.Product(t, price, 1000)
				}
				lines = append(lines, apptest.Line(prod, rapid.Int64Range(1, 3).Draw(rt, "qty")))
			}
			o := env.Order(t, u, lines...)
			var taxFreeLines int64
			for _, it := range o.Items {
				if it.TaxFree {
					taxFreeLines += it.TotalPrice
				}
			}
			require.Equal(rt, taxFreeLines, o.TaxFreeAmount)
			key := env.Authorize(t, o, "CARD")
			p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
			require.NoError(rt, err)
			require.Equal(rt, paydeck.PaymentDone, p.Status)
			check := func(p *paydeck.Payment) {
				taxable := p.BalanceAmount - p.TaxFreeAmount
				require.GreaterOrEqual(rt, taxable, int64(0))
				require.GreaterOrEqual(rt, p.TaxFreeAmount, int64(0))
				require.Equal(rt, paydeck.VATOf(taxable), p.VAT)
				require.Equal(rt, taxable, p.SuppliedAmount+p.VAT)
				requireTossTaxSplit(rt, env, p)
			}
			check(p)
			refundedTaxFree := int64(0)
			for range rapid.IntRange(0, 3).Draw(rt, "refunds") {
				if p.BalanceAmount == 0 {
					break
				}
				amount := rapid.Int64Range(1, p.BalanceAmount).Draw(rt, "amount")
				env.Clock.Advance(2 * time.Second)
				var r *paydeck.Refund
				r, p, err = env.Payments.Cancel(ctx, apptest.As(u), key, payment.CancelInput{Reason: "r", Amount: &amount})
				require.NoError(rt, err)
				require.Equal(rt, paydeck.RefundCompleted, r.Status)
				require.LessOrEqual(rt, r.TaxFreeAmount, amount)
				refundedTaxFree += r.TaxFreeAmount
				check(p)
			}
			require.Equal(rt, o.TaxFreeAmount, p.TaxFreeAmount+refundedTaxFree)
		})
	})
}
