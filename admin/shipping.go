package admin

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/korean"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/admin/form"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/ui"
)

// fulfilmentView is what the order page's shipping and returns section
// shows (template "fulfilment" in _fulfilment.html).
type fulfilmentView struct {
	*payment.Fulfilment
	Couriers []paydeck.Courier
	// CanShipMore is set while lines are left to ship and the order may
	// ship.
	CanShipMore bool
	// NeedsAccount is set when a refund needs the shopper's bank account
	// (virtual-account payments).
	NeedsAccount bool
	order        *paydeck.Order
}

// Name is the product name of the order's line for productID.
func (v *fulfilmentView) Name(productID string) string {
	for _, it := range v.order.Items {
		if it.ProductID == productID {
			return it.ProductName
		}
	}
	return productID
}

// loadFulfilment reads the shipments and returns of d's order into d.
func (a *app) loadFulfilment(r *http.Request, rq *request, d *orderDetail) error {
	f, err := a.d.Payments.Fulfilment(r.Context(), rq.actor, d.Order.OrderID)
	if err != nil {
		return err
	}
	v := &fulfilmentView{Fulfilment: f, Couriers: paydeck.Couriers, order: d.Order}
	left := false
	for _, n := range f.Unshipped {
		left = left || n > 0
	}
	v.CanShipMore = left && (d.CanShip || d.Order.Status == paydeck.OrderShipped)
	for _, p := range d.Payments {
		v.NeedsAccount = v.NeedsAccount || p.NeedsAccount
	}
	d.Fulfil = v
	return nil
}

// ship records a parcel: the courier and tracking number of the form and
// the quantities of qty_{productId} fields (none filled: every line left).
func (a *app) ship(w http.ResponseWriter, r *http.Request, rq *request) {
	orderID := r.PathValue("orderId")
	in := payment.ShipInput{Courier: r.PostFormValue("courier"), TrackingNumber: r.PostFormValue("tracking")}
	lines, err := ui.QuantityLines(r.PostForm)
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	in.Lines = lines
	if _, _, err := a.d.Payments.Ship(r.Context(), rq.actor, orderID, in); err != nil {
		a.error(w, r, rq, err)
		return
	}
	back(w, r, "/admin/orders/"+orderID, "flash.shipped")
}

func (a *app) returnApprove(w http.ResponseWriter, r *http.Request, rq *request) {
	orderID := r.PathValue("orderId")
	in := payment.ApproveInput{Restock: r.PostFormValue("restock") == "1"}
	if f, err := form.ParseRefund(r); err == nil && f.Account != nil {
		in.RefundAccount = f.Account
	}
	if _, _, err := a.d.Payments.ApproveReturn(r.Context(), rq.actor, orderID, r.PathValue("returnId"), in); err != nil {
		a.error(w, r, rq, err)
		return
	}
	back(w, r, "/admin/orders/"+orderID, "flash.returnapproved")
}

func (a *app) returnRefuse(w http.ResponseWriter, r *http.Request, rq *request) {
	orderID := r.PathValue("orderId")
	if _, err := a.d.Payments.RefuseReturn(r.Context(), rq.actor, orderID, r.PathValue("returnId"), r.PostFormValue("reason")); err != nil {
		a.error(w, r, rq, err)
		return
	}
	back(w, r, "/admin/orders/"+orderID, "flash.returnrefused")
}

// uploadRow is the outcome of one CSV row.
type uploadRow struct {
	Line                             int
	OrderID, Courier, TrackingNumber string
	Applied                          bool
	// Message is why the row was refused (the service's message).
	Message string
}

// uploadPage is the bulk tracking upload form and, after a post, its
// report.
type uploadPage struct {
	Rows             []uploadRow
	Applied, Refused int
	Encoding         string
	Error            string
	Posted           bool
}

// maxUploadRows bounds one upload (the form itself is bounded by
// ui.MaxFormBytes).
const maxUploadRows = 2000

func (a *app) shipmentsUploadForm(w http.ResponseWriter, _ *http.Request, rq *request) {
	a.render(w, rq, "shipments.html", "ship.upload.title", uploadPage{})
}

// shipmentsUpload applies a CSV of order number, courier, tracking number
// (a file or pasted text): every row is its own shipment of the order's
// lines left to ship, applied or refused on its own, and the page reports
// each row. A header row (first cell not an order number) is skipped. The
// file may be UTF-8 (with or without the BOM Excel writes) or CP949/EUC-KR
// (what Korean Excel saves as "CSV"): bytes that are not valid UTF-8 are
// read as CP949.
func (a *app) shipmentsUpload(w http.ResponseWriter, r *http.Request, rq *request) {
	p := uploadPage{Posted: true}
	data := []byte(r.PostFormValue("csv"))
	if r.MultipartForm != nil {
		if fs := r.MultipartForm.File["file"]; len(fs) > 0 {
			f, err := fs[0].Open()
			if err == nil {
				data, err = io.ReadAll(f)
				_ = f.Close()
			}
			if err != nil {
				a.error(w, r, rq, err)
				return
			}
		}
	}
	text, enc, err := decodeCSV(data)
	p.Encoding = enc
	var records [][]string
	if err == nil {
		cr := csv.NewReader(strings.NewReader(text))
		cr.FieldsPerRecord, cr.TrimLeadingSpace = -1, true
		records, err = cr.ReadAll()
	}
	switch {
	case err != nil:
		p.Error = "The file could not be read as CSV: " + err.Error()
	case len(records) > maxUploadRows:
		p.Error = "At most " + strconv.Itoa(maxUploadRows) + " rows per upload."
	case len(records) == 0:
		p.Error = "The file has no rows."
	}
	if p.Error != "" {
		rq.view.Title, rq.view.Data = "ship.upload.title", p
		a.pages.Render(w, http.StatusBadRequest, "shipments.html", rq.view)
		return
	}
	for i, rec := range records {
		for len(rec) < 3 {
			rec = append(rec, "")
		}
		row := uploadRow{Line: i + 1, OrderID: strings.TrimSpace(rec[0]), Courier: strings.TrimSpace(rec[1]),
			TrackingNumber: strings.TrimSpace(rec[2])}
		if i == 0 && !paydeck.ValidTossOrderID(row.OrderID) && paydeck.FindCourier(row.Courier) == nil {
			continue // a header
		}
		switch {
		case row.OrderID == "" || row.Courier == "" || row.TrackingNumber == "":
			row.Message = "A row needs an order number, a courier and a tracking number."
		default:
			_, _, err := a.d.Payments.Ship(r.Context(), rq.actor, row.OrderID,
				payment.ShipInput{Courier: row.Courier, TrackingNumber: row.TrackingNumber})
			if err != nil {
				row.Message = paydeck.ErrorMessage(err)
			}
			row.Applied = err == nil
		}
		if row.Applied {
			p.Applied++
		} else {
			p.Refused++
		}
		p.Rows = append(p.Rows, row)
	}
	a.render(w, rq, "shipments.html", "ship.upload.title", p)
}

// decodeCSV returns data as text and the encoding it was read in: UTF-8
// (a leading BOM dropped) or, when data is not valid UTF-8, CP949.
func decodeCSV(data []byte) (string, string, error) {
	if b, ok := bytes.CutPrefix(data, []byte("\xef\xbb\xbf")); ok {
		return string(b), "UTF-8 (BOM)", nil
	}
	if utf8.Valid(data) {
		return string(data), "UTF-8", nil
	}
	out, err := korean.EUCKR.NewDecoder().Bytes(data)
	if err != nil || !utf8.Valid(out) {
		return "", "CP949", errors.New("neither UTF-8 nor CP949")
	}
	return string(out), "CP949", nil
}
