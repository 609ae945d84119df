package paydeck_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(t, err)
	return tm
}

func TestErrorCode(t *testing.T) {
	t.Parallel()
	wrapped := fmt.Errorf("create user: %w", paydeck.Errorf(paydeck.CodeConflict, "Email %s is taken.", "a@b"))
	for _, tc := range []struct {
		name      string
		err       error
		code, msg string
	}{
		{"Nil", nil, "", ""},
		{"AppError", paydeck.Errorf(paydeck.CodeNotFound, "Order not found."), "not_found", "Order not found."},
		{"Wrapped", wrapped, "conflict", "Email a@b is taken."},
		{"Other", errors.New("pq: password=secret"), "internal", "Internal error."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.code, paydeck.ErrorCode(tc.err))
			require.Equal(t, tc.msg, paydeck.ErrorMessage(tc.err))
		})
	}
}

// TestErrorReasonAndStatus (issue 14): a reason travels through wrapping
// with its args; without one the code stands for it; the one status table
// answers 422 for invalid.
func TestErrorReasonAndStatus(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("order: %w", paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonOutOfStock,
		"Product %q has fewer than %d in stock.", "물", int64(3)))
	require.Equal(t, paydeck.ReasonOutOfStock, paydeck.ErrorReason(err))
	require.Equal(t, paydeck.CodeConflict, paydeck.ErrorCode(err))
	require.Equal(t, `Product "물" has fewer than 3 in stock.`, paydeck.ErrorMessage(err))
	var e *paydeck.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, []any{"물", int64(3)}, e.Args)
	require.Equal(t, paydeck.CodeNotFound, paydeck.ErrorReason(paydeck.Errorf(paydeck.CodeNotFound, "x")))
	require.Equal(t, paydeck.CodeInternal, paydeck.ErrorReason(errors.New("boom")))
	require.Equal(t, paydeck.ReasonStatusTransition, paydeck.ErrorReason(&paydeck.TransitionError{Entity: "order", From: "paid", To: "pending"}))

	for code, status := range map[string]int{paydeck.CodeInvalid: 422, paydeck.CodeNotFound: 404, paydeck.CodeConflict: 409,
		paydeck.CodeUnauthorized: 401, paydeck.CodeForbidden: 403, paydeck.CodeUnavailable: 503, paydeck.CodeInternal: 500, "": 500} {
		require.Equal(t, status, paydeck.HTTPStatus(code), code)
	}
}
