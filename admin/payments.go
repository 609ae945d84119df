package admin

import (
	"net/http"

	"github.com/paydeck/paydeck"
)

// paymentRow is a payment with its order's public ID.
type paymentRow struct {
	*paydeck.Payment
	OrderID string
}

// paymentsPage is a filtered page of payments.
type paymentsPage struct {
	Rows     []paymentRow
	Query    listQuery
	Pager    pager
	Statuses []paydeck.PaymentStatus
	Methods  []paydeck.PaymentMethodType
}

// payments lists payments filtered by status, method, approval date and
// orderId (a plain read of the store).
func (a *app) payments(w http.ResponseWriter, r *http.Request, rq *request) {
	l := parseList(r.URL.Query())
	p := paymentsPage{Query: l, Statuses: paydeck.PaymentStatuses, Methods: paydeck.PaymentMethodTypes}
	f := paydeck.PaymentFilter{ApprovedFrom: l.from, ApprovedBefore: l.before, Offset: l.offset(), Limit: perPage}
	if s := paydeck.PaymentStatus(l.Status); s.Valid() {
		f.Statuses = []paydeck.PaymentStatus{s}
	}
	if m := paydeck.PaymentMethodType(l.Method); m.Valid() {
		f.Method = &m
	}
	err := a.d.Store.View(r.Context(), func(tx paydeck.Tx) error {
		if l.OrderID != "" {
			o, err := tx.FindOrderByOrderID(r.Context(), l.OrderID)
			if paydeck.ErrorCode(err) == paydeck.CodeNotFound {
				return nil
			} else if err != nil {
				return err
			}
			f.OrderID = &o.ID
		}
		pays, total, err := tx.FindPayments(r.Context(), f)
		if err != nil {
			return err
		}
		p.Pager = newPager(l, "/admin/payments", total, len(pays))
		orderIDs := map[string]string{}
		for _, pay := range pays {
			if _, ok := orderIDs[pay.OrderID]; !ok {
				o, err := tx.FindOrderByID(r.Context(), pay.OrderID)
				if err != nil {
					return err
				}
				orderIDs[pay.OrderID] = o.OrderID
			}
			p.Rows = append(p.Rows, paymentRow{Payment: pay, OrderID: orderIDs[pay.OrderID]})
		}
		return nil
	})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	a.render(w, rq, "payments.html", "payments.title", p)
}
