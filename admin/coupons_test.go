package admin_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/payment"
)

// TestCouponPages: the owner creates, lists (with the uses held), edits and
// deletes coupons; bad forms come back with their message; the times are
// entered in Korean time.
func TestCouponPages(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		s := newStore(t, env)
		list := s.admin.Get(t, "/admin/coupons")
		require.Equal(t, http.StatusOK, list.Status)
		require.Contains(t, list.Body, "등록된 쿠폰이 없습니다.")

		form := url.Values{"code": {"summer20"}, "kind": {"percent"}, "value": {"20"}, "max_discount": {"5000"},
			"min_order_amount": {"10,000"}, "valid_from": {"2026-01-01T00:00"}, "valid_until": {"2030-01-01T00:00"},
			"usage_limit": {"10"}, "per_customer_limit": {"1"}, "product_id": {s.product.ID}}
		saved := s.admin.Post(t, "/admin/coupons", form)
		require.Equal(t, http.StatusSeeOther, saved.Status, saved.Body)
		var c *paydeck.Coupon
		require.NoError(t, env.DB.View(t.Context(), func(tx paydeck.Tx) (err error) {
			c, err = tx.FindCouponByCode(t.Context(), "SUMMER20")
			return err
		}))
		require.Equal(t, paydeck.CouponPercent, c.Kind)
		require.Equal(t, int64(10_000), c.MinOrderAmount)
		require.Equal(t, []string{s.product.ID}, c.ProductIDs)
		require.True(t, time.Date(2026, 1, 1, 0, 0, 0, 0, paydeck.KST).Equal(*c.ValidFrom), "entered in KST: %v", c.ValidFrom)

		again := s.admin.Post(t, "/admin/coupons", form)
		require.Equal(t, http.StatusBadRequest, again.Status)
		require.Contains(t, again.Body, "already exists")
		bad := url.Values{"code": {"X1"}, "kind": {"fixed"}, "value": {"1000"}}
		require.Contains(t, s.admin.Post(t, "/admin/coupons", bad).Body, "3 to 32")
		bad = url.Values{"code": {"FIX"}, "kind": {"percent"}, "value": {"120"}}
		require.Contains(t, s.admin.Post(t, "/admin/coupons", bad).Body, "1 to 100 percent")

		// A shopper's unpaid order holds a use; the list says so.
		_, err := s.Payments.CreateOrder(t.Context(), apptest.As(s.customer), payment.OrderInput{
			Items: []payment.OrderLine{apptest.Line(s.product, 1)}, CouponCode: "SUMMER20",
			Shipping: payment.Shipping{Name: "홍길동", Address: "서울"}})
		require.NoError(t, err)
		list = s.admin.Get(t, "/admin/coupons")
		require.Contains(t, list.Body, `<code class="nowrap">SUMMER20</code>`)
		require.Contains(t, list.Body, "1 / 10")
		require.Contains(t, list.Body, "결제 대기 1건 포함")
		require.Contains(t, list.Body, "20% (최대 5,000원)")
		en := s.admin.Get(t, "/admin/coupons?lang=en")
		require.Contains(t, en.Body, "1 of 10")

		edit := s.admin.Get(t, "/admin/coupons/summer20?lang=ko")
		require.Equal(t, http.StatusOK, edit.Status)
		require.Contains(t, edit.Body, `value="2026-01-01T00:00"`)
		require.Contains(t, edit.Body, `id="coupon-uses">1</strong>`)
		form.Set("code", "SUMMER25")
		form.Set("value", "25")
		form.Del("product_id")
		saved = s.admin.Post(t, "/admin/coupons/SUMMER20", form)
		require.Equal(t, http.StatusSeeOther, saved.Status, saved.Body)
		list = s.admin.Get(t, "/admin/coupons")
		require.Contains(t, list.Body, "SUMMER25")
		require.NotContains(t, list.Body, "SUMMER20")
		require.Contains(t, list.Body, "1 / 10", "renaming keeps the uses")
		require.Contains(t, list.Body, "전체 상품")

		del := s.admin.Post(t, "/admin/coupons/SUMMER25/delete", url.Values{})
		require.Equal(t, http.StatusSeeOther, del.Status, del.Body)
		require.Contains(t, s.admin.Get(t, "/admin/coupons").Body, "등록된 쿠폰이 없습니다.")
		require.Equal(t, http.StatusNotFound, s.admin.Get(t, "/admin/coupons/SUMMER25").Status)

		shopper := s.Visitor(t)
		shopper.SignIn(t, s.customer)
		require.Equal(t, http.StatusForbidden, shopper.Get(t, "/admin/coupons").Status)
	})
}

// TestDashboardAndSettlementsShowDiscounts: a paid coupon order appears
// with its discount on the dashboard and in the settlements page.
func TestDashboardAndSettlementsShowDiscounts(t *testing.T) {
	t.Parallel()
	s := newStore(t, apptest.New(t, "sqlite"))
	require.NoError(t, s.DB.Update(t.Context(), func(tx paydeck.Tx) error {
		return tx.CreateCoupon(t.Context(), &paydeck.Coupon{Code: "VIP5000", Kind: paydeck.CouponFixed, Value: 5000})
	}))
	o, err := s.Payments.CreateOrder(t.Context(), apptest.As(s.customer), payment.OrderInput{
		Items: []payment.OrderLine{apptest.Line(s.product, 1)}, CouponCode: "VIP5000",
		Shipping: payment.Shipping{Name: "홍길동", Address: "서울"}})
	require.NoError(t, err)
	_, err = s.Payments.Confirm(t.Context(), apptest.As(s.customer), payment.ConfirmInput{PaymentKey: s.Authorize(t, o, "CARD"),
		OrderID: o.OrderID, Amount: o.FinalAmount})
	require.NoError(t, err)
	dash := s.admin.Get(t, "/admin/")
	require.Contains(t, dash.Body, `id="month-discounts">5,000원`)
	require.Contains(t, dash.Body, "쿠폰 사용 결제 1건")
	set := s.admin.Get(t, "/admin/settlements")
	require.Contains(t, set.Body, `5,000원 <code>VIP5000</code>`)
	require.Contains(t, set.Body, `id="discount-total">5,000원`)
	page := s.admin.Get(t, "/admin/orders/"+o.OrderID)
	require.Contains(t, page.Body, `<code id="order-coupon">VIP5000</code>`)
}
