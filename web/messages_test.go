package web

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/payment"
)

// Every Toss code of the one table has its sentence on the pages, in both
// languages, and an unknown code falls back to the general one.
func TestEveryFailReasonIsTranslated(t *testing.T) {
	t.Parallel()
	for code := range payment.FailureTexts() {
		key := failReason(code)
		require.Equal(t, "toss."+code, key)
		require.Contains(t, messages, key, code)
		require.NotEmpty(t, messages[key][0], code)
		require.NotEmpty(t, messages[key][1], code)
	}
	for _, code := range []string{"PAY_PROCESS_CANCELED", "PAY_PROCESS_ABORTED", "REJECT_CARD_COMPANY", "USER_CANCEL",
		"REJECT_CARD_PAYMENT", "NOT_FOUND_PAYMENT_SESSION", "FDS_ERROR", "EXCEED_MAX_DAILY_PAYMENT_COUNT"} {
		require.True(t, payment.FailureKnown(code), code)
	}
	require.Equal(t, "toss.unknown", failReason("SOMETHING_NEW"))
	require.Contains(t, messages, "toss.unknown")
}
