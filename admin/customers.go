package admin

import (
	"net/http"

	"github.com/paydeck/paydeck"
)

// customersPage is a page of the customer list (회원).
type customersPage struct {
	Rows  []*paydeck.Customer
	Query listQuery
	Pager pager
}

// customers lists the shop's customers with their order count, total paid
// and last order, searched by a partial name, email, phone or order number
// (all matched in SQL).
func (a *app) customers(w http.ResponseWriter, r *http.Request, rq *request) {
	l := parseList(r.URL.Query())
	p := customersPage{Query: l}
	f := paydeck.CustomerFilter{Offset: l.offset(), Limit: perPage}
	if l.Q != "" {
		f.Search = &l.Q
	}
	err := a.d.Store.View(r.Context(), func(tx paydeck.Tx) error {
		rows, total, err := tx.FindCustomers(r.Context(), f)
		p.Rows, p.Pager = rows, newPager(l, "/admin/customers", total, len(rows))
		return err
	})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	a.render(w, rq, "customers.html", "customers.title", p)
}

// customerPage is one customer with their orders.
type customerPage struct {
	Customer *paydeck.Customer
	Orders   []*paydeck.Order
	Pager    pager
}

// customer shows one customer's figures and their orders, newest first,
// each linking to its order page.
func (a *app) customer(w http.ResponseWriter, r *http.Request, rq *request) {
	id := r.PathValue("id")
	l := parseList(r.URL.Query())
	var p customerPage
	err := a.d.Store.View(r.Context(), func(tx paydeck.Tx) error {
		list, _, err := tx.FindCustomers(r.Context(), paydeck.CustomerFilter{ID: &id, Limit: 1})
		if err != nil {
			return err
		} else if len(list) == 0 {
			return paydeck.Errorf(paydeck.CodeNotFound, "Customer %s was not found.", id)
		}
		p.Customer = list[0]
		orders, total, err := tx.FindOrders(r.Context(), paydeck.OrderFilter{UserID: &id, Offset: l.offset(), Limit: perPage})
		p.Orders, p.Pager = orders, newPager(l, "/admin/customers/"+id, total, len(orders))
		return err
	})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	a.render(w, rq, "customer.html", "customer.title", p)
}
