package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/payment"
)

// TestAddressRememberedAndReturns: the cart offers the last order's
// address (postcode and detail line included); a delivered order's page
// shows the tracking link and the window, takes a return request, refuses
// an exempt product with a readable reason, and offers nothing once the
// windows are over.
func TestAddressRememberedAndReturns(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		s := newShop(t, env)
		v := s.Visitor(t)
		u := s.User(t, paydeck.RoleCustomer)
		v.SignIn(t, u)
		add := func() {
			p := v.Post(t, "/cart/add", url.Values{"product_id": {s.water.ID}, "quantity": {"2"}})
			require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
		}
		add()
		p := v.Post(t, "/orders", url.Values{"name": {"홍길동"}, "phone": {"010-1234-5678"}, "postcode": {"04524"},
			"address": {"서울특별시 중구 세종대로 110"}, "detail": {"3층 301호"}})
		require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
		orderID := strings.TrimPrefix(p.Location(), "/checkout/")
		add()
		cart := v.Get(t, "/cart").Body
		require.Contains(t, cart, `value="04524"`)
		require.Contains(t, cart, `value="3층 301호"`)
		require.Contains(t, cart, `value="서울특별시 중구 세종대로 110"`)
		p = v.Post(t, "/orders", url.Values{"name": {"홍길동"}, "postcode": {"4524"}, "address": {"서울"}})
		require.Equal(t, http.StatusUnprocessableEntity, p.Status)
		require.Contains(t, p.Body, "우편번호는 숫자 5자리입니다")

		o := s.orderRecord(t, orderID)
		key := s.Authorize(t, o, "CARD")
		_, err := s.Payments.Confirm(t.Context(), apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: orderID, Amount: o.FinalAmount})
		require.NoError(t, err)
		page := v.Get(t, "/orders/"+orderID).Body
		require.NotContains(t, page, `id="return-form"`, "not before delivery")
		admin := apptest.As(s.User(t, paydeck.RoleAdmin))
		_, _, err = s.Payments.Ship(t.Context(), admin, orderID, payment.ShipInput{Courier: "kdexp", TrackingNumber: "3123456789"})
		require.NoError(t, err)
		_, err = s.Payments.DeliverOrder(t.Context(), admin, orderID)
		require.NoError(t, err)

		page = v.Get(t, "/orders/"+orderID).Body
		require.Contains(t, page, `href="https://kdexp.com/service/delivery/etc/delivery.do?barcode=3123456789"`)
		require.Contains(t, page, "청약철회")
		require.Contains(t, page, `id="return-form"`)
		require.Contains(t, page, "(04524) 서울특별시 중구 세종대로 110 3층 301호")

		// The product turns exempt (opened): a change of mind is refused.
		require.NoError(t, s.DB.Update(t.Context(), func(tx paydeck.Tx) error {
			pr, err := tx.LockProductByID(t.Context(), s.water.ID)
			if err != nil {
				return err
			}
			pr.WithdrawalExempt = true
			return tx.UpdateProduct(t.Context(), pr)
		}))
		p = v.Post(t, "/orders/"+orderID+"/returns", url.Values{"reason": {"change_of_mind"}, "qty_" + s.water.ID: {"1"}})
		require.Equal(t, http.StatusConflict, p.Status)
		require.Contains(t, p.Body, `id="return-error"`)
		require.Contains(t, p.Body, "전자상거래법 제17조 제2항", "the refusal in the page's language")
		p = v.Post(t, "/orders/"+orderID+"/returns", url.Values{"reason": {"defective"}, "note": {"깨져서 왔어요"}, "qty_" + s.water.ID: {"1"}})
		require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
		page = v.Get(t, "/orders/"+orderID).Body
		require.Contains(t, page, "상점 확인 중")
		require.NotContains(t, page, `id="return-form"`, "one request at a time")

		// Another shopper can neither see nor return it.
		other := s.Visitor(t)
		other.SignIn(t, s.User(t, paydeck.RoleCustomer))
		require.Equal(t, http.StatusNotFound, other.Post(t, "/orders/"+orderID+"/returns",
			url.Values{"reason": {"defective"}, "qty_" + s.water.ID: {"1"}}).Status)

		env.Clock.Advance(8 * 24 * time.Hour)
		v.SignIn(t, u) // the session lasted 7 days too
		page = v.Get(t, "/orders/"+orderID).Body
		require.Contains(t, page, "청약철회 기간이")
	})
}
