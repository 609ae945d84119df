package admin

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/payment"
)

// reconciliationPage is the latest reconciliation report: its figures and
// mismatches, and the stored JSON pretty-printed.
type reconciliationPage struct {
	Report *paydeck.ReconciliationReport
	// Parsed is the report's content; nil when it is not payment's format.
	Parsed *payment.Report
	Pretty string
}

// reconciliation shows the last report comparing local payments with Toss's
// transactions (written by the daily job and `paydeck reconcile`).
func (a *app) reconciliation(w http.ResponseWriter, r *http.Request, rq *request) {
	var p reconciliationPage
	err := a.d.Store.View(r.Context(), func(tx paydeck.Tx) error {
		reports, _, err := tx.FindReconciliationReports(r.Context(), paydeck.ReconciliationReportFilter{Limit: 1})
		if len(reports) > 0 {
			p.Report = reports[0]
		}
		return err
	})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	if p.Report != nil {
		var buf bytes.Buffer
		if json.Indent(&buf, p.Report.Report, "", "  ") == nil {
			p.Pretty = buf.String()
		}
		var parsed payment.Report
		if json.Unmarshal(p.Report.Report, &parsed) == nil {
			p.Parsed = &parsed
		}
	}
	a.render(w, rq, "reconciliation.html", "reconciliation.title", p)
}
