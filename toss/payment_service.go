package toss

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// PaymentService calls the payment endpoints (/v1/payments/...).
// Get it from Client.Payments.
type PaymentService struct{ b *backend }

// ConfirmParams is the body of POST /v1/payments/confirm. All fields are
// required. Compare Amount with your own stored order amount before calling:
// the values from the success redirect are buyer-controlled.
type ConfirmParams struct {
	Params     `json:"-"`
	PaymentKey string `json:"paymentKey"`
	OrderID    string `json:"orderId"`
	Amount     Amount `json:"amount"`
}

// Confirm approves a payment the buyer authenticated in the browser
// (POST /v1/payments/confirm). Call it within 10 minutes of authentication,
// else Toss answers 404 NOT_FOUND_PAYMENT_SESSION. It normally returns a DONE
// payment (WAITING_FOR_DEPOSIT with VirtualAccount set for a virtual account).
// A repeat confirm with a new idempotency key fails with
// ALREADY_PROCESSED_PAYMENT; with the same key Toss replays the first answer.
// Errors: ErrInvalidParams, *Error, *TransportError (see OutcomeUnknown).
func (s *PaymentService) Confirm(ctx context.Context, p *ConfirmParams) (*Payment, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: nil ConfirmParams", ErrInvalidParams)
	}
	return s.post(ctx, "/v1/payments/confirm", "/v1/payments/confirm", p, &p.Params)
}

// Get returns the payment with this paymentKey, in any status
// (GET /v1/payments/{paymentKey}). Unknown key: *Error with
// CodeNotFoundPayment (404).
func (s *PaymentService) Get(ctx context.Context, paymentKey string) (*Payment, error) {
	path, err := pathWithID("/v1/payments/", paymentKey, "")
	if err != nil {
		return nil, err
	}
	return s.get(ctx, "/v1/payments/{paymentKey}", path)
}

// GetByOrderID returns the payment of the merchant's order
// (GET /v1/payments/orders/{orderId}); use it to reconcile after a confirm
// whose outcome is unknown. Unknown order: *Error with CodeNotFoundPayment.
func (s *PaymentService) GetByOrderID(ctx context.Context, orderID string) (*Payment, error) {
	path, err := pathWithID("/v1/payments/orders/", orderID, "")
	if err != nil {
		return nil, err
	}
	return s.get(ctx, "/v1/payments/orders/{orderId}", path)
}

// CancelParams is the body of POST /v1/payments/{paymentKey}/cancel.
type CancelParams struct {
	Params `json:"-"`
	// CancelReason is required (≤200 characters).
	CancelReason string `json:"cancelReason"`
	// CancelAmount nil cancels everything still cancelable (full cancel);
	// set it for a partial cancel (≤ Payment.BalanceAmount).
	CancelAmount *Amount `json:"cancelAmount,omitempty"`
	// TaxFreeAmount is the tax-free part of the cancel amount (default 0).
	TaxFreeAmount *Amount `json:"taxFreeAmount,omitempty"`
	// RefundReceiveAccount is required only to cancel a virtual-account
	// payment that was already deposited; Toss refunds to it (≈2 days later).
	RefundReceiveAccount *RefundReceiveAccount `json:"refundReceiveAccount,omitempty"`
	// RefundableAmount, when set, makes Toss refuse the cancel
	// (NOT_MATCHES_REFUNDABLE_AMOUNT) unless it equals the current balance.
	RefundableAmount *Amount `json:"refundableAmount,omitempty"`
	// Currency must equal the approved currency when set (default KRW).
	Currency string `json:"currency,omitempty"`
}

// RefundReceiveAccount is the buyer's bank account for refunding a deposited
// virtual account. Note the request field is "bank" (a bank code such as
// "20"), while the response object RefundAccountInfo says "bankCode".
type RefundReceiveAccount struct {
	Bank          string `json:"bank"`
	AccountNumber string `json:"accountNumber"` // digits only, ≤20
	HolderName    string `json:"holderName"`    // ≤60
}

// String masks the account number.
func (r RefundReceiveAccount) String() string {
	return fmt.Sprintf("RefundReceiveAccount{Bank:%s AccountNumber:%s HolderName:%s}",
		r.Bank, maskTail(r.AccountNumber), r.HolderName)
}

// GoString is String, so %#v masks too.
func (r RefundReceiveAccount) GoString() string { return r.String() }

// Cancel cancels a payment fully (CancelAmount nil) or partially
// (POST /v1/payments/{paymentKey}/cancel) and returns the updated payment:
// a new element in Cancels, a lower BalanceAmount, status CANCELED or
// PARTIAL_CANCELED. Use an idempotency key per logical refund (for example
// "cancel:<paymentKey>:<refundId>") so a retried partial cancel never refunds
// twice. Typical codes: CodeNotCancelableAmount, CodeAlreadyCanceledPayment,
// CodeNotAllowedPartialRefundWaiting, CodeForbiddenConsecutiveRequest
// (retried automatically).
func (s *PaymentService) Cancel(ctx context.Context, paymentKey string, p *CancelParams) (*Payment, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: nil CancelParams", ErrInvalidParams)
	}
	path, err := pathWithID("/v1/payments/", paymentKey, "/cancel")
	if err != nil {
		return nil, err
	}
	return s.post(ctx, "/v1/payments/{paymentKey}/cancel", path, p, &p.Params)
}

// KeyInParams is the body of POST /v1/payments/key-in (card number payment
// without buyer authentication; needs a separate Toss contract). Required:
// Amount, OrderID, OrderName, CardNumber, CardExpirationYear,
// CardExpirationMonth and (per contract) CustomerIdentityNumber.
// Its String and GoString mask the card data, so it is safe to log.
type KeyInParams struct {
	Params                 `json:"-"`
	Amount                 Amount  `json:"amount"`
	OrderID                string  `json:"orderId"`
	OrderName              string  `json:"orderName"`
	CardNumber             string  `json:"cardNumber"`
	CardExpirationYear     string  `json:"cardExpirationYear"`  // two digits, "29"
	CardExpirationMonth    string  `json:"cardExpirationMonth"` // two digits, "08"
	CustomerIdentityNumber string  `json:"customerIdentityNumber,omitempty"`
	CardPassword           string  `json:"cardPassword,omitempty"` // first 2 PIN digits
	CardInstallmentPlan    *int    `json:"cardInstallmentPlan,omitempty"`
	UseFreeInstallmentPlan *bool   `json:"useFreeInstallmentPlan,omitempty"`
	UseCardPoint           *bool   `json:"useCardPoint,omitempty"`
	TaxFreeAmount          *Amount `json:"taxFreeAmount,omitempty"`
	CustomerEmail          string  `json:"customerEmail,omitempty"`
	CustomerName           string  `json:"customerName,omitempty"`
	CustomerIP             string  `json:"customerIp,omitempty"`
}

// String describes the params with card number, expiry, password and
// identity number masked.
func (p KeyInParams) String() string {
	return fmt.Sprintf("KeyInParams{OrderID:%s Amount:%d Card:%s}", p.OrderID, p.Amount, maskTail(p.CardNumber))
}

// GoString is String, so %#v masks too.
func (p KeyInParams) GoString() string { return p.String() }

// KeyIn charges a card by its number (POST /v1/payments/key-in); the result
// is immediate (a DONE payment or an *Error such as CodeInvalidCardNumber,
// CodeRejectCardCompany). Card data is never logged or put in errors.
func (s *PaymentService) KeyIn(ctx context.Context, p *KeyInParams) (*Payment, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: nil KeyInParams", ErrInvalidParams)
	}
	return postPayment(ctx, s.b, request{method: http.MethodPost, route: "/v1/payments/key-in",
		path: "/v1/payments/key-in", body: p, params: &p.Params, secrets: []string{p.CardNumber}})
}

// Refetch re-reads the payment a PAYMENT_STATUS_CHANGED webhook refers to.
// Those webhooks are not signed, so act on the returned payment (fetched with
// your secret key), never on the event body. It fails with ErrWebhookMismatch
// when the fetched payment's orderId differs from the event's.
func (s *PaymentService) Refetch(ctx context.Context, ev *PaymentStatusChanged) (*Payment, error) {
	if ev == nil {
		return nil, fmt.Errorf("%w: nil event", ErrInvalidParams)
	}
	p, err := s.Get(ctx, ev.Data.PaymentKey)
	if err != nil {
		return nil, err
	}
	if p.OrderID != ev.Data.OrderID {
		return nil, fmt.Errorf("%w: event orderId %q, fetched payment has %q", ErrWebhookMismatch, ev.Data.OrderID, p.OrderID)
	}
	return p, nil
}

// RefetchDeposit verifies a DEPOSIT_CALLBACK without a stored secret: it
// re-reads the payment by the callback's orderId and returns it only when the
// callback's secret equals the payment's (constant-time). Otherwise it fails
// with ErrWebhookMismatch. Act on the returned payment's status.
func (s *PaymentService) RefetchDeposit(ctx context.Context, cb *DepositCallback) (*Payment, error) {
	if cb == nil {
		return nil, fmt.Errorf("%w: nil callback", ErrInvalidParams)
	}
	p, err := s.GetByOrderID(ctx, cb.OrderID)
	if err != nil {
		return nil, err
	}
	if p.Secret == nil || !VerifyDepositCallback(cb, *p.Secret) {
		return nil, fmt.Errorf("%w: deposit callback secret for order %q", ErrWebhookMismatch, cb.OrderID)
	}
	return p, nil
}

func (s *PaymentService) get(ctx context.Context, route, path string) (*Payment, error) {
	var out Payment
	if err := s.b.call(ctx, request{method: http.MethodGet, route: route, path: path}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (s *PaymentService) post(ctx context.Context, route, path string, body any, params *Params) (*Payment, error) {
	return postPayment(ctx, s.b, request{method: http.MethodPost, route: route, path: path, body: body, params: params})
}

// postPayment sends a POST whose answer is a Payment.
func postPayment(ctx context.Context, b *backend, req request) (*Payment, error) {
	var out Payment
	if err := b.call(ctx, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// pathWithID builds prefix + escaped id + suffix, rejecting an empty id
// (which would address a different endpoint).
func pathWithID(prefix, id, suffix string) (string, error) {
	if id == "" {
		return "", fmt.Errorf("%w: empty identifier for %s…%s", ErrInvalidParams, prefix, suffix)
	}
	return prefix + escapeSegment(id) + suffix, nil
}

// escapeSegment percent-encodes every byte except RFC 3986 unreserved
// characters, so billing keys with '+', '/' and '=' stay one path segment.
func escapeSegment(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			sb.WriteByte(c)
			continue
		}
		fmt.Fprintf(&sb, "%%%02X", c)
	}
	return sb.String()
}

// maskTail keeps only the last four characters of a sensitive number.
func maskTail(s string) string {
	if len(s) <= 4 {
		return strings.Repeat("*", len(s))
	}
	return strings.Repeat("*", len(s)-4) + s[len(s)-4:]
}
