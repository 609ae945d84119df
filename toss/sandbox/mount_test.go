package sandbox_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/toss/sandbox"
)

// Issue 4 "Running it": mounted under /toss-sandbox with http.StripPrefix, the
// API keeps working, including billing keys with "/", "+" and "=" escaped in
// the path (docs/toss.md#transport: path parameters must be percent-encoded).
func TestMountedUnderPrefixWithEscapedBillingKey(t *testing.T) {
	t.Parallel()
	srv, err := sandbox.New(sandbox.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, srv.Close()) })
	mux := http.NewServeMux()
	mux.Handle("/toss-sandbox/", http.StripPrefix("/toss-sandbox", srv))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	e := &env{srv: srv, ts: ts, hooks: &hookSink{}}
	base := "/toss-sandbox"

	var bk string
	for i := 0; i < 50 && !strings.ContainsAny(bk, "/+"); i++ {
		status, m := e.call(t, "POST", base+"/v1/billing/authorizations/card", sk, map[string]any{
			"customerKey": "cust-mount", "cardNumber": "4330123412341234", "cardExpirationYear": "29",
			"cardExpirationMonth": "08", "customerIdentityNumber": "881212",
		})
		require.Equal(t, 200, status, "%v", m)
		bk = m["billingKey"].(string)
	}
	require.True(t, strings.ContainsAny(bk, "/+"), "no billing key with / or + in 50 tries")
	path := base + "/v1/billing/" + url.PathEscape(bk)
	status, p := e.call(t, "POST", path, sk, map[string]any{"customerKey": "cust-mount", "amount": 1000, "orderId": "order-mount", "orderName": "구독"})
	require.Equal(t, 200, status, "%v", p)
	status, _ = e.req(t, "DELETE", path, sk, nil)
	require.Equal(t, 200, status)
	status, m := e.call(t, "GET", base+"/v1/payments/orders/order-mount", sk, nil)
	require.Equal(t, 200, status)
	require.Equal(t, p["paymentKey"], m["paymentKey"])
}

// Strings from requests are JSON-escaped in responses.
func TestResponseEscaping(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	name := "티셔츠 \"L\" \\ 1건\n<b>&"
	status, m := e.call(t, "POST", "/v1/sandbox/authorize", sk, map[string]any{"orderId": "order-escape", "amount": 1000, "orderName": name, "method": "CARD"})
	require.Equal(t, 200, status, "%v", m)
	_, p := e.call(t, "GET", "/v1/payments/"+m["paymentKey"].(string), sk, nil)
	require.Equal(t, name, p["orderName"])
}

// docs/toss.md#payment-object receipt: the receipt.url of a payment opens a page.
func TestReceiptPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.paid(t, "order-receipt", 15000, "CARD")
	resp, err := http.Get(p["receipt"].(map[string]any)["url"].(string))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	slip := string(raw)
	require.Contains(t, slip, "토스 티셔츠 외 2건")
	require.Contains(t, slip, "<h1>카드 매출전표</h1>", "a card payment's receipt is a card slip")
	require.Contains(t, slip, "<dt>가맹점</dt><dd>토스페이먼츠 샌드박스 상점</dd>")
	require.Contains(t, slip, "<dt>승인번호</dt><dd>00000000</dd>")
	card := p["card"].(map[string]any)
	require.Contains(t, slip, "<dt>카드번호</dt><dd>"+card["number"].(string)+"</dd>", "the masked number Toss reports")
	require.Contains(t, slip, "<dt>할부</dt><dd>일시불</dd>")
	require.Contains(t, slip, "<dt>공급가액</dt><dd>13,636원</dd><dt>부가세</dt><dd>1,364원</dd>")
	require.Contains(t, slip, "<dt>합계</dt><dd>15,000원</dd>")
	approved, err := time.Parse(time.RFC3339, p["approvedAt"].(string))
	require.NoError(t, err)
	require.Contains(t, slip, "<dt>거래일시</dt><dd>"+approved.Format(time.DateTime)+"</dd>", "in KST, as Toss gave it")
	resp2, err := http.Get(e.ts.URL + "/receipt/redirection?transactionId=nope")
	require.NoError(t, err)
	resp2.Body.Close()
	require.Equal(t, 404, resp2.StatusCode)
}
