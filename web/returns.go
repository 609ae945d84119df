package web

import (
	"net/http"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/ui"
)

// fulfilment is the shipping and returns part of the shopper's order page.
type fulfilment struct {
	*payment.Fulfilment
	order *paydeck.Order
	// CanReturn is set while a return may be requested (delivered, some
	// line returnable, no request waiting, inside the 3-month limit; the
	// 7-day window is shown and checked by the service).
	CanReturn bool
	// WindowOpen is set while the 7-day withdrawal period runs.
	WindowOpen bool
	// Reasons lists the reasons the form offers.
	Reasons []paydeck.ReturnReason
	// Error is why the last return request was refused.
	Error string
}

// Name is the product name of the order's line for productID.
func (f *fulfilment) Name(productID string) string {
	for _, it := range f.order.Items {
		if it.ProductID == productID {
			return it.ProductName
		}
	}
	return productID
}

// CourierName is the courier's name in English when en, else in Korean.
func (f *fulfilment) CourierName(code string, en bool) string {
	c := paydeck.FindCourier(code)
	switch {
	case c == nil:
		return code
	case en:
		return c.NameEn
	}
	return c.Name
}

// loadFulfilment reads the order's shipments and returns for its page.
func (a *app) loadFulfilment(r *http.Request, act payment.Actor, o *paydeck.Order) (*fulfilment, error) {
	f, err := a.d.Payments.Fulfilment(r.Context(), act, o.OrderID)
	if err != nil {
		return nil, err
	}
	v := &fulfilment{Fulfilment: f, order: o, Reasons: paydeck.ReturnReasons}
	now := a.d.Now()
	if d := o.WithdrawalDeadline(); d != nil {
		v.WindowOpen = now.Before(*d)
	}
	waiting := false
	for _, x := range f.Returns {
		waiting = waiting || x.Status == paydeck.ReturnRequested
	}
	left := false
	for _, n := range f.Returnable {
		left = left || n > 0
	}
	v.CanReturn = o.DeliveredAt != nil && left && !waiting &&
		(o.Status == paydeck.OrderDelivered || o.Status == paydeck.OrderPartialRefunded) &&
		now.Before(paydeck.ReturnDeadline(paydeck.ReturnDefective, *o.DeliveredAt))
	return v, nil
}

// requestReturn posts the shopper's return request (reason, note,
// qty_{productId} quantities) and shows the order again; a refused request
// shows the order page with the reason.
func (a *app) requestReturn(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	user := a.requireUser(w, r, rq)
	if user == nil {
		return
	}
	orderID := r.PathValue("orderId")
	in := payment.ReturnInput{Reason: paydeck.ReturnReason(r.PostFormValue("reason")), Note: r.PostFormValue("note")}
	lines, err := ui.QuantityLines(r.PostForm)
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	in.Lines = lines
	_, err = a.d.Payments.RequestReturn(r.Context(), actor(r, user), orderID, in)
	if c := paydeck.ErrorCode(err); c == paydeck.CodeInvalid || c == paydeck.CodeConflict {
		a.renderOrder(w, r, rq, user, orderID, rq.view.ErrorText(err))
		return
	} else if err != nil {
		a.error(w, r, rq, err)
		return
	}
	http.Redirect(w, r, "/orders/"+orderID+"?returned=1", http.StatusSeeOther)
}
