package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
	"github.com/paydeck/paydeck/store/storetest"
)

// shop is a Site with one physical and one digital product.
type shop struct {
	*sitetest.Site
	water, ebook *paydeck.Product
}

func newShop(t *testing.T, env *apptest.Env) *shop {
	s := &shop{Site: sitetest.NewSite(t, env)}
	s.water = env.Product(t, 12_000, 5)
	s.ebook = env.DigitalProduct(t, 9_900)
	return s
}

// order signs v in as a new customer, puts qty waters in the cart and
// places the order; it returns the customer and the public order ID.
func (s *shop) order(t *testing.T, v *sitetest.Visitor, qty int64) (*paydeck.User, string) {
	t.Helper()
	u := s.User(t, paydeck.RoleCustomer)
	v.SignIn(t, u)
	p := v.Post(t, "/cart/add", url.Values{"product_id": {s.water.ID}, "quantity": {fmt.Sprint(qty)}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	v.Get(t, "/cart")
	p = v.Post(t, "/orders", url.Values{"name": {"홍길동"}, "phone": {"010-1234-5678"}, "address": {"서울시 중구"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	orderID, ok := strings.CutPrefix(p.Location(), "/checkout/")
	require.True(t, ok, p.Location())
	return u, orderID
}

func (s *shop) orderRecord(t *testing.T, orderID string) *paydeck.Order {
	t.Helper()
	var o *paydeck.Order
	require.NoError(t, s.DB.View(t.Context(), func(tx paydeck.Tx) (err error) {
		o, err = tx.FindOrderByOrderID(t.Context(), orderID)
		return err
	}))
	return o
}

func successPath(key string, o *paydeck.Order, amount int64) string {
	return "/payments/success?" + url.Values{"paymentType": {"NORMAL"}, "paymentKey": {key}, "orderId": {o.OrderID},
		"amount": {fmt.Sprint(amount)}}.Encode()
}

// TestCardPurchase walks the shop without JavaScript: products, cart,
// sign-in, order, checkout page, the success redirect that confirms on the
// server, a reload that does not confirm twice, and the order list.
func TestCardPurchase(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		s := newShop(t, env)
		v := s.Visitor(t)

		home := v.Get(t, "/")
		require.Equal(t, http.StatusOK, home.Status)
		require.Contains(t, home.Body, s.water.Name)
		require.Contains(t, home.Body, "12,000원")
		require.Contains(t, home.Body, "재고 5개")

		_, orderID := s.order(t, v, 2)
		o := s.orderRecord(t, orderID)
		require.Equal(t, int64(24_000+3_000), o.FinalAmount, "shipping fee below the free-shipping threshold")

		cart := v.Get(t, "/cart")
		require.Contains(t, cart.Body, "장바구니가 비어 있습니다", "the cart is emptied by the order")

		co := v.Get(t, "/checkout/"+orderID)
		require.Equal(t, http.StatusOK, co.Status, co.Body)
		require.Contains(t, co.Body, `data-amount="27000"`)
		require.Contains(t, co.Body, `data-order-id="`+orderID+`"`)
		require.Contains(t, co.Body, `data-client-key="test_gck_`)
		require.Contains(t, co.Body, `data-success-url="`+s.URL+`/payments/success"`)
		require.Contains(t, co.Body, `data-fail-url="`+s.URL+`/payments/fail?order=`+orderID+`"`)
		require.Contains(t, co.Body, `src="`+s.URL+`/toss-sandbox/v2/standard"`)
		require.Regexp(t, `data-customer-key="cus_[A-Za-z0-9_-]{32}"`, co.Body)
		require.Contains(t, co.Body, `data-widget="true"`)
		require.Contains(t, co.Body, `data-order-name="`+s.water.Name+`"`)

		key := s.Authorize(t, o, "CARD")
		rec := v.Get(t, successPath(key, o, o.FinalAmount))
		require.Equal(t, http.StatusOK, rec.Status, rec.Body)
		require.Contains(t, rec.Body, "결제가 완료되었습니다")
		require.Contains(t, rec.Body, "27,000원")
		require.Contains(t, rec.Body, `href="http://localhost/receipt/redirection?transactionId=`+key, "Toss's receipt is linked")
		require.Equal(t, paydeck.OrderPaid, s.orderRecord(t, orderID).Status)

		again := v.Get(t, successPath(key, o, o.FinalAmount))
		require.Equal(t, http.StatusOK, again.Status, again.Body)
		require.Equal(t, int64(1), s.Confirms(), "a reload replays, it does not confirm again")

		list := v.Get(t, "/orders")
		require.Contains(t, list.Body, orderID)
		require.Contains(t, list.Body, "결제 완료")
		detail := v.Get(t, "/orders/"+orderID)
		require.Contains(t, detail.Body, "카드")
		require.NotContains(t, detail.Body, `id="pay-order"`, "a paid order offers no payment")

		// A paid order's checkout page sends the shopper to the order.
		require.Equal(t, "/orders/"+orderID, v.Get(t, "/checkout/"+orderID).Location())
	})
}

// TestSuccessChecksAmountFirst: a tampered amount in the success redirect
// is refused without calling Toss; the order stays payable.
func TestSuccessChecksAmountFirst(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		s := newShop(t, env)
		v := s.Visitor(t)
		_, orderID := s.order(t, v, 1)
		o := s.orderRecord(t, orderID)
		key := s.Authorize(t, o, "CARD")

		p := v.Get(t, successPath(key, o, 100))
		require.Equal(t, http.StatusUnprocessableEntity, p.Status, p.Body)
		require.Contains(t, p.Body, "요청을 처리할 수 없습니다")
		require.NotContains(t, p.Body, "goroutine")
		require.Zero(t, s.Confirms())
		require.Equal(t, paydeck.OrderPending, s.orderRecord(t, orderID).Status)
		require.Contains(t, env.EventTypes(t, o.ID), string(paydeck.EventConfirmRejected))

		missing := v.Get(t, "/payments/success?orderId="+orderID)
		require.Equal(t, http.StatusUnprocessableEntity, missing.Status)
	})
}

// TestVirtualAccountPurchase: the receipt shows the account to pay into;
// the order turns paid after the deposit.
func TestVirtualAccountPurchase(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		s := newShop(t, env)
		v := s.Visitor(t)
		_, orderID := s.order(t, v, 1)
		o := s.orderRecord(t, orderID)
		key := s.Authorize(t, o, "VIRTUAL_ACCOUNT")

		rec := v.Get(t, successPath(key, o, o.FinalAmount))
		require.Equal(t, http.StatusOK, rec.Status, rec.Body)
		pay := env.PaymentByKey(t, key)
		require.Equal(t, paydeck.PaymentWaitingForDeposit, pay.Status)
		require.Contains(t, rec.Body, "입금 계좌")
		require.Contains(t, rec.Body, pay.VirtualAccount.AccountNumber)
		require.Contains(t, rec.Body, "15,000원")
		require.Contains(t, rec.Body, pay.VirtualAccount.DueDate.In(paydeck.KST).Format("2006-01-02 15:04"))
		require.Regexp(t, `id="va-bank">[^<]+(은행|뱅크|금고|협)`, rec.Body)

		env.Deposit(t, key)
		apptest.WaitFor(t, "order paid after deposit", func() bool { return s.orderRecord(t, orderID).Status == paydeck.OrderPaid })
		require.Contains(t, v.Get(t, "/orders/"+orderID).Body, "결제 완료")
	})
}

// TestFailPage explains Toss's codes in plain words and offers a retry
// while the order is payable.
func TestFailPage(t *testing.T) {
	t.Parallel()
	s := newShop(t, apptest.New(t, "sqlite"))
	v := s.Visitor(t)
	_, orderID := s.order(t, v, 1)

	p := v.Get(t, "/payments/fail?code=REJECT_CARD_COMPANY&message=%EA%B1%B0%EC%A0%88&orderId="+orderID)
	require.Equal(t, http.StatusOK, p.Status)
	require.Contains(t, p.Body, "카드사에서 결제를 승인하지 않았습니다")
	require.Contains(t, p.Body, `href="/checkout/`+orderID+`"`)

	en := v.Get(t, "/payments/fail?lang=en&code=PAY_PROCESS_CANCELED&message=x")
	require.Contains(t, en.Body, "You closed the payment window")
	require.NotContains(t, en.Body, `id="retry"`)

	other := v.Get(t, "/payments/fail?code=SOMETHING_NEW&message=%3Cb%3Ehi%3C%2Fb%3E&orderId="+orderID)
	require.Contains(t, other.Body, "Nothing was charged", "the language choice is remembered")
	require.Contains(t, other.Body, "&lt;b&gt;hi&lt;/b&gt;", "Toss's message is escaped")

	// Once the order is cancelled there is nothing to retry.
	require.Equal(t, http.StatusSeeOther, v.Post(t, "/orders/"+orderID+"/cancel", url.Values{}).Status)
	require.Equal(t, paydeck.OrderCancelled, s.orderRecord(t, orderID).Status)
	require.NotContains(t, v.Get(t, "/payments/fail?code=REJECT_CARD_COMPANY&orderId="+orderID).Body, `id="retry"`)
}

// TestFormsNeedCSRF: posts without the session's token are refused.
func TestFormsNeedCSRF(t *testing.T) {
	t.Parallel()
	s := newShop(t, apptest.New(t, "sqlite"))
	v := s.Visitor(t)
	v.Get(t, "/")
	for _, token := range []string{"", "forged"} {
		p := v.Post(t, "/cart/add", url.Values{"csrf": {token}, "product_id": {s.water.ID}, "quantity": {"1"}})
		require.Equal(t, http.StatusForbidden, p.Status)
		require.Contains(t, p.Body, "페이지를 새로고침")
	}
	// Another browser's token does not work either.
	other := s.Visitor(t)
	other.Get(t, "/")
	p := v.Post(t, "/cart/add", url.Values{"csrf": {other.CSRF}, "product_id": {s.water.ID}, "quantity": {"1"}})
	require.Equal(t, http.StatusForbidden, p.Status)
	require.Contains(t, v.Get(t, "/cart").Body, "장바구니가 비어 있습니다")
}

// TestSignedInPagesRedirect: visitors are sent to sign in and come back.
func TestSignedInPagesRedirect(t *testing.T) {
	t.Parallel()
	s := newShop(t, apptest.New(t, "sqlite"))
	v := s.Visitor(t)
	for _, path := range []string{"/orders", "/checkout/ORD20261127ABCDEF12", "/payments/success?paymentKey=k&orderId=o&amount=1"} {
		p := v.Get(t, path)
		require.Equal(t, http.StatusSeeOther, p.Status, path)
		require.Equal(t, "/login?next="+url.QueryEscape(path), p.Location())
	}
	v.Get(t, "/cart")
	p := v.Post(t, "/orders", url.Values{"name": {"x"}})
	require.Equal(t, http.StatusSeeOther, p.Status)
	require.True(t, strings.HasPrefix(p.Location(), "/login?next="))
}

// TestAccounts covers sign-up and sign-in answers.
func TestAccounts(t *testing.T) {
	t.Parallel()
	s := newShop(t, apptest.New(t, "sqlite"))
	v := s.Visitor(t)
	v.Get(t, "/signup")
	p := v.Post(t, "/signup", url.Values{"email": {"Kim@Example.com"}, "name": {"김"}, "password": {sitetest.SitePassword}, "next": {"/cart"}})
	require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
	require.Equal(t, "/cart", p.Location())
	require.Contains(t, v.Get(t, "/").Body, "kim@example.com")

	v2 := s.Visitor(t)
	v2.Get(t, "/signup")
	dup := v2.Post(t, "/signup", url.Values{"email": {"kim@example.com"}, "password": {sitetest.SitePassword}})
	require.Equal(t, http.StatusConflict, dup.Status)
	require.Contains(t, dup.Body, "이미 가입된 이메일")
	short := v2.Post(t, "/signup", url.Values{"email": {"lee@example.com"}, "password": {"short"}})
	require.Equal(t, http.StatusUnprocessableEntity, short.Status)
	bad := v2.Post(t, "/signup", url.Values{"email": {"not-an-email"}, "password": {sitetest.SitePassword}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.Status)

	wrong := v2.Post(t, "/login", url.Values{"email": {"kim@example.com"}, "password": {"wrong password"}})
	require.Equal(t, http.StatusUnauthorized, wrong.Status)
	require.Contains(t, wrong.Body, "이메일 또는 비밀번호가 올바르지 않습니다")
	unknown := v2.Post(t, "/login", url.Values{"email": {"nobody@example.com"}, "password": {"wrong password"}})
	require.Equal(t, http.StatusUnauthorized, unknown.Status)

	offsite := v2.Post(t, "/login", url.Values{"email": {"kim@example.com"}, "password": {sitetest.SitePassword}, "next": {"//evil.example"}})
	require.Equal(t, "/", offsite.Location(), "only local next URLs")

	v2.Get(t, "/")
	require.Equal(t, http.StatusSeeOther, v2.Post(t, "/logout", url.Values{}).Status)
	require.Equal(t, http.StatusSeeOther, v2.Get(t, "/orders").Status)
}

// TestOrdersArePrivate: another shopper's order looks like a missing one.
func TestOrdersArePrivate(t *testing.T) {
	t.Parallel()
	s := newShop(t, apptest.New(t, "sqlite"))
	_, orderID := s.order(t, s.Visitor(t), 1)
	other := s.Visitor(t)
	other.SignIn(t, s.User(t, paydeck.RoleCustomer))
	for _, path := range []string{"/checkout/" + orderID, "/orders/" + orderID} {
		p := other.Get(t, path)
		require.Equal(t, http.StatusNotFound, p.Status, path)
		require.Contains(t, p.Body, "찾을 수 없습니다")
	}
	require.NotContains(t, other.Get(t, "/orders").Body, orderID)
	require.Equal(t, http.StatusNotFound, other.Post(t, "/orders/"+orderID+"/cancel", url.Values{}).Status)
}

// TestCart covers adding, merging, changing and removing lines, and the
// stock check when ordering.
func TestCart(t *testing.T) {
	t.Parallel()
	s := newShop(t, apptest.New(t, "sqlite"))
	v := s.Visitor(t)
	v.Get(t, "/")
	v.Post(t, "/cart/add", url.Values{"product_id": {s.water.ID}, "quantity": {"2"}})
	v.Post(t, "/cart/add", url.Values{"product_id": {s.water.ID}, "quantity": {"1"}})
	v.Post(t, "/cart/add", url.Values{"product_id": {s.ebook.ID}, "quantity": {"1"}})
	cart := v.Get(t, "/cart")
	require.Contains(t, cart.Body, `value="3"`)
	require.Contains(t, cart.Body, "45,900원", "3 × 12,000 + 9,900")
	require.Contains(t, cart.Body, "장바구니 (4)")

	v.Post(t, "/cart/update", url.Values{"product_id": {s.ebook.ID}, "quantity": {"0"}})
	require.NotContains(t, v.Get(t, "/cart").Body, s.ebook.Name)

	for _, bad := range []url.Values{
		{"product_id": {s.water.ID}, "quantity": {"-1"}},
		{"product_id": {s.water.ID}, "quantity": {"abc"}},
		{"product_id": {s.water.ID}, "quantity": {"1001"}},
	} {
		require.Equal(t, http.StatusUnprocessableEntity, v.Post(t, "/cart/add", bad).Status, bad)
	}
	require.Equal(t, http.StatusNotFound, v.Post(t, "/cart/add", url.Values{"product_id": {"nope"}, "quantity": {"1"}}).Status)

	// More than the stock: the cart lowers the quantity to the stock left;
	// stock sold meanwhile makes the cart warn and the order refused with
	// the service's message.
	require.Equal(t, "/cart?capped=1", v.Post(t, "/cart/update", url.Values{"product_id": {s.water.ID}, "quantity": {"6"}}).Location())
	require.Contains(t, v.Get(t, "/cart").Body, `value="5"`)
	storeSetStock(t, s.Env, s.water.ID, 4)
	v.SignIn(t, s.User(t, paydeck.RoleCustomer))
	require.Contains(t, v.Get(t, "/cart").Body, "재고가 4개뿐입니다")
	p := v.Post(t, "/orders", url.Values{"name": {"홍길동"}})
	require.Equal(t, http.StatusConflict, p.Status, p.Body)
	require.Contains(t, p.Body, `class="alert"`)
	require.Contains(t, p.Body, s.water.Name)
}

// TestLanguage: Korean by default, English on ?lang=en (remembered) or
// Accept-Language.
func TestLanguage(t *testing.T) {
	t.Parallel()
	s := newShop(t, apptest.New(t, "sqlite"))
	v := s.Visitor(t)
	ko := v.Get(t, "/")
	require.Contains(t, ko.Body, `<html lang="ko">`)
	require.Contains(t, ko.Body, "장바구니에 담기")
	en := v.Get(t, "/?lang=en")
	require.Contains(t, en.Body, `<html lang="en">`)
	require.Contains(t, en.Body, "Add to cart")
	require.Contains(t, en.Body, "₩12,000")
	require.Contains(t, v.Get(t, "/cart").Body, "Your cart is empty", "remembered in a cookie")

	fresh := s.Visitor(t)
	p := fresh.Do(t, http.MethodGet, "/", nil, http.Header{"Accept-Language": {"en-US,en;q=0.9,ko;q=0.8"}})
	require.Contains(t, p.Body, "Add to cart")
	p = fresh.Do(t, http.MethodGet, "/", nil, http.Header{"Accept-Language": {"ko-KR,ko;q=0.9,en;q=0.8"}})
	require.Contains(t, p.Body, "장바구니에 담기")
}

// TestErrorPagesAreReadable: unknown pages get the 404 template.
func TestErrorPagesAreReadable(t *testing.T) {
	t.Parallel()
	s := newShop(t, apptest.New(t, "sqlite"))
	v := s.Visitor(t)
	p := v.Get(t, "/no/such/page")
	require.Equal(t, http.StatusNotFound, p.Status)
	require.Contains(t, p.Body, "페이지를 찾을 수 없습니다")
	require.Contains(t, p.Header.Get("Content-Type"), "text/html")
	css := v.Get(t, "/static/paydeck.css")
	require.Equal(t, http.StatusOK, css.Status)
	require.Contains(t, css.Header.Get("Content-Type"), "text/css")
	js := v.Get(t, "/static/checkout.js")
	require.Contains(t, js.Body, "renderPaymentMethods")
}

// TestCheckoutWithAPIKey: an API individual client key gets the page's own
// method picker: the shop's active methods in display order, or card,
// virtual account and transfer when none is configured.
func TestCheckoutWithAPIKey(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	s := &shop{Site: sitetest.NewWindowSite(t, env), water: env.Product(t, 12_000, 5)}
	v := s.Visitor(t)
	_, orderID := s.order(t, v, 1)
	page := v.Get(t, "/checkout/"+orderID).Body
	require.Contains(t, page, `data-widget="false"`)
	require.Contains(t, page, `data-client-key="test_ck_`)
	require.Regexp(t, `(?s)value="CARD" checked.*value="VIRTUAL_ACCOUNT".*value="TRANSFER"`, page)

	storetest.MustUpdate(t, env.DB, func(tx paydeck.Tx) error {
		for i, m := range []paydeck.PaymentMethodType{paydeck.MethodMobilePhone, paydeck.MethodEasyPay, paydeck.MethodCard} {
			if err := tx.CreatePaymentMethod(t.Context(), &paydeck.PaymentMethod{Name: string(m), Type: m, IsActive: true, DisplayOrder: i}); err != nil {
				return err
			}
		}
		return tx.CreatePaymentMethod(t.Context(), &paydeck.PaymentMethod{Name: "off", Type: paydeck.MethodTransfer, DisplayOrder: 9})
	})
	page = v.Get(t, "/checkout/"+orderID).Body
	require.Regexp(t, `(?s)value="MOBILE_PHONE" checked.*value="CARD"> 간편결제`, page)
	require.NotContains(t, page, `value="TRANSFER"`, "inactive methods are not offered")
	require.Equal(t, 1, strings.Count(page, `value="CARD"`), "easy pay and card share the card window")
}

// TestSignInThrottle: after the burst of wrong passwords from one client
// the account's sign-in from that client is refused with a readable 429
// page and Retry-After, even with the right password, until the bucket
// refills (account.DefaultPairLimit: 5, then one a minute).
func TestSignInThrottle(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	env.Clock.Freeze()
	s := newShop(t, env)
	u := s.User(t, paydeck.RoleCustomer)
	v := s.Visitor(t)
	v.Get(t, "/login")
	for range 5 {
		require.Equal(t, http.StatusUnauthorized, v.Post(t, "/login", url.Values{"email": {u.Email}, "password": {"wrong password"}}).Status)
	}
	p := v.Post(t, "/login", url.Values{"email": {u.Email}, "password": {sitetest.SitePassword}})
	require.Equal(t, http.StatusTooManyRequests, p.Status)
	require.Contains(t, p.Body, "시도가 너무 많습니다")
	require.Equal(t, "60", p.Header.Get("Retry-After"))
	env.Clock.Advance(time.Minute)
	require.Equal(t, http.StatusSeeOther, v.Post(t, "/login", url.Values{"email": {u.Email}, "password": {sitetest.SitePassword}}).Status)
}

// TestShopPagesArePrivate is the shop's column of the authorization matrix:
// every page that shows or acts on a shopper's order (order detail,
// checkout, cancel, the success redirect that confirms and shows the
// receipt, the fail page's retry link, the order list), for orders pending
// and paid. Another signed-in shopper, who has an order of their own, and an
// admin (the shop acts as the customer even for admins; admins use admin/)
// get the same readable 404 page as for an order that does not exist, and
// change nothing; a visitor is sent to sign in.
func TestShopPagesArePrivate(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		s := newShop(t, env)
		alice := s.Visitor(t)
		aliceUser, paidID := s.order(t, alice, 1)
		paidOrder := s.orderRecord(t, paidID)
		paidKey := s.Authorize(t, paidOrder, "CARD")
		require.Equal(t, http.StatusOK, alice.Get(t, successPath(paidKey, paidOrder, paidOrder.FinalAmount)).Status)
		p := alice.Post(t, "/cart/add", url.Values{"product_id": {s.water.ID}, "quantity": {"1"}})
		require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
		p = alice.Post(t, "/orders", url.Values{"name": {"홍길동"}, "phone": {"010-1234-5678"}, "address": {"서울시 중구"}})
		pendingID, ok := strings.CutPrefix(p.Location(), "/checkout/")
		require.True(t, ok, p.Location())
		pendingOrder := s.orderRecord(t, pendingID)
		pendingKey := s.Authorize(t, pendingOrder, "CARD")
		confirms := s.Confirms()

		bob := s.Visitor(t)
		_, bobsOrder := s.order(t, bob, 1)
		admin := s.Visitor(t)
		admin.SignIn(t, s.User(t, paydeck.RoleAdmin))

		const ghost = "ORD20261127FFFFFFFF"
		for who, v := range map[string]*sitetest.Visitor{"other shopper": bob, "admin": admin} {
			for _, id := range []string{paidID, pendingID} {
				o := s.orderRecord(t, id)
				key := map[string]string{paidID: paidKey, pendingID: pendingKey}[id]
				for _, path := range []string{"/orders/" + id, "/checkout/" + id, successPath(key, o, o.FinalAmount)} {
					page := v.Get(t, path)
					require.Equal(t, http.StatusNotFound, page.Status, "%s: %s", who, path)
					require.Contains(t, page.Header.Get("Content-Type"), "text/html")
					require.NotContains(t, page.Body, aliceUser.Email, "%s: %s", who, path)
					missing := v.Get(t, strings.ReplaceAll(path, id, ghost))
					require.Equal(t, strings.ReplaceAll(missing.Body, ghost, "ID"), strings.ReplaceAll(page.Body, id, "ID"),
						"%s: %s answers like a missing order", who, path)
				}
				cancel := v.Post(t, "/orders/"+id+"/cancel", url.Values{})
				require.Equal(t, http.StatusNotFound, cancel.Status, "%s cancels %s", who, id)
				fail := v.Get(t, "/payments/fail?code=REJECT_CARD_COMPANY&orderId="+id)
				require.Equal(t, http.StatusOK, fail.Status)
				require.NotContains(t, fail.Body, `href="/checkout/`+id+`"`, "%s is offered no retry of alice's order", who)
				require.NotContains(t, v.Get(t, "/orders").Body, id, "%s's order list", who)
			}
		}
		require.Contains(t, bob.Get(t, "/orders").Body, bobsOrder, "bob still sees his own order")

		// A visitor is sent to sign in, and cannot cancel either.
		visitor := s.Visitor(t)
		for _, path := range []string{"/orders/" + paidID, "/checkout/" + pendingID, successPath(pendingKey, pendingOrder, pendingOrder.FinalAmount)} {
			page := visitor.Get(t, path)
			require.Equal(t, http.StatusSeeOther, page.Status, path)
			require.Equal(t, "/login?next="+url.QueryEscape(path), page.Location())
		}
		cancel := visitor.Post(t, "/orders/"+pendingID+"/cancel", url.Values{})
		require.Equal(t, http.StatusSeeOther, cancel.Status)
		require.True(t, strings.HasPrefix(cancel.Location(), "/login?next="), cancel.Location())

		// Nothing changed: no confirm reached Toss, the orders are as alice
		// left them, and she still pays the pending one herself.
		require.Equal(t, confirms, s.Confirms())
		require.Equal(t, paydeck.OrderPaid, s.orderRecord(t, paidID).Status)
		require.Equal(t, paydeck.OrderPending, s.orderRecord(t, pendingID).Status)
		require.Equal(t, http.StatusOK, alice.Get(t, "/orders/"+paidID).Status)
		rec := alice.Get(t, successPath(pendingKey, pendingOrder, pendingOrder.FinalAmount))
		require.Equal(t, http.StatusOK, rec.Status, rec.Body)
		require.Equal(t, paydeck.OrderPaid, s.orderRecord(t, pendingID).Status)
	})
}
