package sandbox

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func newTestServer(t *testing.T) *Server {
	t.Helper()
	s, err := New(Options{Rand: rand.NewChaCha8([32]byte{7})})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

// The seam used by the payment window (browser.go): authorize validates as
// Toss does (docs/toss.md#identifiers) and creates an IN_PROGRESS payment.
func TestAuthorizeSeam(t *testing.T) {
	t.Parallel()
	s := newTestServer(t)
	require.True(t, s.clientKeyKnown(DocsClientKey))
	require.True(t, s.clientKeyKnown(WidgetClientKey))
	require.False(t, s.clientKeyKnown(DocsSecretKey))

	in := authorizeInput{ClientKey: DocsClientKey, Method: "EASY_PAY", EasyPay: "KAKAOPAY", Amount: 5000,
		OrderID: "order-seam-1", OrderName: "상품", CustomerKey: "cust_1"}
	out, e := s.authorize(in)
	require.Nil(t, e)
	require.Equal(t, "NORMAL", out.PaymentType)
	require.Equal(t, int64(5000), out.Amount)
	p := s.st.payments[out.PaymentKey]
	require.Equal(t, statusInProgress, p.Status)
	require.Equal(t, "카카오페이", p.Detail) // docs/toss.md#easy-pay: Korean provider names

	for _, tc := range []struct {
		mod  func(*authorizeInput)
		code string
	}{
		{func(i *authorizeInput) { i.ClientKey = "test_ck_unknown" }, "INVALID_CLIENT_KEY"},
		{func(i *authorizeInput) { i.Method = "BITCOIN" }, "NOT_SUPPORTED_METHOD"},
		{func(i *authorizeInput) { i.OrderID = "bad id!" }, "INVALID_ORDER_ID"},
		{func(i *authorizeInput) { i.Amount = 0 }, "BELOW_ZERO_AMOUNT"},
		{func(i *authorizeInput) { i.CustomerKey = "a" }, "INVALID_CUSTOMER_KEY"},
		{func(i *authorizeInput) { i.CustomerMobilePhone = "010-1234-5678" }, "INVALID_REQUEST"},
		{func(i *authorizeInput) { i.Method, i.Amount = "TRANSFER", 10_000_001 }, "EXCEEDS_TRANSFER_AMOUNT_MAXIMUM"},
	} {
		bad := in
		bad.OrderID = "order-seam-2"
		tc.mod(&bad)
		_, e := s.authorize(bad)
		require.NotNil(t, e, tc.code)
		require.Equal(t, tc.code, e.Code)
		require.Equal(t, codeStatus[tc.code], e.Status)
	}
}

// appendString produces JSON that decodes back to the input.
func FuzzAppendString(f *testing.F) {
	for _, seed := range []string{"", "생수 외 1건", "a\"b\\c", "\n\t\r\x00\x1f", "<>&\u2028", "bad\xff\xfe"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got string
		require.NoError(t, json.Unmarshal(appendString(nil, s), &got))
		require.Equal(t, strings.ToValidUTF8(s, "\uFFFD"), got)
	})
}

// Every code the sandbox can answer with has a status (docs/toss.md#common-error-codes).
func TestCodeStatusTable(t *testing.T) {
	t.Parallel()
	for code, st := range map[string]int{
		"UNAUTHORIZED_KEY": 401, "INCORRECT_BASIC_AUTH_FORMAT": 403, "IDEMPOTENT_REQUEST_PROCESSING": 409,
		"NOT_FOUND_PAYMENT_SESSION": 404, "FORBIDDEN_CONSECUTIVE_REQUEST": 403, "PROVIDER_ERROR": 400,
		"FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING": 500, "EXCEED_MAX_REFUND_DUE": 403,
	} {
		require.Equal(t, st, codeStatus[code], code)
	}
}
