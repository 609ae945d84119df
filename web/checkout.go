package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/payment"
)

// checkoutPage is what the checkout template and its script need.
type checkoutPage struct {
	Order *paydeck.Order
	// TossOrderID is the orderId of this attempt (payment.Checkout).
	TossOrderID                               string
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

// checkout shows the order summary and the payment widget while the order
// can be paid now; otherwise (paid, cancelled, a virtual account awaiting
// its deposit, a confirm under way) it sends the shopper to the order's
// page, which offers what can be done.
func (a *app) checkout(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	user := a.requireUser(w, r, rq)
	if user == nil {
		return
	}
	c, err := a.d.Payments.Checkout(r.Context(), actor(r, user), r.PathValue("orderId"))
	if paydeck.ErrorCode(err) == paydeck.CodeConflict {
		http.Redirect(w, r, "/orders/"+url.PathEscape(r.PathValue("orderId")), http.StatusSeeOther)
		return
	} else if err != nil {
		a.error(w, r, rq, err)
		return
	}
	p := checkoutPage{Order: c.Order, TossOrderID: c.TossOrderID, ClientKey: a.d.ClientKey, CustomerKey: c.CustomerKey,
		OrderName: c.OrderName, SDKURL: a.d.SDKScriptURL,
		SuccessURL:    a.d.PublicURL + "/payments/success",
		FailURL:       a.d.PublicURL + "/payments/fail?order=" + url.QueryEscape(c.Order.OrderID),
		CustomerEmail: c.CustomerEmail, Name: c.CustomerName, Widget: strings.Contains(a.d.ClientKey, "_gck_"),
		SelfIssue: c.Amount >= paydeck.SelfIssueThreshold}
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
// reload replays the stored outcome without a second Toss call. A confirm
// that fails shows the fail page: "already paid" with the receipt when the
// order is paid (the shopper went back and paid again), else the reason in
// plain words with Toss's code in small print.
func (a *app) success(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	user := a.requireUser(w, r, rq)
	if user == nil {
		return
	}
	q := r.URL.Query()
	amount, err := strconv.ParseInt(q.Get("amount"), 10, 64)
	if err != nil || q.Get("paymentKey") == "" || q.Get("orderId") == "" {
		a.error(w, r, rq, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonPaymentResultBroken, "The payment result is incomplete: paymentKey, orderId and amount are required."))
		return
	}
	act := actor(r, user)
	order, p, cerr := a.d.Payments.ConfirmOrder(r.Context(), act, payment.ConfirmInput{PaymentKey: q.Get("paymentKey"), OrderID: q.Get("orderId"), Amount: amount})
	if cerr == nil && order != nil {
		// The confirm's own transaction left the order as the receipt shows it.
		rq.view.Title, rq.view.Data = "receipt.title", receiptPage{Order: order, Payment: p}
		a.pages.Render(w, http.StatusOK, "receipt.html", rq.view)
		return
	}
	order, pays, err := a.d.Payments.Order(r.Context(), act, q.Get("orderId"))
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	if cerr != nil {
		code := ""
		if p != nil {
			code = p.FailureCode
		}
		if code == "" && paydeck.ErrorCode(cerr) != paydeck.CodeConflict {
			a.error(w, r, rq, cerr)
			return
		}
		msg := ""
		if p != nil {
			msg = p.FailureMessage
		}
		a.renderFail(w, r, rq, failPage{Code: code, Message: msg}, order, pays)
		return
	}
	rq.view.Title, rq.view.Data = "receipt.title", receiptPage{Order: order, Payment: p}
	a.pages.Render(w, http.StatusOK, "receipt.html", rq.view)
}

// failPage explains why a payment did not go through, or that the order
// is paid after all.
type failPage struct {
	// Code and Message are Toss's (small print; never the headline).
	Code, Message string
	// Reason is the message key of the headline sentence for Code.
	Reason string
	// Order is the order the attempt was for, when known and the
	// shopper's.
	Order *paydeck.Order
	// Paid is set when the order is paid: the page says so and links to
	// the receipt instead of explaining a failure.
	Paid bool
	// Title is the headline's message key.
	Title string
	// Retry is set while the order can be paid now; OpenAccount while a
	// virtual account awaits its deposit (the order page offers a switch).
	Retry, OpenAccount bool
}

// failReason is the message key of the sentence for a Toss code (the one
// table: payment.FailureTexts).
func failReason(code string) string {
	if payment.FailureKnown(code) {
		return "toss." + code
	}
	return "toss.unknown"
}

// fail is Toss's failUrl: the shopper closed the payment window or Toss
// refused the payment. The attempt is recorded on the order (the owner's
// failed-payments list) and the page shows the order with "다시 결제하기".
// The order comes from paydeck's own ?order= (Toss leaves orderId out when
// the window is closed), else from Toss's orderId.
func (a *app) fail(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	q := r.URL.Query()
	p := failPage{Code: q.Get("code"), Message: q.Get("message")}
	orderID := q.Get("order")
	if !paydeck.ValidTossOrderID(orderID) {
		orderID = q.Get("orderId")
	}
	var order *paydeck.Order
	var pays []*paydeck.Payment
	if rq.user != nil && paydeck.ValidTossOrderID(orderID) {
		act := actor(r, rq.user)
		if err := a.d.Payments.RecordFailedAttempt(r.Context(), act, orderID, p.Code, p.Message); err != nil {
			a.d.Logger.Warn("web: record failed attempt", "err", err)
		}
		order, pays, _ = a.d.Payments.Order(r.Context(), act, orderID)
	}
	a.renderFail(w, r, rq, p, order, pays)
}

// renderFail renders the fail page for p about order (nil when unknown).
func (a *app) renderFail(w http.ResponseWriter, r *http.Request, rq *request, p failPage, order *paydeck.Order, pays []*paydeck.Payment) {
	p.Reason, p.Order = failReason(p.Code), order
	title := "fail.title"
	if p.Code == "PAY_PROCESS_CANCELED" || p.Code == "USER_CANCEL" { // the shopper's own choice, not a failure
		title = "fail.closed.title"
	}
	if order != nil {
		for _, pay := range pays {
			switch pay.Status {
			case paydeck.PaymentDone, paydeck.PaymentPartialCanceled:
				p.Paid = true
			case paydeck.PaymentWaitingForDeposit:
				p.OpenAccount = true
			}
		}
		p.Retry = !p.Paid && !p.OpenAccount && order.Payable(a.d.Now()) == nil
		if p.Paid {
			title = "fail.paid.title"
		}
	}
	p.Title = title
	rq.view.Title, rq.view.Data = title, p
	a.pages.Render(w, http.StatusOK, "fail.html", rq.view)
}
