package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/paydeck/paydeck"
)

// statusOf maps each paydeck error code to its HTTP status.
var statusOf = map[string]int{
	paydeck.CodeInvalid:      http.StatusUnprocessableEntity,
	paydeck.CodeNotFound:     http.StatusNotFound,
	paydeck.CodeConflict:     http.StatusConflict,
	paydeck.CodeUnauthorized: http.StatusUnauthorized,
	paydeck.CodeForbidden:    http.StatusForbidden,
	paydeck.CodeUnavailable:  http.StatusServiceUnavailable,
	paydeck.CodeInternal:     http.StatusInternalServerError,
}

// problem turns an error from the payment service or the store into the
// problem+json error huma writes: the status of its paydeck code and its
// user-safe message. Internal errors (any error without a paydeck code)
// are logged with their details and answered with a generic message, as
// are unavailable ones (logged too).
func (s *server) problem(ctx context.Context, err error) error {
	code := paydeck.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= http.StatusInternalServerError {
		s.Logger.ErrorContext(ctx, "api request failed", "code", code, "err", err)
	}
	var ce *paydeck.CouponError
	if errors.As(err, &ce) { // say which rule refused the coupon, for clients to act on
		return huma.NewError(status, paydeck.ErrorMessage(err),
			&huma.ErrorDetail{Location: "body.couponCode", Message: string(ce.Reason)})
	}
	return huma.NewError(status, paydeck.ErrorMessage(err))
}

// secretHints are parts of field names whose values are never echoed in a
// problem's error details (matched case-insensitively): passwords, tokens,
// keys (paymentKey, billingKey, authKey), card and bank account numbers.
var secretHints = []string{"password", "secret", "token", "key", "card", "identity", "account", "cvc"}

// scrubErrorValues is a huma transformer that keeps problem details from
// echoing what a client sent in confidence: an error detail's value is
// dropped when it is an object or array (huma echoes the whole body for an
// unexpected or missing property) or when its location names a field that
// may hold a secret. Scalar values of other fields stay, for debugging.
func scrubErrorValues(_ huma.Context, _ string, v any) (any, error) {
	m, ok := v.(*huma.ErrorModel)
	if !ok {
		return v, nil
	}
	for _, d := range m.Errors {
		if d == nil || d.Value == nil {
			continue
		}
		switch d.Value.(type) {
		case map[string]any, []any:
			d.Value = nil
			continue
		}
		field := strings.ToLower(d.Location[strings.LastIndexByte(d.Location, '.')+1:])
		for _, hint := range secretHints {
			if strings.Contains(field, hint) {
				d.Value = nil
				break
			}
		}
	}
	return m, nil
}
