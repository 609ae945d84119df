package toss

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"time"
)

// ErrorCode is a Toss error code, the "code" member of an error body (and of
// Payment.Failure). Branch on codes, never on Message: Toss changes messages
// without notice. Unknown codes are kept verbatim.
type ErrorCode string

// Error codes callers commonly branch on (docs/toss.md#errors lists
// the full catalogue; any other code is still reported verbatim in Error.Code).
const (
	// Every endpoint.
	CodeUnauthorizedKey             ErrorCode = "UNAUTHORIZED_KEY"
	CodeIncorrectBasicAuthFormat    ErrorCode = "INCORRECT_BASIC_AUTH_FORMAT"
	CodeInvalidAPIKey               ErrorCode = "INVALID_API_KEY"
	CodeForbiddenRequest            ErrorCode = "FORBIDDEN_REQUEST"
	CodeInvalidRequest              ErrorCode = "INVALID_REQUEST"
	CodeInvalidIdempotencyKey       ErrorCode = "INVALID_IDEMPOTENCY_KEY"
	CodeIdempotentRequestProcessing ErrorCode = "IDEMPOTENT_REQUEST_PROCESSING"
	CodeAPIVersionUpdateNeeded      ErrorCode = "API_VERSION_UPDATE_NEEDED"
	CodeInvalidTestCode             ErrorCode = "INVALID_TEST_CODE"
	CodeNotFound                    ErrorCode = "NOT_FOUND"
	CodeFailedInternalSystemProcess ErrorCode = "FAILED_INTERNAL_SYSTEM_PROCESSING"
	CodeCommonError                 ErrorCode = "COMMON_ERROR"
	CodeUnknownError                ErrorCode = "UNKNOWN_ERROR"
	CodeForbiddenConsecutiveRequest ErrorCode = "FORBIDDEN_CONSECUTIVE_REQUEST"
	CodeInvalidRequiredParam        ErrorCode = "INVALID_REQUIRED_PARAM"
	CodeInvalidOrderID              ErrorCode = "INVALID_ORDER_ID"
	CodeInvalidOrderName            ErrorCode = "INVALID_ORDER_NAME"
	CodeInvalidCustomerKey          ErrorCode = "INVALID_CUSTOMER_KEY"
	CodeDuplicatedOrderID           ErrorCode = "DUPLICATED_ORDER_ID"
	CodeBelowMinimumAmount          ErrorCode = "BELOW_MINIMUM_AMOUNT"
	CodeExceedMaxQueryLimit         ErrorCode = "EXCEED_MAX_QUERY_LIMIT"
	CodeInvalidPagingKey            ErrorCode = "INVALID_PAGING_KEY"
	CodeInvalidDate                 ErrorCode = "INVALID_DATE"
	CodeNotAvailableBank            ErrorCode = "NOT_AVAILABLE_BANK"
	CodeNotAvailablePayment         ErrorCode = "NOT_AVAILABLE_PAYMENT"
	CodeMaintainedMethod            ErrorCode = "MAINTAINED_METHOD"

	// Confirm, key-in and billing charge.
	CodeAlreadyProcessedPayment      ErrorCode = "ALREADY_PROCESSED_PAYMENT"
	CodeProviderError                ErrorCode = "PROVIDER_ERROR"
	CodeNotFoundPayment              ErrorCode = "NOT_FOUND_PAYMENT"
	CodeNotFoundPaymentSession       ErrorCode = "NOT_FOUND_PAYMENT_SESSION"
	CodeRejectCardCompany            ErrorCode = "REJECT_CARD_COMPANY"
	CodeRejectCardPayment            ErrorCode = "REJECT_CARD_PAYMENT"
	CodeRejectAccountPayment         ErrorCode = "REJECT_ACCOUNT_PAYMENT"
	CodeInvalidCardNumber            ErrorCode = "INVALID_CARD_NUMBER"
	CodeInvalidCardExpiration        ErrorCode = "INVALID_CARD_EXPIRATION"
	CodeInvalidCardPassword          ErrorCode = "INVALID_CARD_PASSWORD"
	CodeInvalidCardIdentity          ErrorCode = "INVALID_CARD_IDENTITY"
	CodeInvalidStoppedCard           ErrorCode = "INVALID_STOPPED_CARD"
	CodeInvalidRejectCard            ErrorCode = "INVALID_REJECT_CARD"
	CodeInvalidCardLostOrStolen      ErrorCode = "INVALID_CARD_LOST_OR_STOLEN"
	CodeInvalidPassword              ErrorCode = "INVALID_PASSWORD"
	CodeExceedMaxAuthCount           ErrorCode = "EXCEED_MAX_AUTH_COUNT"
	CodeExceedMaxPaymentAmount       ErrorCode = "EXCEED_MAX_PAYMENT_AMOUNT"
	CodeExceedMaxDailyPaymentCount   ErrorCode = "EXCEED_MAX_DAILY_PAYMENT_COUNT"
	CodeFDSError                     ErrorCode = "FDS_ERROR"
	CodeCardProcessingError          ErrorCode = "CARD_PROCESSING_ERROR"
	CodeFailedPaymentInternalProcess ErrorCode = "FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING"
	CodeUnknownPaymentError          ErrorCode = "UNKNOWN_PAYMENT_ERROR"
	CodeFailedCardCompanyResponse    ErrorCode = "FAILED_CARD_COMPANY_RESPONSE"
	CodeFailedDBProcessing           ErrorCode = "FAILED_DB_PROCESSING"

	// Cancel.
	CodeAlreadyCanceledPayment         ErrorCode = "ALREADY_CANCELED_PAYMENT"
	CodeNotCancelableAmount            ErrorCode = "NOT_CANCELABLE_AMOUNT"
	CodeNotCancelablePayment           ErrorCode = "NOT_CANCELABLE_PAYMENT"
	CodeNotMatchesRefundableAmount     ErrorCode = "NOT_MATCHES_REFUNDABLE_AMOUNT"
	CodeNotAllowedPartialRefund        ErrorCode = "NOT_ALLOWED_PARTIAL_REFUND"
	CodeNotAllowedPartialRefundWaiting ErrorCode = "NOT_ALLOWED_PARTIAL_REFUND_WAITING_DEPOSIT"
	CodeExceedMaxRefundDue             ErrorCode = "EXCEED_MAX_REFUND_DUE"
	CodeExceedCancelAmountDiscount     ErrorCode = "EXCEED_CANCEL_AMOUNT_DISCOUNT_AMOUNT"
	CodeInvalidRefundAccountInfo       ErrorCode = "INVALID_REFUND_ACCOUNT_INFO"
	CodeInvalidRefundAccountNumber     ErrorCode = "INVALID_REFUND_ACCOUNT_NUMBER"
	CodeInvalidBank                    ErrorCode = "INVALID_BANK"
	CodeRefundRejected                 ErrorCode = "REFUND_REJECTED"
	CodeAlreadyRefundPayment           ErrorCode = "ALREADY_REFUND_PAYMENT"
	CodeFailedRefundProcess            ErrorCode = "FAILED_REFUND_PROCESS"
	CodeFailedMethodHandling           ErrorCode = "FAILED_METHOD_HANDLING"
	CodeFailedMethodHandlingCancel     ErrorCode = "FAILED_METHOD_HANDLING_CANCEL"
	CodeFailedPartialRefund            ErrorCode = "FAILED_PARTIAL_REFUND"

	// Virtual accounts.
	CodeExceedMaxDueDate      ErrorCode = "EXCEED_MAX_DUE_DATE"
	CodeExceedMaxValidHours   ErrorCode = "EXCEED_MAX_VALID_HOURS"
	CodeInvalidValidHoursDue  ErrorCode = "INVALID_VALID_HOURS_WITH_DUE_DATE_AND_SINGLE"
	CodeRequiredAccountKey    ErrorCode = "REQUIRED_ACCOUNT_KEY"
	CodeInvalidCashReceiptInf ErrorCode = "INVALID_CASH_RECEIPT_INFO"

	// Billing.
	CodeNotFoundBilling         ErrorCode = "NOT_FOUND_BILLING"
	CodeNotMatchesCustomerKey   ErrorCode = "NOT_MATCHES_CUSTOMER_KEY"
	CodeInvalidBillKeyRequest   ErrorCode = "INVALID_BILL_KEY_REQUEST"
	CodeInvalidBillingAuth      ErrorCode = "INVALID_BILLING_AUTH"
	CodeFailedBillKeyAuthCreate ErrorCode = "FAILED_BILL_KEY_AUTH_CREATION"

	// Cash receipts.
	CodeDuplicatedCashReceipt ErrorCode = "DUPLICATED_CASH_RECEIPT"
	CodeNTSError              ErrorCode = "NTS_ERROR"
)

// temporaryCodes are the codes docs/toss.md#errors classifies as transient (safe to
// retry with the same idempotency key), whatever their HTTP status.
var temporaryCodes = map[ErrorCode]bool{
	CodeIdempotentRequestProcessing: true,
	CodeForbiddenConsecutiveRequest: true,
	CodeProviderError:               true, // HTTP 400 but transient
	CodeFailedInternalSystemProcess: true,
	CodeCommonError:                 true,
	CodeUnknownError:                true,
	CodeFailedCardCompanyResponse:   true,
	CodeFailedMethodHandling:        true,
	CodeFailedMethodHandlingCancel:  true,
	CodeFailedRefundProcess:         true,
}

// outcomeUnknownCodes are 5xx codes after which the operation may or may not
// have happened. They are not retried: the caller must re-read the payment.
var outcomeUnknownCodes = map[ErrorCode]bool{
	CodeFailedPaymentInternalProcess: true,
	CodeUnknownPaymentError:          true,
	CodeCardProcessingError:          true,
	CodeFailedDBProcessing:           true, // caused by a bad request value: not transient
}

// Error is the one error type for a Toss API error response: a non-2xx HTTP
// status with (usually) a {"code","message"} body. Use errors.As to get it.
// It never contains the secret key, card data or billing keys: the request is
// identified by Route, the path template (e.g. "/v1/billing/{billingKey}"),
// and Message has the request's billing key or card number (should Toss echo
// them) and any other run of 12 or more digits masked.
type Error struct {
	HTTPStatus int       // HTTP status code of the response
	Code       ErrorCode // Toss code; "" when the body had none (e.g. a bare 429 or 502)
	Message    string    // Toss's human-readable message, redacted; never branch on it
	TraceID    string    // X-TossPayments-Trace-Id response header; quote it to Toss support
	Method     string    // HTTP method of the request
	Route      string    // path template of the request, without identifiers
	// RetryAfter is the Retry-After header (whole seconds) of a 429 or 503;
	// 0 when absent. The client waits that long (capped) before retrying.
	RetryAfter time.Duration
}

// Error renders "toss: METHOD route: status CODE: message (trace id)".
func (e *Error) Error() string {
	s := fmt.Sprintf("toss: %s %s: %d %s: %s", e.Method, e.Route, e.HTTPStatus, e.Code, e.Message)
	if e.TraceID != "" {
		s += " (trace " + e.TraceID + ")"
	}
	return s
}

// Retryable reports whether repeating the same request with the same
// idempotency key is safe and may succeed: HTTP 429, the temporary codes of
// docs/toss.md#errors (including 409 IDEMPOTENT_REQUEST_PROCESSING and the HTTP 400
// PROVIDER_ERROR), and any other 5xx except the outcome-unknown codes
// (see OutcomeUnknown).
func (e *Error) Retryable() bool {
	switch {
	case temporaryCodes[e.Code]:
		return true
	case e.HTTPStatus == http.StatusTooManyRequests:
		return true
	case e.HTTPStatus >= 500:
		return !outcomeUnknownCodes[e.Code]
	}
	return false
}

// OutcomeUnknown reports whether err leaves it unknown if the operation took
// effect: a transport failure or timeout (*TransportError), a 2xx answer
// that could not be decoded (*DecodeError), a retryable Toss
// error that outlived the retries, or a code such as
// FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING or ALREADY_PROCESSED_PAYMENT.
// The caller must re-read the payment (Payments.GetByOrderID) and reconcile,
// and must not re-send with a new idempotency key.
func OutcomeUnknown(err error) bool {
	if _, ok := errors.AsType[*TransportError](err); ok {
		return true
	}
	if _, ok := errors.AsType[*DecodeError](err); ok {
		return true
	}
	e, ok := errors.AsType[*Error](err)
	if !ok {
		return false
	}
	return outcomeUnknownCodes[e.Code] || e.Code == CodeAlreadyProcessedPayment || e.Retryable()
}

// IsCode reports whether err is (or wraps) a Toss *Error with the given code.
func IsCode(err error, code ErrorCode) bool {
	e, ok := errors.AsType[*Error](err)
	return ok && e.Code == code
}

// TransportError reports a request that got no HTTP response (connection
// failure, attempt timeout, unreadable body) after all retries. Like Error it
// names the route template, never the URL, so identifiers do not leak.
type TransportError struct {
	Method string
	Route  string
	Err    error // the underlying network or context error
}

// Error renders "toss: METHOD route: transport: cause".
func (e *TransportError) Error() string {
	return fmt.Sprintf("toss: %s %s: transport: %v", e.Method, e.Route, e.Err)
}

// Unwrap returns the underlying cause (e.g. context.DeadlineExceeded).
func (e *TransportError) Unwrap() error { return e.Err }

// DecodeError reports a 2xx answer whose body could not be decoded. Toss
// received and processed the request, so what it did is unknown: callers
// settle it as for a TransportError (OutcomeUnknown), never as a refusal.
// It is not retried by the client.
type DecodeError struct {
	Method string
	Route  string
	Err    error // the JSON error, redacted
}

// Error renders "toss: METHOD route: decode response: cause".
func (e *DecodeError) Error() string {
	return fmt.Sprintf("toss: %s %s: decode response: %v", e.Method, e.Route, e.Err)
}

// Unwrap returns the decoding error.
func (e *DecodeError) Unwrap() error { return e.Err }

// longDigits matches runs that could be card or account numbers.
var longDigits = regexp.MustCompile(`\d(?:[ -]?\d){11,}`)

// maskDigits hides runs of 12 or more digits, optionally separated by single
// spaces or dashes (card and account numbers), in text from Toss or callers.
func maskDigits(s string) string {
	return longDigits.ReplaceAllLiteralString(s, "[masked]")
}
