package admin_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/internal/apptest"
)

// TestProductStockForm (issue 11, defect 7): the edit form no longer
// carries the stock, so saving a form opened before an order cannot undo
// the order's reservation; stock changes by a delta with a reason, shown
// in the product's history.
func TestProductStockForm(t *testing.T) {
	t.Parallel()
	s := newStore(t, apptest.New(t, "sqlite"))
	p := s.Product(t, 1000, 10)
	edit := s.admin.Get(t, "/admin/products/"+p.ID)
	require.NotContains(t, edit.Body, `name="stock"`)
	require.Contains(t, edit.Body, `action="/admin/products/`+p.ID+`/stock"`)

	s.Order(t, s.Customer(t), apptest.Line(p, 3)) // while the form is open
	saved := s.admin.Post(t, "/admin/products/"+p.ID, url.Values{"name": {"renamed"}, "price": {"1000"}, "stock": {"10"}, "active": {"1"}})
	require.Equal(t, http.StatusSeeOther, saved.Status, saved.Body)
	got := s.ProductByID(t, p.ID)
	require.Equal(t, "renamed", got.Name)
	require.Equal(t, int64(7), got.StockQuantity, "the reservation stands")

	adj := s.admin.Post(t, "/admin/products/"+p.ID+"/stock", url.Values{"delta": {"5"}, "reason": {"supplier delivery"}})
	require.Equal(t, http.StatusSeeOther, adj.Status, adj.Body)
	require.Equal(t, int64(12), s.ProductByID(t, p.ID).StockQuantity)
	page := s.admin.Get(t, "/admin/products/"+p.ID)
	require.Contains(t, page.Body, "supplier delivery")
	require.Regexp(t, `>supplier delivery</td><td[^>]*>`+regexp.QuoteMeta(s.staff.Email)+`</td>`, page.Body, "the history names the admin")

	tooMany := s.admin.Post(t, "/admin/products/"+p.ID+"/stock", url.Values{"delta": {"-13"}, "reason": {"count"}})
	require.Equal(t, http.StatusConflict, tooMany.Status)
	require.Contains(t, tooMany.Body, "재고는 12개라서 13개를 뺄 수 없습니다")
	notNumber := s.admin.Post(t, "/admin/products/"+p.ID+"/stock", url.Values{"delta": {"many"}, "reason": {"count"}})
	require.Equal(t, http.StatusUnprocessableEntity, notNumber.Status)
	require.Contains(t, notNumber.Body, "숫자만 입력해 주세요.")
	require.Equal(t, int64(12), s.ProductByID(t, p.ID).StockQuantity)
}
