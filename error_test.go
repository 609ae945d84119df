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
