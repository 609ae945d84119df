package admin_test

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/internal/apptest"
)

// TestOutboxPage: without SMTP, the receipt a paid order writes is shown
// at /admin/outbox (subject, recipient, both parts), in Korean and English;
// customers are refused.
func TestOutboxPage(t *testing.T) {
	t.Parallel()
	s := newStore(t, apptest.New(t, "sqlite"))
	require.Contains(t, s.admin.Get(t, "/admin/outbox").Body, "아직 메일이 없습니다.")
	o, _ := s.paid(t, 1, "CARD")
	apptest.WaitFor(t, "kept", func() bool {
		return strings.Count(s.admin.Get(t, "/admin/outbox").Body, "보관됨") == 2
	})
	page := s.admin.Get(t, "/admin/outbox")
	require.Equal(t, http.StatusOK, page.Status)
	body := html.UnescapeString(page.Body)
	require.Contains(t, body, "[paydeck] 주문 "+o.OrderID+" 결제가 완료되었습니다")
	require.Contains(t, body, s.customer.Email)
	require.Contains(t, body, apptest.ShopEmail)
	require.Contains(t, body, "srcdoc=")
	require.Contains(t, body, "이 메일이 영수증입니다")
	en := s.admin.Get(t, "/admin/outbox?lang=en")
	require.Contains(t, en.Body, "Mail outbox")
	require.Contains(t, en.Body, "kept")

	customer := s.Visitor(t)
	customer.SignIn(t, s.customer)
	require.Equal(t, http.StatusForbidden, customer.Get(t, "/admin/outbox").Status)
}
