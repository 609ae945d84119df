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

// The cart never holds more than the stock left (the cart says so when it
// lowers a quantity) and every line has a remove button.
func TestCartCapsQuantityAndRemoves(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		s := newShop(t, env) // water: 5 in stock
		v := s.Visitor(t)
		p := v.Post(t, "/cart/add", url.Values{"product_id": {s.water.ID}, "quantity": {"9"}})
		require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
		require.Equal(t, "/cart?capped=1", p.Location())
		cart := v.Get(t, p.Location())
		require.Contains(t, cart.Body, `id="cart-capped"`)
		require.Contains(t, cart.Body, `name="quantity" value="5" min="1" max="5"`)
		require.Contains(t, cart.Body, "60,000원", "5 × 12,000")

		// Within the stock: no notice.
		p = v.Post(t, "/cart/update", url.Values{"product_id": {s.water.ID}, "quantity": {"2"}})
		require.Equal(t, "/cart", p.Location())
		require.NotContains(t, v.Get(t, "/cart").Body, `id="cart-capped"`)
		p = v.Post(t, "/cart/add", url.Values{"product_id": {s.water.ID}, "quantity": {"4"}})
		require.Equal(t, "/cart?capped=1", p.Location(), "2 + 4 > 5")

		// Digital goods have no stock limit.
		p = v.Post(t, "/cart/add", url.Values{"product_id": {s.ebook.ID}, "quantity": {"7"}})
		require.Equal(t, "/cart", p.Location())

		// The remove button is a form setting the quantity to 0.
		cart = v.Get(t, "/cart")
		require.Equal(t, 2, strings.Count(cart.Body, `class="remove"`))
		p = v.Post(t, "/cart/update", url.Values{"product_id": {s.water.ID}, "quantity": {"0"}})
		require.Equal(t, http.StatusSeeOther, p.Status)
		cart = v.Get(t, "/cart")
		require.NotContains(t, cart.Body, `id="line-`+s.water.ID+`"`)
		require.Contains(t, cart.Body, `id="line-`+s.ebook.ID+`"`)

		// Sold out: cannot be added.
		storeSetStock(t, env, s.water.ID, 0)
		p = v.Post(t, "/cart/add", url.Values{"product_id": {s.water.ID}, "quantity": {"1"}})
		require.Equal(t, http.StatusConflict, p.Status)
	})
}

func storeSetStock(t *testing.T, env *apptest.Env, productID string, n int64) {
	t.Helper()
	require.NoError(t, env.DB.Update(t.Context(), func(tx paydeck.Tx) error {
		p, err := tx.FindProductByID(t.Context(), productID)
		if err != nil {
			return err
		}
		p.StockQuantity = n
		return tx.UpdateProduct(t.Context(), p)
	}))
}

// Dead end 4: closing the payment window (Toss sends no orderId then)
// shows the order with "다시 결제하기", records the attempt once, and the
// Toss code is small print under a plain sentence, in both languages.
func TestWindowClosedShowsTheOrder(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		s := newShop(t, env)
		v := s.Visitor(t)
		_, orderID := s.order(t, v, 1)
		path := "/payments/fail?" + url.Values{"order": {orderID}, "code": {"PAY_PROCESS_CANCELED"},
			"message": {"사용자에 의해 결제가 취소되었습니다."}}.Encode()
		p := v.Get(t, path)
		require.Equal(t, http.StatusOK, p.Status)
		require.Contains(t, p.Body, `<p class="alert" role="alert" id="fail-reason">결제창을 닫아 결제가 진행되지 않았습니다.`)
		require.Contains(t, p.Body, `<dd id="fail-order">`+orderID+`</dd>`)
		require.Contains(t, p.Body, `<a class="button primary" id="retry" href="/checkout/`+orderID+`">다시 결제하기</a>`)
		require.Contains(t, p.Body, `<small>오류 코드: <code id="fail-code">PAY_PROCESS_CANCELED</code>`)
		require.NotContains(t, p.Body, `<h1 id="fail-title">PAY_PROCESS_CANCELED`)
		v.Get(t, path) // a reload

		en := v.Get(t, "/payments/fail?lang=en&"+url.Values{"order": {orderID}, "code": {"REJECT_CARD_PAYMENT"}}.Encode())
		require.Contains(t, en.Body, "The card&#39;s limit or balance is not enough")
		require.Contains(t, en.Body, `id="retry"`)

		o := s.orderRecord(t, orderID)
		attempts := func() []string {
			var codes []string
			for _, e := range env.Events(t, o.ID) {
				if e.Type == paydeck.EventAttemptFailed {
					codes = append(codes, string(e.Metadata))
				}
			}
			return codes
		}
		codes := attempts()
		require.Len(t, codes, 2, "the reload is not a new attempt")
		require.Contains(t, codes[0], "PAY_PROCESS_CANCELED")
		require.Contains(t, codes[1], "REJECT_CARD_PAYMENT")

		// Another shopper's fail URL for this order shows no order and records nothing.
		other := s.Visitor(t)
		s.order(t, other, 1)
		op := other.Get(t, path)
		require.NotContains(t, op.Body, `id="fail-order"`)
		require.Len(t, attempts(), 2)
	})
}

// Dead end 2: after paying, going back and paying again must not say the
// payment failed: the fail page and the success page say the order is paid
// and link to the receipt.
func TestPaidOrderIsNeverReportedFailed(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		s := newShop(t, env)
		v := s.Visitor(t)
		_, orderID := s.order(t, v, 1)
		o := s.orderRecord(t, orderID)
		key := s.Authorize(t, o, "CARD")
		require.Contains(t, v.Get(t, successPath(key, o, o.FinalAmount)).Body, "결제가 완료되었습니다")

		// Back to the checkout page: it sends the shopper to the order.
		co := v.Get(t, "/checkout/"+orderID)
		require.Equal(t, http.StatusSeeOther, co.Status)
		require.Equal(t, "/orders/"+orderID, co.Location())
		page := v.Get(t, "/orders/"+orderID)
		require.Contains(t, page.Body, `id="receipt-link"`)
		require.NotContains(t, page.Body, `id="pay-order"`)

		// Toss refuses the used orderId in the window: fail redirect.
		fail := v.Get(t, "/payments/fail?"+url.Values{"code": {"DUPLICATED_ORDER_ID"}, "message": {"이미 승인 및 취소가 진행된 중복된 주문번호입니다."},
			"orderId": {orderID}, "order": {orderID}}.Encode())
		require.Equal(t, http.StatusOK, fail.Status)
		require.Contains(t, fail.Body, "이미 결제된 주문입니다")
		require.NotContains(t, fail.Body, "결제하지 못했습니다")
		require.Contains(t, fail.Body, `href="/orders/`+orderID+`/receipt"`)
		require.NotContains(t, fail.Body, `id="retry"`)

		// A second approval under a new orderId reaches the success page:
		// paydeck refuses to confirm it and says the order is paid.
		key2 := s.AuthorizeAttempt(t, orderID+"-2", o.FinalAmount, "CARD")
		again := v.Get(t, "/payments/success?"+url.Values{"paymentKey": {key2}, "orderId": {orderID + "-2"},
			"amount": {"15000"}}.Encode())
		require.Equal(t, http.StatusOK, again.Status)
		require.Contains(t, again.Body, "이미 결제된 주문입니다")
		require.Contains(t, again.Body, `href="/orders/`+orderID+`/receipt"`)

		rec := v.Get(t, "/orders/"+orderID+"/receipt")
		require.Equal(t, http.StatusOK, rec.Status)
		require.Contains(t, rec.Body, "결제가 완료되었습니다")
		require.Contains(t, rec.Body, key)
		other := s.Visitor(t)
		other.SignIn(t, s.User(t, paydeck.RoleCustomer))
		require.Equal(t, http.StatusNotFound, other.Get(t, "/orders/"+orderID+"/receipt").Status)
	})
}

// Dead end 1 without JavaScript: the order page of an open virtual account
// offers to pay another way (the account is cancelled, the checkout opens
// under the next attempt's orderId) or to cancel the order.
func TestVirtualAccountOrderPage(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		s := newShop(t, env)
		v := s.Visitor(t)
		_, orderID := s.order(t, v, 2)
		o := s.orderRecord(t, orderID)
		key := s.Authorize(t, o, "VIRTUAL_ACCOUNT")
		require.Contains(t, v.Get(t, successPath(key, o, o.FinalAmount)).Body, `id="virtual-account"`)

		page := v.Get(t, "/orders/"+orderID)
		require.Contains(t, page.Body, `id="switch-method"`)
		require.Contains(t, page.Body, `id="cancel-order"`)
		require.NotContains(t, page.Body, `id="pay-order"`)
		co := v.Get(t, "/checkout/"+orderID)
		require.Equal(t, "/orders/"+orderID, co.Location(), "no widget while the account is open")
		en := v.Get(t, "/orders/"+orderID+"?lang=en")
		require.Contains(t, en.Body, "Awaiting your transfer")
		require.Contains(t, en.Body, ">Pay another way</button>")
		require.Contains(t, en.Body, ">Cancel the order</button>")
		v.Get(t, "/orders/"+orderID+"?lang=ko")

		sw := v.Post(t, "/orders/"+orderID+"/switch-method", url.Values{})
		require.Equal(t, http.StatusSeeOther, sw.Status, sw.Body)
		require.Equal(t, "/checkout/"+orderID, sw.Location())
		co = v.Get(t, sw.Location())
		require.Equal(t, http.StatusOK, co.Status)
		require.Contains(t, co.Body, `data-order-id="`+orderID+`-2"`)
		require.Equal(t, paydeck.PaymentCanceled, env.PaymentByKey(t, key).Status)

		// Paying the second attempt by card completes the order.
		key2 := s.AuthorizeAttempt(t, orderID+"-2", o.FinalAmount, "CARD")
		rec := v.Get(t, "/payments/success?"+url.Values{"paymentKey": {key2}, "orderId": {orderID + "-2"},
			"amount": {"27000"}}.Encode())
		require.Contains(t, rec.Body, "결제가 완료되었습니다", rec.Body)
		require.Equal(t, paydeck.OrderPaid, s.orderRecord(t, orderID).Status)

		// Another order with an account is cancelled from its page: stock back.
		_, second := s.order(t, v, 1)
		o2 := s.orderRecord(t, second)
		k := s.Authorize(t, o2, "VIRTUAL_ACCOUNT")
		v.Get(t, successPath(k, o2, o2.FinalAmount))
		require.Equal(t, int64(2), env.ProductByID(t, s.water.ID).StockQuantity)
		c := v.Post(t, "/orders/"+second+"/cancel", url.Values{})
		require.Equal(t, http.StatusSeeOther, c.Status, c.Body)
		require.Equal(t, paydeck.OrderCancelled, s.orderRecord(t, second).Status)
		require.Equal(t, int64(3), env.ProductByID(t, s.water.ID).StockQuantity)
		require.Equal(t, paydeck.PaymentCanceled, env.PaymentByKey(t, k).Status)
	})
}
