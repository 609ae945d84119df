package sandbox_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func (e *env) list(t *testing.T, path string) (int, []map[string]any) {
	t.Helper()
	status, raw := e.req(t, "GET", path, sk, nil)
	var out []map[string]any
	if status == 200 {
		require.NoError(t, json.Unmarshal(raw, &out), "%s", raw)
	}
	return status, out
}

// docs/toss.md#transactions: transactions list every approval and cancel, paged by startingAfter + limit.
func TestTransactions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p1 := e.paid(t, "order-tx-1", 1000, "CARD")
	e.paid(t, "order-tx-2", 2000, "CARD")
	status, c := e.call(t, "POST", cancelPath(p1), sk, map[string]any{"cancelReason": "x", "cancelAmount": 500})
	require.Equal(t, 200, status, "%v", c)

	q := "/v1/transactions?startDate=2025-03-01T00:00:00&endDate=2025-03-02T00:00:00"
	status, all := e.list(t, q)
	require.Equal(t, 200, status)
	require.Len(t, all, 3)
	require.Equal(t, "order-tx-1", all[0]["orderId"])
	require.Equal(t, "DONE", all[0]["status"])
	require.Equal(t, p1["lastTransactionKey"], all[0]["transactionKey"])
	require.Equal(t, "PARTIAL_CANCELED", all[2]["status"])
	require.Equal(t, 500.0, all[2]["amount"])
	require.Equal(t, "2025-03-01T10:15:30+09:00", all[0]["transactionAt"])

	status, page := e.list(t, q+"&limit=1&startingAfter="+all[0]["transactionKey"].(string))
	require.Equal(t, 200, status)
	require.Len(t, page, 1)
	require.Equal(t, all[1]["transactionKey"], page[0]["transactionKey"])

	status, none := e.list(t, "/v1/transactions?startDate=2025-03-02&endDate=2025-03-03")
	require.Equal(t, 200, status)
	require.Empty(t, none)
	status, m := e.call(t, "GET", q+"&startingAfter=NOPE", sk, nil)
	requireError(t, 400, "INVALID_PAGING_KEY", status, m)
	status, m = e.call(t, "GET", q+"&limit=5001", sk, nil)
	requireError(t, 400, "EXCEED_MAX_QUERY_LIMIT", status, m)
	status, m = e.call(t, "GET", "/v1/transactions?startDate=2025-03-01", sk, nil)
	requireError(t, 400, "INVALID_REQUEST", status, m)
}

// docs/toss.md#settlements: settlement records appear from the day after the payment.
func TestSettlements(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.paid(t, "order-settle", 10000, "CARD")
	q := "/v1/settlements?startDate=2025-03-01&endDate=2025-03-31"
	status, list := e.list(t, q)
	require.Equal(t, 200, status)
	require.Empty(t, list)
	e.advance(t, 24*3600)
	status, list = e.list(t, q)
	require.Equal(t, 200, status)
	require.Len(t, list, 1)
	s := list[0]
	require.Equal(t, "2025-03-01", s["soldDate"])
	require.Equal(t, "2025-03-03", s["paidOutDate"])
	require.Equal(t, 10000.0, s["amount"])
	require.Equal(t, 320.0, s["fees"].([]any)[0].(map[string]any)["fee"])
	require.Equal(t, 9680.0, s["payOutAmount"])
	status, list = e.list(t, q+"&dateType=paidOutDate")
	require.Equal(t, 200, status)
	require.Len(t, list, 1)
	status, m := e.call(t, "GET", q+"&dateType=bogus", sk, nil)
	requireError(t, 400, "INVALID_REQUEST", status, m) // docs/toss.md#settlements: bad dateType
}

// docs/toss.md#cash-receipts: cash receipts issue (IN_PROGRESS), cancel ("c_" key, CANCEL), list by requestDate.
func TestCashReceipts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	body := map[string]any{"amount": 10000, "orderId": "order-cash-1", "orderName": "상품", "type": "소득공제", "customerIdentityNumber": "01012345678"}
	status, r := e.call(t, "POST", "/v1/cash-receipts", sk, body)
	require.Equal(t, 200, status, "%v", r)
	require.Equal(t, "IN_PROGRESS", r["issueStatus"])
	require.Equal(t, "CONFIRM", r["transactionType"])
	require.Regexp(t, `^\d{9}$`, r["issueNumber"])
	status, m := e.call(t, "POST", "/v1/cash-receipts", sk, body)
	requireError(t, 400, "DUPLICATED_CASH_RECEIPT", status, m)
	body["type"], body["orderId"] = "지출증빙", "order-cash-2"
	status, m = e.call(t, "POST", "/v1/cash-receipts", sk, body)
	requireError(t, 400, "INVALID_REGISTRATION_NUMBER_TYPE", status, m)

	status, c := e.call(t, "POST", "/v1/cash-receipts/"+r["receiptKey"].(string)+"/cancel", sk, nil)
	require.Equal(t, 200, status, "%v", c)
	require.Equal(t, "c_"+r["receiptKey"].(string), c["receiptKey"])
	require.Equal(t, "CANCEL", c["transactionType"])
	status, m = e.call(t, "POST", "/v1/cash-receipts/unknown/cancel", sk, nil)
	requireError(t, 404, "NOT_FOUND", status, m)

	status, page := e.call(t, "GET", "/v1/cash-receipts?requestDate=2025-03-01&limit=1", sk, nil)
	require.Equal(t, 200, status, "%v", page)
	require.Equal(t, true, page["hasNext"])
	require.Len(t, page["data"], 1)
	status, page = e.call(t, "GET", "/v1/cash-receipts?requestDate=2025-03-01&cursor="+jsonInt(page["lastCursor"]), sk, nil)
	require.Equal(t, 200, status)
	require.Equal(t, false, page["hasNext"])
	require.Equal(t, "CANCEL", page["data"].([]any)[0].(map[string]any)["transactionType"])
	e.advance(t, 24*3600)
	_, page = e.call(t, "GET", "/v1/cash-receipts?requestDate=2025-03-01", sk, nil)
	require.Equal(t, "COMPLETED", page["data"].([]any)[0].(map[string]any)["issueStatus"])
}

func jsonInt(v any) string {
	b, _ := json.Marshal(int64(v.(float64)))
	return string(b)
}
