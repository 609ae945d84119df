package admin

import (
	"net/http"
	"strings"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/ui"
)

// cashReceiptIssuable reports whether the admin can issue a cash receipt
// for p afterwards: a paid cash payment with none standing.
func cashReceiptIssuable(p *paydeck.Payment) bool {
	cash := p.Method == paydeck.MethodVirtualAccount || p.Method == paydeck.MethodTransfer
	paid := p.Status == paydeck.PaymentDone || p.Status == paydeck.PaymentPartialCanceled
	return cash && paid && (p.CashReceipt == nil || p.CashReceipt.Status == paydeck.CashReceiptCanceled)
}

// issueCashReceipt issues a cash receipt for a paid cash payment (form:
// type, number) and returns to the order page; a refusal shows the page
// again with the reason next to the payment.
func (a *app) issueCashReceipt(w http.ResponseWriter, r *http.Request, rq *request) {
	in := payment.IssueCashReceiptInput{Type: paydeck.CashReceiptType(strings.TrimSpace(r.PostFormValue("type"))),
		Number: r.PostFormValue("number")}
	a.cashReceiptAction(w, r, rq, "flash.receiptissued", func(key string) error {
		_, err := a.d.Payments.IssueCashReceipt(r.Context(), rq.actor, key, in)
		return err
	})
}

// cancelCashReceipt cancels what stands of a payment's cash receipt.
func (a *app) cancelCashReceipt(w http.ResponseWriter, r *http.Request, rq *request) {
	a.cashReceiptAction(w, r, rq, "flash.receiptcanceled", func(key string) error {
		_, err := a.d.Payments.CancelCashReceipt(r.Context(), rq.actor, key)
		return err
	})
}

// cashReceiptAction runs do for the path's payment and answers as the
// refund form does.
func (a *app) cashReceiptAction(w http.ResponseWriter, r *http.Request, rq *request, flash string, do func(key string) error) {
	key := r.PathValue("paymentKey")
	p, _, err := a.d.Payments.Payment(r.Context(), rq.actor, key)
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	var order *paydeck.Order
	if err = a.d.Store.View(r.Context(), func(tx paydeck.Tx) (err error) {
		order, err = tx.FindOrderByID(r.Context(), p.OrderID)
		return err
	}); err != nil {
		a.error(w, r, rq, err)
		return
	}
	err = do(key)
	switch status := ui.HTTPStatus(err); {
	case err == nil:
		back(w, r, "/admin/orders/"+order.OrderID, flash)
	case status >= http.StatusInternalServerError:
		a.error(w, r, rq, err)
	default:
		d, lerr := a.loadOrder(r, rq, order.OrderID)
		if lerr != nil {
			a.error(w, r, rq, lerr)
			return
		}
		for i := range d.Payments {
			if d.Payments[i].PaymentKey == key {
				d.Payments[i].ReceiptError = paydeck.ErrorMessage(err)
			}
		}
		rq.view.Title, rq.view.Data = "order.title", d
		a.pages.Render(w, status, "order.html", rq.view)
	}
}
