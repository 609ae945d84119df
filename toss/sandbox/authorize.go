package sandbox

import "strings"

// authorizeInput is what the payment window (or POST /v1/sandbox/authorize)
// collected from the shopper, in SDK v2 terms.
type authorizeInput struct {
	ClientKey           string // test_ck_… or test_gck_…: decides merchant and key family
	Method              string // CARD, VIRTUAL_ACCOUNT, TRANSFER, MOBILE_PHONE, EASY_PAY, *_GIFT_CERTIFICATE
	EasyPay             string // provider for EASY_PAY, e.g. "토스페이" (default) or an SDK code such as "TOSSPAY"
	Amount              int64
	OrderID             string
	OrderName           string
	CustomerKey         string
	CustomerName        string
	CustomerEmail       string
	CustomerMobilePhone string
	PaymentType         string // "NORMAL" (default)
	Metadata            map[string]string
	TaxFreeAmount       int64
	// CashReceiptType and CashReceiptNumber are the cash receipt asked
	// for (virtual account and transfer only; "" or 미발행 for none).
	CashReceiptType, CashReceiptNumber string
}

// authorizeOutput is what the window passes to successUrl.
type authorizeOutput struct {
	PaymentKey, OrderID, PaymentType string
	Amount                           int64
}

// clientKeyKnown reports whether clientKey is one of the built-in client keys.
func (s *Server) clientKeyKnown(clientKey string) bool {
	_, ok := pairByClient(clientKey)
	return ok
}

func pairByClient(clientKey string) (uint8, bool) {
	for i, kp := range keyPairs {
		if kp.client == clientKey {
			return uint8(i), true
		}
	}
	return 0, false
}

// easyPayProviders maps SDK codes to the Korean provider names of responses
// (docs/toss.md#easy-pay).
var easyPayProviders = map[string]string{
	"TOSSPAY": "토스페이", "NAVERPAY": "네이버페이", "KAKAOPAY": "카카오페이", "SAMSUNGPAY": "삼성페이",
	"APPLEPAY": "애플페이", "LPAY": "엘페이", "PAYCO": "페이코", "SSG": "SSG페이", "PINPAY": "핀페이", "KBPAY": "KB페이",
}

func parseMethod(en string) (method, bool) {
	for i, n := range methodNames {
		if i > 0 && n.en == en {
			return method(i), true
		}
	}
	return methodNone, false
}

// authorize validates an authentication as Toss does and stores an
// IN_PROGRESS payment that must be confirmed within 10 minutes
// (docs/toss.md#time-windows).
func (s *Server) authorize(in authorizeInput) (authorizeOutput, *apiError) {
	pair, ok := pairByClient(in.ClientKey)
	if !ok {
		return authorizeOutput{}, newError("INVALID_CLIENT_KEY", "클라이언트 키가 올바르지 않습니다.")
	}
	m, ok := parseMethod(in.Method)
	if !ok {
		return authorizeOutput{}, newError("NOT_SUPPORTED_METHOD", "지원되지 않는 결제수단입니다: "+in.Method)
	}
	if in.PaymentType == "" {
		in.PaymentType = "NORMAL"
	}
	if in.PaymentType != "NORMAL" {
		return authorizeOutput{}, errInvalid("paymentType은 NORMAL만 지원합니다.")
	}
	if e := validateOrder(in.OrderID, in.OrderName); e != nil {
		return authorizeOutput{}, e
	}
	if e := validateAmount(in.Amount, m); e != nil {
		return authorizeOutput{}, e
	}
	if e := validateCustomer(in.CustomerKey, in.CustomerName, in.CustomerEmail, in.CustomerMobilePhone); e != nil {
		return authorizeOutput{}, e
	}
	if in.TaxFreeAmount < 0 || in.TaxFreeAmount > in.Amount {
		return authorizeOutput{}, errInvalid("taxFreeAmount가 올바르지 않습니다.")
	}
	receiptType, receiptID, e := checkReceiptRequest(in.CashReceiptType, in.CashReceiptNumber)
	if e != nil {
		return authorizeOutput{}, e
	}
	if !m.accountBased() {
		receiptType, receiptID = "", ""
	}
	var detail string
	switch m {
	case methodEasyPay:
		detail = in.EasyPay
		if detail == "" {
			detail = "토스페이"
		}
		if ko, ok := easyPayProviders[strings.ToUpper(detail)]; ok {
			detail = ko
		}
	case methodMobilePhone:
		detail = in.CustomerMobilePhone
		if detail == "" {
			detail = "01000000000"
		}
	case methodTransfer:
		detail = "20"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.nowLocked()
	if e := s.checkOrderFreeLocked(in.OrderID, now); e != nil {
		return authorizeOutput{}, e
	}
	p := &payment{
		Key:         s.newPaymentKeyLocked(now),
		OrderID:     in.OrderID,
		OrderName:   in.OrderName,
		CustomerKey: in.CustomerKey,
		Detail:      detail,
		Amount:      in.Amount,
		Balance:     in.Amount,
		RequestedAt: now,
		Pair:        pair,
		Method:      m,
		Status:      statusInProgress,
		Metadata:    in.Metadata,
		TaxFree:     in.TaxFreeAmount,
		ReceiptType: receiptType,
		ReceiptID:   receiptID,
	}
	if m == methodVirtualAccount {
		p.VA = &va{CustomerName: in.CustomerName}
	}
	s.addPaymentLocked(p)
	s.st.pending[p] = struct{}{}
	return authorizeOutput{PaymentKey: p.Key, OrderID: p.OrderID, PaymentType: in.PaymentType, Amount: p.Amount}, nil
}
