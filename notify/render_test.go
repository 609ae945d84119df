package notify

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
)

// Every kind renders in both languages, text and HTML, with the shop's
// name in the subject, and HTML escapes what shoppers typed.
func TestEveryKindRendersInBothLanguages(t *testing.T) {
	t.Parallel()
	kinds := []string{"order_paid", "va_issued", "deposit_received", "shipped", "refunded",
		"shop_order_paid", "shop_deposit", "shop_low_stock",
		"return_requested", "return_approved", "return_refused", "shop_return_requested"}
	for _, lang := range []string{"ko", "en"} {
		for _, kind := range kinds {
			d := &data{Lang: lang, Shop: "감귤상회", Name: "<b>민지</b>", Amount: won(lang, 33000),
				Order:   &paydeck.Order{OrderID: "ORD1"},
				Product: &paydeck.Product{Name: "제주 감귤", StockQuantity: 3}, LowStock: 5}
			m, err := render(kind, d, [][2]string{{"order", "ORD1"}, {"amount", won(lang, 33000)},
				{"courier", "CJ대한통운"}, {"tracking", "630512345678"}, {"trackurl", "https://trace.cjlogistics.com/"},
				{"reason", "단순 변심"}, {"note", "n"}, {"returnfee", won(lang, 3000)}, {"expected", won(lang, 30000)}})
			require.NoError(t, err, "%s %s", lang, kind)
			require.True(t, strings.HasPrefix(m.Subject, "[감귤상회] "), m.Subject)
			require.Contains(t, m.Text, "ORD1")
			require.Contains(t, m.HTML, `<html lang="`+lang+`">`)
			require.NotContains(t, m.HTML, "<b>민지</b>")
			if strings.HasPrefix(kind, "shop_") {
				continue
			}
			require.Contains(t, m.Text, "<b>민지</b>", "plain text is not escaped")
			require.Contains(t, m.HTML, "&lt;b&gt;민지&lt;/b&gt;")
		}
	}
	require.Equal(t, "33,000원", won("ko", 33000))
	require.Equal(t, "₩1,234,567", won("en", 1234567))
	require.Equal(t, "100원", won("ko", 100))
}
