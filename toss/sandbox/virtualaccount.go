package sandbox

import (
	"time"
	"unicode/utf8"
)

type virtualAccountRequest struct {
	Amount              amount `json:"amount"`
	OrderID             string `json:"orderId"`
	OrderName           string `json:"orderName"`
	CustomerName        string `json:"customerName"`
	Bank                string `json:"bank"`
	ValidHours          reqInt `json:"validHours"`
	DueDate             string `json:"dueDate"`
	CustomerEmail       string `json:"customerEmail"`
	CustomerMobilePhone string `json:"customerMobilePhone"`
	TaxFreeAmount       amount `json:"taxFreeAmount"`
	AccountKey          string `json:"accountKey"`
	AccountType         string `json:"accountType"`
	CashReceipt         *struct {
		Type               string `json:"type"`
		RegistrationNumber string `json:"registrationNumber"`
	} `json:"cashReceipt"`
}

// issueVirtualAccount is POST /v1/virtual-accounts (docs/toss.md#virtual-account-issue).
func (s *Server) issueVirtualAccount(c *call) result {
	var req virtualAccountRequest
	if e := decode(c, &req); e != nil {
		return errResult(e)
	}
	if !req.Amount.set {
		return errResult(errInvalid("amount는 필수입니다."))
	}
	if e := validateOrder(req.OrderID, req.OrderName); e != nil {
		return errResult(e)
	}
	if e := validateAmount(req.Amount.v, methodVirtualAccount); e != nil {
		return errResult(e)
	}
	if n := utf8.RuneCountInString(req.CustomerName); n < 1 || n > 100 {
		return errResult(errInvalid("customerName은 1자 이상 100자 이하로 필수입니다."))
	}
	if e := validateCustomer("", "", req.CustomerEmail, req.CustomerMobilePhone); e != nil {
		return errResult(e)
	}
	if req.TaxFreeAmount.v < 0 || req.TaxFreeAmount.v > req.Amount.v {
		return errResult(errInvalid("taxFreeAmount가 올바르지 않습니다."))
	}
	bank, ok := vaBankCode(req.Bank)
	if !ok {
		return errResult(newError("INVALID_BANK", "유효하지 않은 은행입니다."))
	}
	if req.AccountType == "고정" && req.AccountKey == "" {
		return errResult(newError("REQUIRED_ACCOUNT_KEY", "고정 가상계좌는 accountKey가 필요합니다."))
	}
	if len(req.AccountKey) > 13 {
		return errResult(errInvalid("accountKey는 13자 이하여야 합니다."))
	}
	var receiptType, receiptID string
	if cr := req.CashReceipt; cr != nil {
		var e *apiError
		if receiptType, receiptID, e = checkReceiptRequest(cr.Type, cr.RegistrationNumber); e != nil {
			return errResult(e)
		}
	}
	due, e := dueFrom(req.ValidHours, req.DueDate, c.now)
	if e != nil {
		return errResult(e)
	}
	if e := s.checkOrderFreeLocked(req.OrderID, c.now); e != nil {
		return errResult(e)
	}
	p := &payment{
		Key:         s.newPaymentKeyLocked(c.now),
		OrderID:     req.OrderID,
		OrderName:   req.OrderName,
		Amount:      req.Amount.v,
		Balance:     req.Amount.v,
		TaxFree:     req.TaxFreeAmount.v,
		RequestedAt: c.now,
		Pair:        c.pair,
		ReceiptType: receiptType,
		ReceiptID:   receiptID,
	}
	s.addPaymentLocked(p)
	s.issueVALocked(p, bank, req.CustomerName, due, c.now)
	if req.AccountKey != "" {
		v := *p.VA
		v.Fixed = true
		p.VA = &v
	}
	return s.paymentResult(c, p)
}

// dueFrom resolves validHours / dueDate (exclusive; docs/toss.md#virtual-account-issue) to a due time.
func dueFrom(validHours reqInt, dueDate string, now int64) (int64, *apiError) {
	switch {
	case validHours.set && dueDate != "":
		return 0, newError("INVALID_VALID_HOURS_WITH_DUE_DATE_AND_SINGLE", "validHours와 dueDate는 함께 사용할 수 없습니다.")
	case validHours.set:
		if validHours.v <= 0 {
			return 0, errInvalid("validHours는 1 이상이어야 합니다.")
		}
		if validHours.v > maxVAValidity/int64(time.Hour) {
			return 0, newError("EXCEED_MAX_VALID_HOURS", "가상계좌의 최대 유효시간(2160시간)을 초과했습니다.")
		}
		return now + validHours.v*int64(time.Hour), nil
	case dueDate != "":
		d, ok := parseRequestTime(dueDate)
		if !ok {
			return 0, newError("INVALID_DATE", "dueDate는 yyyy-MM-dd'T'HH:mm:ss 형식이어야 합니다.")
		}
		if d <= now {
			return 0, newError("INVALID_DATE", "dueDate는 현재 이후여야 합니다.")
		}
		if d-now > maxVAValidity {
			return 0, newError("EXCEED_MAX_DUE_DATE", "가상 계좌의 최대 유효만료 기간을 초과했습니다.")
		}
		return d, nil
	}
	return now + defaultVAValidity, nil
}

// deposit makes the payment's virtual account receive its amount: DONE,
// approvedAt set, a new transaction and both webhooks. Expired or non-waiting
// accounts are refused.
func (s *Server) depositLocked(paymentKey, depositor string, now int64) (*payment, *apiError) {
	p, ok := s.st.payments[paymentKey]
	if !ok {
		return nil, newError("NOT_FOUND_PAYMENT", "존재하지 않는 결제 정보 입니다.")
	}
	s.refreshLocked(p, now)
	if p.Method != methodVirtualAccount || p.Status != statusWaitingForDeposit {
		return nil, errInvalid("입금 대기 중인 가상계좌 결제가 아닙니다: " + p.Status.String())
	}
	if p.VA.Expired {
		return nil, errInvalid("입금 기한이 지난 가상계좌입니다.")
	}
	s.touchLocked(p)
	delete(s.st.pending, p)
	v := *p.VA
	v.DepositorName = depositor
	if v.DepositorName == "" {
		v.DepositorName = v.CustomerName
	}
	p.VA = &v
	s.approveLocked(p, now)
	return p, nil
}
