package sandbox_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// docs/toss.md#amount-invariants invariants under random cancels: balanceAmount =
// totalAmount − Σ cancelAmount; suppliedAmount + vat + taxFreeAmount =
// balanceAmount; refundableAmount of each cancel is the balance after it;
// cancels never exceed what was paid (docs/toss.md#cancel, docs/toss.md#endpoint-errors).
func TestCancelInvariants(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	n := 0
	rapid.Check(t, func(rt *rapid.T) {
		n++
		orderID := fmt.Sprintf("order-prop-%d", n)
		total := rapid.Int64Range(100, 2_000_000).Draw(rt, "total")
		status, p := e.call(t, "POST", "/v1/payments/key-in", sk, keyInBody(orderID, total))
		require.Equal(rt, 200, status, "%v", p)
		path := cancelPath(p)
		var canceled int64
		for i := range rapid.IntRange(1, 6).Draw(rt, "cancels") {
			amt := rapid.Int64Range(1, total).Draw(rt, fmt.Sprintf("amount%d", i))
			e.advance(t, 1) // stay clear of FORBIDDEN_CONSECUTIVE_REQUEST
			status, m := e.call(t, "POST", path, sk, map[string]any{"cancelReason": "prop", "cancelAmount": amt})
			remaining := total - canceled
			switch {
			case remaining == 0:
				require.Equal(rt, 400, status, "%v", m)
				require.Equal(rt, "ALREADY_CANCELED_PAYMENT", m["code"])
				continue
			case amt > remaining:
				require.Equal(rt, 403, status, "%v", m)
				require.Equal(rt, "NOT_CANCELABLE_AMOUNT", m["code"])
				continue
			}
			require.Equal(rt, 200, status, "%v", m)
			canceled += amt
			balance := num(m["balanceAmount"])
			require.Equal(rt, total-canceled, balance)
			require.Equal(rt, balance, num(m["suppliedAmount"])+num(m["vat"])+num(m["taxFreeAmount"]))
			require.Equal(rt, (balance*2+11)/22, num(m["vat"])) // round(balance/11), half up
			cancels := m["cancels"].([]any)
			last := cancels[len(cancels)-1].(map[string]any)
			require.Equal(rt, balance, num(last["refundableAmount"]))
			var sum int64
			for _, c := range cancels {
				sum += num(c.(map[string]any)["cancelAmount"])
			}
			require.Equal(rt, canceled, sum)
			wantStatus := "PARTIAL_CANCELED"
			if balance == 0 {
				wantStatus = "CANCELED"
			}
			require.Equal(rt, wantStatus, m["status"])
		}
	})
}
