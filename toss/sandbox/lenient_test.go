package sandbox_test

import (
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// integerField is one integer field of one endpoint: prepare builds the
// request (path and body) around the field's value, and effect reads from
// the 200 answer what the field became.
type integerField struct {
	name    string
	good    int64
	prepare func(t *testing.T, e *env, v any) (string, map[string]any)
	effect  func(m map[string]any) any
}

func integerFields() []integerField {
	confirm := func(legacy bool) func(t *testing.T, e *env, v any) (string, map[string]any) {
		return func(t *testing.T, e *env, v any) (string, map[string]any) {
			key := e.authorize(t, sk, "order-lenient", 50000, "CARD")
			if legacy {
				return "/v1/payments/" + key, map[string]any{"orderId": "order-lenient", "amount": v}
			}
			return "/v1/payments/confirm", map[string]any{"paymentKey": key, "orderId": "order-lenient", "amount": v}
		}
	}
	cancel := func(field string) func(t *testing.T, e *env, v any) (string, map[string]any) {
		return func(t *testing.T, e *env, v any) (string, map[string]any) {
			p := e.paid(t, "order-lenient", 50000, "CARD")
			return cancelPath(p), map[string]any{"cancelReason": "고객 요청", field: v}
		}
	}
	keyIn := func(field string) func(t *testing.T, e *env, v any) (string, map[string]any) {
		return func(_ *testing.T, _ *env, v any) (string, map[string]any) {
			body := keyInBody("order-lenient", 60000)
			body[field] = v
			return "/v1/payments/key-in", body
		}
	}
	va := func(field string) func(t *testing.T, e *env, v any) (string, map[string]any) {
		return func(_ *testing.T, _ *env, v any) (string, map[string]any) {
			body := map[string]any{"amount": 30000, "orderId": "order-lenient", "orderName": "캠핑 의자", "customerName": "박토스", "bank": "20"}
			body[field] = v
			return "/v1/virtual-accounts", body
		}
	}
	charge := func(field string) func(t *testing.T, e *env, v any) (string, map[string]any) {
		return func(t *testing.T, e *env, v any) (string, map[string]any) {
			bk := issueBilling(t, e, "cust-lenient")
			body := map[string]any{"customerKey": "cust-lenient", "amount": 60000, "orderId": "order-lenient", "orderName": "월 구독"}
			body[field] = v
			return "/v1/billing/" + url.PathEscape(bk), body
		}
	}
	receipt := func(field string) func(t *testing.T, e *env, v any) (string, map[string]any) {
		return func(_ *testing.T, _ *env, v any) (string, map[string]any) {
			body := map[string]any{"amount": 10000, "orderId": "order-lenient", "orderName": "현금 상품", "type": "소득공제", "customerIdentityNumber": "01012345678"}
			body[field] = v
			return "/v1/cash-receipts", body
		}
	}
	get := func(keys ...string) func(m map[string]any) any {
		return func(m map[string]any) any {
			var v any = m
			for _, k := range keys {
				if i, err := strconv.Atoi(k); err == nil {
					v = v.([]any)[i]
					continue
				}
				v = v.(map[string]any)[k]
			}
			return v
		}
	}
	return []integerField{
		{"confirm amount", 50000, confirm(false), get("totalAmount")},
		{"legacy confirm amount", 50000, confirm(true), get("totalAmount")},
		{"cancel cancelAmount", 1000, cancel("cancelAmount"), get("cancels", "0", "cancelAmount")},
		{"cancel refundableAmount", 50000, cancel("refundableAmount"), get("cancels", "0", "cancelAmount")},
		{"cancel taxFreeAmount", 0, cancel("taxFreeAmount"), get("cancels", "0", "taxFreeAmount")},
		{"key-in amount", 60000, keyIn("amount"), get("totalAmount")},
		{"key-in taxFreeAmount", 10000, keyIn("taxFreeAmount"), get("taxFreeAmount")},
		{"key-in cardInstallmentPlan", 3, keyIn("cardInstallmentPlan"), get("card", "installmentPlanMonths")},
		{"virtual-accounts amount", 30000, va("amount"), get("totalAmount")},
		{"virtual-accounts taxFreeAmount", 5000, va("taxFreeAmount"), get("taxFreeAmount")},
		{"virtual-accounts validHours", 24, va("validHours"), get("virtualAccount", "dueDate")},
		{"billing charge amount", 60000, charge("amount"), get("totalAmount")},
		{"billing charge taxFreeAmount", 10000, charge("taxFreeAmount"), get("taxFreeAmount")},
		{"billing charge taxExemptionAmount", 500, charge("taxExemptionAmount"), get("taxExemptionAmount")},
		{"billing charge cardInstallmentPlan", 6, charge("cardInstallmentPlan"), get("card", "installmentPlanMonths")},
		{"cash-receipts amount", 10000, receipt("amount"), get("amount")},
		{"cash-receipts taxFreeAmount", 2000, receipt("taxFreeAmount"), get("taxFreeAmount")},
		{"cash-receipt cancel amount", 4000, func(t *testing.T, e *env, v any) (string, map[string]any) {
			path, body := receipt("amount")(t, e, 10000)
			status, r := e.call(t, "POST", path, sk, body)
			require.Equal(t, 200, status, "%v", r)
			return "/v1/cash-receipts/" + r["receiptKey"].(string) + "/cancel", map[string]any{"amount": v}
		}, get("amount")},
	}
}

// docs/toss.md#lenient-numbers: every integer request field takes a JSON
// number or a JSON string holding a base-10 integer, with the same effect;
// anything else is 400 INVALID_REQUEST.
func TestIntegerFieldsTakeNumbersOrIntegerStrings(t *testing.T) {
	t.Parallel()
	bad := []any{"12abc", "", " 5", "+5", "5.0", "1e3", "0x10", 12.5, true, map[string]any{}, []any{1}}
	for _, f := range integerFields() {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			var effects []any
			for _, v := range []any{f.good, strconv.FormatInt(f.good, 10)} {
				e := newEnv(t)
				path, body := f.prepare(t, e, v)
				status, m := e.call(t, "POST", path, sk, body)
				require.Equal(t, 200, status, "%#v: %v", v, m)
				effects = append(effects, f.effect(m))
			}
			require.NotNil(t, effects[0])
			require.Equal(t, effects[0], effects[1], "a string holding the integer means the same as the number")

			for _, v := range bad {
				e := newEnv(t)
				path, body := f.prepare(t, e, v)
				status, m := e.call(t, "POST", path, sk, body)
				requireError(t, 400, "INVALID_REQUEST", status, m)
			}
		})
	}
}
