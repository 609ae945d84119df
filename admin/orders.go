package admin

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/admin/form"
	"github.com/paydeck/paydeck/report"
	"github.com/paydeck/paydeck/ui"
)

// orderRow is an order with its customer.
type orderRow struct {
	*paydeck.Order
	Email, Name, CustomerID string
}

// ordersPage is a filtered page of orders.
type ordersPage struct {
	Rows     []orderRow
	Query    listQuery
	Pager    pager
	Statuses []paydeck.OrderStatus
	// CSVURL downloads every order the filters match.
	CSVURL string
}

// orderFilter turns the list's filters into the store's: status, dates,
// the search box (partial order number, name, email or phone, matched in
// SQL), and the exact orderId and customer email of older links. none is
// set when the email belongs to nobody.
func (a *app) orderFilter(r *http.Request, l listQuery) (f paydeck.OrderFilter, none bool, err error) {
	f = paydeck.OrderFilter{CreatedFrom: l.from, CreatedBefore: l.before}
	if s := paydeck.OrderStatus(l.Status); s.Valid() {
		f.Statuses = []paydeck.OrderStatus{s}
	}
	if l.OrderID != "" {
		f.OrderID = &l.OrderID
	}
	if l.Q != "" {
		f.Search = &l.Q
	}
	if l.Email != "" {
		var u *paydeck.User
		err = a.d.Store.View(r.Context(), func(tx paydeck.Tx) (err error) {
			u, err = tx.FindUserByEmail(r.Context(), l.Email)
			return err
		})
		if paydeck.ErrorCode(err) == paydeck.CodeNotFound {
			return f, true, nil
		} else if err != nil {
			return f, false, err
		}
		f.UserID = &u.ID
	}
	return f, false, nil
}

// withCustomers pairs orders with their customers, read in one query.
func withCustomers(ctx context.Context, tx paydeck.Tx, orders []*paydeck.Order) ([]orderRow, error) {
	ids := make([]string, 0, len(orders))
	for _, o := range orders {
		ids = append(ids, o.UserID)
	}
	users := map[string]*paydeck.User{}
	if len(ids) > 0 {
		list, _, err := tx.FindUsers(ctx, paydeck.UserFilter{IDs: ids})
		if err != nil {
			return nil, err
		}
		for _, u := range list {
			users[u.ID] = u
		}
	}
	rows := make([]orderRow, 0, len(orders))
	for _, o := range orders {
		row := orderRow{Order: o, CustomerID: o.UserID}
		if u := users[o.UserID]; u != nil {
			row.Email, row.Name = u.Email, u.Name
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// orders lists orders filtered by status, date and the search box.
func (a *app) orders(w http.ResponseWriter, r *http.Request, rq *request) {
	l := parseList(r.URL.Query())
	p := ordersPage{Query: l, Statuses: paydeck.OrderStatuses, CSVURL: "/admin/orders.csv?" + l.values().Encode()}
	f, none, err := a.orderFilter(r, l)
	if err != nil {
		a.error(w, r, rq, err)
		return
	} else if none {
		a.render(w, rq, "orders.html", "orders.title", p)
		return
	}
	f.Offset, f.Limit = l.offset(), perPage
	err = a.d.Store.View(r.Context(), func(tx paydeck.Tx) error {
		orders, total, err := tx.FindOrders(r.Context(), f)
		if err != nil {
			return err
		}
		p.Pager = newPager(l, "/admin/orders", total, len(orders))
		p.Rows, err = withCustomers(r.Context(), tx, orders)
		return err
	})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	a.render(w, rq, "orders.html", "orders.title", p)
}

// csvBatch is how many orders the CSV export reads per query.
const csvBatch = 500

// ordersCSV downloads every order the list's filters match as a sheet
// (report.Sheet: BOM, headers in the page's language, typed text
// neutralised), newest first, one row per order.
func (a *app) ordersCSV(w http.ResponseWriter, r *http.Request, rq *request) {
	l := parseList(r.URL.Query())
	f, none, err := a.orderFilter(r, l)
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	var buf bytes.Buffer
	t := rq.view.T
	sheet := report.NewSheet(&buf, true, t("csv.orderid"), t("csv.created"), t("csv.status"), t("csv.email"),
		t("csv.name"), t("csv.shipname"), t("csv.phone"), t("csv.address"), t("csv.memo"), t("csv.items"),
		t("csv.total"), t("csv.discount"), t("csv.shipping"), t("csv.final"), t("csv.paid"))
	if !none {
		err = a.d.Store.View(r.Context(), func(tx paydeck.Tx) error {
			for f.Offset = 0; ; f.Offset += csvBatch {
				f.Limit = csvBatch
				orders, _, err := tx.FindOrders(r.Context(), f)
				if err != nil {
					return err
				}
				rows, err := withCustomers(r.Context(), tx, orders)
				if err != nil {
					return err
				}
				for _, o := range rows {
					items := make([]string, len(o.Items))
					for i, it := range o.Items {
						items[i] = fmt.Sprintf("%s ×%d", it.ProductName, it.Quantity)
					}
					sheet.Row(report.Text(o.OrderID), report.Text(csvTime(&o.CreatedAt)), report.Text(rq.view.Word(o.Status)),
						report.Text(o.Email), report.Text(o.Name), report.Text(o.ShippingName), report.Text(o.ShippingPhone),
						report.Text(o.ShippingAddress), report.Text(o.ShippingMemo), report.Text(strings.Join(items, ", ")),
						report.Num(o.TotalAmount), report.Num(o.DiscountAmount), report.Num(o.ShippingFee),
						report.Num(o.FinalAmount), report.Text(csvTime(o.PaidAt)))
				}
				if len(orders) < csvBatch {
					return nil
				}
			}
		})
	}
	if err == nil {
		err = sheet.Close()
	}
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	sendCSV(w, "orders-"+a.d.Now().In(paydeck.KST).Format("20060102-1504")+".csv", buf.Bytes())
}

// csvTime formats a time for a sheet cell in KST, a form spreadsheets read
// as a date and time; "" for nil.
func csvTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(paydeck.KST).Format(time.DateTime)
}

// sendCSV answers with a CSV download.
func sendCSV(w http.ResponseWriter, filename string, body []byte) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	_, _ = w.Write(body)
}

// paymentDetail is a payment with its refunds and what its refund form needs.
type paymentDetail struct {
	*paydeck.Payment
	Refunds    []*paydeck.Refund
	Refundable bool
	// NeedsAccount is set for virtual-account payments already deposited.
	NeedsAccount bool
	// Idem is the refund form's idempotency key.
	Idem string
	// Error is why the last refund post for this payment was refused.
	Error string
	// Details are Toss's method details as labelled rows; RawDetails the
	// same JSON, indented, for the disclosure.
	Details    []detailRow
	RawDetails string
	// Form is what the refund form shows again after a refused post.
	Form refundForm
	// ReceiptIssuable is set when a cash receipt can be issued afterwards;
	// ReceiptError is why the last cash-receipt post was refused.
	ReceiptIssuable bool
	ReceiptError    string
}

// orderDetail is the admin's order page.
type orderDetail struct {
	Order               *paydeck.Order
	Customer            *paydeck.User
	Payments            []paymentDetail
	Events              []*paydeck.PaymentEvent
	Timeline            []timelineEntry
	CanShip, CanDeliver bool
	Banks               []string
	// RefundError is why the last refund form post failed, for the top of
	// the page.
	RefundError string
	// Fulfil is the shipping and returns section (shipping.go).
	Fulfil *fulfilmentView
	// Presets are the refund reasons offered.
	Presets []form.RefundPreset
}

// order shows an order with items, amounts, payments with their Toss
// details and refunds, the merged event timeline, and the actions.
func (a *app) order(w http.ResponseWriter, r *http.Request, rq *request) {
	d, err := a.loadOrder(r, rq, r.PathValue("orderId"))
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	a.render(w, rq, "order.html", "order.title", d)
}

// loadOrder reads what the order page shows for the public orderID.
func (a *app) loadOrder(r *http.Request, rq *request, orderID string) (orderDetail, error) {
	order, payments, err := a.d.Payments.Order(r.Context(), rq.actor, orderID)
	if err != nil {
		return orderDetail{}, err
	}
	d := orderDetail{Order: order, CanShip: order.Status.CanTransition(paydeck.OrderShipped) == nil,
		CanDeliver: order.Status.CanTransition(paydeck.OrderDelivered) == nil, Banks: ui.RefundBanks,
		Presets: refundPresets}
	seen := map[int64]bool{}
	addEvents := func(events []*paydeck.PaymentEvent) {
		for _, e := range events {
			if !seen[e.ID] {
				seen[e.ID] = true
				d.Events = append(d.Events, e)
			}
		}
	}
	for _, p := range payments {
		_, events, err := a.d.Payments.Payment(r.Context(), rq.actor, p.PaymentKey)
		if err != nil && p.PaymentKey != "" {
			return orderDetail{}, err
		}
		addEvents(events)
		pd := paymentDetail{Payment: p, Idem: newIdem(), ReceiptIssuable: cashReceiptIssuable(p),
			Refundable:   p.CanRefund(1) == nil || p.Status == paydeck.PaymentWaitingForDeposit,
			NeedsAccount: p.Method == paydeck.MethodVirtualAccount && p.Status != paydeck.PaymentWaitingForDeposit}
		if len(p.MethodDetails) > 0 {
			pd.Details, pd.RawDetails = methodDetails(rq.view, p.MethodDetails), prettyJSON(p.MethodDetails)
		}
		d.Payments = append(d.Payments, pd)
	}
	err = a.d.Store.View(r.Context(), func(tx paydeck.Tx) error {
		events, _, err := tx.FindEvents(r.Context(), paydeck.EventFilter{OrderID: &order.ID})
		if err != nil {
			return err
		}
		addEvents(events)
		refunds := map[string]*paydeck.Refund{}
		for i := range d.Payments {
			if d.Payments[i].Refunds, _, err = tx.FindRefunds(r.Context(), paydeck.RefundFilter{PaymentID: &d.Payments[i].ID}); err != nil {
				return err
			}
			for _, rf := range d.Payments[i].Refunds {
				refunds[rf.ID] = rf
			}
		}
		slices.SortFunc(d.Events, func(x, y *paydeck.PaymentEvent) int { return cmp.Compare(x.ID, y.ID) })
		if d.Timeline, err = timeline(r.Context(), tx, rq.view, d.Events, refunds); err != nil {
			return err
		}
		d.Customer, err = tx.FindUserByID(r.Context(), order.UserID)
		return err
	})
	if err == nil {
		err = a.loadFulfilment(r, rq, &d)
	}
	return d, err
}

// newIdem returns a random idempotency key for one rendered refund form.
func newIdem() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return "admin-" + hex.EncodeToString(b[:])
}

func (a *app) deliver(w http.ResponseWriter, r *http.Request, rq *request) {
	if _, err := a.d.Payments.DeliverOrder(r.Context(), rq.actor, r.PathValue("orderId")); err != nil {
		a.error(w, r, rq, err)
		return
	}
	back(w, r, "/admin/orders/"+r.PathValue("orderId"), "flash.delivered")
}
