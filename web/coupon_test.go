package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
)

// TestCartCoupon: the shopper types a code in the cart; the page shows the
// server's discount and new total before ordering, refusals in the page's
// language, and the order placed carries the discount and the code.
func TestCartCoupon(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		s := newShop(t, env)
		require.NoError(t, env.DB.Update(t.Context(), func(tx paydeck.Tx) error {
			if err := tx.CreateCoupon(t.Context(), &paydeck.Coupon{Code: "WELCOME3000", Kind: paydeck.CouponFixed, Value: 3000,
				MinOrderAmount: 20_000}); err != nil {
				return err
			}
			return tx.CreateCoupon(t.Context(), &paydeck.Coupon{Code: "EBOOK50", Kind: paydeck.CouponPercent, Value: 50,
				ProductIDs: []string{s.ebook.ID}})
		}))
		v := s.Visitor(t)
		v.Get(t, "/")
		v.Post(t, "/cart/add", url.Values{"product_id": {s.water.ID}, "quantity": {"1"}})

		// 12,000 of goods: under the coupon's minimum, said in Korean, not kept.
		p := v.Post(t, "/cart/coupon", url.Values{"code": {"welcome3000"}})
		require.Equal(t, http.StatusUnprocessableEntity, p.Status, p.Body)
		require.Contains(t, p.Body, "쿠폰 WELCOME3000은(는) 상품 금액 20,000원 이상 주문에 쓸 수 있습니다.")
		require.NotContains(t, v.Get(t, "/cart").Body, `id="cart-discount"`)
		p = v.Post(t, "/cart/coupon?lang=en", url.Values{"code": {"NOPE"}})
		require.Contains(t, p.Body, "There is no coupon NOPE.")
		p = v.Post(t, "/cart/coupon?lang=ko", url.Values{"code": {"EBOOK50"}})
		require.Contains(t, p.Body, "쿠폰 EBOOK50은(는) 장바구니의 상품에 쓸 수 없습니다.")

		v.Post(t, "/cart/update", url.Values{"product_id": {s.water.ID}, "quantity": {"2"}})
		p = v.Post(t, "/cart/coupon", url.Values{"code": {" welcome3000 "}})
		require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
		cart := v.Get(t, "/cart")
		require.Contains(t, cart.Body, `id="cart-discount">-3,000원`)
		require.Contains(t, cart.Body, `id="cart-shipping">3,000원`)
		require.Contains(t, cart.Body, `id="cart-final">24,000원`, "24,000 − 3,000 + 3,000")
		require.Contains(t, cart.Body, `id="remove-coupon"`)

		// Lowering the cart under the minimum: the page says so and prices it without.
		v.Post(t, "/cart/update", url.Values{"product_id": {s.water.ID}, "quantity": {"1"}})
		cart = v.Get(t, "/cart")
		require.Contains(t, cart.Body, `id="coupon-error"`)
		require.Contains(t, cart.Body, `id="cart-final">15,000원`)
		v.Post(t, "/cart/update", url.Values{"product_id": {s.water.ID}, "quantity": {"2"}})

		v.SignIn(t, s.User(t, paydeck.RoleCustomer))
		v.Get(t, "/cart")
		p = v.Post(t, "/orders", url.Values{"name": {"홍길동"}, "phone": {"010-1234-5678"}, "address": {"서울시 중구"}})
		require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
		orderID, _ := strings.CutPrefix(p.Location(), "/checkout/")
		o := s.orderRecord(t, orderID)
		require.Equal(t, int64(3000), o.DiscountAmount)
		require.Equal(t, int64(24_000), o.FinalAmount)
		require.Equal(t, "WELCOME3000", o.CouponCode)
		checkout := v.Get(t, "/checkout/"+orderID)
		require.Contains(t, checkout.Body, `id="checkout-discount">-3,000원`)
		require.Contains(t, checkout.Body, `data-amount="24000"`, "Toss is asked for the discounted amount")
		page := v.Get(t, "/orders/"+orderID)
		require.Contains(t, page.Body, `<span class="coupon-code">WELCOME3000</span>`)
		require.Contains(t, page.Body, `id="order-discount">-3,000원`)
		require.NotContains(t, v.Get(t, "/cart").Body, "WELCOME3000", "the coupon left with the cart")
	})
}
