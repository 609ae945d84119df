package sitetest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/subscription"
)

// NamedPage is one page of a Scene: Name is used in screenshot file
// names (ko-390-orders.png), Path is fetched from the site.
type NamedPage struct {
	Name string
	Path string
}

// Scene is a shop with something in every state its pages show: a
// catalogue with a sold-out and a digital product, a shopper (김토스) with
// orders paid by card, waiting for a virtual account deposit, pending,
// cancelled, partly refunded and shipped, a declined attempt, a monthly
// subscription, and an admin. Tests that look at every page (languages,
// phone layout, screenshots) share it.
type Scene struct {
	*Site
	Customer, Admin *paydeck.User
	// Shopper and Owner are signed-in visitors (customer and admin).
	Shopper, Owner *Visitor
	Products       []*paydeck.Product
	// Orders maps a state (paid, deposit, pending, cancelled, refunded,
	// shipped) to the order's public ID.
	Orders map[string]string
	// PaidKey is the paymentKey of the paid order.
	PaidKey string
	// Subscription is the shopper's subscription's ID.
	Subscription string
	// Names are what the scene typed that pages show back in its own
	// script whatever their language: product, plan and people's names,
	// addresses, reasons. ForeignText takes them as its allow-list.
	Names []string
}

// SceneShopper is the name of the Scene's shopper.
const SceneShopper = "김토스"

// NewScene builds the Scene on a new Site for env.
func NewScene(t testing.TB, env *apptest.Env) *Scene {
	t.Helper()
	ctx := context.Background()
	s := &Scene{Site: NewSite(t, env), Orders: map[string]string{}}
	products := []struct {
		name          string
		price, stock  int64
		digital, sold bool
	}{
		{"제주 삼다수 2L 6병", 15_000, 40, false, false},
		{"유기농 현미 4kg", 32_000, 3, false, false},
		{"한정판 머그컵", 18_000, 0, false, true},
		{"전자책: 토스로 배우는 결제", 9_900, 0, true, false},
	}
	for _, p := range products {
		prod := &paydeck.Product{Name: p.name, Description: "산지에서 바로 보내는 " + p.name, Price: p.price,
			StockQuantity: p.stock, IsDigital: p.digital, IsActive: true}
		require.NoError(t, env.DB.Update(ctx, func(tx paydeck.Tx) error { return tx.CreateProduct(ctx, prod) }))
		s.Products = append(s.Products, prod)
		s.Names = append(s.Names, p.name, prod.Description)
	}
	for i, m := range []struct {
		name string
		typ  paydeck.PaymentMethodType
		fee  int64
	}{{"신용·체크카드", paydeck.MethodCard, 250}, {"계좌이체", paydeck.MethodTransfer, 180}, {"가상계좌", paydeck.MethodVirtualAccount, 0}} {
		pm := &paydeck.PaymentMethod{Name: m.name, Type: m.typ, IsActive: true, DisplayOrder: i, FeeRate: m.fee}
		require.NoError(t, env.DB.Update(ctx, func(tx paydeck.Tx) error { return tx.CreatePaymentMethod(ctx, pm) }))
		s.Names = append(s.Names, m.name)
	}
	hash, err := apptest.CheapHasher.Hash(SitePassword)
	require.NoError(t, err)
	s.Customer = s.userWith(t, &paydeck.User{Role: paydeck.RoleCustomer, PasswordHash: hash, Name: SceneShopper})
	s.Admin = s.userWith(t, &paydeck.User{Role: paydeck.RoleAdmin, PasswordHash: hash, Name: "관리자"})
	s.Shopper, s.Owner = s.Visitor(t), s.Visitor(t)
	s.Shopper.SignIn(t, s.Customer)
	s.Owner.SignIn(t, s.Admin)
	const (
		recipient = "홍길동"
		address   = "서울특별시 중구 세종대로 110"
		memo      = "문 앞에 놓아 주세요"
		reason    = "단순 변심"
	)
	s.Names = append(s.Names, SceneShopper, "관리자", recipient, address, memo, reason, "월간 원두 구독")

	order := func(state string, p *paydeck.Product, qty int) *paydeck.Order {
		t.Helper()
		v := s.Shopper
		res := v.Post(t, "/cart/add", url.Values{"product_id": {p.ID}, "quantity": {fmt.Sprint(qty)}})
		require.Equal(t, http.StatusSeeOther, res.Status, res.Body)
		v.Get(t, "/cart")
		res = v.Post(t, "/orders", url.Values{"name": {recipient}, "phone": {"010-1234-5678"}, "address": {address}, "memo": {memo}})
		require.Equal(t, http.StatusSeeOther, res.Status, res.Body)
		id, ok := strings.CutPrefix(res.Location(), "/checkout/")
		require.True(t, ok, res.Location())
		s.Orders[state] = id
		var o *paydeck.Order
		require.NoError(t, env.DB.View(ctx, func(tx paydeck.Tx) (err error) {
			o, err = tx.FindOrderByOrderID(ctx, id)
			return err
		}))
		return o
	}
	pay := func(o *paydeck.Order, method string) string {
		t.Helper()
		key := s.Authorize(t, o, method)
		res := s.Shopper.Get(t, "/payments/success?"+url.Values{"paymentType": {"NORMAL"}, "paymentKey": {key},
			"orderId": {o.OrderID}, "amount": {fmt.Sprint(o.FinalAmount)}}.Encode())
		require.Equal(t, http.StatusOK, res.Status, res.Body)
		return key
	}
	s.PaidKey = pay(order("paid", s.Products[0], 2), "CARD")
	refunded := order("refunded", s.Products[1], 1)
	refundKey := pay(refunded, "CARD")
	res := s.Owner.Post(t, "/admin/payments/"+refundKey+"/refund", url.Values{"scope": {"partial"}, "amount": {"5000"}, "reason": {reason}, "confirm": {"yes"}})
	require.Equal(t, http.StatusSeeOther, res.Status, res.Body)
	shipped := order("shipped", s.Products[0], 1)
	pay(shipped, "TRANSFER")
	res = s.Owner.Post(t, "/admin/orders/"+shipped.OrderID+"/ship", url.Values{})
	require.Equal(t, http.StatusSeeOther, res.Status, res.Body)
	pay(order("deposit", s.Products[0], 1), "VIRTUAL_ACCOUNT")
	cancelled := order("cancelled", s.Products[3], 1)
	res = s.Shopper.Post(t, "/orders/"+cancelled.OrderID+"/cancel", url.Values{})
	require.Less(t, res.Status, 400, res.Body)
	pending := order("pending", s.Products[0], 3)
	s.Shopper.Get(t, "/payments/fail?"+url.Values{"code": {"REJECT_CARD_COMPANY"},
		"message": {"카드사에서 승인하지 않았습니다."}, "orderId": {pending.OrderID}}.Encode())

	plan := env.Plan(t, "월간 원두 구독", 19_900, paydeck.IntervalMonth, 1, 0)
	ck := env.Subscriptions.CustomerKey(s.Customer.ID)
	d, err := env.Subscriptions.Subscribe(ctx, apptest.As(s.Customer),
		subscription.SubscribeInput{PlanID: plan.ID, AuthKey: env.BillingAuthKey(t, ck), CustomerKey: ck})
	require.NoError(t, err)
	s.Subscription = d.ID

	res = s.Owner.Post(t, "/admin/api-keys", url.Values{"name": {"ERP 연동"}, "scope": {"orders:read", "orders:write"}})
	require.Less(t, res.Status, 400, res.Body)
	s.Names = append(s.Names, "ERP 연동")

	// Something in the cart for the cart page.
	res = s.Shopper.Post(t, "/cart/add", url.Values{"product_id": {s.Products[1].ID}, "quantity": {"1"}})
	require.Equal(t, http.StatusSeeOther, res.Status, res.Body)
	env.Clock.Advance(time.Minute)
	return s
}

// ShopPages are the shopper's pages in their main states, as the Scene's
// Shopper sees them (Login and Signup as a visitor would).
func (s *Scene) ShopPages(t testing.TB) []NamedPage {
	t.Helper()
	success := func(state string) string {
		key, amount := s.Payment(t, state)
		return "/payments/success?" + url.Values{"paymentType": {"NORMAL"}, "paymentKey": {key}, "orderId": {s.Orders[state]},
			"amount": {fmt.Sprint(amount)}}.Encode()
	}
	return []NamedPage{
		{"home", "/"},
		{"cart", "/cart"},
		{"checkout", "/checkout/" + s.Orders["pending"]},
		{"orders", "/orders"},
		{"order", "/orders/" + s.Orders["paid"]},
		{"order-deposit", "/orders/" + s.Orders["deposit"]},
		{"order-refunded", "/orders/" + s.Orders["refunded"]},
		{"order-pending", "/orders/" + s.Orders["pending"]},
		{"order-cancelled", "/orders/" + s.Orders["cancelled"]},
		{"receipt", success("paid")},
		{"receipt-deposit", success("deposit")},
		{"payment-failed", "/payments/fail?" + url.Values{"code": {"REJECT_CARD_COMPANY"},
			"message": {"카드사에서 승인하지 않았습니다."}, "orderId": {s.Orders["pending"]}}.Encode()},
		{"subscriptions", "/subscriptions"},
		{"subscription", "/subscriptions/" + s.Subscription},
	}
}

// VisitorPages are the pages of a visitor who is not signed in.
func (s *Scene) VisitorPages() []NamedPage {
	return []NamedPage{{"login", "/login"}, {"signup", "/signup"}}
}

// AdminPages are the admin's pages in their main states.
func (s *Scene) AdminPages() []NamedPage {
	return []NamedPage{
		{"admin-dashboard", "/admin/"},
		{"admin-orders", "/admin/orders"},
		{"admin-order", "/admin/orders/" + s.Orders["refunded"]},
		{"admin-order-deposit", "/admin/orders/" + s.Orders["deposit"]},
		{"admin-payments", "/admin/payments"},
		{"admin-products", "/admin/products"},
		{"admin-product", "/admin/products/" + s.Products[0].ID},
		{"admin-methods", "/admin/methods"},
		{"admin-settlements", "/admin/settlements"},
		{"admin-reconciliation", "/admin/reconciliation"},
		{"admin-subscriptions", "/admin/subscriptions"},
		{"admin-subscription", "/admin/subscriptions/" + s.Subscription},
		{"admin-plans", "/admin/plans"},
		{"admin-webhooks", "/admin/webhooks"},
		{"admin-api-keys", "/admin/api-keys"},
		{"admin-outbox", "/admin/outbox"},
		{"admin-customers", "/admin/customers"},
		{"admin-customers-search", "/admin/customers?q=" + url.QueryEscape(s.Customer.Email)},
		{"admin-orders-search", "/admin/orders?q=" + url.QueryEscape(s.Orders["paid"][:8])},
		{"admin-jobs", "/admin/jobs"},
		{"admin-shipments-upload", "/admin/shipments/upload"},
	}
}

// WithLang returns path with lang=lang added to its query.
func WithLang(path, lang string) string {
	u, err := url.Parse(path)
	if err != nil {
		return path
	}
	q := u.Query()
	q.Set("lang", lang)
	u.RawQuery = q.Encode()
	return u.String()
}

// Payment returns the paymentKey and the amount of the first payment of
// the order in state ("" and 0 when it has none).
func (s *Scene) Payment(t testing.TB, state string) (key string, amount int64) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, s.DB.View(ctx, func(tx paydeck.Tx) error {
		order, err := tx.FindOrderByOrderID(ctx, s.Orders[state])
		if err != nil {
			return err
		}
		ps, _, err := tx.FindPayments(ctx, paydeck.PaymentFilter{OrderID: &order.ID})
		if len(ps) > 0 {
			key, amount = ps[0].PaymentKey, order.FinalAmount
		}
		return err
	}))
	return key, amount
}
