package admin

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"slices"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/ui"
)

// orderRow is an order with its customer's email.
type orderRow struct {
	*paydeck.Order
	Email string
}

// ordersPage is a filtered page of orders.
type ordersPage struct {
	Rows     []orderRow
	Query    listQuery
	Pager    pager
	Statuses []paydeck.OrderStatus
}

// orders lists orders filtered by status, date, orderId and customer email.
func (a *app) orders(w http.ResponseWriter, r *http.Request, rq *request) {
	l := parseList(r.URL.Query())
	f := paydeck.OrderFilter{CreatedFrom: l.from, CreatedBefore: l.before, Offset: l.offset(), Limit: perPage}
	if s := paydeck.OrderStatus(l.Status); s.Valid() {
		f.Statuses = []paydeck.OrderStatus{s}
	}
	if l.OrderID != "" {
		f.OrderID = &l.OrderID
	}
	emails := map[string]string{}
	if l.Email != "" {
		var u *paydeck.User
		err := a.d.Store.View(r.Context(), func(tx paydeck.Tx) (err error) {
			u, err = tx.FindUserByEmail(r.Context(), l.Email)
			return err
		})
		if paydeck.ErrorCode(err) == paydeck.CodeNotFound {
			a.render(w, rq, "orders.html", "orders.title", ordersPage{Query: l, Statuses: paydeck.OrderStatuses})
			return
		} else if err != nil {
			a.error(w, r, rq, err)
			return
		}
		f.UserID, emails[u.ID] = &u.ID, u.Email
	}
	orders, total, err := a.d.Payments.Orders(r.Context(), rq.actor, f)
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	p := ordersPage{Query: l, Pager: newPager(l, "/admin/orders", total, len(orders)), Statuses: paydeck.OrderStatuses}
	err = a.d.Store.View(r.Context(), func(tx paydeck.Tx) error {
		for _, o := range orders {
			if _, ok := emails[o.UserID]; !ok {
				u, err := tx.FindUserByID(r.Context(), o.UserID)
				if err != nil {
					return err
				}
				emails[o.UserID] = u.Email
			}
			p.Rows = append(p.Rows, orderRow{Order: o, Email: emails[o.UserID]})
		}
		return nil
	})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	a.render(w, rq, "orders.html", "orders.title", p)
}

// paymentDetail is a payment with its refunds and what its refund form needs.
type paymentDetail struct {
	*paydeck.Payment
	Refunds    []*paydeck.Refund
	Refundable bool
	// NeedsAccount is set for virtual-account payments already deposited.
	NeedsAccount bool
	// Idem is the refund form's idempotency key.
	Idem string
	// Error is why the last refund post for this payment was refused.
	Error string
	// ReceiptIssuable is set when a cash receipt can be issued afterwards;
	// ReceiptError is why the last cash-receipt post was refused.
	ReceiptIssuable bool
	ReceiptError    string
}

// orderDetail is the admin's order page.
type orderDetail struct {
	Order               *paydeck.Order
	Customer            *paydeck.User
	Payments            []paymentDetail
	Events              []*paydeck.PaymentEvent
	CanShip, CanDeliver bool
	Banks               []string
	// RefundError is why the last refund form post failed, for the top of
	// the page.
	RefundError string
}

// order shows an order with items, amounts, payments with their Toss
// details and refunds, the merged event timeline, and the actions.
func (a *app) order(w http.ResponseWriter, r *http.Request, rq *request) {
	d, err := a.loadOrder(r, rq, r.PathValue("orderId"))
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	a.render(w, rq, "order.html", "order.title", d)
}

// loadOrder reads what the order page shows for the public orderID.
func (a *app) loadOrder(r *http.Request, rq *request, orderID string) (orderDetail, error) {
	order, payments, err := a.d.Payments.Order(r.Context(), rq.actor, orderID)
	if err != nil {
		return orderDetail{}, err
	}
	d := orderDetail{Order: order, CanShip: order.Status.CanTransition(paydeck.OrderShipped) == nil,
		CanDeliver: order.Status.CanTransition(paydeck.OrderDelivered) == nil, Banks: ui.RefundBanks}
	seen := map[int64]bool{}
	addEvents := func(events []*paydeck.PaymentEvent) {
		for _, e := range events {
			if !seen[e.ID] {
				seen[e.ID] = true
				d.Events = append(d.Events, e)
			}
		}
	}
	for _, p := range payments {
		_, events, err := a.d.Payments.Payment(r.Context(), rq.actor, p.PaymentKey)
		if err != nil && p.PaymentKey != "" {
			return orderDetail{}, err
		}
		addEvents(events)
		d.Payments = append(d.Payments, paymentDetail{Payment: p, Idem: newIdem(), ReceiptIssuable: cashReceiptIssuable(p),
			Refundable:   p.CanRefund(1) == nil || p.Status == paydeck.PaymentWaitingForDeposit,
			NeedsAccount: p.Method == paydeck.MethodVirtualAccount && p.Status != paydeck.PaymentWaitingForDeposit})
	}
	err = a.d.Store.View(r.Context(), func(tx paydeck.Tx) error {
		events, _, err := tx.FindEvents(r.Context(), paydeck.EventFilter{OrderID: &order.ID})
		if err != nil {
			return err
		}
		addEvents(events)
		for i := range d.Payments {
			if d.Payments[i].Refunds, _, err = tx.FindRefunds(r.Context(), paydeck.RefundFilter{PaymentID: &d.Payments[i].ID}); err != nil {
				return err
			}
		}
		d.Customer, err = tx.FindUserByID(r.Context(), order.UserID)
		return err
	})
	slices.SortFunc(d.Events, func(x, y *paydeck.PaymentEvent) int { return cmp.Compare(x.ID, y.ID) })
	return d, err
}

// newIdem returns a random idempotency key for one rendered refund form.
func newIdem() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return "admin-" + hex.EncodeToString(b[:])
}

func (a *app) ship(w http.ResponseWriter, r *http.Request, rq *request) {
	if _, err := a.d.Payments.ShipOrder(r.Context(), rq.actor, r.PathValue("orderId")); err != nil {
		a.error(w, r, rq, err)
		return
	}
	back(w, r, "/admin/orders/"+r.PathValue("orderId"), "flash.shipped")
}

func (a *app) deliver(w http.ResponseWriter, r *http.Request, rq *request) {
	if _, err := a.d.Payments.DeliverOrder(r.Context(), rq.actor, r.PathValue("orderId")); err != nil {
		a.error(w, r, rq, err)
		return
	}
	back(w, r, "/admin/orders/"+r.PathValue("orderId"), "flash.delivered")
}
