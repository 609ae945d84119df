package sandbox_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/toss/sandbox"
)

// docs/toss.md#virtual-account-issue + docs/toss.md#cash-receipts: a cash
// receipt asked for with a virtual account is issued on the deposit
// (cashReceipt, cashReceipts), listed, and its part cancelled with each
// cancel of the payment; vat and suppliedAmount follow the taxable part.
func TestCashReceiptWithVirtualAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := issueVA(t, e, "order-va-rcpt", map[string]any{"amount": 42900, "taxFreeAmount": 29900,
		"cashReceipt": map[string]any{"type": "소득공제", "registrationNumber": "010-1234-5678"}})
	require.Nil(t, p["cashReceipt"], "issued after the deposit")
	require.Equal(t, float64(1182), p["vat"])
	require.Equal(t, float64(11818), p["suppliedAmount"])
	key := p["paymentKey"].(string)
	status, m := e.call(t, "POST", "/v1/sandbox/virtual-accounts/"+key+"/deposit", sk, nil)
	require.Equal(t, 200, status, "%v", m)
	cr := m["cashReceipt"].(map[string]any)
	require.Equal(t, "소득공제", cr["type"])
	require.Equal(t, float64(42900), cr["amount"])
	require.Equal(t, float64(29900), cr["taxFreeAmount"])
	require.Contains(t, cr["receiptUrl"], "/receipt/cash-receipt?receiptKey=")
	hist := m["cashReceipts"].([]any)
	require.Len(t, hist, 1)
	require.Equal(t, "01012345678", hist[0].(map[string]any)["customerIdentityNumber"])

	e.advance(t, 5)
	status, m = e.call(t, "POST", "/v1/payments/"+key+"/cancel", sk, map[string]any{"cancelReason": "부분", "cancelAmount": 10000,
		"taxFreeAmount": 6970, "refundReceiveAccount": map[string]any{"bank": "20", "accountNumber": "1002003004005", "holderName": "박토스"}})
	require.Equal(t, 200, status, "%v", m)
	require.Equal(t, float64(22930), m["taxFreeAmount"])
	require.Equal(t, float64(906), m["vat"], "round(9,970 / 11)")
	hist = m["cashReceipts"].([]any)
	require.Len(t, hist, 2)
	c := hist[1].(map[string]any)
	require.Equal(t, "CANCEL", c["transactionType"])
	require.Equal(t, float64(10000), c["amount"])
	require.Equal(t, float64(6970), c["taxFreeAmount"])
	require.True(t, strings.HasPrefix(c["receiptKey"].(string), "c_"))

	status, list := e.call(t, "GET", "/v1/cash-receipts?requestDate=2025-03-01", sk, nil)
	require.Equal(t, 200, status, "%v", list)
	require.Len(t, list["data"].([]any), 2)

	// The rest cancelled through the cash-receipt API; the next payment
	// cancel finds nothing left to cancel on the receipt.
	status, m = e.call(t, "POST", "/v1/cash-receipts/"+cr["receiptKey"].(string)+"/cancel", sk, map[string]any{})
	require.Equal(t, 200, status, "%v", m)
	require.Equal(t, float64(32900), m["amount"])
	status, m = e.call(t, "POST", "/v1/cash-receipts/"+cr["receiptKey"].(string)+"/cancel", sk, map[string]any{})
	requireError(t, 400, "INVALID_REQUEST", status, m)
}

// The payment window takes taxFreeAmount and the cash receipt request
// from the SDK's query, lets the shopper change the receipt, and the
// authenticated payment carries both; a bad receipt number fails the
// payment as Toss's window would refuse it.
func TestWindowTaxFreeAndCashReceipt(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	q := url.Values{"clientKey": {sandbox.DocsClientKey}, "method": {"TRANSFER"}, "amount": {"42900"}, "taxFreeAmount": {"29900"},
		"orderId": {"order-window-rcpt"}, "orderName": {"감귤 외 1건"}, "successUrl": {"https://shop.example/ok"},
		"failUrl": {"https://shop.example/fail"}, "cashReceiptType": {"지출증빙"}, "cashReceiptRegistrationNumber": {"1234567890"}}
	status, page := e.req(t, "GET", "/window?"+q.Encode(), "", nil)
	require.Equal(t, 200, status, string(page))
	require.Contains(t, string(page), `name="taxFreeAmount" value="29900"`)
	require.Contains(t, string(page), `<option value="지출증빙" selected>`)
	require.Contains(t, string(page), `value="1234567890"`)

	bad := url.Values{}
	for k, v := range q {
		bad[k] = v
	}
	bad.Set("taxFreeAmount", "50000")
	status, _ = e.req(t, "GET", "/window?"+bad.Encode(), "", nil)
	require.Equal(t, http.StatusBadRequest, status)

	q.Set("choice", "TRANSFER")
	q.Set("outcome", "approve")
	status, location, body := postWindow(t, e.ts.URL, q)
	require.Equal(t, http.StatusSeeOther, status, body)
	require.Contains(t, location, "https://shop.example/ok?")
	_, p := e.call(t, "GET", "/v1/payments/orders/order-window-rcpt", sk, nil)
	key := p["paymentKey"].(string)
	status, m := e.call(t, "POST", "/v1/payments/confirm", sk, map[string]any{"paymentKey": key, "orderId": "order-window-rcpt", "amount": 42900})
	require.Equal(t, 200, status, "%v", m)
	require.Equal(t, float64(29900), m["taxFreeAmount"])
	require.Equal(t, "지출증빙", m["cashReceipt"].(map[string]any)["type"], "a transfer's receipt is issued at approval")
}
