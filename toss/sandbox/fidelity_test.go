package sandbox_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/toss/sandbox"
)

// raw sends a request exactly as given (header names as written, no
// defaults added) and returns the status and decoded body.
func (e *env) raw(t *testing.T, method, path, body string, header http.Header) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r, err := http.NewRequest(method, e.ts.URL+path, rd)
	require.NoError(t, err)
	r.Header = header
	resp, err := e.ts.Client().Do(r)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// What code written against the live API sends, and Toss takes: header names
// and the auth scheme in any case, a charset or no Content-Type at all, a body
// or Idempotency-Key on a GET, trailing and doubled slashes (docs/toss.md#transport).
func TestLiveClientRequestShapes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	key := e.authorize(t, sk, "order-shapes", 15000, "CARD")
	auth := strings.Replace(basic(sk), "Basic", "basic", 1)
	confirm := `{"paymentKey":"` + key + `","orderId":"order-shapes","amount":15000}`

	h := http.Header{}
	h["authorization"] = []string{auth} // sent lower-case on the wire
	h["content-type"] = []string{"application/json; charset=UTF-8"}
	h["idempotency-key"] = []string{"shape-confirm"}
	status, body := e.raw(t, "POST", "/v1/payments/confirm/", confirm, h)
	require.Equal(t, 200, status, body)
	require.Contains(t, body, `"status":"DONE"`)
	status, again := e.raw(t, "POST", "/v1/payments/confirm", confirm, http.Header{"Authorization": {basic(sk)}, "Idempotency-Key": {"shape-confirm"}})
	require.Equal(t, 200, status, again)
	require.Contains(t, again, `"status":"DONE"`, "the idempotency key was honoured whatever the header case")

	for _, tc := range []struct {
		name, method, path, body string
		header                   http.Header
	}{
		{"no content type", "GET", "/v1/payments/" + key, "", http.Header{"Authorization": {basic(sk)}}},
		{"json body on GET", "GET", "/v1/payments/" + key, "{}", http.Header{"Authorization": {basic(sk)}, "Content-Type": {"application/json"}}},
		{"empty body with content type on GET", "GET", "/v1/payments/orders/order-shapes", "", http.Header{"Authorization": {basic(sk)}, "Content-Type": {"application/json;charset=utf-8"}}},
		{"Idempotency-Key on GET", "GET", "/v1/payments/" + key, "", http.Header{"Authorization": {basic(sk)}, "Idempotency-Key": {strings.Repeat("x", 400)}}},
		{"trailing slash", "GET", "/v1/payments/" + key + "/", "", http.Header{"Authorization": {basic(sk)}}},
		{"doubled slash from a base URL ending in /", "GET", "//v1/payments/orders/order-shapes", "", http.Header{"Authorization": {basic(sk)}}},
	} {
		status, body := e.raw(t, tc.method, tc.path, tc.body, tc.header)
		require.Equal(t, 200, status, "%s: %s", tc.name, body)
		require.Contains(t, body, `"paymentKey":"`+key+`"`, tc.name)
	}

	// A cancel through a trailing slash is the cancel, not a 404.
	status, body = e.raw(t, "POST", "/v1/payments/"+key+"/cancel/", `{"cancelReason":"고객 변심","cancelAmount":"5000"}`,
		http.Header{"Authorization": {basic(sk)}, "Content-Type": {"application/json"}})
	require.Equal(t, 200, status, body)
	require.Contains(t, body, `"status":"PARTIAL_CANCELED"`)
}

// orderName is 1 to 100 characters, counted as characters, not bytes
// (docs/toss.md#identifiers): 100 Korean characters (300 bytes) pass, 101 do not.
func TestOrderNameCountsCharacters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	body := keyInBody("order-name-100", 1000)
	body["orderName"] = strings.Repeat("가", 100)
	status, m := e.call(t, "POST", "/v1/payments/key-in", sk, body)
	require.Equal(t, 200, status, "%v", m)
	require.Equal(t, strings.Repeat("가", 100), m["orderName"])
	body = keyInBody("order-name-101", 1000)
	body["orderName"] = strings.Repeat("가", 101)
	status, m = e.call(t, "POST", "/v1/payments/key-in", sk, body)
	requireError(t, 400, "INVALID_ORDER_NAME", status, m)
}

// Date-times in requests: Toss documents yyyy-MM-dd'T'HH:mm:ss in Korea
// time; clients that format with an offset (+09:00, Z, fractions) mean the
// same instant, and a "+" sent unencoded in a query arrives as a space.
func TestRequestDateTimesWithOffsets(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.paid(t, "order-dates-1", 1000, "CARD") // 2025-03-01T10:15:30+09:00
	for _, q := range []string{
		"startDate=2025-03-01T10:00:00&endDate=2025-03-01T11:00:00",
		"startDate=" + url.QueryEscape("2025-03-01T10:00:00+09:00") + "&endDate=" + url.QueryEscape("2025-03-01T11:00:00+09:00"),
		"startDate=2025-03-01T10:00:00+09:00&endDate=2025-03-01T11:00:00+09:00", // "+" decodes to a space
		"startDate=2025-03-01T01:00:00Z&endDate=2025-03-01T02:00:00.000Z",
		"startDate=2025-03-01T10%3A00%3A00&endDate=2025-03-01T11%3A00%3A00",
	} {
		status, list := e.list(t, "/v1/transactions?"+q)
		require.Equal(t, 200, status, q)
		require.Len(t, list, 1, q)
	}
	status, list := e.list(t, "/v1/transactions?startDate=2025-03-01T10:16:00%2B09:00&endDate=2025-03-01T11:00:00%2B09:00")
	require.Equal(t, 200, status)
	require.Empty(t, list, "an offset is honoured, not dropped")

	p := issueVA(t, e, "order-dates-va", map[string]any{"dueDate": "2025-03-02T01:15:30.000Z"})
	require.Equal(t, "2025-03-02T10:15:30+09:00", p["virtualAccount"].(map[string]any)["dueDate"])
}

// A string field sent as a JSON number is taken as its decimal text, as Toss
// does (a merchant's numeric orderId and accountKey were accepted and echoed
// as strings: docs/toss.md#lenient-numbers).
func TestStringFieldsTakeNumbers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	status, p := e.call(t, "POST", "/v1/virtual-accounts", sk, map[string]any{
		"amount": 30000, "orderId": 20250301001, "orderName": "캠핑 의자", "customerName": "박토스", "bank": 20, "accountKey": 558,
		"validHours": "24",
	})
	require.Equal(t, 200, status, "%v", p)
	require.Equal(t, "20250301001", p["orderId"])
	require.Equal(t, "20", p["virtualAccount"].(map[string]any)["bankCode"])
	require.Equal(t, "고정", p["virtualAccount"].(map[string]any)["accountType"])
	status, m := e.call(t, "POST", "/v1/virtual-accounts", sk, map[string]any{
		"amount": 30000, "orderId": 2025030100.5, "orderName": "x", "customerName": "박토스", "bank": "20",
	})
	requireError(t, 400, "INVALID_REQUEST", status, m)
	status, m = e.call(t, "POST", "/v1/virtual-accounts", sk, map[string]any{
		"amount": 30000, "orderId": true, "orderName": "x", "customerName": "박토스", "bank": "20",
	})
	requireError(t, 400, "INVALID_REQUEST", status, m)
}

// docs/toss.md#payment-window: requestPayment's metadata (at most 5 pairs, keys of at
// most 40 characters without [ ], values of at most 2000) comes back in
// Payment.metadata with every value a string; a number stays its text.
func TestWindowMetadataEchoed(t *testing.T) {
	t.Parallel()
	base := newSandbox(t)
	v := windowValues(map[string]string{"orderId": "order-metadata", "metadata": `{"orderNo":20250301,"vip":false,"memo":"문 앞"}`})
	v.Set("choice", "CARD")
	v.Set("outcome", "approve")
	status, loc, body := postWindow(t, base, v)
	require.Equal(t, http.StatusSeeOther, status, body)
	u, err := url.Parse(loc)
	require.NoError(t, err)
	p := requireAuthenticated(t, base, sandbox.DocsSecretKey, u.Query(), "order-metadata", 1000)
	require.Equal(t, map[string]any{"orderNo": "20250301", "vip": "false", "memo": "문 앞"}, p["metadata"])

	for _, bad := range []string{
		`{"a":"1","b":"2","c":"3","d":"4","e":"5","f":"6"}`,
		`{"a[0]":"x"}`,
		`{"` + strings.Repeat("k", 41) + `":"x"}`,
		`{"k":"` + strings.Repeat("v", 2001) + `"}`,
		`{"k":{"nested":1}}`,
		`[1,2]`,
	} {
		status, body := getWindow(t, base, windowValues(map[string]string{"metadata": bad}))
		require.Equal(t, http.StatusBadRequest, status, bad)
		require.Contains(t, body, "INVALID_METADATA", bad)
	}
}
