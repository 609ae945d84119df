package admin

import (
	"net/http"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/admin/form"
	"github.com/paydeck/paydeck/ui"
)

// refundPresets are the reasons the refund form offers.
var refundPresets = form.RefundPresets

// refundForm is what a refund form or its confirmation carries.
type refundForm struct {
	Scope, Amount, Preset, Note, Bank, Number, Holder, Idem string
}

func refundFormOf(r *http.Request) refundForm {
	v := func(k string) string { return r.PostFormValue(k) }
	return refundForm{Scope: v("scope"), Amount: v("amount"), Preset: v("preset"), Note: v("reason"), Bank: v("bank"),
		Number: v("account_number"), Holder: v("holder"), Idem: v("idem")}
}

// refundConfirm is the confirmation step of a refund.
type refundConfirm struct {
	Order   *paydeck.Order
	Payment *paydeck.Payment
	Form    refundForm
	// Amount is what will go back, Left what stays refundable after.
	Amount, Left int64
	Full         bool
	Reason       string
}

// refund refunds all or part of a payment through the payment service and
// returns to the order page, which shows the refund's outcome. A valid
// form first gets a confirmation page (the amount, the reason, what is
// left); its button posts the same form with confirm=yes, and only that
// refunds. A refused refund (bad form, amount above the balance, Toss's
// refusal) shows the order page again with the reason next to the
// payment's form.
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
	if err == nil && !f.Confirmed {
		c := refundConfirm{Order: order, Payment: p, Form: refundFormOf(r), Full: f.Amount == nil, Reason: f.Reason,
			Amount: p.BalanceAmount}
		if p.Status == paydeck.PaymentWaitingForDeposit {
			c.Amount = p.Amount
		}
		if f.Amount != nil {
			// Refuse before asking what the service would refuse after.
			c.Amount = *f.Amount
			if p.Status != paydeck.PaymentWaitingForDeposit {
				err = p.CanRefund(*f.Amount)
			} else if *f.Amount != p.Amount {
				err = paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonDepositFullOnly, "A virtual account awaiting its deposit can only be cancelled in full.")
			}
		}
		if err == nil {
			c.Left = max(p.BalanceAmount-c.Amount, 0)
			a.render(w, rq, "refund.html", "refund.confirm", c)
			return
		}
	}
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
			d.Payments[i].Form = refundFormOf(r)
		}
		rq.view.Title, rq.view.Data = "order.title", d
		a.pages.Render(w, status, "order.html", rq.view)
	}
}
