package admin_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
)

// TestCashReceiptActions: the order page shows a transfer's tax split and
// offers to issue a cash receipt; a bad number is refused next to the
// payment; a good one is issued at Toss and shown with its number masked;
// the cancel button cancels it. A tax-free product is made in the
// catalogue form.
func TestCashReceiptActions(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		s := newStore(t, env)
		created := s.admin.Post(t, "/admin/products", url.Values{"name": {"제주 감귤 5kg"}, "price": {"29900"}, "stock": {"5"},
			"active": {"1"}, "taxfree": {"1"}})
		require.Equal(t, http.StatusSeeOther, created.Status, created.Body)
		var tangerine *paydeck.Product
		require.NoError(t, s.DB.View(t.Context(), func(tx paydeck.Tx) error {
			name := "감귤"
			ps, _, err := tx.FindProducts(t.Context(), paydeck.ProductFilter{Search: &name})
			if err == nil && len(ps) == 1 {
				tangerine = ps[0]
			}
			return err
		}))
		require.True(t, tangerine.TaxFree)

		o, p := s.paid(t, 1, "TRANSFER")
		require.Equal(t, paydeck.PaymentDone, p.Status)
		page := s.admin.Get(t, "/admin/orders/"+o.OrderID)
		require.Contains(t, page.Body, `action="/admin/payments/`+p.PaymentKey+`/cash-receipt"`)
		require.Contains(t, page.Body, "부가세 3,000원")

		bad := s.admin.Post(t, "/admin/payments/"+p.PaymentKey+"/cash-receipt", url.Values{"type": {"지출증빙"}, "number": {"12-34"}})
		require.Equal(t, http.StatusUnprocessableEntity, bad.Status)
		require.Contains(t, bad.Body, `class="alert receipt-error"`)
		ok := s.admin.Post(t, "/admin/payments/"+p.PaymentKey+"/cash-receipt", url.Values{"type": {"지출증빙"}, "number": {"123-45-67890"}})
		require.Equal(t, http.StatusSeeOther, ok.Status, ok.Body)
		page = s.admin.Get(t, "/admin/orders/"+o.OrderID)
		require.Contains(t, page.Body, "지출증빙 · 123***7890 · 33,000원")
		require.Contains(t, page.Body, `action="/admin/payments/`+p.PaymentKey+`/cash-receipt/cancel"`)
		require.NotContains(t, page.Body, `class="stack receipt-form"`)

		canceled := s.admin.Post(t, "/admin/payments/"+p.PaymentKey+"/cash-receipt/cancel", url.Values{})
		require.Equal(t, http.StatusSeeOther, canceled.Status, canceled.Body)
		page = s.admin.Get(t, "/admin/orders/"+o.OrderID)
		require.Contains(t, page.Body, "취소됨")
		require.Contains(t, page.Body, "현금영수증 취소</strong>")

		// Customers may not.
		c := s.Visitor(t)
		c.SignIn(t, s.customer)
		require.NotEqual(t, http.StatusSeeOther, c.Post(t, "/admin/payments/"+p.PaymentKey+"/cash-receipt",
			url.Values{"type": {"지출증빙"}, "number": {"1234567890"}}).Status)
	})
}
