package web

import (
	"net/http"
	"strconv"

	"github.com/paydeck/paydeck"
)

// ordersPerPage is the page size of the order list.
const ordersPerPage = 20

// ordersPage is one page of the shopper's orders.
type ordersPage struct {
	Orders           []*paydeck.Order
	Page             int
	HasPrev, HasNext bool
}

func (a *app) orders(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	user := a.requireUser(w, r, rq)
	if user == nil {
		return
	}
	pg, _ := strconv.Atoi(r.URL.Query().Get("page"))
	pg = max(pg, 1)
	orders, total, err := a.d.Payments.Orders(r.Context(), actor(r, user),
		paydeck.OrderFilter{Offset: (pg - 1) * ordersPerPage, Limit: ordersPerPage})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	rq.view.Title = "orders.title"
	rq.view.Data = ordersPage{Orders: orders, Page: pg, HasPrev: pg > 1, HasNext: pg*ordersPerPage < total}
	a.pages.Render(w, http.StatusOK, "orders.html", rq.view)
}

// orderPage is one of the shopper's orders with its payments.
type orderPage struct {
	Order    *paydeck.Order
	Payments []*paydeck.Payment
	Payable  bool
	// Fulfil is the shipping and returns section (returns.go).
	Fulfil *fulfilment
}

func (a *app) order(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	user := a.requireUser(w, r, rq)
	if user == nil {
		return
	}
	a.renderOrder(w, r, rq, user, r.PathValue("orderId"), "")
}

// renderOrder shows the order page; returnError is why a return request
// was just refused (shown at the return form, with status 409).
func (a *app) renderOrder(w http.ResponseWriter, r *http.Request, rq *request, user *paydeck.User, orderID, returnError string) {
	order, payments, err := a.d.Payments.Order(r.Context(), actor(r, user), orderID)
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	f, err := a.loadFulfilment(r, actor(r, user), order)
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	f.Error = returnError
	rq.view.Title = "order.title"
	rq.view.Data = orderPage{Order: order, Payments: payments, Payable: order.Payable(a.d.Now()) == nil, Fulfil: f}
	status := http.StatusOK
	if returnError != "" {
		status = http.StatusConflict
	}
	a.pages.Render(w, status, "order.html", rq.view)
}

// cancelOrder cancels a pending order of the shopper (stock goes back).
func (a *app) cancelOrder(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	user := a.requireUser(w, r, rq)
	if user == nil {
		return
	}
	order, err := a.d.Payments.CancelOrder(r.Context(), actor(r, user), r.PathValue("orderId"))
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	http.Redirect(w, r, "/orders/"+order.OrderID, http.StatusSeeOther)
}
