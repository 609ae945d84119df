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

// orderPage is one of the shopper's orders with its payments and what
// can be done with it now.
type orderPage struct {
	Order    *paydeck.Order
	Payments []*paydeck.Payment
	// Payable: the order can be paid now ("결제하기").
	Payable bool
	// OpenAccount is the virtual account awaiting its deposit: the page
	// offers to pay another way or cancel.
	OpenAccount *paydeck.Payment
	// Cancelling: a cancel of that account is under way at Toss.
	Cancelling bool
	// Confirming: a confirm is under way.
	Confirming bool
	// Receipt: a payment was approved; the receipt page shows it.
	Receipt bool
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
	p := orderPage{Order: order, Payments: payments, Fulfil: f}
	for _, pay := range payments {
		switch {
		case pay.Status == paydeck.PaymentWaitingForDeposit:
			p.OpenAccount = pay
		case pay.Status == paydeck.PaymentInProgress || pay.Status == paydeck.PaymentReady:
			p.Confirming = true
		}
		p.Receipt = p.Receipt || pay.ApprovedAt != nil
	}
	if p.OpenAccount != nil {
		p.Cancelling, err = a.d.Payments.RefundUnderWay(r.Context(), actor(r, user), p.OpenAccount.PaymentKey)
		if err != nil {
			a.error(w, r, rq, err)
			return
		}
	}
	p.Payable = p.OpenAccount == nil && !p.Confirming && !p.Receipt && order.Payable(a.d.Now()) == nil
	rq.view.Title, rq.view.Data = "order.title", p
	status := http.StatusOK
	if returnError != "" {
		status = http.StatusConflict
	}
	a.pages.Render(w, status, "order.html", rq.view)
}

// receipt shows the order's approved payment (or the virtual account
// awaiting its deposit), else sends the shopper to the order.
func (a *app) receipt(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	user := a.requireUser(w, r, rq)
	if user == nil {
		return
	}
	order, payments, err := a.d.Payments.Order(r.Context(), actor(r, user), r.PathValue("orderId"))
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	var shown *paydeck.Payment
	for _, pay := range payments { // newest first
		if pay.ApprovedAt != nil {
			shown = pay
			break
		}
		if shown == nil && pay.Status == paydeck.PaymentWaitingForDeposit {
			shown = pay
		}
	}
	if shown == nil {
		http.Redirect(w, r, "/orders/"+order.OrderID, http.StatusSeeOther)
		return
	}
	rq.view.Title, rq.view.Data = "receipt.title", receiptPage{Order: order, Payment: shown}
	a.pages.Render(w, http.StatusOK, "receipt.html", rq.view)
}

// cancelOrder cancels a pending order of the shopper (stock goes back); a
// virtual account awaiting its deposit is cancelled at Toss with it.
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

// switchMethod cancels the order's virtual account awaiting its deposit
// and goes to the checkout to pay another way.
func (a *app) switchMethod(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	user := a.requireUser(w, r, rq)
	if user == nil {
		return
	}
	order, err := a.d.Payments.SwitchMethod(r.Context(), actor(r, user), r.PathValue("orderId"))
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	http.Redirect(w, r, "/checkout/"+order.OrderID, http.StatusSeeOther)
}
