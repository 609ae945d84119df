package sandbox

import (
	"net/http"
	"strconv"
	"strings"
)

// Response language (docs/toss.md#accept-language). Toss answers in Korean
// unless the request carries "Accept-Language: en-US": then error messages
// and every value Toss itself chose (method, card type, owner type, account
// type, provider and company names, failure messages) come in English.
// Values the merchant sent (orderName, cancelReason, cash-receipt type…)
// are echoed as sent either way.

// lang is the language of one response.
type lang uint8

const (
	korean lang = iota
	english
)

// langOf picks the response language from Accept-Language: English when the
// most preferred language (highest q, first on a tie) is "en" or "en-…",
// Korean otherwise.
func langOf(r *http.Request) lang {
	h := r.Header.Get("Accept-Language")
	if h == "" {
		return korean
	}
	best, bestQ := "", -1.0
	for part := range strings.SplitSeq(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				continue
			}
			q = f
		}
		if q > bestQ && q > 0 {
			best, bestQ = strings.ToLower(strings.TrimSpace(tag)), q
		}
	}
	if best == "en" || strings.HasPrefix(best, "en-") {
		return english
	}
	return korean
}

// pick returns ko or en for l.
func (l lang) pick(ko, en string) string {
	if l == english {
		return en
	}
	return ko
}

// methodName is the response value of m: 카드 or CARD.
func (l lang) methodName(m method) string {
	return l.pick(methodNames[m].ko, methodNames[m].en)
}

// easyPayEnglish are the English provider names (the SDK codes), by Korean
// name: Toss documents no other English rendering.
var easyPayEnglish = func() map[string]string {
	m := make(map[string]string, len(easyPayProviders))
	for code, ko := range easyPayProviders {
		m[ko] = code
	}
	return m
}()

// cardCompanyEnglish are English card company names by issuer code, for
// Billing.cardCompany (Toss's SDK constants spell them this way).
var cardCompanyEnglish = map[string]string{
	"11": "KOOKMIN", "21": "HANA", "31": "BC", "41": "SHINHAN", "51": "SAMSUNG", "61": "HYUNDAI", "71": "LOTTE", "91": "NONGHYEOP",
}

// message is e's message in l.
func (e *apiError) message(l lang) string {
	if l == english {
		return englishMessage(e.Code, e.Message)
	}
	return e.Message
}

// englishMessage translates a Korean message. A message "prefix: detail"
// keeps its detail (a code or a field name) after the translated prefix; an
// unknown message falls back to a sentence naming the code.
func englishMessage(code, ko string) string {
	if en, ok := messagesEnglish[ko]; ok {
		return en
	}
	if i := strings.LastIndex(ko, ": "); i >= 0 {
		if en, ok := messagesEnglish[ko[:i+2]]; ok {
			return en + ko[i+2:]
		}
	}
	return "The request failed with " + code + "."
}

// messagesEnglish holds the English text of every Korean message the API
// sends; a key ending in ": " is a prefix followed by a detail.
// TestEveryMessageHasEnglish keeps it complete.
var messagesEnglish = map[string]string{
	"errorCode는 400 또는 403으로 답하는 Toss 오류 코드여야 합니다: ": "errorCode must be a Toss error code answered with 400 or 403: ",
	"billingKey와 customerKey 중 하나만 주어야 합니다.":         "Give exactly one of billingKey and customerKey.",
	"accountKey는 13자 이하여야 합니다.":                      "accountKey must be at most 13 characters.",
	"amount는 필수입니다.":                                 "amount is required.",
	"cancelReason은 1자 이상 200자 이하로 필수입니다.":            "cancelReason is required and must be 1 to 200 characters.",
	"currency는 결제 통화(KRW)와 같아야 합니다.":                 "currency must equal the payment's currency (KRW).",
	"cursor가 올바르지 않습니다.":                             "cursor is not valid.",
	"customerIdentityNumber는 1자 이상 30자 이하로 필수입니다.":   "customerIdentityNumber is required and must be 1 to 30 characters.",
	"customerKey 형식이 올바르지 않습니다.":                     "customerKey is not valid.",
	"customerKey는 영문 대소문자, 숫자, 특수문자 -, _, =, ., @ 로 이루어진 2자 이상 300자 이하의 문자열이어야 합니다.": "customerKey must be 2 to 300 letters, digits or the characters - _ = . @.",
	"customerMobilePhone은 - 없이 숫자 8~15자리여야 합니다.":                                     "customerMobilePhone must be 8 to 15 digits without '-'.",
	"customerName은 100자 이하여야 합니다.":                                                   "customerName must be at most 100 characters.",
	"customerName은 1자 이상 100자 이하로 필수입니다.":                                            "customerName is required and must be 1 to 100 characters.",
	"dateType은 soldDate 또는 paidOutDate여야 합니다.":                                       "dateType must be soldDate or paidOutDate.",
	"dueDate는 yyyy-MM-dd'T'HH:mm:ss 형식이어야 합니다.":                                      "dueDate must be in the format yyyy-MM-dd'T'HH:mm:ss.",
	"dueDate는 현재 이후여야 합니다.":                                                          "dueDate must be in the future.",
	"orderId는 영문 대소문자, 숫자, 특수문자 -, _ 로 이루어진 6자 이상 64자 이하의 문자열이어야 합니다.":               "orderId must be 6 to 64 letters, digits or the characters - _.",
	"orderName은 1자 이상 100자 이하여야 합니다.":                                                "orderName must be 1 to 100 characters.",
	"paymentKey, orderId, amount는 필수입니다.":                                            "paymentKey, orderId and amount are required.",
	"paymentType은 NORMAL만 지원합니다.":                                                    "paymentType must be NORMAL.",
	"requestDate는 yyyy-MM-dd 형식으로 필수입니다.":                                            "requestDate is required in the format yyyy-MM-dd.",
	"startDate와 endDate는 yyyy-MM-dd 형식으로 필수입니다.":                                     "startDate and endDate are required in the format yyyy-MM-dd.",
	"startDate와 endDate는 필수입니다.":                                                     "startDate and endDate are required.",
	"startingAfter가 올바르지 않습니다.":                                                      "startingAfter is not a known transactionKey.",
	"taxFreeAmount/taxExemptionAmount가 올바르지 않습니다.":                                   "taxFreeAmount or taxExemptionAmount is not valid.",
	"taxFreeAmount가 올바르지 않습니다.":                                                      "taxFreeAmount is not valid.",
	"type은 소득공제 또는 지출증빙이어야 합니다.":                                                     "type must be 소득공제 or 지출증빙.",
	"validHours는 1 이상이어야 합니다.":                                                       "validHours must be at least 1.",
	"validHours와 dueDate는 함께 사용할 수 없습니다.":                                            "validHours and dueDate cannot be used together.",
	"가상 계좌의 최대 유효만료 기간을 초과했습니다.":                                                     "dueDate is beyond the longest validity of a virtual account.",
	"가상계좌의 최대 유효시간(2160시간)을 초과했습니다.":                                                 "validHours exceeds the maximum of 2160 hours.",
	"거래금액 한도를 초과했습니다.":                                                               "The amount exceeds the transaction limit.",
	"결제 금액이 인증된 금액과 일치하지 않습니다.":                                                      "The amount does not match the authenticated amount.",
	"결제 시간이 만료되어 결제 진행 데이터가 존재하지 않습니다.":                                              "The payment session does not exist: it expired or the orderId does not match.",
	"결제 유효 시간이 지나 만료되었습니다.":                                                          "The payment expired before it was confirmed.",
	"계좌이체 최대 금액(10,000,000원)을 초과했습니다.":                                               "The amount exceeds the bank transfer maximum of 10,000,000 KRW.",
	"고정 가상계좌는 accountKey가 필요합니다.":                                                    "A fixed virtual account needs an accountKey.",
	"금액은 0보다 커야 합니다.":                                                                "The amount must be above zero.",
	"날짜 형식이 올바르지 않습니다. yyyy-MM-dd'T'HH:mm:ss":                                        "The date format is not valid; use yyyy-MM-dd'T'HH:mm:ss.",
	"멱등키는 300자 이하여야 합니다.":                                                            "The Idempotency-Key must be at most 300 characters.",
	"반복적인 요청은 허용되지 않습니다. 잠시 후 다시 시도해주세요.":                                            "Repeated requests are not allowed. Please try again in a moment.",
	"빌링키 인증 시 사용한 customerKey와 일치하지 않습니다.":                                           "The customerKey does not match the one the billing key was issued for.",
	"생년월일 정보는 6자리의 yyMMdd 형식이어야 합니다. 사업자등록번호는 10자리의 숫자여야 합니다.":                       "The birth date must be 6 digits (yyMMdd) or the business number 10 digits.",
	"에스크로 주문, 현금 카드 결제일 때는 부분 환불이 불가합니다. 이외 다른 결제 수단에서 부분 취소가 되지 않을 때는 토스페이먼츠에 문의해 주세요.": "This payment cannot be partially refunded; cancel it in full.",
	"요청 본문을 읽을 수 없습니다.":                                        "The request body could not be read.",
	"요청 본문의 JSON 형식이 올바르지 않습니다.":                               "The request body is not valid JSON for this API.",
	"요청 본문이 비어 있습니다.":                                          "The request body is empty.",
	"요청한 리소스를 찾을 수 없습니다.":                                      "The requested resource was not found.",
	"유효하지 않은 authKey 입니다.":                                     "The authKey is not valid.",
	"유효하지 않은 은행입니다.":                                           "The bank is not valid.",
	"유효하지 않은 테스트 코드입니다: ":                                      "Unknown test code: ",
	"이메일 주소 형식이 올바르지 않습니다.":                                    "The email address is not valid.",
	"이미 승인 및 취소가 진행된 중복된 주문번호입니다. 다른 주문번호로 진행해주세요.":            "The orderId was already used for an approved or canceled payment. Use another orderId.",
	"이미 처리된 결제 입니다.":                                           "The payment has already been processed.",
	"이미 취소된 결제 입니다.":                                           "The payment has already been canceled.",
	"이미 취소된 현금영수증입니다.":                                         "The cash receipt has already been canceled.",
	"이미 현금영수증이 발급된 주문입니다.":                                     "A cash receipt was already issued for this order.",
	"이전 멱등 요청이 처리 중입니다. 잠시 후 다시 시도해주세요.":                       "The first request with this Idempotency-Key is still being processed. Please retry shortly.",
	"인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다.":                            "The secret key or client key is not authorized.",
	"입금 기한이 지난 가상계좌입니다.":                                       "The virtual account is past its due date.",
	"입금 대기 중인 가상계좌 결제가 아닙니다: ":                                 "The payment is not a virtual account waiting for deposit: ",
	"입금 대기중인 결제는 부분 환불이 불가합니다.":                                "A payment waiting for deposit cannot be partially refunded.",
	"입금된 가상계좌 결제를 취소하려면 refundReceiveAccount가 필요합니다.":          "Canceling a deposited virtual account needs refundReceiveAccount.",
	"자동결제는 API 개별 연동 키로만 사용할 수 있습니다.":                          "Billing works with the API individual integration keys only.",
	"잔액 결과가 일치하지 않습니다.":                                        "refundableAmount does not match the refundable balance.",
	"잘못된 시크릿키 연동 정보 입니다. 결제위젯 연동 키와 API 개별 연동 키를 섞어 쓸 수 없습니다.": "Wrong secret key for this payment: widget keys and API individual keys cannot be mixed.",
	"잘못된 요청입니다. ':' 를 포함해 인코딩해주세요.":                            "Malformed Authorization header: encode the secret key followed by ':'.",
	"존재하지 않는 결제 정보 입니다.":                                       "The payment does not exist.",
	"존재하지 않는 빌링키 입니다.":                                         "The billing key does not exist.",
	"존재하지 않는 현금영수증입니다.":                                        "The cash receipt does not exist.",
	"지원되지 않는 결제수단입니다: ":                                        "Unsupported payment method: ",
	"지출증빙은 10자리 사업자등록번호가 필요합니다.":                               "지출증빙 needs a 10-digit business registration number.",
	"최소 결제 금액보다 작습니다.":                                         "The amount is below the minimum payment amount.",
	"취소 금액이 올바르지 않습니다.":                                        "The cancel amount is not valid.",
	"취소 할 수 없는 결제 입니다.":                                        "The payment cannot be canceled.",
	"취소 할 수 없는 금액 입니다.":                                        "The amount cannot be canceled.",
	"카드 번호 결제는 API 개별 연동 키로만 사용할 수 있습니다.":                      "Key-in payments work with the API individual integration keys only.",
	"카드 정보를 다시 확인해주세요. (비밀번호)":                                 "Please check the card details (password).",
	"카드 정보를 다시 확인해주세요. (유효기간)":                                 "Please check the card details (expiry date).",
	"카드번호를 다시 확인해주세요.":                                         "Please check the card number.",
	"클라이언트 키가 올바르지 않습니다.":                                      "The client key is not valid.",
	"테스트 코드로 발생시킨 오류입니다: ":                                     "Error forced by TossPayments-Test-Code: ",
	"할부 개월 정보가 잘못되었습니다.":                                       "The installment plan is not valid.",
	"할부가 지원되지 않는 카드 또는 가맹점 입니다. (5만원 이상부터 할부 가능)":              "Installments are not available for this amount (from 50,000 KRW).",
	"현금영수증 발급 번호가 올바르지 않습니다.":                                  "The cash receipt registration number is not valid.",
	"현금영수증 정보가 올바르지 않습니다.":                                     "The cash receipt information is not valid.",
	"환불 계좌번호가 올바르지 않습니다.":                                      "The refund account number is not valid.",
	"환불 계좌번호와 예금주명이 일치하지 않습니다.":                                "The refund account number and holder name do not match.",
	"쿼리 파라미터는 1 이상의 정수여야 합니다: ":                                "The query parameter must be an integer of at least 1: ",
	"쿼리 파라미터가 최댓값을 넘었습니다: ":                                    "The query parameter exceeds its maximum: ",
}
