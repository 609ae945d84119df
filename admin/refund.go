package admin

import (
	"net/http"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/admin/form"
	"github.com/paydeck/paydeck/ui"
)

// refund refunds all or part of a payment through the payment service and
// returns to the order page, which shows the refund's outcome. A refused
// refund (bad form, amount above the balance, Toss's refusal) shows the
// order page again with the reason next to the payment's form.
func (a *app) refund(w http.ResponseWriter, r *http.Request, rq *request) {
	key := r.PathValue("paymentKey")
	p, _, err := a.d.Payments.Payment(r.Context(), rq.actor, key)
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	var order *paydeck.Order
	err = a.d.Store.View(r.Context(), func(tx paydeck.Tx) (err error) {
		order, err = tx.FindOrderByID(r.Context(), p.OrderID)
		return err
	})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	f, err := form.ParseRefund(r)
	if err == nil {
		_, _, err = a.d.Payments.Cancel(r.Context(), rq.actor, key, f.Input())
	}
	switch status := ui.HTTPStatus(err); {
	case err == nil:
		back(w, r, "/admin/orders/"+order.OrderID, "flash.refunded")
	case status >= http.StatusInternalServerError:
		a.error(w, r, rq, err)
	default:
		d, lerr := a.loadOrder(r, rq, order.OrderID)
		if lerr != nil {
			a.error(w, r, rq, lerr)
			return
		}
		d.RefundError = rq.view.ErrorText(err)
		for i := range d.Payments {
			if d.Payments[i].PaymentKey != key {
				continue
			}
			d.Payments[i].Error = d.RefundError
		}
		rq.view.Title, rq.view.Data = "order.title", d
		a.pages.Render(w, status, "order.html", rq.view)
	}
}
