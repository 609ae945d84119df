package payment

// FailureText is a failure explained to a shopper: a plain sentence in
// Korean and in English. Pages show it as the headline and Toss's code in
// small print beside it; they never make the code the headline.
type FailureText [2]string

// Ko is the Korean sentence.
func (t FailureText) Ko() string { return t[0] }

// En is the English sentence.
func (t FailureText) En() string { return t[1] }

// Sentences shared by several codes.
var (
	failCanceled = FailureText{"결제창을 닫아 결제가 진행되지 않았습니다. 결제된 금액은 없습니다.",
		"You closed the payment window, so nothing was charged."}
	failCardDeclined = FailureText{"카드사에서 결제를 승인하지 않았습니다. 다른 카드나 결제수단으로 다시 시도해 주세요.",
		"The card company declined the payment. Try another card or payment method."}
	failCardInvalid = FailureText{"이 카드로는 결제할 수 없습니다. 카드 정보를 확인하거나 다른 카드로 결제해 주세요.",
		"This card cannot be used. Check the card details or use another card."}
	failLimit = FailureText{"결제 한도를 넘었습니다. 금액이나 결제수단을 바꿔 다시 시도해 주세요.",
		"A payment limit was exceeded. Try a smaller amount or another payment method."}
	failInstallment = FailureText{"선택한 할부 개월 수로는 결제할 수 없습니다. 일시불이나 다른 개월 수로 다시 시도해 주세요.",
		"This instalment plan is not available. Pay in full or choose another plan."}
	failTemporary = FailureText{"결제 기관에 일시적인 문제가 있었습니다. 결제된 금액은 없습니다. 잠시 후 다시 시도해 주세요.",
		"The payment provider had a temporary problem. Nothing was charged; try again in a moment."}
	failAccount = FailureText{"계좌에서 출금할 수 없습니다. 잔액과 계좌 상태를 확인하거나 다른 결제수단을 이용해 주세요.",
		"The account could not be debited. Check its balance or use another payment method."}
	failSession = FailureText{"결제 시간이 지났습니다. 결제된 금액은 없습니다. 처음부터 다시 결제해 주세요.",
		"The payment took too long and was not completed. Nothing was charged; please pay again."}
	failShop = FailureText{"상점의 결제 설정 문제로 결제하지 못했습니다. 결제된 금액은 없습니다. 상점에 문의해 주세요.",
		"The shop's payment setup stopped the payment. Nothing was charged; please contact the shop."}
	failUnknown = FailureText{"결제를 완료하지 못했습니다. 결제된 금액은 없습니다. 다시 시도하거나 다른 결제수단을 이용해 주세요.",
		"The payment could not be completed. Nothing was charged; try again or use another payment method."}
)

// failureTexts maps every Toss code a shopper can meet (docs/toss.md#errors,
// the fail URL, the SDK's rejections, confirm's refusals) and paydeck's own
// failure codes to their sentences. It is the only such table: the shop,
// the admin and the API docs read it through FailureTexts and
// FailureTextOf.
var failureTexts = map[string]FailureText{
	// The fail URL and the SDK.
	"PAY_PROCESS_CANCELED": failCanceled,
	"USER_CANCEL":          failCanceled,
	"PAY_PROCESS_ABORTED": {"결제 진행 중 문제가 생겨 결제가 중단되었습니다. 결제된 금액은 없습니다. 다시 시도해 주세요.",
		"The payment was interrupted. Nothing was charged; please try again."},
	"REJECT_CARD_COMPANY": failCardDeclined,
	"DUPLICATED_ORDER_ID": {"이 주문은 이미 결제가 진행되었습니다. 주문 내역에서 결제 상태를 확인해 주세요.",
		"This order has already been through payment. Check its status in your orders."},
	"NOT_SUPPORTED_METHOD": {"이 결제수단은 지금 사용할 수 없습니다. 다른 결제수단을 골라 주세요.",
		"This payment method is not available. Choose another one."},
	"INVALID_CLIENT_KEY": failShop, "INVALID_CUSTOMER_KEY": failShop, "INVALID_PARAMETERS": failShop,
	"INVALID_AMOUNT_VALUE": failShop, "BELOW_ZERO_AMOUNT": failShop, "INCORRECT_SUCCESS_URL_FORMAT": failShop,
	"INCORRECT_FAIL_URL_FORMAT": failShop, "INVALID_METADATA": failShop, "INSECURE_KEY_USAGE": failShop,
	"INVALID_ORDER_ID": failShop, "INVALID_ORDER_NAME": failShop,

	// Confirm.
	"REJECT_CARD_PAYMENT": {"카드 한도가 부족하거나 잔액이 모자랍니다. 다른 카드나 결제수단으로 결제해 주세요.",
		"The card's limit or balance is not enough. Use another card or payment method."},
	"INVALID_REJECT_CARD":         failCardInvalid,
	"INVALID_STOPPED_CARD":        failCardInvalid,
	"INVALID_CARD_EXPIRATION":     failCardInvalid,
	"INVALID_CARD_NUMBER":         failCardInvalid,
	"INVALID_CARD_LOST_OR_STOLEN": failCardInvalid,
	"NOT_SUPPORTED_CARD_TYPE":     failCardInvalid,
	"NOT_REGISTERED_CARD_COMPANY": failCardInvalid,
	"NOT_ALLOWED_POINT_USE": {"이 카드는 포인트를 쓸 수 없습니다. 포인트 없이 다시 결제해 주세요.",
		"This card cannot pay with points. Pay again without points."},
	"EXCEED_MAX_CARD_INSTALLMENT_PLAN":                failInstallment,
	"NOT_SUPPORTED_INSTALLMENT_PLAN_CARD_OR_MERCHANT": failInstallment,
	"INVALID_CARD_INSTALLMENT_PLAN":                   failInstallment,
	"NOT_SUPPORTED_MONTHLY_INSTALLMENT_PLAN":          failInstallment,
	"EXCEED_MAX_DAILY_PAYMENT_COUNT":                  failLimit,
	"EXCEED_MAX_PAYMENT_AMOUNT":                       failLimit,
	"EXCEED_MAX_AMOUNT":                               failLimit,
	"EXCEED_MAX_ONE_DAY_AMOUNT":                       failLimit,
	"EXCEED_MAX_MONTHLY_PAYMENT_AMOUNT":               failLimit,
	"EXCEED_MAX_ONE_DAY_WITHDRAW_AMOUNT":              failLimit,
	"EXCEED_MAX_ONE_TIME_WITHDRAW_AMOUNT":             failLimit,
	"BELOW_MINIMUM_AMOUNT": {"결제 금액이 이 결제수단의 최소 금액보다 적습니다. 다른 결제수단을 이용해 주세요.",
		"The amount is below this method's minimum. Use another payment method."},
	"REJECT_ACCOUNT_PAYMENT":           failAccount,
	"RESTRICTED_TRANSFER_ACCOUNT":      failAccount,
	"INVALID_ACCOUNT_INFO_RE_REGISTER": failAccount,
	"REJECT_TOSSPAY_INVALID_ACCOUNT":   failAccount,
	"INVALID_PASSWORD": {"결제 비밀번호가 맞지 않습니다. 다시 시도해 주세요.",
		"The payment password was wrong. Please try again."},
	"EXCEED_MAX_AUTH_COUNT": {"인증 시도 횟수를 넘었습니다. 잠시 후 다시 시도하거나 다른 결제수단을 이용해 주세요.",
		"Too many authentication attempts. Wait a while or use another payment method."},
	"INVALID_AUTHORIZE_AUTH": {"본인 인증이 완료되지 않았습니다. 다시 결제해 주세요.",
		"The authentication did not complete. Please pay again."},
	"FDS_ERROR": {"안전한 거래를 위해 결제가 보류되었습니다. 카드사나 토스페이먼츠의 안내 문자를 확인한 뒤 다시 시도해 주세요.",
		"The payment was held for your security. Follow the text message from your card company or Toss Payments, then try again."},
	"NOT_AVAILABLE_BANK": {"지금은 은행 점검 시간이라 결제할 수 없습니다. 잠시 후 다시 시도하거나 다른 결제수단을 이용해 주세요.",
		"The bank is in its maintenance hours. Try again later or use another payment method."},
	"NOT_AVAILABLE_PAYMENT": {"지금 시간에는 이 결제수단을 쓸 수 없습니다. 다른 결제수단을 이용해 주세요.",
		"This payment method is not available at this time of day. Use another one."},
	"NOT_FOUND_PAYMENT_SESSION": failSession,
	"UNAPPROVED_ORDER_ID":       failSession,
	"NOT_FOUND_PAYMENT":         failSession,
	"ALREADY_PROCESSED_PAYMENT": {"이미 처리된 결제입니다. 주문 내역에서 결제 상태를 확인해 주세요.",
		"This payment was already processed. Check its status in your orders."},
	"PROVIDER_ERROR":                            failTemporary,
	"CARD_PROCESSING_ERROR":                     failTemporary,
	"FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING": failTemporary,
	"FAILED_INTERNAL_SYSTEM_PROCESSING":         failTemporary,
	"FAILED_CARD_COMPANY_RESPONSE":              failTemporary,
	"UNKNOWN_PAYMENT_ERROR":                     failTemporary,
	"COMMON_ERROR":                              failTemporary,
	"UNKNOWN_ERROR":                             failTemporary,
	"IDEMPOTENT_REQUEST_PROCESSING":             failTemporary,
	"FORBIDDEN_CONSECUTIVE_REQUEST":             failTemporary,
	"UNAUTHORIZED_KEY":                          failShop,
	"INVALID_API_KEY":                           failShop,
	"INCORRECT_BASIC_AUTH_FORMAT":               failShop,
	"FORBIDDEN_REQUEST":                         failShop,
	"INVALID_REQUEST":                           failShop,
	"NOT_FOUND_TERMINAL_ID":                     failShop,
	"INVALID_UNREGISTERED_SUBMALL":              failShop,
	"NOT_REGISTERED_BUSINESS":                   failShop,

	// paydeck's own failure codes.
	"APPROVAL_MISMATCH": {"결제 정보가 주문과 맞지 않아 결제를 취소했습니다. 승인된 금액은 자동으로 취소됩니다.",
		"The payment did not match the order, so it was cancelled; any approved amount is cancelled automatically."},
	"REQUEST_REJECTED": failTemporary,
}

// FailureTexts returns a copy of the table of failure sentences by code.
func FailureTexts() map[string]FailureText {
	out := make(map[string]FailureText, len(failureTexts))
	for k, v := range failureTexts {
		out[k] = v
	}
	return out
}

// FailureTextOf returns the sentences for code, and a general one for a
// code the table does not know.
func FailureTextOf(code string) FailureText {
	if t, ok := failureTexts[code]; ok {
		return t
	}
	return failUnknown
}

// FailureKnown reports whether code has its own sentence.
func FailureKnown(code string) bool {
	_, ok := failureTexts[code]
	return ok
}
