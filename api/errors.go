package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/paydeck/paydeck"
)

// ErrorModel is the RFC 9457 problem+json body of every API error: huma's
// fields (type, title, status, detail, instance, errors) plus Code, a stable
// machine-readable code: the domain error's reason (paydeck.Reason*, such as
// "out_of_stock") or, without one, its code (paydeck.Code*, such as
// "invalid"). Detail stays English. Clients match on code, never on detail.
type ErrorModel struct {
	huma.ErrorModel
	Code string `json:"code" doc:"Stable machine-readable error code: a reason such as out_of_stock, or one of invalid, not_found, conflict, unauthorized, forbidden, unavailable, internal, rate_limited." example:"out_of_stock"`
}

// newProblem replaces huma.NewError (see init), so that every error huma
// writes, its own validation errors included, is an ErrorModel with a code.
func newProblem(status int, msg string, errs ...error) huma.StatusError {
	details := make([]*huma.ErrorDetail, 0, len(errs))
	for _, err := range errs {
		if d, ok := err.(huma.ErrorDetailer); ok {
			details = append(details, d.ErrorDetail())
		} else if err != nil {
			details = append(details, &huma.ErrorDetail{Message: err.Error()})
		}
	}
	return &ErrorModel{ErrorModel: huma.ErrorModel{Status: status, Title: http.StatusText(status), Detail: msg, Errors: details},
		Code: paydeck.CodeOfStatus(status)}
}

// init makes huma build every error as an ErrorModel. huma reads the error type
// from huma.NewError, once per process, for the OpenAPI schema and for every
// error response; only package api uses huma.
func init() {
	huma.NewError = newProblem
}

// problem turns an error from the payment service or the store into the
// problem+json error huma writes: the status of its paydeck code (the one
// table, paydeck.HTTPStatus), its user-safe English message as detail and its
// reason as code. Internal errors (any error without a paydeck code) are
// logged with their details and answered with a generic message, as are
// unavailable ones (logged too).
func (s *server) problem(ctx context.Context, err error) error {
	code := paydeck.ErrorCode(err)
	status := paydeck.HTTPStatus(code)
	if status >= http.StatusInternalServerError {
		s.Logger.ErrorContext(ctx, "api request failed", "code", code, "err", err)
	}
	p := newProblem(status, paydeck.ErrorMessage(err)).(*ErrorModel)
	if status != http.StatusInternalServerError {
		p.Code = paydeck.ErrorReason(err)
	}
	var ce *paydeck.CouponError
	if errors.As(err, &ce) { // say where the refused coupon is, for clients to act on
		p.Errors = append(p.Errors, &huma.ErrorDetail{Location: "body.couponCode", Message: string(ce.Reason)})
	}
	return p
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
	p, ok := v.(*ErrorModel)
	if !ok {
		return v, nil
	}
	m := &p.ErrorModel
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
	return p, nil
}
