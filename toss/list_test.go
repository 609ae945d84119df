package toss_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/toss"
)

func transactionsJSON(keys ...string) []byte {
	items := make([]map[string]any, 0, len(keys))
	for _, k := range keys {
		items = append(items, map[string]any{
			"mId": "tvivarepublica", "transactionKey": k, "paymentKey": "pk-" + k, "orderId": "ord-" + k,
			"method": "카드", "customerKey": nil, "useEscrow": false, "receiptUrl": "https://r/" + k,
			"status": "DONE", "transactionAt": "2025-03-01T10:16:02+09:00", "currency": "KRW", "amount": 15000,
		})
	}
	b, _ := json.Marshal(items)
	return b
}

func query(t *testing.T, r recorded) url.Values {
	t.Helper()
	u, err := url.ParseRequestURI(r.RequestURI)
	require.NoError(t, err)
	return u.Query()
}

func TestTransactionsListPages(t *testing.T) {
	t.Parallel()
	pages := [][]byte{transactionsJSON("tx1", "tx2"), transactionsJSON("tx3")}
	tb := setup(t, func(n int, w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, pages[n%2]) })

	start := time.Date(2025, 3, 1, 0, 0, 0, 0, toss.KST)
	seq := tb.client.Transactions.List(t.Context(), &toss.TransactionListParams{StartDate: start, EndDate: start.Add(24 * time.Hour), Limit: 2})
	got, err := collect(seq)
	require.NoError(t, err)
	require.Len(t, got, 3)
	require.Equal(t, "tx3", got[2].TransactionKey)
	require.Equal(t, toss.MethodCard, got[0].Method)
	require.Equal(t, toss.Amount(15000), got[0].Amount)
	require.True(t, got[0].TransactionAt.Equal(time.Date(2025, 3, 1, 1, 16, 2, 0, time.UTC)))

	reqs := tb.requests()
	require.Len(t, reqs, 2, "a short page ends the iteration")
	q0, q1 := query(t, reqs[0]), query(t, reqs[1])
	require.Equal(t, "/v1/transactions", reqs[0].Path)
	require.Equal(t, http.MethodGet, reqs[0].Method)
	require.Equal(t, "2025-03-01T00:00:00", q0.Get("startDate"))
	require.Equal(t, "2025-03-02T00:00:00", q0.Get("endDate"))
	require.Equal(t, "2", q0.Get("limit"))
	require.Empty(t, q0.Get("startingAfter"))
	require.Equal(t, "tx2", q1.Get("startingAfter"))

	// Ranging again starts from the first page.
	_, err = first(seq)
	require.NoError(t, err)
	require.Empty(t, query(t, tb.requests()[2]).Get("startingAfter"))
}

func TestTransactionsListBreakStopsFetching(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusOK, transactionsJSON("a", "b")))

	day := time.Date(2025, 3, 1, 0, 0, 0, 0, toss.KST)
	for tx, err := range tb.client.Transactions.List(t.Context(), &toss.TransactionListParams{StartDate: day, EndDate: day, Limit: 2}) {
		require.NoError(t, err)
		require.Equal(t, "a", tx.TransactionKey)
		break
	}
	require.Len(t, tb.requests(), 1)
}

func TestTransactionsListError(t *testing.T) {
	t.Parallel()
	tb := setup(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			writeJSON(w, http.StatusOK, transactionsJSON("a", "b"))
			return
		}
		writeJSON(w, http.StatusBadRequest, tossError(toss.CodeInvalidPagingKey, "bad cursor"))
	})

	day := time.Date(2025, 3, 1, 0, 0, 0, 0, toss.KST)
	got, err := collect(tb.client.Transactions.List(t.Context(), &toss.TransactionListParams{StartDate: day, EndDate: day, Limit: 2}))
	require.Len(t, got, 2)
	require.True(t, toss.IsCode(err, toss.CodeInvalidPagingKey))
}

func TestSettlementsListPages(t *testing.T) {
	t.Parallel()
	page := func(n int) []byte {
		items := make([]string, n)
		for i := range items {
			items[i] = fmt.Sprintf(`{"mId":"m","paymentKey":"pk%d","transactionKey":"tk%d","orderId":"o%d","currency":"KRW",
				"method":"카드","amount":15000,"interestFee":0,"fees":[{"type":"BASE","fee":450}],
				"suppliedAmount":13636,"vat":1364,"payOutAmount":14550,"approvedAt":"2025-03-01T10:16:02+09:00",
				"soldDate":"2025-03-01","paidOutDate":"2025-03-04","card":null,"cancel":null}`, i, i, i)
		}
		return fmt.Appendf(nil, "[%s]", joinComma(items))
	}
	tb := setup(t, func(n int, w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, page(2-n)) })

	day := time.Date(2025, 3, 1, 0, 0, 0, 0, toss.KST)
	got, err := collect(tb.client.Settlements.List(t.Context(), &toss.SettlementListParams{
		StartDate: day, EndDate: day, DateType: toss.SettlementByPaidOutDate, Size: 2,
	}))
	require.NoError(t, err)
	require.Len(t, got, 3)
	s := got[0]
	require.Equal(t, toss.Amount(13636), s.SupplyAmount, "the suppliedAmount spelling is accepted")
	require.Equal(t, toss.Amount(14550), s.PayOutAmount)
	require.Equal(t, []toss.SettlementFee{{Type: "BASE", Fee: 450}}, s.Fees)
	require.Equal(t, "2025-03-04", s.PaidOutDate.Format(time.DateOnly))
	require.Equal(t, toss.KST, s.SoldDate.Location())

	reqs := tb.requests()
	require.Len(t, reqs, 2)
	q0, q1 := query(t, reqs[0]), query(t, reqs[1])
	require.Equal(t, "/v1/settlements", reqs[0].Path)
	require.Equal(t, "2025-03-01", q0.Get("startDate"))
	require.Equal(t, "paidOutDate", q0.Get("dateType"))
	require.Equal(t, "1", q0.Get("page"))
	require.Equal(t, "2", q0.Get("size"))
	require.Equal(t, "2", q1.Get("page"))
}

func joinComma(items []string) string {
	out := ""
	for i, s := range items {
		if i > 0 {
			out += ","
		}
		out += s
	}
	return out
}

const cashReceiptJSON = `{"receiptKey":"%s","issueNumber":"661105413","issueStatus":"IN_PROGRESS","amount":10000,
	"taxFreeAmount":0,"orderId":"ord-cr-1","orderName":"책","type":"소득공제","transactionType":"%s",
	"businessNumber":"1234567890","customerIdentityNumber":"01012345678","failure":null,
	"requestedAt":"2025-03-01T12:00:00+09:00","receiptUrl":"https://dashboard.tosspayments.com/receipt"}`

func TestCashReceiptIssueAndCancel(t *testing.T) {
	t.Parallel()
	tb := setup(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 0 {
			writeJSON(w, http.StatusOK, fmt.Appendf(nil, cashReceiptJSON, "rk_1", "CONFIRM"))
			return
		}
		writeJSON(w, http.StatusOK, fmt.Appendf(nil, cashReceiptJSON, "c_rk_1", "CANCEL"))
	})

	cr, err := tb.client.CashReceipts.Issue(t.Context(), &toss.CashReceiptParams{
		Amount: 10000, OrderID: "ord-cr-1", OrderName: "책", Type: toss.CashReceiptIncomeDeduction,
		CustomerIdentityNumber: "01012345678",
	})
	require.NoError(t, err)
	require.Equal(t, toss.CashReceiptInProgress, cr.IssueStatus)
	require.Equal(t, toss.CashReceiptConfirm, cr.TransactionType)
	require.NotNil(t, cr.RequestedAt)

	canceled, err := tb.client.CashReceipts.Cancel(t.Context(), "rk_1", nil)
	require.NoError(t, err)
	require.Equal(t, toss.CashReceiptCancel, canceled.TransactionType)
	require.Equal(t, "c_rk_1", canceled.ReceiptKey)

	reqs := tb.requests()
	require.Equal(t, "/v1/cash-receipts", reqs[0].RequestURI)
	requireJSONEqual(t, `{"amount":10000,"orderId":"ord-cr-1","orderName":"책","type":"소득공제","customerIdentityNumber":"01012345678"}`, reqs[0].Body)
	require.Equal(t, "/v1/cash-receipts/rk_1/cancel", reqs[1].RequestURI)
	requireJSONEqual(t, `{}`, reqs[1].Body)
	require.NotEqual(t, reqs[0].Header.Get("Idempotency-Key"), reqs[1].Header.Get("Idempotency-Key"))
}

func TestCashReceiptsListCursor(t *testing.T) {
	t.Parallel()
	tb := setup(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		item := fmt.Sprintf(cashReceiptJSON, fmt.Sprintf("rk_%d", n), "CONFIRM")
		if n == 0 {
			writeJSON(w, http.StatusOK, fmt.Appendf(nil, `{"hasNext":true,"lastCursor":41,"data":[%s]}`, item))
			return
		}
		writeJSON(w, http.StatusOK, fmt.Appendf(nil, `{"hasNext":false,"lastCursor":42,"data":[%s]}`, item))
	})

	got, err := collect(tb.client.CashReceipts.List(t.Context(), &toss.CashReceiptListParams{
		RequestDate: time.Date(2025, 3, 1, 0, 0, 0, 0, toss.KST), Limit: 1,
	}))
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, "rk_1", got[1].ReceiptKey)
	reqs := tb.requests()
	require.Len(t, reqs, 2)
	require.Equal(t, "2025-03-01", query(t, reqs[0]).Get("requestDate"))
	require.Empty(t, query(t, reqs[0]).Get("cursor"))
	require.Equal(t, "41", query(t, reqs[1]).Get("cursor"))
	require.Equal(t, "1", query(t, reqs[1]).Get("limit"))
}
