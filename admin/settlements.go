package admin

import (
	"bytes"
	"net/http"
	"time"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/report"
)

// settlementsPage is the settlement report with per-method subtotals.
type settlementsPage struct {
	From, To string
	Report   report.Settlements
	ByMethod []methodTotals
	CSVURL   string
}

// methodTotals sums one method's settlements.
type methodTotals struct {
	Method string
	report.SettlementTotals
}

// settlementRange reads ?from=&to= (KST dates, inclusive); the default is
// the current month up to today.
func (a *app) settlementRange(r *http.Request) (from, before time.Time, fromS, toS string) {
	now := a.d.Now().In(paydeck.KST)
	from = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, paydeck.KST)
	to := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, paydeck.KST)
	if t, err := time.ParseInLocation(time.DateOnly, r.URL.Query().Get("from"), paydeck.KST); err == nil {
		from = t
	}
	if t, err := time.ParseInLocation(time.DateOnly, r.URL.Query().Get("to"), paydeck.KST); err == nil {
		to = t
	}
	return from, to.AddDate(0, 0, 1), from.Format(time.DateOnly), to.Format(time.DateOnly)
}

func (a *app) loadSettlements(r *http.Request) (rep report.Settlements, err error) {
	from, before, _, _ := a.settlementRange(r)
	err = a.d.Store.View(r.Context(), func(tx paydeck.Tx) (err error) {
		rep, err = report.ComputeSettlements(r.Context(), tx, from, before)
		return err
	})
	return rep, err
}

// settlements shows the expected fee and net amount per payment and per
// method over a range of days.
func (a *app) settlements(w http.ResponseWriter, r *http.Request, rq *request) {
	rep, err := a.loadSettlements(r)
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	_, _, fromS, toS := a.settlementRange(r)
	p := settlementsPage{From: fromS, To: toS, Report: rep, CSVURL: "/admin/settlements.csv?from=" + fromS + "&to=" + toS}
	idx := map[string]int{}
	for _, it := range rep.Items {
		i, ok := idx[it.Method]
		if !ok {
			i = len(p.ByMethod)
			idx[it.Method] = i
			p.ByMethod = append(p.ByMethod, methodTotals{Method: it.Method})
		}
		t := &p.ByMethod[i].SettlementTotals
		t.Count++
		t.Amount += it.Amount
		t.RefundedAmount += it.RefundedAmount
		t.KeptAmount += it.KeptAmount
		t.Fee += it.Fee
		t.NetAmount += it.NetAmount
		t.DiscountAmount += it.DiscountAmount
	}
	a.render(w, rq, "settlements.html", "settlements.title", p)
}

// settlementsCSV downloads the same report as a sheet (report.Sheet: BOM,
// headers in the page's language), one row per payment and a totals row.
func (a *app) settlementsCSV(w http.ResponseWriter, r *http.Request, rq *request) {
	rep, err := a.loadSettlements(r)
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	var buf bytes.Buffer
	t, word := rq.view.T, rq.view.Word
	s := report.NewSheet(&buf, true, t("csv.orderid"), t("payments.key"), t("payments.method"), t("csv.status"),
		t("payments.approved"), t("csv.amount"), t("csv.refunded"), t("csv.kept"), t("csv.fee"), t("csv.net"),
		t("csv.taxfree"), t("csv.supplied"), t("csv.vat"), t("csv.cashreceipt"), t("csv.coupon"), t("csv.discount"))
	for _, it := range rep.Items {
		s.Row(report.Text(it.OrderID), report.Text(it.PaymentKey), report.Text(word(it.Method)), report.Text(word(it.Status)),
			report.Text(csvTime(&it.ApprovedAt)), report.Num(it.Amount), report.Num(it.RefundedAmount),
			report.Num(it.KeptAmount), report.Num(it.Fee), report.Num(it.NetAmount),
			report.Num(it.TaxFreeAmount), report.Num(it.SuppliedAmount), report.Num(it.VAT), report.Text(it.CashReceipt),
			report.Text(it.CouponCode), report.Num(it.DiscountAmount))
	}
	tot := rep.Totals
	s.Row(report.Text(t("settlements.total")), report.Text(t("csv.count", tot.Count)), report.Text(""), report.Text(""),
		report.Text(""), report.Num(tot.Amount), report.Num(tot.RefundedAmount), report.Num(tot.KeptAmount),
		report.Num(tot.Fee), report.Num(tot.NetAmount),
		report.Num(tot.TaxFreeAmount), report.Num(tot.SuppliedAmount), report.Num(tot.VAT), report.Text(""), report.Text(""),
		report.Num(tot.DiscountAmount))
	if err := s.Close(); err != nil {
		a.error(w, r, rq, err)
		return
	}
	sendCSV(w, "settlements-"+rep.From+"-"+rep.To+".csv", buf.Bytes())
}
