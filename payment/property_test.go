package payment_test

import (
	"flag"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/payment"
)

// TestMain lowers rapid's default number of checks (each check runs real
// payments through the sandbox) unless -rapid.checks is given.
func TestMain(m *testing.M) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "rapid.checks" })
	if !given {
		if err := flag.Set("rapid.checks", "8"); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}

// TestRefundSequencesProperty: any sequence of refund requests (amounts
// possibly too large, keys possibly repeated) keeps the sum of completed
// refunds ≤ the amount and the balance = amount − that sum, locally and at
// Toss; requests over the balance are refused without a Toss call; a
// repeated key replays its first refund when the request is the same and
// is refused (invalid) when it is not.
func TestRefundSequencesProperty(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		prod := env.Product(t, 20_000, 1000)
		rapid.Check(t, func(rt *rapid.T) {
			o := env.Order(t, u, apptest.Line(prod, 1))
			key := env.Authorize(t, o, "CARD")
			p, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
			require.NoError(rt, err)
			created := map[string]int64{} // caller keys that made a refund: its amount
			for range rapid.IntRange(1, 4).Draw(rt, "steps") {
				amount := rapid.Int64Range(1, o.FinalAmount+2000).Draw(rt, "amount")
				idem := rapid.SampledFrom([]string{"", "k1", "k2"}).Draw(rt, "key")
				before := env.PaymentByKey(t, key)
				env.Clock.Advance(2 * time.Second) // Toss refuses cancels less than a second apart
				r, _, err := env.Payments.Cancel(ctx, apptest.As(u), key, payment.CancelInput{Reason: "r", Amount: &amount, IdempotencyKey: idem})
				first, repeated := created[idem]
				switch {
				case repeated && amount == first:
					require.NoError(rt, err, "a repeated key returns the first refund")
				case repeated:
					requireCode(t, paydeck.CodeInvalid, err) // the key was used for another amount
				case amount > before.BalanceAmount:
					requireCode(t, paydeck.CodeInvalid, err)
				default:
					require.NoError(rt, err)
					require.Equal(rt, paydeck.RefundCompleted, r.Status)
				}
				if r != nil && idem != "" && !repeated {
					created[idem] = amount
				}
				got := env.PaymentByKey(t, key)
				var sum int64
				for _, r := range env.Refunds(t, p.ID) {
					if r.Status == paydeck.RefundCompleted {
						sum += r.Amount
					}
				}
				require.LessOrEqual(rt, sum, got.Amount)
				require.Equal(rt, got.Amount-sum, got.BalanceAmount)
				require.Equal(rt, got.BalanceAmount, tossBalance(t, env, key))
			}
		})
	})
}
