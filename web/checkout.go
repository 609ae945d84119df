package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/payment"
)

// checkoutPage is what the checkout template and its script need.
type checkoutPage struct {
	Order                                     *paydeck.Order
	ClientKey, CustomerKey, OrderName, SDKURL string
	SuccessURL, FailURL, CustomerEmail, Name  string
	// Widget is set for a widget client key (…_gck_…): Toss's widget shows
	// the methods. With an API individual key the page offers Methods
	// itself and opens Toss's payment window for the chosen one.
	Widget  bool
	Methods []windowMethod
	// SelfIssue is set when a cash payment of the order gets a receipt
	// even if the shopper asks for none (paydeck.CashReceiptFor).
	SelfIssue bool
}

// windowMethod is a payment-window method offered on the checkout page.
type windowMethod struct {
	// Toss is the SDK's method code (CARD, VIRTUAL_ACCOUNT, ...).
	Toss string
	// Type is paydeck's word for it, for the label.
	Type paydeck.PaymentMethodType
}

// tossMethods maps paydeck's method types to the payment window's method
// codes (docs/toss.md#payment-window); easy pay goes through the card window.
var tossMethods = map[paydeck.PaymentMethodType]string{
	paydeck.MethodCard: "CARD", paydeck.MethodEasyPay: "CARD", paydeck.MethodVirtualAccount: "VIRTUAL_ACCOUNT",
	paydeck.MethodTransfer: "TRANSFER", paydeck.MethodMobilePhone: "MOBILE_PHONE",
	paydeck.MethodGiftCertificate: "CULTURE_GIFT_CERTIFICATE",
}

// defaultMethods are offered when the shop has configured no active method.
var defaultMethods = []paydeck.PaymentMethodType{paydeck.MethodCard, paydeck.MethodVirtualAccount, paydeck.MethodTransfer}

// windowMethods returns the active payment methods in display order (one
// entry per window method code), or defaultMethods when none is active.
func (a *app) windowMethods(r *http.Request) ([]windowMethod, error) {
	active := true
	var methods []*paydeck.PaymentMethod
	err := a.d.Store.View(r.Context(), func(tx paydeck.Tx) (err error) {
		methods, _, err = tx.FindPaymentMethods(r.Context(), paydeck.PaymentMethodFilter{IsActive: &active})
		return err
	})
	types := defaultMethods
	if len(methods) > 0 {
		types = nil
		for _, m := range methods {
			types = append(types, m.Type)
		}
	}
	var out []windowMethod
	seen := map[string]bool{}
	for _, t := range types {
		if code := tossMethods[t]; code != "" && !seen[code] {
			seen[code] = true
			out = append(out, windowMethod{Toss: code, Type: t})
		}
	}
	return out, err
}

// customerKey is the shopper's Toss customerKey (paydeck.TossCustomerKey),
// the same for the checkout and the billing window.
func (a *app) customerKey(userID string) string { return paydeck.TossCustomerKey(a.d.Secret, userID) }

// orderName is the name shown in the payment window: "생수 외 1건", at most
// 100 characters as Toss requires.
func orderName(o *paydeck.Order) string {
	name := o.Items[0].ProductName
	if n := len(o.Items) - 1; n > 0 {
		name = fmt.Sprintf("%s 외 %d건", name, n)
	}
	for utf8.RuneCountInString(name) > 100 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name
}

// checkout shows the order summary and the payment widget while the order
// is payable; otherwise it sends the shopper to the order's page.
func (a *app) checkout(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	user := a.requireUser(w, r, rq)
	if user == nil {
		return
	}
	order, _, err := a.d.Payments.Order(r.Context(), actor(r, user), r.PathValue("orderId"))
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	if order.Payable(a.d.Now()) != nil {
		http.Redirect(w, r, "/orders/"+order.OrderID, http.StatusSeeOther)
		return
	}
	p := checkoutPage{Order: order, ClientKey: a.d.ClientKey, CustomerKey: a.customerKey(user.ID),
		OrderName: orderName(order), SDKURL: a.d.SDKScriptURL,
		SuccessURL: a.d.PublicURL + "/payments/success", FailURL: a.d.PublicURL + "/payments/fail",
		CustomerEmail: user.Email, Name: user.Name, Widget: strings.Contains(a.d.ClientKey, "_gck_"),
		SelfIssue: order.FinalAmount >= paydeck.SelfIssueThreshold}
	if !p.Widget {
		if p.Methods, err = a.windowMethods(r); err != nil {
			a.error(w, r, rq, err)
			return
		}
	}
	rq.view.Title, rq.view.Data = "checkout.title", p
	a.pages.Render(w, http.StatusOK, "checkout.html", rq.view)
}

// receiptPage is a confirmed (or pending) payment with its order.
type receiptPage struct {
	Order   *paydeck.Order
	Payment *paydeck.Payment
}

// success confirms the payment Toss redirected back with. The payment
// service checks the amount against the order before calling Toss; a
// reload replays the stored outcome without a second Toss call.
func (a *app) success(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	user := a.requireUser(w, r, rq)
	if user == nil {
		return
	}
	q := r.URL.Query()
	amount, err := strconv.ParseInt(q.Get("amount"), 10, 64)
	if err != nil || q.Get("paymentKey") == "" || q.Get("orderId") == "" {
		a.error(w, r, rq, paydeck.Errorf(paydeck.CodeInvalid, "The payment result is incomplete: paymentKey, orderId and amount are required."))
		return
	}
	act := actor(r, user)
	p, err := a.d.Payments.Confirm(r.Context(), act, payment.ConfirmInput{PaymentKey: q.Get("paymentKey"), OrderID: q.Get("orderId"), Amount: amount})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	order, _, err := a.d.Payments.Order(r.Context(), act, q.Get("orderId"))
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	rq.view.Title, rq.view.Data = "receipt.title", receiptPage{Order: order, Payment: p}
	a.pages.Render(w, http.StatusOK, "receipt.html", rq.view)
}

// failPage explains why the payment window failed.
type failPage struct {
	Code, Message, OrderID string
	// Reason is a message key for Code.
	Reason string
	// Retry is set while the order can still be paid.
	Retry bool
}

// failReasons map Toss's failUrl codes (docs/toss.md#redirects, docs/toss.md#browser-errors)
// to message keys.
var failReasons = map[string]string{
	"PAY_PROCESS_CANCELED": "fail.canceled",
	"PAY_PROCESS_ABORTED":  "fail.aborted",
	"REJECT_CARD_COMPANY":  "fail.rejected",
}

func (a *app) fail(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	q := r.URL.Query()
	p := failPage{Code: q.Get("code"), Message: q.Get("message"), OrderID: q.Get("orderId"), Reason: failReasons[q.Get("code")]}
	if p.Reason == "" {
		p.Reason = "fail.other"
	}
	if rq.user != nil && paydeck.ValidTossOrderID(p.OrderID) {
		if order, _, err := a.d.Payments.Order(r.Context(), actor(r, rq.user), p.OrderID); err == nil {
			p.Retry = order.Payable(a.d.Now()) == nil
		}
	}
	rq.view.Title, rq.view.Data = "fail.title", p
	a.pages.Render(w, http.StatusOK, "fail.html", rq.view)
}
