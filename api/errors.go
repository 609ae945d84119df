package api

import (
	"context"
	"net/http"

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
	return huma.NewError(status, paydeck.ErrorMessage(err))
}
