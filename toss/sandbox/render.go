package sandbox

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// The Payment object (docs/toss.md#payment-object, docs/toss.md#sub-objects) is written by hand with an
// append-only JSON writer: it is the hot path of every endpoint, and
// reflection-based encoding cost more than the rest of a request. The field
// names are spelled here once, apart from the toss client's types, so the two
// cannot share a mistake.

const apiVersion = "2022-11-16"

// jw appends one JSON object (with nested objects) to b.
type jw struct {
	b     []byte
	first bool
}

func (w *jw) open() { w.b, w.first = append(w.b, '{'), true }

func (w *jw) close() { w.b, w.first = append(w.b, '}'), false }

func (w *jw) key(k string) {
	if !w.first {
		w.b = append(w.b, ',')
	}
	w.first = false
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
}

func (w *jw) obj(k string) { w.key(k); w.open() }

func (w *jw) str(k, v string) { w.key(k); w.b = appendString(w.b, v) }

// url writes prefix + paymentKey + suffix. Payment keys are generated
// alphanumerics, so they need no escaping in a URL.
func (w *jw) url(k, prefix, paymentKey, suffix string) {
	w.key(k)
	w.b = appendString(w.b, prefix)
	w.b = w.b[:len(w.b)-1] // reopen the string
	w.b = append(w.b, paymentKey...)
	w.b = append(w.b, suffix...)
	w.b = append(w.b, '"')
}

func (w *jw) tx(k string, t txKey) {
	w.key(k)
	w.b = append(w.b, '"')
	w.b = t.appendHex(w.b)
	w.b = append(w.b, '"')
}

func (w *jw) code(k string, c code2) {
	w.key(k)
	w.b = append(w.b, '"', c[0], c[1], '"')
}

// strOrNull writes null for "".
func (w *jw) strOrNull(k, v string) {
	if v == "" {
		w.null(k)
		return
	}
	w.str(k, v)
}

func (w *jw) num(k string, v int64) { w.key(k); w.b = strconv.AppendInt(w.b, v, 10) }

func (w *jw) bool(k string, v bool) { w.key(k); w.b = strconv.AppendBool(w.b, v) }

func (w *jw) null(k string) { w.key(k); w.b = append(w.b, "null"...) }

func (w *jw) raw(k string, v []byte) { w.key(k); w.b = append(w.b, v...) }

func (w *jw) time(k string, ns int64) {
	if ns == 0 {
		w.null(k)
		return
	}
	w.key(k)
	w.b = append(w.b, '"')
	w.b = kstTime(ns).AppendFormat(w.b, tossLayout)
	w.b = append(w.b, '"')
}

// appendString appends s as a JSON string; invalid UTF-8 becomes U+FFFD,
// as with encoding/json.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// vatOf is round((amount − taxFree − taxExempt) / 11), half up
// (docs/toss.md#payment-object vat, docs/toss.md#amount-invariants).
func vatOf(balance, taxFree, taxExempt int64) int64 {
	taxable := balance - taxFree - taxExempt
	if taxable <= 0 {
		return 0
	}
	return (taxable*2 + 11) / 22
}

// lastTxOf is the key of the latest transaction: last cancel, else approval
// (or deposit), else virtual-account issue.
func lastTxOf(p *payment) txKey {
	if n := len(p.Cancels); n > 0 {
		return p.Cancels[n-1].Tx
	}
	if !p.ApproveTx.isZero() {
		return p.ApproveTx
	}
	if p.VA != nil {
		return p.VA.IssueTx
	}
	return txKey{}
}

// renderPayment writes p as Toss would at sandbox time now, in Korean.
func (s *Server) renderPayment(p *payment, now int64) []byte {
	return s.renderPaymentIn(p, now, korean)
}

// renderPaymentIn is renderPayment in language l.
func (s *Server) renderPaymentIn(p *payment, now int64, l lang) []byte {
	w := jw{b: make([]byte, 0, 2048)}
	s.writePaymentIn(&w, p, now, l)
	return w.b
}

// renderPaymentPooled is renderPaymentIn into a pooled buffer; release it
// with bufPool.Put after writing the response.
func (s *Server) renderPaymentPooled(p *payment, now int64, l lang) []byte {
	w := jw{b: (*bufPool.Get().(*[]byte))[:0]}
	s.writePaymentIn(&w, p, now, l)
	return w.b
}

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// writePayment writes p in Korean (webhooks carry no request language).
func (s *Server) writePayment(w *jw, p *payment, now int64) { s.writePaymentIn(w, p, now, korean) }

// writePaymentIn writes p at sandbox time now in language l.
func (s *Server) writePaymentIn(w *jw, p *payment, now int64, l lang) {
	vat := vatOf(p.Balance, p.TaxFree, p.TaxExempt)
	settled := "INCOMPLETED"
	if p.ApprovedAt != 0 && now-p.ApprovedAt >= settleDelay {
		settled = "COMPLETED"
	}

	w.open()
	w.str("mId", mid)
	w.str("version", apiVersion)
	w.str("paymentKey", p.Key)
	if last := lastTxOf(p); last.isZero() {
		w.null("lastTransactionKey")
	} else {
		w.tx("lastTransactionKey", last)
	}
	w.null("transactionKey")
	if p.Type == typeBilling {
		w.str("type", "BILLING")
	} else {
		w.str("type", "NORMAL")
	}
	w.str("orderId", p.OrderID)
	w.str("orderName", p.OrderName)
	w.str("currency", "KRW")
	w.strOrNull("method", l.methodName(p.Method))
	w.str("status", p.Status.String())
	w.time("requestedAt", p.RequestedAt)
	w.time("approvedAt", p.ApprovedAt)
	w.bool("useEscrow", false)
	w.bool("cultureExpense", false)
	w.num("totalAmount", p.Amount)
	w.num("balanceAmount", p.Balance)
	w.num("suppliedAmount", p.Balance-p.TaxFree-p.TaxExempt-vat)
	w.num("vat", vat)
	w.num("taxFreeAmount", p.TaxFree)
	w.num("taxExemptionAmount", p.TaxExempt)
	w.bool("isPartialCancelable", !(p.Method == methodCard && p.TaxExempt > 0))

	if c := p.Card; c != nil && p.Method == methodCard {
		writeCard(w, p, c, settled, l)
	} else {
		w.null("card")
	}
	if v := p.VA; v != nil && v.AccountNumber != "" {
		writeVA(w, v, settled, now, l)
	} else {
		w.null("virtualAccount")
	}
	if p.Method == methodTransfer {
		w.obj("transfer")
		w.str("bankCode", p.Detail)
		w.str("settlementStatus", settled)
		w.close()
	} else {
		w.null("transfer")
	}
	if p.Method == methodMobilePhone {
		w.obj("mobilePhone")
		w.str("customerMobilePhone", p.Detail)
		w.str("settlementStatus", settled)
		w.url("receiptUrl", s.publicURL+"/receipt/mobile?transactionId=", p.Key, "")
		w.close()
	} else {
		w.null("mobilePhone")
	}
	if p.Method == methodCultureGift || p.Method == methodBookGift || p.Method == methodGameGift {
		w.obj("giftCertificate")
		w.str("approveNo", "00000000")
		w.str("settlementStatus", settled)
		w.close()
	} else {
		w.null("giftCertificate")
	}
	if p.Method == methodEasyPay {
		w.obj("easyPay")
		provider := p.Detail
		if en, ok := easyPayEnglish[provider]; ok && l == english {
			provider = en
		}
		w.str("provider", provider)
		w.num("amount", p.Amount)
		w.num("discountAmount", 0)
		w.close()
	} else {
		w.null("easyPay")
	}
	s.writeReceipts(w, p, now)
	w.null("discount")
	if len(p.Cancels) == 0 {
		w.null("cancels")
	} else {
		w.key("cancels")
		w.b = append(w.b, '[')
		for i := range p.Cancels {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			writeCancel(w, &p.Cancels[i], now)
		}
		w.b = append(w.b, ']')
	}
	w.strOrNull("secret", p.Secret)
	w.str("country", "KR")
	if f := p.Failure; f != nil {
		w.obj("failure")
		w.str("code", f.Code)
		w.str("message", l.pick(f.Message, englishMessage(f.Code, f.Message)))
		w.close()
	} else {
		w.null("failure")
	}
	if len(p.Metadata) == 0 {
		w.null("metadata")
	} else {
		w.obj("metadata")
		for _, k := range slices.Sorted(maps.Keys(p.Metadata)) {
			w.str(k, p.Metadata[k])
		}
		w.close()
	}
	switch {
	case p.Method == methodVirtualAccount && p.VA != nil && p.VA.AccountNumber != "":
		w.obj("receipt")
		w.url("url", s.publicURL+"/receipt/payment-detail/bank-transfer?transactionId=", p.Key, "&ref=PX")
		w.close()
	case p.ApprovedAt != 0:
		w.obj("receipt")
		w.url("url", s.publicURL+"/receipt/redirection?transactionId=", p.Key, "&ref=PX")
		w.close()
	default:
		w.null("receipt")
	}
	if p.Type == typeNormal {
		w.obj("checkout")
		w.url("url", s.publicURL+"/v1/payments/", p.Key, "/checkout")
		w.close()
	} else {
		w.null("checkout")
	}
	w.null("foreignEasyPay")
	w.close()
}

func writeCard(w *jw, p *payment, c *card, settled string, l lang) {
	acquire := "READY"
	switch {
	case p.Status == statusCanceled:
		acquire = "CANCELED"
	case settled == "COMPLETED":
		acquire = "COMPLETED"
	}
	owner := l.pick("개인", "PERSONAL")
	if c.Corporate {
		owner = l.pick("법인", "CORPORATE")
	}
	w.obj("card")
	w.code("issuerCode", c.Issuer)
	w.code("acquirerCode", c.Acquirer)
	w.str("number", c.Number)
	w.num("installmentPlanMonths", int64(c.Installment))
	w.bool("isInterestFree", false)
	w.null("interestPayer")
	w.str("approveNo", "00000000")
	w.bool("useCardPoint", false)
	w.str("cardType", l.pick("신용", "CREDIT"))
	w.str("ownerType", owner)
	w.str("acquireStatus", acquire)
	w.num("amount", p.Amount)
	w.close()
}

func writeVA(w *jw, v *va, settled string, now int64, l lang) {
	refund := "NONE"
	if v.RefundAt != 0 {
		refund = "PENDING"
		if now >= v.RefundAt {
			refund = "COMPLETED"
		}
	}
	w.obj("virtualAccount")
	if v.Fixed {
		w.str("accountType", l.pick("고정", "FIXED"))
	} else {
		w.str("accountType", l.pick("일반", "NORMAL"))
	}
	w.str("accountNumber", v.AccountNumber)
	w.str("bankCode", v.Bank)
	w.str("customerName", v.CustomerName)
	w.strOrNull("depositorName", v.DepositorName)
	w.time("dueDate", v.DueAt)
	w.str("refundStatus", refund)
	w.bool("expired", v.Expired)
	w.str("settlementStatus", settled)
	w.null("refundReceiveAccount")
	w.close()
}

// writeCancel writes one Cancel object (docs/toss.md#cancel-object) at sandbox time now.
func writeCancel(w *jw, c *cancel, now int64) {
	w.open()
	w.tx("transactionKey", c.Tx)
	w.str("cancelReason", c.Reason)
	w.num("cancelAmount", c.Amount)
	w.num("taxFreeAmount", c.TaxFree)
	w.num("taxExemptionAmount", c.TaxExempt)
	w.num("refundableAmount", c.Refundable)
	w.num("cardDiscountAmount", 0)
	w.num("transferDiscountAmount", 0)
	w.num("easyPayDiscountAmount", 0)
	w.time("canceledAt", c.At)
	w.null("receiptKey")
	if c.RequestID != "" && now < c.DoneAt {
		w.str("cancelStatus", "IN_PROGRESS")
	} else {
		w.str("cancelStatus", "DONE")
	}
	w.strOrNull("cancelRequestId", c.RequestID)
	w.close()
}
