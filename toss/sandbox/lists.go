package sandbox

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// tx is one approval, deposit, issue or cancel transaction of a payment.
type tx struct {
	key    txKey
	at     int64
	amount int64
	status status
	cancel *cancel
}

func txOf(r txRef) tx {
	p := r.p
	switch {
	case r.idx == -2:
		return tx{p.VA.IssueTx, p.VA.IssuedAt, p.Amount, statusWaitingForDeposit, nil}
	case r.idx == -1:
		return tx{p.ApproveTx, p.ApprovedAt, p.Amount, statusDone, nil}
	}
	c := &p.Cancels[r.idx]
	st := statusPartialCanceled
	if c.Refundable == 0 {
		st = statusCanceled
	}
	return tx{c.Tx, c.At, c.Amount, st, c}
}

type transactionJSON struct {
	MID            string  `json:"mId"`
	TransactionKey string  `json:"transactionKey"`
	PaymentKey     string  `json:"paymentKey"`
	OrderID        string  `json:"orderId"`
	Method         *string `json:"method"`
	CustomerKey    *string `json:"customerKey"`
	UseEscrow      bool    `json:"useEscrow"`
	ReceiptURL     string  `json:"receiptUrl"`
	Status         string  `json:"status"`
	TransactionAt  string  `json:"transactionAt"`
	Currency       string  `json:"currency"`
	Amount         int64   `json:"amount"`
}

// parseRangeDate accepts a request date-time (parseRequestTime) or a bare
// date (00:00:00 KST).
func parseRangeDate(v string) (int64, bool) {
	if ns, ok := parseRequestTime(v); ok {
		return ns, true
	}
	t, err := time.ParseInLocation(dateLayout, v, kst)
	if err != nil {
		return 0, false
	}
	return t.UnixNano(), true
}

// parseRequestTime parses a date-time in a request: Toss's
// yyyy-MM-dd'T'HH:mm:ss in Korea time (docs/toss.md#request-dates), or the same with
// fractional seconds, a UTC offset or Z (RFC 3339), which clients produce
// when they format a time with its zone (docs/toss.md#request-dates). A "+"
// sent unencoded in a query string arrives as a space and is read as "+".
func parseRequestTime(v string) (int64, bool) {
	if i := strings.LastIndexByte(v, ' '); i > 0 {
		v = v[:i] + "+" + v[i+1:]
	}
	if t, err := time.ParseInLocation(localLayout, v, kst); err == nil {
		return t.UnixNano(), true
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t.UnixNano(), true
	}
	return 0, false
}

// queryInt parses an optional positive integer query parameter.
func queryInt(q url.Values, name string, def, max int, code string) (int, *apiError) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, errInvalid("쿼리 파라미터는 1 이상의 정수여야 합니다: " + name)
	}
	if n > max {
		return 0, newError(code, "쿼리 파라미터가 최댓값을 넘었습니다: "+name+" ≤ "+strconv.Itoa(max))
	}
	return n, nil
}

// listTransactions is GET /v1/transactions (docs/toss.md#transactions).
func (s *Server) listTransactions(c *call) result {
	q := c.r.URL.Query()
	if q.Get("startDate") == "" || q.Get("endDate") == "" {
		return errResult(errInvalid("startDate와 endDate는 필수입니다."))
	}
	start, ok1 := parseRangeDate(q.Get("startDate"))
	end, ok2 := parseRangeDate(q.Get("endDate"))
	if !ok1 || !ok2 {
		return errResult(newError("INVALID_DATE", "날짜 형식이 올바르지 않습니다. yyyy-MM-dd'T'HH:mm:ss"))
	}
	limit, e := queryInt(q, "limit", 100, 5000, "EXCEED_MAX_QUERY_LIMIT")
	if e != nil {
		return errResult(e)
	}
	from := 0
	if after := q.Get("startingAfter"); after != "" {
		from = -1
		for i, r := range s.st.txs {
			if txOf(r).key.String() == after {
				from = i + 1
				break
			}
		}
		if from < 0 {
			return errResult(newError("INVALID_PAGING_KEY", "startingAfter가 올바르지 않습니다."))
		}
	}
	out := make([]transactionJSON, 0)
	for _, r := range s.st.txs[from:] {
		if len(out) == limit {
			break
		}
		t := txOf(r)
		if t.at < start || t.at > end {
			continue
		}
		p := r.p
		j := transactionJSON{
			MID: mid, TransactionKey: t.key.String(), PaymentKey: p.Key, OrderID: p.OrderID,
			ReceiptURL: s.publicURL + "/receipt/redirection?transactionId=" + url.QueryEscape(p.Key) + "&ref=PX",
			Status:     t.status.String(), TransactionAt: fmtTime(t.at), Currency: "KRW", Amount: t.amount,
		}
		if p.Method != methodNone {
			m := c.lang.methodName(p.Method)
			j.Method = &m
		}
		if p.CustomerKey != "" {
			ck := p.CustomerKey
			j.CustomerKey = &ck
		}
		out = append(out, j)
	}
	return jsonResult(out)
}

type settlementJSON struct {
	MID            string          `json:"mId"`
	PaymentKey     string          `json:"paymentKey"`
	TransactionKey string          `json:"transactionKey"`
	OrderID        string          `json:"orderId"`
	Currency       string          `json:"currency"`
	Method         *string         `json:"method"`
	Amount         int64           `json:"amount"`
	InterestFee    int64           `json:"interestFee"`
	Fees           []feeJSON       `json:"fees"`
	SupplyAmount   int64           `json:"supplyAmount"`
	VAT            int64           `json:"vat"`
	PayOutAmount   int64           `json:"payOutAmount"`
	ApprovedAt     string          `json:"approvedAt"`
	SoldDate       string          `json:"soldDate"`
	PaidOutDate    string          `json:"paidOutDate"`
	Cancel         json.RawMessage `json:"cancel"`
}

type feeJSON struct {
	Type string `json:"type"`
	Fee  int64  `json:"fee"`
}

// settlementFeePermille is the sandbox's flat BASE fee (3.2%).
const settlementFeePermille = 32

// listSettlements is GET /v1/settlements (docs/toss.md#settlements). Each approval or
// cancel settles: sold on its day, paid out two days later, listed from the
// next day on. Cancels are negative.
func (s *Server) listSettlements(c *call) result {
	q := c.r.URL.Query()
	dateType := q.Get("dateType")
	if dateType == "" {
		dateType = "soldDate"
	}
	if dateType != "soldDate" && dateType != "paidOutDate" {
		return errResult(errInvalid("dateType은 soldDate 또는 paidOutDate여야 합니다."))
	}
	start, err1 := time.ParseInLocation(dateLayout, q.Get("startDate"), kst)
	end, err2 := time.ParseInLocation(dateLayout, q.Get("endDate"), kst)
	if err1 != nil || err2 != nil {
		return errResult(newError("INVALID_DATE", "startDate와 endDate는 yyyy-MM-dd 형식으로 필수입니다."))
	}
	page, e := queryInt(q, "page", 1, 1<<30, "INVALID_REQUEST")
	if e != nil {
		return errResult(e)
	}
	size, e := queryInt(q, "size", 100, 5000, "EXCEED_MAX_QUERY_LIMIT")
	if e != nil {
		return errResult(e)
	}
	today := kstTime(c.now).Format(dateLayout)
	first, last := start.Format(dateLayout), end.Format(dateLayout)
	skip := (page - 1) * size
	out := make([]settlementJSON, 0)
	for _, r := range s.st.txs {
		if r.idx == -2 {
			continue // issuing a virtual account moves no money
		}
		t := txOf(r)
		if t.cancel != nil && r.p.ApprovedAt == 0 {
			continue // canceled before any deposit
		}
		sold := kstTime(t.at)
		soldDate, paidDate := sold.Format(dateLayout), sold.AddDate(0, 0, 2).Format(dateLayout)
		key := soldDate
		if dateType == "paidOutDate" {
			key = paidDate
		}
		if soldDate >= today || key < first || key > last {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		if len(out) == size {
			break
		}
		p, amt := r.p, t.amount
		if t.cancel != nil {
			amt = -amt
		}
		fee := (amt*settlementFeePermille*2 + 1000) / 2000
		if amt < 0 {
			fee = -((-amt*settlementFeePermille*2 + 1000) / 2000)
		}
		vat := vatOf(abs(amt), 0, 0)
		if amt < 0 {
			vat = -vat
		}
		j := settlementJSON{
			MID: mid, PaymentKey: p.Key, TransactionKey: t.key.String(), OrderID: p.OrderID, Currency: "KRW",
			Amount: amt, Fees: []feeJSON{{"BASE", fee}}, SupplyAmount: amt - vat, VAT: vat, PayOutAmount: amt - fee,
			ApprovedAt: fmtTime(p.ApprovedAt), SoldDate: soldDate, PaidOutDate: paidDate,
		}
		if p.Method != methodNone {
			m := c.lang.methodName(p.Method)
			j.Method = &m
		}
		j.Cancel = json.RawMessage("null")
		if cn := t.cancel; cn != nil {
			w := jw{}
			writeCancel(&w, cn, c.now)
			j.Cancel = w.b
		}
		out = append(out, j)
	}
	return jsonResult(out)
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
