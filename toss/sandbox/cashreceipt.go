package sandbox

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Cash receipts (docs/toss.md#cash-receipts, version ≥ 2022-07-27 shape).

const receiptCompletes = int64(24 * time.Hour) // issueStatus IN_PROGRESS → COMPLETED after a day

// sandboxBusinessNumber is the merchant business number on receipts.
const sandboxBusinessNumber = "1234567890"

type cashReceiptJSON struct {
	ReceiptKey             string     `json:"receiptKey"`
	IssueNumber            string     `json:"issueNumber"`
	IssueStatus            string     `json:"issueStatus"`
	Amount                 int64      `json:"amount"`
	TaxFreeAmount          int64      `json:"taxFreeAmount"`
	OrderID                string     `json:"orderId"`
	OrderName              string     `json:"orderName"`
	Type                   string     `json:"type"`
	TransactionType        string     `json:"transactionType"`
	BusinessNumber         string     `json:"businessNumber"`
	CustomerIdentityNumber string     `json:"customerIdentityNumber"`
	Failure                *errorBody `json:"failure"`
	RequestedAt            string     `json:"requestedAt"`
	ReceiptURL             string     `json:"receiptUrl"`
}

func (s *Server) receiptJSONOf(r *receipt, now int64) cashReceiptJSON {
	st := "IN_PROGRESS"
	if now >= r.CompletesAfter {
		st = "COMPLETED"
	}
	tt := "CONFIRM"
	if r.Cancel {
		tt = "CANCEL"
	}
	return cashReceiptJSON{
		ReceiptKey: r.Key, IssueNumber: r.IssueNumber, IssueStatus: st, Amount: r.Amount, TaxFreeAmount: r.TaxFree,
		OrderID: r.OrderID, OrderName: r.OrderName, Type: r.Type, TransactionType: tt,
		BusinessNumber: sandboxBusinessNumber, CustomerIdentityNumber: r.Identity,
		RequestedAt: fmtTime(r.RequestedAt),
		ReceiptURL:  s.publicURL + "/receipt/cash-receipt?receiptKey=" + url.QueryEscape(r.Key),
	}
}

func (s *Server) addReceiptLocked(r *receipt, now int64) {
	s.st.rcptSeq++
	r.Seq, r.RequestedAt, r.CompletesAfter = s.st.rcptSeq, now, now+receiptCompletes
	r.IssueNumber = s.randStringLocked(9, "0123456789")
	s.st.receipts = append(s.st.receipts, r)
	s.dirty = true
}

// issueCashReceipt is POST /v1/cash-receipts (docs/toss.md#cash-receipts).
func (s *Server) issueCashReceipt(c *call) result {
	var req struct {
		Amount                 amount `json:"amount"`
		OrderID                string `json:"orderId"`
		OrderName              string `json:"orderName"`
		Type                   string `json:"type"`
		CustomerIdentityNumber string `json:"customerIdentityNumber"`
		RegistrationNumber     string `json:"registrationNumber"`
		TaxFreeAmount          amount `json:"taxFreeAmount"`
	}
	if e := decode(c, &req); e != nil {
		return errResult(e)
	}
	if e := validateOrder(req.OrderID, req.OrderName); e != nil {
		return errResult(e)
	}
	if !req.Amount.set {
		return errResult(errInvalid("amount는 필수입니다."))
	}
	if e := validateAmount(req.Amount.v, methodNone); e != nil && e.Code != "BELOW_MINIMUM_AMOUNT" {
		return errResult(e)
	}
	if req.TaxFreeAmount.v < 0 || req.TaxFreeAmount.v > req.Amount.v {
		return errResult(errInvalid("taxFreeAmount가 올바르지 않습니다."))
	}
	id := req.CustomerIdentityNumber
	if id == "" {
		id = req.RegistrationNumber
	}
	switch {
	case req.Type != "소득공제" && req.Type != "지출증빙":
		return errResult(newError("INVALID_CASH_RECEIPT_INFO", "type은 소득공제 또는 지출증빙이어야 합니다."))
	case id == "" || utf8.RuneCountInString(id) > 30:
		return errResult(newError("INVALID_CASH_RECEIPT_INFO", "customerIdentityNumber는 1자 이상 30자 이하로 필수입니다."))
	case req.Type == "지출증빙" && !(len(id) == 10 && digitsOnly(id)):
		return errResult(newError("INVALID_REGISTRATION_NUMBER_TYPE", "지출증빙은 10자리 사업자등록번호가 필요합니다."))
	}
	for _, r := range s.st.receipts {
		if r.OrderID == req.OrderID && !r.Cancel && !r.Canceled {
			return errResult(newError("DUPLICATED_CASH_RECEIPT", "이미 현금영수증이 발급된 주문입니다."))
		}
	}
	r := &receipt{Key: s.newReceiptKeyLocked(), OrderID: req.OrderID, OrderName: req.OrderName, Type: req.Type,
		Identity: id, Amount: req.Amount.v, TaxFree: req.TaxFreeAmount.v}
	s.addReceiptLocked(r, c.now)
	return jsonResult(s.receiptJSONOf(r, c.now))
}

// cancelCashReceipt is POST /v1/cash-receipts/{receiptKey}/cancel (docs/toss.md#cash-receipts):
// a CANCEL record keyed "c_" + the original key.
func (s *Server) cancelCashReceipt(c *call) result {
	key := c.r.PathValue("receiptKey")
	var orig *receipt
	for _, r := range s.st.receipts {
		if r.Key == key && !r.Cancel {
			orig = r
		}
	}
	if orig == nil {
		return errResult(newError("NOT_FOUND", "존재하지 않는 현금영수증입니다."))
	}
	var req struct {
		Amount amount `json:"amount"`
	}
	if len(c.body) > 0 {
		if e := decode(c, &req); e != nil {
			return errResult(e)
		}
	}
	if orig.Canceled {
		return errResult(errInvalid("이미 취소된 현금영수증입니다."))
	}
	left := orig.Amount - orig.CanceledAmount
	amt := left
	if req.Amount.set {
		if req.Amount.v <= 0 || req.Amount.v > left {
			return errResult(errInvalid("취소 금액이 올바르지 않습니다."))
		}
		amt = req.Amount.v
	}
	taxFree := orig.TaxFree * amt / orig.Amount
	if amt == left {
		taxFree = orig.TaxFree - orig.TaxFree*orig.CanceledAmount/orig.Amount
	}
	r := s.cancelReceiptLocked(orig, amt, taxFree, c.now)
	return jsonResult(s.receiptJSONOf(r, c.now))
}

// listCashReceipts is GET /v1/cash-receipts (docs/toss.md#cash-receipts): receipts requested on
// requestDate, paged by cursor (the last record's sequence number).
func (s *Server) listCashReceipts(c *call) result {
	q := c.r.URL.Query()
	day, err := time.ParseInLocation(dateLayout, q.Get("requestDate"), kst)
	if err != nil {
		return errResult(newError("INVALID_DATE", "requestDate는 yyyy-MM-dd 형식으로 필수입니다."))
	}
	limit, e := queryInt(q, "limit", 100, 10000, "EXCEED_MAX_QUERY_LIMIT")
	if e != nil {
		return errResult(e)
	}
	var cursor int64
	if v := q.Get("cursor"); v != "" {
		if cursor, err = strconv.ParseInt(v, 10, 64); err != nil || cursor < 0 {
			return errResult(newError("INVALID_PAGING_KEY", "cursor가 올바르지 않습니다."))
		}
	}
	want := day.Format(dateLayout)
	out := struct {
		HasNext    bool              `json:"hasNext"`
		LastCursor int64             `json:"lastCursor"`
		Data       []cashReceiptJSON `json:"data"`
	}{Data: make([]cashReceiptJSON, 0)}
	for _, r := range s.st.receipts {
		if r.Seq <= cursor || kstTime(r.RequestedAt).Format(dateLayout) != want {
			continue
		}
		if len(out.Data) == limit {
			out.HasNext = true
			break
		}
		out.Data = append(out.Data, s.receiptJSONOf(r, c.now))
		out.LastCursor = r.Seq
	}
	return jsonResult(out)
}

// checkReceiptRequest checks a payment's cashReceipt request
// (docs/toss.md#virtual-account-issue): type 소득공제, 지출증빙 or 미발행, and
// for the first two a number of at most 30 characters (a business number
// of 10 digits for 지출증빙). It returns the type and number to issue to,
// both "" for none.
func checkReceiptRequest(typ, number string) (string, string, *apiError) {
	number = strings.ReplaceAll(number, "-", "")
	switch typ {
	case "", "미발행":
		return "", "", nil
	case "소득공제", "지출증빙":
	default:
		return "", "", newError("INVALID_CASH_RECEIPT_INFO", "현금영수증 정보가 올바르지 않습니다.")
	}
	if number == "" || len(number) > 30 || !digitsOnly(number) || (typ == "지출증빙" && len(number) != 10) {
		return "", "", newError("INVALID_CASH_RECEIPT_INFO", "현금영수증 발급 번호가 올바르지 않습니다.")
	}
	return typ, number, nil
}

// issuePaymentReceiptLocked issues the cash receipt a virtual account or
// transfer asked for, once it is paid (deposit or approval): Toss issues
// it then (docs/toss.md#cash-receipts), linked to the payment.
func (s *Server) issuePaymentReceiptLocked(p *payment, now int64) {
	if p.ReceiptType == "" || p.Receipt != "" || !p.Method.accountBased() {
		return
	}
	r := &receipt{Key: s.newReceiptKeyLocked(), OrderID: p.OrderID, OrderName: p.OrderName, Type: p.ReceiptType,
		Identity: p.ReceiptID, Amount: p.Balance, TaxFree: p.TaxFree, PaymentKey: p.Key}
	s.addReceiptLocked(r, now)
	p.Receipt = r.Key
}

// cancelPaymentReceiptLocked cancels amount (taxFree of it tax-free) of
// the receipt issued with p, as Toss does when the payment is cancelled: a
// CANCEL record linked to the payment.
func (s *Server) cancelPaymentReceiptLocked(p *payment, amount, taxFree, now int64) {
	orig := s.receiptLocked(p.Receipt)
	if orig == nil || orig.Canceled {
		return
	}
	amount = min(amount, orig.Amount-orig.CanceledAmount)
	s.cancelReceiptLocked(orig, amount, min(taxFree, amount), now)
}

// receiptLocked returns the issued (not cancel) receipt with key, or nil.
func (s *Server) receiptLocked(key string) *receipt {
	if key == "" {
		return nil
	}
	for _, r := range s.st.receipts {
		if r.Key == key && !r.Cancel {
			return r
		}
	}
	return nil
}

// cancelReceiptLocked records the cancel of amount of orig and returns the
// CANCEL record.
func (s *Server) cancelReceiptLocked(orig *receipt, amount, taxFree, now int64) *receipt {
	orig.CanceledAmount += amount
	orig.Canceled = orig.CanceledAmount >= orig.Amount
	r := &receipt{Key: "c_" + orig.Key, OrderID: orig.OrderID, OrderName: orig.OrderName, Type: orig.Type,
		Identity: orig.Identity, Amount: amount, TaxFree: taxFree, Cancel: true, PaymentKey: orig.PaymentKey}
	s.addReceiptLocked(r, now)
	return r
}

// writeReceipts writes a payment's cashReceipt (the receipt issued with
// it) and cashReceipts (it and its cancels), null when there is none
// (docs/toss.md#payment-object).
func (s *Server) writeReceipts(w *jw, p *payment, now int64) {
	orig := s.receiptLocked(p.Receipt)
	if orig == nil {
		w.null("cashReceipt")
		w.null("cashReceipts")
		return
	}
	j := s.receiptJSONOf(orig, now)
	w.obj("cashReceipt")
	w.str("type", j.Type)
	w.str("receiptKey", j.ReceiptKey)
	w.str("issueNumber", j.IssueNumber)
	w.str("receiptUrl", j.ReceiptURL)
	w.num("amount", j.Amount)
	w.num("taxFreeAmount", j.TaxFreeAmount)
	w.close()
	w.key("cashReceipts")
	w.b = append(w.b, '[')
	first := true
	for _, r := range s.st.receipts {
		if r.PaymentKey != p.Key {
			continue
		}
		if !first {
			w.b = append(w.b, ',')
		}
		first = false
		b, _ := json.Marshal(s.receiptJSONOf(r, now)) // strings and numbers only
		w.b = append(w.b, b...)
	}
	w.b = append(w.b, ']')
}
