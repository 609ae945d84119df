package sandbox

import (
	"slices"
	"time"
	"unicode/utf8"
)

const (
	confirmWindow     = int64(10 * time.Minute) // docs/toss.md#confirm
	consecutiveCancel = int64(time.Second)      // docs/toss.md#rate-limits
	refundDelay       = int64(48 * time.Hour)   // docs/toss.md#cancel: refund ~2 days after cancel
	settleDelay       = int64(24 * time.Hour)   // settlements appear the day after
	defaultVAValidity = int64(168 * time.Hour)  // docs/toss.md#virtual-account-issue validHours default
	maxVAValidity     = int64(2160 * time.Hour) // docs/toss.md#virtual-account-issue max
)

// refreshLocked applies time-based transitions to p (docs/toss.md#time-windows): an
// unconfirmed authentication expires 10 minutes after it was made (with a
// PAYMENT_STATUS_CHANGED webhook); a virtual account past its due date is
// marked expired but stays WAITING_FOR_DEPOSIT, without a webhook
// (docs/toss.md#payment-status).
func (s *Server) refreshLocked(p *payment, now int64) {
	switch {
	case p.Status == statusInProgress && now >= p.RequestedAt+confirmWindow:
		s.touchLocked(p)
		delete(s.st.pending, p)
		p.Status = statusExpired
		p.Failure = &failure{Code: "EXPIRED_PAYMENT", Message: "결제 유효 시간이 지나 만료되었습니다."}
		s.dirty = true
		s.paymentEventLocked(p, now)
	case p.Status == statusWaitingForDeposit && p.VA != nil && !p.VA.Expired && now >= p.VA.DueAt:
		s.touchLocked(p)
		delete(s.st.pending, p)
		v := *p.VA
		v.Expired = true
		p.VA = &v
		s.dirty = true
	}
	s.completeCancelsLocked(p, now)
}

// completeCancelsLocked finishes due asynchronous cancels with a
// CANCEL_STATUS_CHANGED webhook (docs/toss.md#cancel-status-changed) and drops p from the
// pending set when nothing is left to wait for.
func (s *Server) completeCancelsLocked(p *payment, now int64) {
	async, waiting := false, false
	for i := range p.Cancels {
		c := &p.Cancels[i]
		if c.RequestID == "" || c.Notified {
			continue
		}
		async = true
		if now < c.DoneAt {
			waiting = true
			continue
		}
		s.touchLocked(p)
		p.Cancels = slices.Clone(p.Cancels) // elements are shared with frozen copies
		p.Cancels[i].Notified = true
		s.cancelEventLocked(p.OrderID, &p.Cancels[i], now)
	}
	if async && !waiting && p.Status != statusInProgress && p.Status != statusWaitingForDeposit {
		delete(s.st.pending, p)
	}
}

// pendingLocked reports whether p has a deadline the sweep must watch.
func pendingLocked(p *payment) bool {
	if p.Status == statusInProgress || (p.Status == statusWaitingForDeposit && p.VA != nil && !p.VA.Expired) {
		return true
	}
	for _, c := range p.Cancels {
		if c.RequestID != "" && !c.Notified {
			return true
		}
	}
	return false
}

// sweepLocked refreshes every payment that has a deadline, and drops old
// idempotency keys.
func (s *Server) sweepLocked(now int64) {
	for p := range s.st.pending {
		s.refreshLocked(p, now)
	}
	s.sweepIdemLocked(now)
}

type confirmRequest struct {
	PaymentKey string `json:"paymentKey"`
	OrderID    string `json:"orderId"`
	Amount     amount `json:"amount"`
}

// confirm is POST /v1/payments/confirm (docs/toss.md#confirm).
func (s *Server) confirm(c *call) result {
	var req confirmRequest
	if e := decode(c, &req); e != nil {
		return errResult(e)
	}
	return s.confirmLocked(c, req)
}

// confirmLegacy is POST /v1/payments/{paymentKey} with body {orderId,
// amount}: the confirm path of older SDKs still on npm (docs/toss.md#confirm,
// "Legacy"). It is the same operation as confirm; the path's paymentKey
// wins over one in the body.
func (s *Server) confirmLegacy(c *call) result {
	var req confirmRequest
	if e := decode(c, &req); e != nil {
		return errResult(e)
	}
	req.PaymentKey = c.r.PathValue("paymentKey")
	return s.confirmLocked(c, req)
}

// confirmLocked confirms an authenticated payment: the rules shared by
// both confirm paths.
func (s *Server) confirmLocked(c *call, req confirmRequest) result {
	if req.PaymentKey == "" || len(req.PaymentKey) > 200 || !req.Amount.set {
		return errResult(errInvalid("paymentKey, orderId, amount는 필수입니다."))
	}
	if !validOrderID(req.OrderID) {
		return errResult(validateOrder(req.OrderID, "-"))
	}
	p, ok := s.st.payments[req.PaymentKey]
	if !ok || p.OrderID != req.OrderID {
		return errResult(newError("NOT_FOUND_PAYMENT_SESSION", "결제 시간이 만료되어 결제 진행 데이터가 존재하지 않습니다."))
	}
	if keyPairs[p.Pair].fam != keyPairs[c.pair].fam {
		return errResult(newError("INVALID_API_KEY", "잘못된 시크릿키 연동 정보 입니다. 결제위젯 연동 키와 API 개별 연동 키를 섞어 쓸 수 없습니다."))
	}
	s.refreshLocked(p, c.now)
	switch p.Status {
	case statusInProgress:
	case statusReady, statusExpired:
		return errResult(newError("NOT_FOUND_PAYMENT_SESSION", "결제 시간이 만료되어 결제 진행 데이터가 존재하지 않습니다."))
	default:
		return errResult(newError("ALREADY_PROCESSED_PAYMENT", "이미 처리된 결제 입니다."))
	}
	if req.Amount.v != p.Amount {
		return errResult(errInvalid("결제 금액이 인증된 금액과 일치하지 않습니다."))
	}
	s.touchLocked(p)
	delete(s.st.pending, p)
	switch p.Method {
	case methodVirtualAccount:
		name := ""
		if p.VA != nil {
			name = p.VA.CustomerName
		}
		s.issueVALocked(p, "20", name, c.now+defaultVAValidity, c.now)
	case methodCard:
		p.Card = cardFor(defaultTestCard, false, 0)
		s.approveLocked(p, c.now)
	default:
		p.Secret = s.newSecretLocked()
		s.approveLocked(p, c.now)
	}
	return s.paymentResult(c, p)
}

// approveLocked moves p to DONE with a new approval transaction.
func (s *Server) approveLocked(p *payment, now int64) {
	s.touchLocked(p)
	p.Status, p.ApprovedAt = statusDone, now
	p.ApproveTx = s.newTxKeyLocked()
	s.st.txs = append(s.st.txs, txRef{p, -1})
	s.dirty = true
	s.issuePaymentReceiptLocked(p, now)
	if p.Type != typeBilling { // no webhook for billing charges (docs/toss.md#billing-charge)
		s.paymentEventLocked(p, now)
	}
	if p.Method == methodVirtualAccount {
		s.depositEventLocked(p, p.ApproveTx, now)
	}
}

// issueVALocked gives p a virtual account: WAITING_FOR_DEPOSIT with a
// secret, and both webhooks (docs/toss.md#webhook-ordering).
func (s *Server) issueVALocked(p *payment, bank, customerName string, dueAt, now int64) {
	s.touchLocked(p)
	p.VA = &va{
		AccountNumber: s.newAccountNumberLocked(),
		Bank:          bank,
		CustomerName:  customerName,
		DueAt:         dueAt,
		IssuedAt:      now,
		IssueTx:       s.newTxKeyLocked(),
	}
	p.Method, p.Status, p.Secret = methodVirtualAccount, statusWaitingForDeposit, s.newSecretLocked()
	s.st.pending[p] = struct{}{}
	s.st.txs = append(s.st.txs, txRef{p, -2})
	s.dirty = true
	s.paymentEventLocked(p, now)
	s.depositEventLocked(p, p.VA.IssueTx, now)
}

func (s *Server) getPayment(c *call) result {
	p, ok := s.st.payments[c.r.PathValue("paymentKey")]
	if !ok {
		return errResult(newError("NOT_FOUND_PAYMENT", "존재하지 않는 결제 정보 입니다."))
	}
	s.refreshLocked(p, c.now)
	return s.paymentResult(c, p)
}

func (s *Server) getPaymentByOrder(c *call) result {
	p, ok := s.st.orders[c.r.PathValue("orderId")]
	if !ok {
		return errResult(newError("NOT_FOUND_PAYMENT", "존재하지 않는 결제 정보 입니다."))
	}
	s.refreshLocked(p, c.now)
	return s.paymentResult(c, p)
}

type cancelRequest struct {
	CancelReason         string `json:"cancelReason"`
	CancelAmount         amount `json:"cancelAmount"`
	TaxFreeAmount        amount `json:"taxFreeAmount"`
	RefundableAmount     amount `json:"refundableAmount"`
	Currency             string `json:"currency"`
	RefundReceiveAccount *struct {
		Bank          string `json:"bank"`
		AccountNumber string `json:"accountNumber"`
		HolderName    string `json:"holderName"`
	} `json:"refundReceiveAccount"`
}

// cancelPayment is POST /v1/payments/{paymentKey}/cancel (docs/toss.md#cancel).
func (s *Server) cancelPayment(c *call) result {
	p, ok := s.st.payments[c.r.PathValue("paymentKey")]
	if !ok {
		return errResult(newError("NOT_FOUND_PAYMENT", "존재하지 않는 결제 정보 입니다."))
	}
	var req cancelRequest
	if e := decode(c, &req); e != nil {
		return errResult(e)
	}
	if n := utf8.RuneCountInString(req.CancelReason); n < 1 || n > 200 {
		return errResult(errInvalid("cancelReason은 1자 이상 200자 이하로 필수입니다."))
	}
	s.refreshLocked(p, c.now)
	switch p.Status {
	case statusDone, statusPartialCanceled, statusWaitingForDeposit:
	case statusCanceled:
		return errResult(newError("ALREADY_CANCELED_PAYMENT", "이미 취소된 결제 입니다."))
	default:
		return errResult(newError("NOT_CANCELABLE_PAYMENT", "취소 할 수 없는 결제 입니다."))
	}
	if n := len(p.Cancels); n > 0 && c.now-p.Cancels[n-1].At < consecutiveCancel {
		return errResult(newError("FORBIDDEN_CONSECUTIVE_REQUEST", "반복적인 요청은 허용되지 않습니다. 잠시 후 다시 시도해주세요."))
	}
	if req.Currency != "" && req.Currency != "KRW" {
		return errResult(errInvalid("currency는 결제 통화(KRW)와 같아야 합니다."))
	}
	if req.RefundableAmount.set && req.RefundableAmount.v != p.Balance {
		return errResult(newError("NOT_MATCHES_REFUNDABLE_AMOUNT", "잔액 결과가 일치하지 않습니다."))
	}
	amt := p.Balance
	if req.CancelAmount.set {
		switch {
		case req.CancelAmount.v <= 0:
			return errResult(newError("INVALID_REFUND_AMOUNT", "취소 금액이 올바르지 않습니다."))
		case req.CancelAmount.v > p.Balance:
			return errResult(newError("NOT_CANCELABLE_AMOUNT", "취소 할 수 없는 금액 입니다."))
		}
		amt = req.CancelAmount.v
	}
	partial := amt < p.Balance
	if partial && p.Status == statusWaitingForDeposit {
		return errResult(newError("NOT_ALLOWED_PARTIAL_REFUND_WAITING_DEPOSIT", "입금 대기중인 결제는 부분 환불이 불가합니다."))
	}
	if partial && p.Method == methodCard && p.TaxExempt > 0 {
		return errResult(newError("NOT_ALLOWED_PARTIAL_REFUND", "에스크로 주문, 현금 카드 결제일 때는 부분 환불이 불가합니다. 이외 다른 결제 수단에서 부분 취소가 되지 않을 때는 토스페이먼츠에 문의해 주세요."))
	}
	taxFree, taxExempt := p.TaxFree, p.TaxExempt
	if partial {
		taxFree, taxExempt = 0, 0
		if req.TaxFreeAmount.set {
			taxFree = req.TaxFreeAmount.v
		}
	}
	if taxFree < 0 || taxFree > p.TaxFree || taxFree > amt {
		return errResult(errInvalid("taxFreeAmount가 올바르지 않습니다."))
	}
	var refund *refundAccount
	if p.Method == methodVirtualAccount && p.Status != statusWaitingForDeposit {
		ra := req.RefundReceiveAccount
		if ra == nil {
			return errResult(errInvalid("입금된 가상계좌 결제를 취소하려면 refundReceiveAccount가 필요합니다."))
		}
		if _, ok := bankNames[ra.Bank]; !ok {
			return errResult(newError("INVALID_BANK", "유효하지 않은 은행입니다."))
		}
		if ra.AccountNumber == "" || len(ra.AccountNumber) > 20 || !digitsOnly(ra.AccountNumber) {
			return errResult(newError("INVALID_REFUND_ACCOUNT_NUMBER", "환불 계좌번호가 올바르지 않습니다."))
		}
		if n := utf8.RuneCountInString(ra.HolderName); n < 1 || n > 60 {
			return errResult(newError("INVALID_REFUND_ACCOUNT_INFO", "환불 계좌번호와 예금주명이 일치하지 않습니다."))
		}
		refund = &refundAccount{Bank: ra.Bank, AccountNumber: ra.AccountNumber, HolderName: ra.HolderName}
	}
	s.touchLocked(p)
	wasWaiting := p.Status == statusWaitingForDeposit
	p.Balance -= amt
	p.TaxFree -= taxFree
	p.TaxExempt -= taxExempt
	cn := cancel{
		Reason: req.CancelReason, Amount: amt, TaxFree: taxFree, TaxExempt: taxExempt,
		Refundable: p.Balance, At: c.now, Tx: s.newTxKeyLocked(),
	}
	if c.asyncCancel > 0 {
		cn.RequestID = s.randStringLocked(20, alnum)
		cn.DoneAt = c.now + c.asyncCancel*int64(time.Second)
	}
	p.Cancels = append(p.Cancels, cn)
	s.cancelPaymentReceiptLocked(p, amt, taxFree, c.now)
	s.st.txs = append(s.st.txs, txRef{p, int32(len(p.Cancels) - 1)})
	p.Status = statusCanceled
	if p.Balance > 0 {
		p.Status = statusPartialCanceled
	}
	if wasWaiting {
		delete(s.st.pending, p)
	}
	if cn.RequestID != "" {
		s.st.pending[p] = struct{}{}
	}
	if refund != nil {
		v := *p.VA
		v.Refund, v.RefundAt = refund, c.now+refundDelay
		p.VA = &v
	}
	s.dirty = true
	s.paymentEventLocked(p, c.now)
	if p.Method == methodVirtualAccount {
		s.depositEventLocked(p, p.Cancels[len(p.Cancels)-1].Tx, c.now)
	}
	return s.paymentResult(c, p)
}
