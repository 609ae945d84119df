package paydeck

import (
	"errors"
	"fmt"
	"net/http"
)

// Error codes. The set is closed: every error a caller can see maps to one of
// these, and transports (HTTP, admin UI) translate each to a status once.
const (
	// CodeInvalid means the request was malformed or broke a domain rule.
	CodeInvalid = "invalid"
	// CodeNotFound means the thing asked for does not exist (or is not visible).
	CodeNotFound = "not_found"
	// CodeConflict means the request clashes with the current state: a
	// duplicate unique value, a forbidden status transition, no stock left.
	CodeConflict = "conflict"
	// CodeUnauthorized means the caller is not authenticated.
	CodeUnauthorized = "unauthorized"
	// CodeForbidden means the caller is authenticated but not allowed.
	CodeForbidden = "forbidden"
	// CodeUnavailable means a dependency (database, Toss) is unavailable;
	// retrying later may succeed.
	CodeUnavailable = "unavailable"
	// CodeRateLimited means the caller sent too many requests; only
	// transports raise it (429, with Retry-After).
	CodeRateLimited = "rate_limited"
	// CodeInternal means a bug or an unexpected failure. Its message is never
	// shown to a user; ErrorMessage returns a generic text instead.
	CodeInternal = "internal"
)

// HTTPStatus is the one table from error codes to HTTP statuses, shared by
// the REST API (package api) and the pages (package ui), so that the same
// error answers the same status whoever asks. CodeInvalid is 422
// (Unprocessable Content): the request was well-formed but breaks a rule,
// which is also what the API's own schema validation answers. A malformed
// request a transport cannot even read (a broken form body) stays 400 at
// that transport. Unknown codes, CodeInternal included, are 500.
func HTTPStatus(code string) int {
	switch code {
	case CodeInvalid:
		return http.StatusUnprocessableEntity
	case CodeNotFound:
		return http.StatusNotFound
	case CodeConflict:
		return http.StatusConflict
	case CodeUnauthorized:
		return http.StatusUnauthorized
	case CodeForbidden:
		return http.StatusForbidden
	case CodeUnavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// Reasons: stable, finer codes of the errors a shopper, an owner or an API
// client meets. They are part of the API contract (a problem's "code") and
// never change meaning; new ones may be added. The Args each one carries
// are listed after it; the pages' catalogue (package ui) has a Korean and an
// English sentence for every one.
const (
	ReasonSignInRequired      = "sign_in_required"        // none
	ReasonShopOnly            = "shop_only"               // none: only an admin may do this
	ReasonFormUnreadable      = "form_unreadable"         // none
	ReasonNotANumber          = "not_a_number"            // field label
	ReasonQuantityOutOfRange  = "quantity_out_of_range"   // max
	ReasonCartFull            = "cart_full"               // max lines
	ReasonProductNotFound     = "product_not_found"       // product ID
	ReasonNotForSale          = "not_for_sale"            // product name
	ReasonOutOfStock          = "out_of_stock"            // product name, quantity asked
	ReasonStockLeft           = "stock_left"              // units left, product name
	ReasonStockBelowZero      = "stock_below_zero"        // units in stock, product name, units taken out
	ReasonOrderEmpty          = "order_empty"             // none
	ReasonDuplicateLine       = "duplicate_line"          // product ID
	ReasonReturnNoItems       = "return_no_items"         // none
	ReasonReturnNotDelivered  = "return_not_delivered"    // order ID
	ReasonReturnNotReturnable = "return_not_returnable"   // order ID, order status
	ReasonReturnDefectClosed  = "return_defect_closed"    // deadline (KST)
	ReasonReturnWindowClosed  = "return_window_closed"    // deadline (KST)
	ReasonReturnWaiting       = "return_waiting"          // order ID
	ReasonReturnExempt        = "return_exempt"           // product name
	ReasonQuantityLeft        = "quantity_left"           // units left, product name, "ship" or "return"
	ReasonPostcode            = "postcode"                // none
	ReasonShippingRequired    = "shipping_required"       // none
	ReasonAmountOutOfRange    = "amount_out_of_range"     // min, max, amount
	ReasonTooManyHeld         = "too_many_held"           // max, held, product name
	ReasonTooManyUnpaid       = "too_many_unpaid"         // unpaid orders
	ReasonOrderNotPayable     = "order_not_payable"       // order ID, order status
	ReasonOrderExpired        = "order_expired"           // order ID
	ReasonPaymentUnderWay     = "payment_under_way"       // order ID
	ReasonPaymentResultBroken = "payment_result_broken"   // none
	ReasonConfirmInProgress   = "confirm_in_progress"     // paymentKey
	ReasonPaymentFailed       = "payment_failed"          // paymentKey, payment status
	ReasonStatusTransition    = "status_transition"       // entity, from, to
	ReasonTossRefused         = "toss_refused"            // what, Toss message, Toss code
	ReasonTossUnavailable     = "toss_unavailable"        // what
	ReasonOrderShipped        = "order_shipped"           // order ID
	ReasonRefundInProgress    = "refund_in_progress"      // none or order ID
	ReasonRefundAmount        = "refund_amount"           // none
	ReasonRefundReason        = "refund_reason"           // none
	ReasonRefundTaxFree       = "refund_tax_free"         // none
	ReasonRefundScope         = "refund_scope"            // none: neither full nor an amount chosen
	ReasonRefundPreset        = "refund_preset"           // none: a reason not on the list
	ReasonRefundOther         = "refund_other"            // none: 기타 without words
	ReasonRefundExceeds       = "refund_exceeds_balance"  // amount, balance
	ReasonRefundFullOnly      = "refund_full_only"        // amount
	ReasonDepositFullOnly     = "deposit_full_only"       // none
	ReasonRefundAccount       = "refund_account_required" // none
	ReasonRefundAccountPart   = "refund_account_partial"  // none
	ReasonNotRefundable       = "not_refundable"          // payment status
	ReasonEmailInvalid        = "email_invalid"           // none
	ReasonEmailTooLong        = "email_too_long"          // max bytes
	ReasonNameTooLong         = "name_too_long"           // max characters
	ReasonProductName         = "product_name"            // none
	ReasonPriceTooLow         = "price_too_low"           // min won
	ReasonStockNegative       = "stock_negative"          // none
	ReasonProductCategory     = "product_category"        // max characters
	ReasonMethodName          = "method_name"             // none
	ReasonMethodType          = "method_type"             // type
	ReasonFeeRate             = "fee_rate"                // max basis points
	ReasonFixedFee            = "fixed_fee"               // none
	ReasonEndpointURL         = "endpoint_url"            // none
	ReasonUnknownEventType    = "unknown_event_type"      // type
	ReasonUnknownScope        = "unknown_scope"           // scope
	ReasonKeyName             = "key_name"                // none
	ReasonKeyScopes           = "key_scopes"              // none
	ReasonPlanName            = "plan_name"               // none
	ReasonPlanAmountTooLow    = "plan_amount_too_low"     // min won
	ReasonPlanAmountTooHigh   = "plan_amount_too_high"    // max won
	ReasonPlanInterval        = "plan_interval"           // none
	ReasonPlanIntervalCount   = "plan_interval_count"     // none
	ReasonPlanTrialDays       = "plan_trial_days"         // max days
	ReasonPlanTaxType         = "plan_tax_type"           // none
	ReasonPlanNotFound        = "plan_not_found"          // plan ID
	ReasonSubscriptionEnded   = "subscription_ended"      // subscription ID
	ReasonNotSetToCancel      = "not_set_to_cancel"       // subscription ID
	ReasonNotPastDue          = "not_past_due"            // subscription ID
	ReasonCancelWhen          = "cancel_when"             // none
	ReasonFirstChargeRefused  = "first_charge_refused"    // Toss message
)

// CodeOfStatus is the code of a problem that a transport answers without a
// domain error (request validation, an unreadable body, a rate limit): the
// inverse of HTTPStatus, "rate_limited" for 429, CodeInvalid for any other
// 4xx and CodeInternal for the rest.
func CodeOfStatus(status int) string {
	for _, c := range []string{CodeInvalid, CodeNotFound, CodeConflict, CodeUnauthorized, CodeForbidden, CodeUnavailable} {
		if HTTPStatus(c) == status {
			return c
		}
	}
	switch {
	case status == http.StatusTooManyRequests:
		return CodeRateLimited
	case status >= 400 && status < 500:
		return CodeInvalid
	default:
		return CodeInternal
	}
}

// Error is an application error whose Message is safe to show to a user.
// It never carries secrets or internal details; wrap those in a separate error
// for logging instead.
//
// Message is English: the API sends it as a problem's detail. Pages never
// show it on a Korean page; they look up Reason (or, without one, Code) in
// their catalogue and format the page language's sentence with Args.
type Error struct {
	// Code is one of the Code* constants.
	Code string
	// Reason is a stable, finer code (one of the Reason* constants) that
	// API clients may match on and pages translate; "" when the error has
	// none, in which case Code stands for it.
	Reason string
	// Message is a human-readable, user-safe explanation in English.
	Message string
	// Args are the values Message was formatted with, in order, so that a
	// page can say the same in another language (its text refers to them
	// with explicit indexes, %[1]s, as word order differs).
	Args []any
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("paydeck error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted, user-safe
// message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Reasonf is Errorf with a stable Reason; args are kept as the error's Args.
func Reasonf(code, reason, format string, args ...any) *Error {
	return &Error{Code: code, Reason: reason, Message: fmt.Sprintf(format, args...), Args: args}
}

// ErrorReason returns the Reason of the first *Error in err's chain, its Code
// when it has no Reason, "" for a nil err and CodeInternal for any other
// error. It is the stable code an API problem carries.
func ErrorReason(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		if e.Reason != "" {
			return e.Reason
		}
		return e.Code
	}
	return CodeInternal
}

// ErrorCode returns the code of the first *Error in err's chain, "" for a nil
// err, and CodeInternal for any other error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the user-safe message of the first *Error in err's
// chain, "" for a nil err, and the generic "Internal error." for any other
// error (whose text may contain details a user must not see).
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// TransitionError reports a status change that the state machine of Entity
// does not allow. It unwraps to an *Error with CodeConflict, so ErrorCode and
// ErrorMessage treat it as a conflict.
type TransitionError struct {
	// Entity is "order", "payment" or "refund".
	Entity string
	// From is the current status.
	From string
	// To is the refused target status.
	To string
}

// Error implements the error interface.
func (e *TransitionError) Error() string {
	return fmt.Sprintf("%s status cannot change from %s to %s", e.Entity, e.From, e.To)
}

// Unwrap returns the equivalent conflict *Error.
func (e *TransitionError) Unwrap() error {
	return &Error{Code: CodeConflict, Reason: ReasonStatusTransition, Message: e.Error() + ".", Args: []any{e.Entity, e.From, e.To}}
}
