package sandbox

import (
	"encoding/json"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// Identifier rules of docs/toss.md#identifiers.

func validOrderID(id string) bool {
	if len(id) < 6 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func validateOrder(orderID, orderName string) *apiError {
	if !validOrderID(orderID) {
		return newError("INVALID_ORDER_ID", "orderId는 영문 대소문자, 숫자, 특수문자 -, _ 로 이루어진 6자 이상 64자 이하의 문자열이어야 합니다.")
	}
	if n := utf8.RuneCountInString(orderName); n < 1 || n > 100 {
		return newError("INVALID_ORDER_NAME", "orderName은 1자 이상 100자 이하여야 합니다.")
	}
	return nil
}

// maxAmount bounds every amount, so that sums and VAT arithmetic cannot
// overflow (Toss's own per-payment limits are far lower).
const maxAmount = 1_000_000_000_000

// validateAmount applies the minimums of docs/toss.md#amounts: > 0, card ≥ 100 KRW,
// account-based ≥ 200 KRW, transfer ≤ 10,000,000 KRW; and maxAmount.
func validateAmount(amount int64, m method) *apiError {
	if amount <= 0 {
		return newError("BELOW_ZERO_AMOUNT", "금액은 0보다 커야 합니다.")
	}
	if amount > maxAmount {
		return newError("EXCEED_MAX_AMOUNT", "거래금액 한도를 초과했습니다.")
	}
	min := int64(100)
	if m.accountBased() {
		min = 200
	}
	if amount < min {
		return newError("BELOW_MINIMUM_AMOUNT", "최소 결제 금액보다 작습니다.")
	}
	if m == methodTransfer && amount > 10_000_000 {
		return newError("EXCEEDS_TRANSFER_AMOUNT_MAXIMUM", "계좌이체 최대 금액(10,000,000원)을 초과했습니다.")
	}
	return nil
}

func validCustomerKey(k string) bool {
	if len(k) < 2 || len(k) > 300 {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '=' || c == '.' || c == '@') {
			return false
		}
	}
	return true
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func validPhone(p string) bool { return len(p) >= 8 && len(p) <= 15 && digitsOnly(p) }

// validateCustomer checks the optional buyer fields; "" means absent.
func validateCustomer(key, name, email, phone string) *apiError {
	if key != "" && key != "@@ANONYMOUS" && !validCustomerKey(key) {
		return newError("INVALID_CUSTOMER_KEY", "customerKey는 영문 대소문자, 숫자, 특수문자 -, _, =, ., @ 로 이루어진 2자 이상 300자 이하의 문자열이어야 합니다.")
	}
	if utf8.RuneCountInString(name) > 100 {
		return errInvalid("customerName은 100자 이하여야 합니다.")
	}
	if email != "" {
		if _, err := mail.ParseAddress(email); err != nil || len(email) > 100 {
			return newError("INVALID_EMAIL", "이메일 주소 형식이 올바르지 않습니다.")
		}
	}
	if phone != "" && !validPhone(phone) {
		return errInvalid("customerMobilePhone은 - 없이 숫자 8~15자리여야 합니다.")
	}
	return nil
}

// checkOrderFreeLocked rejects an orderId that already belongs to a payment
// that went past authentication (DUPLICATED_ORDER_ID, docs/toss.md#endpoint-errors).
// An orderId whose earlier attempt expired, was aborted or is still only
// authenticated may be used again.
func (s *Server) checkOrderFreeLocked(orderID string, now int64) *apiError {
	p, ok := s.st.orders[orderID]
	if !ok {
		return nil
	}
	s.refreshLocked(p, now)
	switch p.Status {
	case statusReady, statusInProgress, statusAborted, statusExpired:
		return nil
	}
	return newError("DUPLICATED_ORDER_ID", "이미 승인 및 취소가 진행된 중복된 주문번호입니다. 다른 주문번호로 진행해주세요.")
}

func (s *Server) addPaymentLocked(p *payment) {
	s.st.payments[p.Key] = p
	s.st.orders[p.OrderID] = p
	s.dirty = true
}

// parseMetadata reads requestPayment's metadata (docs/toss.md#payment-window): a JSON
// object of at most 5 pairs, keys of at most 40 characters without "[" or
// "]", values of at most 2000 characters. A number or boolean value is
// taken as its text: Payment.metadata holds strings only.
func parseMetadata(raw string) (map[string]string, bool) {
	var obj map[string]json.RawMessage
	if json.Unmarshal([]byte(raw), &obj) != nil || len(obj) > 5 {
		return nil, false
	}
	md := make(map[string]string, len(obj))
	for k, v := range obj {
		if utf8.RuneCountInString(k) > 40 || strings.ContainsAny(k, "[]") {
			return nil, false
		}
		var s string
		switch {
		case len(v) > 0 && v[0] == '"':
			if json.Unmarshal(v, &s) != nil {
				return nil, false
			}
		case string(v) == "true" || string(v) == "false":
			s = string(v)
		default:
			var n json.Number
			if json.Unmarshal(v, &n) != nil {
				return nil, false
			}
			s = n.String()
		}
		if utf8.RuneCountInString(s) > 2000 {
			return nil, false
		}
		md[k] = s
	}
	return md, true
}
