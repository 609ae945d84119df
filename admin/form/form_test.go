package form_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/admin/form"
)

func post(v url.Values) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(v.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func TestParseRefund(t *testing.T) {
	t.Parallel()
	f, err := form.ParseRefund(post(url.Values{"scope": {"full"}, "reason": {" 파손 "}, "idem": {"k1"}}))
	require.NoError(t, err)
	require.Nil(t, f.Amount, "full refund: everything left")
	require.Equal(t, "파손", f.Input().Reason)
	require.Equal(t, "k1", f.Input().IdempotencyKey)
	require.False(t, f.Confirmed, "no refund without the confirmation step")

	f, err = form.ParseRefund(post(url.Values{"scope": {"full"}, "amount": {"500"}, "preset": {"품절"}, "confirm": {"yes"}}))
	require.NoError(t, err)
	require.Nil(t, f.Amount, "the full scope wins over a stray amount")
	require.Equal(t, "품절", f.Reason)
	require.True(t, f.Confirmed)

	f, err = form.ParseRefund(post(url.Values{"scope": {"partial"}, "amount": {"1,500"}, "preset": {"상품 불량"}, "reason": {"단추 떨어짐"},
		"bank": {"88"}, "account_number": {"123"}, "holder": {"김"}}))
	require.NoError(t, err)
	require.Equal(t, int64(1500), *f.Input().Amount)
	require.Equal(t, "상품 불량: 단추 떨어짐", f.Input().Reason)
	require.Equal(t, "88", f.Input().RefundAccount.Bank)

	f, err = form.ParseRefund(post(url.Values{"amount": {"700"}, "reason": {"x"}}))
	require.NoError(t, err)
	require.Equal(t, form.RefundPartial, f.Scope, "an amount without a scope is a partial refund")

	for _, bad := range []url.Values{
		{"reason": {"x"}},                       // an empty amount is not "everything"
		{"scope": {"partial"}, "reason": {"x"}}, // partial without an amount
		{"scope": {"half"}, "reason": {"x"}, "amount": {"5"}},
		{"scope": {"full"}, "reason": {""}},
		{"scope": {"full"}, "preset": {"기타"}},                  // other needs the text
		{"scope": {"full"}, "preset": {"그냥"}, "reason": {"x"}}, // not an offered preset
		{"reason": {"x"}, "amount": {"0"}},
		{"reason": {"x"}, "amount": {"-5"}},
		{"reason": {"x"}, "amount": {"1.5"}},
		{"scope": {"full"}, "reason": {"x"}, "account_number": {"123"}},
	} {
		_, err := form.ParseRefund(post(bad))
		require.Equal(t, paydeck.CodeInvalid, paydeck.ErrorCode(err), "%v", bad)
	}
}

func TestParseProductAndMethod(t *testing.T) {
	t.Parallel()
	p := &paydeck.Product{ID: "kept"}
	require.NoError(t, form.ParseProduct(post(url.Values{"name": {"생수"}, "price": {"1,000"}, "stock": {"3"}, "digital": {"1"}}), p))
	require.Equal(t, paydeck.Product{ID: "kept", Name: "생수", Price: 1000, StockQuantity: 3, IsDigital: true}, *p)
	require.Error(t, form.ParseProduct(post(url.Values{"name": {"생수"}, "price": {"x"}, "stock": {"3"}}), p))

	m := &paydeck.PaymentMethod{ID: "m1", Type: paydeck.MethodCard}
	require.NoError(t, form.ParseMethod(post(url.Values{"name": {"카드"}, "type": {"transfer"}, "display_order": {"2"}, "fee_rate": {"250"}, "fixed_fee": {"10"}, "active": {"1"}}), m))
	require.Equal(t, paydeck.MethodCard, m.Type, "an existing method keeps its type")
	require.Equal(t, int64(250), m.FeeRate)
	require.True(t, m.IsActive)
	require.Error(t, form.ParseMethod(post(url.Values{"name": {"카드"}, "display_order": {"1"}, "fee_rate": {"10001"}, "fixed_fee": {"0"}}), m))
}
