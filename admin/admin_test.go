package admin_test

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
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/store/storetest"
	"github.com/paydeck/paydeck/toss"
)

// store is a Site with a product, a customer and a signed-in admin.
type store struct {
	*sitetest.Site
	product  *paydeck.Product
	customer *paydeck.User
	admin    *sitetest.Visitor
	// staff is the signed-in admin's account.
	staff *paydeck.User
}

func newStore(t *testing.T, env *apptest.Env) *store {
	s := &store{Site: sitetest.NewSite(t, env)}
	s.product = env.Product(t, 30_000, 10)
	s.customer = s.User(t, paydeck.RoleCustomer)
	s.admin = s.Visitor(t)
	s.staff = s.User(t, paydeck.RoleAdmin)
	s.admin.SignIn(t, s.staff)
	return s
}

// paid places an order of qty units for the customer and confirms a payment
// by method through the service, as the shop pages would.
func (s *store) paid(t *testing.T, qty int64, method string) (*paydeck.Order, *paydeck.Payment) {
	t.Helper()
	o := s.Order(t, s.customer, apptest.Line(s.product, qty))
	key := s.Authorize(t, o, method)
	p, err := s.Payments.Confirm(t.Context(), apptest.As(s.customer), payment.ConfirmInput{PaymentKey: key, OrderID: o.OrderID, Amount: o.FinalAmount})
	require.NoError(t, err)
	return o, p
}

func (s *store) order(t *testing.T, orderID string) *paydeck.Order {
	t.Helper()
	var o *paydeck.Order
	require.NoError(t, s.DB.View(t.Context(), func(tx paydeck.Tx) (err error) {
		o, err = tx.FindOrderByOrderID(t.Context(), orderID)
		return err
	}))
	return o
}

// TestAdminOnly: visitors are sent to sign in, customers refused, admins let in.
func TestAdminOnly(t *testing.T) {
	t.Parallel()
	s := newStore(t, apptest.New(t, "sqlite"))
	visitor := s.Visitor(t)
	for _, path := range []string{"/admin/", "/admin/orders?status=paid", "/admin/settlements.csv", "/admin/jobs/"} {
		p := visitor.Get(t, path)
		require.Equal(t, http.StatusSeeOther, p.Status, path)
		require.Equal(t, "/login?next="+url.QueryEscape(path), p.Location())
	}
	customer := s.Visitor(t)
	customer.SignIn(t, s.customer)
	p := customer.Get(t, "/admin/orders")
	require.Equal(t, http.StatusForbidden, p.Status)
	require.Contains(t, p.Body, "권한이 없거나")

	dash := s.admin.Get(t, "/admin/")
	require.Equal(t, http.StatusOK, dash.Status, dash.Body)
	require.Contains(t, dash.Body, "대시보드")
	require.Equal(t, http.StatusNotFound, s.admin.Get(t, "/admin/nothing-here").Status)
	jobs := s.admin.Get(t, "/admin/jobs/")
	require.Equal(t, http.StatusOK, jobs.Status)
	require.Contains(t, jobs.Body, "River UI")

	// Signing in through the shop's page comes back to the admin page.
	visitor.Get(t, "/login?next=%2Fadmin%2F")
	admin := s.User(t, paydeck.RoleAdmin)
	back := visitor.Post(t, "/login", url.Values{"email": {admin.Email}, "password": {sitetest.SitePassword}, "next": {"/admin/"}})
	require.Equal(t, "/admin/", back.Location())
}

// TestRefundFlow: the order page shows the payment and its timeline; a
// partial then a full refund go through the service and show up on the
// order page and the dashboard.
func TestRefundFlow(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		s := newStore(t, env)
		o, p := s.paid(t, 1, "CARD")
		require.Equal(t, int64(33_000), p.Amount)

		page := s.admin.Get(t, "/admin/orders/"+o.OrderID)
		require.Equal(t, http.StatusOK, page.Status, page.Body)
		require.Contains(t, page.Body, p.PaymentKey)
		require.Contains(t, page.Body, s.customer.Email)
		require.Contains(t, page.Body, `id="timeline"`)
		require.Contains(t, page.Body, "<strong>승인</strong>")
		require.Contains(t, page.Body, `action="/admin/payments/`+p.PaymentKey+`/refund"`)
		require.NotContains(t, page.Body, `name="account_number"`, "card refunds need no account")

		dash := s.admin.Get(t, "/admin/")
		require.Contains(t, dash.Body, `id="today-revenue">33,000원`)
		require.Contains(t, dash.Body, `id="approval-rate">100.00%`)

		// The form first shows what will happen; only its confirmation refunds.
		ask := s.admin.Post(t, "/admin/payments/"+p.PaymentKey+"/refund", url.Values{"scope": {"partial"}, "amount": {"5000"},
			"preset": {"상품 불량"}, "reason": {"파손"}, "idem": {"idem-1"}})
		require.Equal(t, http.StatusOK, ask.Status, ask.Body)
		require.Contains(t, ask.Body, `id="refund-amount">5,000원`)
		require.Contains(t, ask.Body, `id="refund-reason">상품 불량: 파손`)
		require.Contains(t, ask.Body, `name="confirm" value="yes"`)
		require.Equal(t, p.Amount, s.PaymentByKey(t, p.PaymentKey).BalanceAmount, "nothing refunded before the confirmation")
		require.Empty(t, s.Refunds(t, p.ID))
		r := s.admin.Post(t, "/admin/payments/"+p.PaymentKey+"/refund", url.Values{"scope": {"partial"}, "amount": {"5000"},
			"preset": {"상품 불량"}, "reason": {"파손"}, "idem": {"idem-1"}, "confirm": {"yes"}})
		require.Equal(t, http.StatusSeeOther, r.Status, r.Body)
		require.Equal(t, "/admin/orders/"+o.OrderID+"?flash=flash.refunded", r.Location())
		require.Equal(t, paydeck.OrderPartialRefunded, s.order(t, o.OrderID).Status)
		// The same form posted twice refunds once.
		s.admin.Post(t, "/admin/payments/"+p.PaymentKey+"/refund", url.Values{"scope": {"partial"}, "amount": {"5000"},
			"preset": {"상품 불량"}, "reason": {"파손"}, "idem": {"idem-1"}, "confirm": {"yes"}})
		require.Equal(t, int64(28_000), s.PaymentByKey(t, p.PaymentKey).BalanceAmount)

		page = s.admin.Get(t, r.Location())
		require.Contains(t, page.Body, "환불을 요청했습니다")
		require.Contains(t, page.Body, "<strong>환불 완료</strong>")
		require.Contains(t, page.Body, "5,000원 환불을 요청했습니다. 사유: 상품 불량: 파손")
		require.Contains(t, page.Body, "처리: 관리자 "+s.staff.Email, "the timeline names the admin who refunded")
		require.Contains(t, page.Body, "처리: 고객 "+s.customer.Email, "and the customer who paid")
		require.Contains(t, page.Body, `class="payment-balance">28,000원`)
		dash = s.admin.Get(t, "/admin/")
		require.Contains(t, dash.Body, `id="today-revenue">28,000원`)
		require.Contains(t, dash.Body, `id="month-refunds">5,000원`)
		require.Contains(t, dash.Body, `<svg class="chart" id="daily-chart"`)
		require.Contains(t, dash.Body, `<title>`+time.Now().In(paydeck.KST).Format("2006-01-02")+`: 28,000원</title>`)

		tooMuch := s.admin.Post(t, "/admin/payments/"+p.PaymentKey+"/refund", url.Values{"amount": {"28001"}, "reason": {"x"}})
		require.Equal(t, http.StatusUnprocessableEntity, tooMuch.Status)
		require.Regexp(t, `class="alert refund-error" role="alert">[^<]*환불 가능 금액`, tooMuch.Body, "shown at the payment's form")
		require.Contains(t, tooMuch.Body, `id="timeline"`, "on the order page")

		s.Clock.Advance(2 * time.Second) // Toss refuses cancels of one payment within a second
		empty := s.admin.Post(t, "/admin/payments/"+p.PaymentKey+"/refund", url.Values{"reason": {"전액 환불"}, "confirm": {"yes"}})
		require.Equal(t, http.StatusUnprocessableEntity, empty.Status, "an empty amount is not silently everything")
		require.Equal(t, int64(28_000), s.PaymentByKey(t, p.PaymentKey).BalanceAmount)
		full := s.admin.Post(t, "/admin/payments/"+p.PaymentKey+"/refund", url.Values{"scope": {"full"}, "preset": {"단순 변심"},
			"confirm": {"yes"}})
		require.Equal(t, http.StatusSeeOther, full.Status, full.Body)
		require.Equal(t, paydeck.PaymentCanceled, s.PaymentByKey(t, p.PaymentKey).Status)
		require.Equal(t, paydeck.OrderRefunded, s.order(t, o.OrderID).Status)
		require.Equal(t, paydeck.PaymentCanceled, s.PaymentByKey(t, p.PaymentKey).Status)
		require.NotContains(t, s.admin.Get(t, "/admin/orders/"+o.OrderID).Body, "refund-form")
	})
}

// TestRefundNeedsCSRF: a refund post without the admin's token changes nothing.
func TestRefundNeedsCSRF(t *testing.T) {
	t.Parallel()
	s := newStore(t, apptest.New(t, "sqlite"))
	o, p := s.paid(t, 1, "CARD")
	for _, path := range []string{"/admin/payments/" + p.PaymentKey + "/refund", "/admin/orders/" + o.OrderID + "/ship", "/admin/products"} {
		r := s.admin.Post(t, path, url.Values{"csrf": {"forged"}, "reason": {"x"}, "name": {"x"}, "price": {"1000"}, "stock": {"1"}})
		require.Equal(t, http.StatusForbidden, r.Status, path)
	}
	require.Equal(t, p.Amount, s.PaymentByKey(t, p.PaymentKey).BalanceAmount)
	require.Equal(t, paydeck.OrderPaid, s.order(t, o.OrderID).Status)
	require.Empty(t, s.Refunds(t, p.ID))
}

// TestVirtualAccountRefundNeedsAccount: a deposited virtual account is
// refunded into the account given in the form.
func TestVirtualAccountRefundNeedsAccount(t *testing.T) {
	t.Parallel()
	s := newStore(t, apptest.New(t, "sqlite"))
	o, p := s.paid(t, 1, "VIRTUAL_ACCOUNT")
	s.Deposit(t, p.PaymentKey)
	apptest.WaitFor(t, "deposit", func() bool { return s.order(t, o.OrderID).Status == paydeck.OrderPaid })

	page := s.admin.Get(t, "/admin/orders/"+o.OrderID)
	require.Contains(t, page.Body, `name="account_number"`)
	require.Contains(t, page.Body, "<strong>입금 확인</strong>")
	path := "/admin/payments/" + p.PaymentKey + "/refund"
	noAccount := s.admin.Post(t, path, url.Values{"scope": {"full"}, "reason": {"x"}, "confirm": {"yes"}})
	require.Equal(t, http.StatusUnprocessableEntity, noAccount.Status, noAccount.Body)
	half := s.admin.Post(t, path, url.Values{"scope": {"full"}, "reason": {"x"}, "account_number": {"123"}, "confirm": {"yes"}})
	require.Equal(t, http.StatusUnprocessableEntity, half.Status)
	ok := s.admin.Post(t, path, url.Values{"reason": {"반품"}, "amount": {"10000"}, "bank": {"88"}, "account_number": {"110123456789"},
		"holder": {"홍길동"}, "confirm": {"yes"}})
	require.Equal(t, http.StatusSeeOther, ok.Status, ok.Body)
	require.Equal(t, int64(23_000), s.PaymentByKey(t, p.PaymentKey).BalanceAmount)
}

// TestShipAndDeliver moves a paid order through delivery.
func TestShipAndDeliver(t *testing.T) {
	t.Parallel()
	s := newStore(t, apptest.New(t, "sqlite"))
	o, _ := s.paid(t, 1, "CARD")
	page := s.admin.Get(t, "/admin/orders/"+o.OrderID)
	require.Contains(t, page.Body, `id="ship"`)
	require.NotContains(t, page.Body, `id="deliver"`)
	require.Equal(t, http.StatusSeeOther, s.admin.Post(t, "/admin/orders/"+o.OrderID+"/ship", url.Values{}).Status)
	require.Equal(t, paydeck.OrderShipped, s.order(t, o.OrderID).Status)
	require.Contains(t, s.admin.Get(t, "/admin/orders/"+o.OrderID).Body, `id="deliver"`)
	require.Equal(t, http.StatusSeeOther, s.admin.Post(t, "/admin/orders/"+o.OrderID+"/deliver", url.Values{}).Status)
	require.Equal(t, paydeck.OrderDelivered, s.order(t, o.OrderID).Status)
	again := s.admin.Post(t, "/admin/orders/"+o.OrderID+"/ship", url.Values{})
	require.Equal(t, http.StatusConflict, again.Status)
}

// TestLists filters and pages orders and payments.
func TestLists(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		s := newStore(t, env)
		card, cardPay := s.paid(t, 1, "CARD")
		va, _ := s.paid(t, 1, "VIRTUAL_ACCOUNT")
		pending := s.Order(t, s.customer, apptest.Line(s.product, 1))
		other := s.User(t, paydeck.RoleCustomer)
		stranger := s.Order(t, other, apptest.Line(s.product, 1))

		all := s.admin.Get(t, "/admin/orders")
		for _, o := range []*paydeck.Order{card, va, pending, stranger} {
			require.Contains(t, all.Body, o.OrderID)
		}
		paid := s.admin.Get(t, "/admin/orders?status=paid")
		require.Contains(t, paid.Body, card.OrderID)
		require.NotContains(t, paid.Body, pending.OrderID)
		byEmail := s.admin.Get(t, "/admin/orders?email="+url.QueryEscape(other.Email))
		require.Contains(t, byEmail.Body, stranger.OrderID)
		require.NotContains(t, byEmail.Body, card.OrderID)
		require.Contains(t, s.admin.Get(t, "/admin/orders?email=nobody%40example.com").Body, "결과가 없습니다")
		byID := s.admin.Get(t, "/admin/orders?orderId="+pending.OrderID)
		require.Contains(t, byID.Body, pending.OrderID)
		require.NotContains(t, byID.Body, card.OrderID)
		today := time.Now().In(paydeck.KST).Format("2006-01-02")
		tomorrow := time.Now().In(paydeck.KST).AddDate(0, 0, 1).Format("2006-01-02")
		require.Contains(t, s.admin.Get(t, "/admin/orders?from="+today+"&to="+today).Body, card.OrderID)
		require.NotContains(t, s.admin.Get(t, "/admin/orders?from="+tomorrow).Body, card.OrderID)

		cards := s.admin.Get(t, "/admin/payments?method=card")
		require.Contains(t, cards.Body, cardPay.PaymentKey)
		require.NotContains(t, cards.Body, va.OrderID)
		waiting := s.admin.Get(t, "/admin/payments?status=waiting_for_deposit")
		require.Contains(t, waiting.Body, va.OrderID)
		require.NotContains(t, waiting.Body, cardPay.PaymentKey)
		require.Contains(t, s.admin.Get(t, "/admin/payments?orderId="+card.OrderID).Body, cardPay.PaymentKey)

		plenty := s.Product(t, 1_000, 1_000)
		storetest.MustUpdate(t, s.DB, func(tx paydeck.Tx) error { // one transaction: fast on SQLite
			for range 30 {
				if _, err := storetest.PlaceOrder(t.Context(), tx, other.ID, storetest.Line{Product: plenty, Qty: 1}); err != nil {
					return err
				}
			}
			return nil
		})
		first := s.admin.Get(t, "/admin/orders")
		require.Contains(t, first.Body, "1–30 / 전체 34건")
		require.Contains(t, first.Body, `href="/admin/orders?page=2"`)
		second := s.admin.Get(t, "/admin/orders?page=2")
		require.Contains(t, second.Body, "31–34 / 전체 34건")
		require.Contains(t, second.Body, card.OrderID, "oldest orders come last")
	})
}

// TestCatalogue creates and edits products and payment methods, and the
// settlement page uses the method's fee.
func TestCatalogue(t *testing.T) {
	t.Parallel()
	s := newStore(t, apptest.New(t, "sqlite"))
	s.admin.Get(t, "/admin/products/new")
	bad := s.admin.Post(t, "/admin/products", url.Values{"name": {"생수"}, "price": {"50"}, "stock": {"3"}, "active": {"1"}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.Status)
	require.Contains(t, bad.Body, "가격은 100원 이상이어야 합니다.")
	notNumber := s.admin.Post(t, "/admin/products", url.Values{"name": {"생수"}, "price": {"abc"}, "stock": {"3"}})
	require.Equal(t, http.StatusUnprocessableEntity, notNumber.Status)
	created := s.admin.Post(t, "/admin/products", url.Values{"name": {"제주 생수"}, "price": {"1,200"}, "stock": {"3"}, "active": {"1"}})
	require.Equal(t, http.StatusSeeOther, created.Status, created.Body)
	list := s.admin.Get(t, "/admin/products")
	require.Contains(t, list.Body, "제주 생수")
	require.Contains(t, s.Visitor(t).Get(t, "/").Body, "제주 생수")

	var id string
	require.NoError(t, s.DB.View(t.Context(), func(tx paydeck.Tx) error {
		name := "제주"
		ps, _, err := tx.FindProducts(t.Context(), paydeck.ProductFilter{Search: &name})
		if err == nil && len(ps) == 1 {
			id = ps[0].ID
		}
		return err
	}))
	require.NotEmpty(t, id)
	s.admin.Get(t, "/admin/products/"+id)
	saved := s.admin.Post(t, "/admin/products/"+id, url.Values{"name": {"제주 생수"}, "price": {"1300"}, "stock": {"7"}})
	require.Equal(t, http.StatusSeeOther, saved.Status, saved.Body)
	require.NotContains(t, s.Visitor(t).Get(t, "/").Body, "제주 생수", "unticked active hides it from shoppers")
	require.Equal(t, http.StatusNotFound, s.admin.Get(t, "/admin/products/00000000-0000-4000-8000-000000000000").Status)

	s.admin.Get(t, "/admin/methods")
	m := s.admin.Post(t, "/admin/methods", url.Values{"name": {"카드"}, "type": {"card"}, "display_order": {"1"}, "fee_rate": {"250"}, "fixed_fee": {"0"}, "active": {"1"}})
	require.Equal(t, http.StatusSeeOther, m.Status, m.Body)
	require.Equal(t, http.StatusConflict, s.admin.Post(t, "/admin/methods", url.Values{"name": {"카드2"}, "type": {"card"}, "display_order": {"1"}, "fee_rate": {"1"}, "fixed_fee": {"0"}}).Status)
	require.Equal(t, http.StatusUnprocessableEntity, s.admin.Post(t, "/admin/methods", url.Values{"name": {"x"}, "type": {"cash"}, "display_order": {"1"}, "fee_rate": {"1"}, "fixed_fee": {"0"}}).Status)
	methods := s.admin.Get(t, "/admin/methods")
	require.Contains(t, methods.Body, `value="250"`)

	o, p := s.paid(t, 1, "CARD")
	sett := s.admin.Get(t, "/admin/settlements")
	require.Equal(t, http.StatusOK, sett.Status, sett.Body)
	require.Contains(t, sett.Body, o.OrderID)
	require.Contains(t, sett.Body, "825원", "2.5 % of 33,000")
	require.Contains(t, sett.Body, `id="net-total">32,175원`)
	csv := s.admin.Get(t, "/admin/settlements.csv")
	require.Equal(t, http.StatusOK, csv.Status)
	require.Contains(t, csv.Header.Get("Content-Type"), "text/csv")
	require.Contains(t, csv.Body, fmt.Sprintf("%s,%s,카드,승인 완료,", o.OrderID, p.PaymentKey))
	require.True(t, strings.HasSuffix(strings.TrimSpace(csv.Body), "합계,1건,,,,33000,0,33000,825,32175,0,30000,3000,,,0"), csv.Body)
}

// TestReconciliationPage shows the latest report.
func TestReconciliationPage(t *testing.T) {
	t.Parallel()
	s := newStore(t, apptest.New(t, "sqlite"))
	require.Contains(t, s.admin.Get(t, "/admin/reconciliation").Body, "아직 보고서가 없습니다")
	s.paid(t, 1, "CARD")
	date := time.Now().In(paydeck.KST).Format("2006-01-02")
	_, err := s.Payments.Reconcile(t.Context(), date)
	require.NoError(t, err)
	page := s.admin.Get(t, "/admin/reconciliation?lang=en")
	require.Contains(t, page.Body, `id="reconciliation-date">`+date)
	require.Contains(t, page.Body, "Reconciliation")
	require.Contains(t, page.Body, `id="reconciliation-matched">1<`)
	require.Contains(t, page.Body, "Every payment matches.")

	// A payment Toss approved that paydeck never recorded is listed.
	o := s.Order(t, s.customer, apptest.Line(s.product, 1))
	key := s.Env.Authorize(t, o, "CARD")
	_, err = s.Env.Toss.Payments.Confirm(t.Context(), &toss.ConfirmParams{PaymentKey: key, OrderID: o.OrderID, Amount: toss.Amount(o.FinalAmount)})
	require.NoError(t, err)
	_, err = s.Payments.Reconcile(t.Context(), date)
	require.NoError(t, err)
	page = s.admin.Get(t, "/admin/reconciliation?lang=ko")
	require.Contains(t, page.Body, `id="mismatches"`)
	require.Contains(t, page.Body, "paydeck에 없음")
	require.Contains(t, page.Body, key)
}

// TestAdminPagesRefuseCustomers walks every admin page and form with real
// IDs: a visitor is sent to sign in (a form post without a session is
// refused), a customer, even the one who owns the order and payment, gets
// the 403 page, and nothing changes; the admin reads every page.
func TestAdminPagesRefuseCustomers(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		s := newStore(t, env)
		o, p := s.paid(t, 1, "CARD")
		pages := []string{"/admin/", "/admin/orders", "/admin/orders/" + o.OrderID, "/admin/payments", "/admin/products",
			"/admin/products/new", "/admin/products/" + s.product.ID, "/admin/methods", "/admin/settlements",
			"/admin/settlements.csv", "/admin/reconciliation", "/admin/jobs/", "/admin/customers",
			"/admin/customers/" + s.customer.ID, "/admin/orders.csv"}
		forms := map[string]url.Values{
			"/admin/orders/" + o.OrderID + "/ship":        {},
			"/admin/orders/" + o.OrderID + "/deliver":     {},
			"/admin/payments/" + p.PaymentKey + "/refund": {"reason": {"고객 요청"}, "amount": {fmt.Sprint(p.Amount)}},
			"/admin/products":                             {"name": {"남의 상품"}, "price": {"1000"}, "stock": {"1"}},
			"/admin/products/" + s.product.ID:             {"name": {"바뀐 이름"}, "price": {"1"}, "stock": {"0"}},
			"/admin/methods":                              {"name": {"카드"}, "type": {"card"}, "fee_rate": {"0"}},
			"/admin/methods/" + s.product.ID:              {"name": {"카드"}, "type": {"card"}, "fee_rate": {"0"}},
		}

		visitor := s.Visitor(t)
		for _, path := range pages {
			page := visitor.Get(t, path)
			require.Equal(t, http.StatusSeeOther, page.Status, path)
			require.Equal(t, "/login?next="+url.QueryEscape(path), page.Location())
		}
		owner := s.Visitor(t)
		owner.SignIn(t, s.customer)
		other := s.Visitor(t)
		other.SignIn(t, s.User(t, paydeck.RoleCustomer))
		for who, v := range map[string]*sitetest.Visitor{"owner": owner, "other customer": other} {
			for _, path := range pages {
				page := v.Get(t, path)
				require.Equal(t, http.StatusForbidden, page.Status, "%s: %s", who, path)
				require.NotContains(t, page.Body, p.PaymentKey, "%s: %s", who, path)
			}
		}
		for path, form := range forms {
			for who, v := range map[string]*sitetest.Visitor{"visitor": visitor, "owner": owner, "other customer": other} {
				f := url.Values{}
				for k, vs := range form {
					f[k] = vs
				}
				page := v.Post(t, path, f)
				require.Contains(t, []int{http.StatusForbidden, http.StatusSeeOther}, page.Status, "%s posts %s", who, path)
				if page.Status == http.StatusSeeOther {
					require.True(t, strings.HasPrefix(page.Location(), "/login?next="), "%s posts %s: %s", who, path, page.Location())
				}
			}
		}
		require.Equal(t, paydeck.OrderPaid, s.order(t, o.OrderID).Status)
		require.Equal(t, p.Amount, s.PaymentByKey(t, p.PaymentKey).BalanceAmount)
		require.Empty(t, s.Refunds(t, p.ID))
		require.Equal(t, s.product.Name, s.ProductByID(t, s.product.ID).Name)

		for _, path := range pages {
			require.Equal(t, http.StatusOK, s.admin.Get(t, path).Status, path)
		}
	})
}
