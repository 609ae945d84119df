package api

import (
	"context"
	"net/http"
	"reflect"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/report"
)

// maxReportDays bounds the range of a stats or settlements report.
const maxReportDays = 366

// rangeInput is a report's KST date range, both days included.
type rangeInput struct {
	From string `query:"from" pattern:"^[0-9]{4}-[0-9]{2}-[0-9]{2}$" example:"2026-11-01" doc:"First KST day (default: 29 days before to)."`
	To   string `query:"to" pattern:"^[0-9]{4}-[0-9]{2}-[0-9]{2}$" example:"2026-11-30" doc:"Last KST day, included (default: today)."`
}

// span returns [start of from, end of to) in KST, or an invalid error.
func (in rangeInput) span(now time.Time) (from, to time.Time, err error) {
	today := now.In(paydeck.KST).Format(time.DateOnly)
	last, err := parseDay(in.To, today)
	if err != nil {
		return from, to, err
	}
	first, err := parseDay(in.From, last.AddDate(0, 0, -29).Format(time.DateOnly))
	if err != nil {
		return from, to, err
	}
	to = last.AddDate(0, 0, 1)
	if !first.Before(to) || to.Sub(first) > maxReportDays*24*time.Hour {
		return from, to, paydeck.Errorf(paydeck.CodeInvalid, "from must be on or before to, at most %d days apart.", maxReportDays)
	}
	return first, to, nil
}

func parseDay(s, def string) (time.Time, error) {
	if s == "" {
		s = def
	}
	t, err := time.ParseInLocation(time.DateOnly, s, paydeck.KST)
	if err != nil {
		return t, paydeck.Errorf(paydeck.CodeInvalid, "%q is not a yyyy-mm-dd date.", s)
	}
	return t, nil
}

type statsOutput struct{ Body Stats }

type settlementsInput struct {
	From   string `query:"from" pattern:"^[0-9]{4}-[0-9]{2}-[0-9]{2}$" example:"2026-11-01" doc:"First KST day (default: 29 days before to)."`
	To     string `query:"to" pattern:"^[0-9]{4}-[0-9]{2}-[0-9]{2}$" example:"2026-11-30" doc:"Last KST day, included (default: today)."`
	Accept string `header:"Accept" example:"text/csv" doc:"text/csv for a CSV file; JSON otherwise."`
}

type settlementsOutput struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

type reconciliationInput struct {
	Date string `query:"date" pattern:"^[0-9]{4}-[0-9]{2}-[0-9]{2}$" example:"2026-11-26" doc:"KST day; default: the latest report of any day."`
}

// Reconciliation is a stored comparison of local payments with Toss's
// transactions for one KST day.
type Reconciliation struct {
	ID        int64          `json:"id" example:"7"`
	Date      string         `json:"date" example:"2026-11-26"`
	Report    map[string]any `json:"report" doc:"Counts and mismatches (missing locally, missing at Toss, status or amount differs)."`
	CreatedAt time.Time      `json:"createdAt"`
}

type reconciliationOutput struct{ Body Reconciliation }

func (s *server) registerAdmin() {
	tags := []string{"Admin"}
	register(s, adminOnly, huma.Operation{
		OperationID: "getStats", Method: http.MethodGet, Path: "/api/admin/stats", Tags: tags,
		Summary: "Sales statistics",
		Description: "Approved amount and count, refunds, revenue (approved − refunded) and approval rate " +
			"(approved ÷ confirm attempts), in total, by KST day and by payment method, over [from, to].",
		Errors: []int{http.StatusUnprocessableEntity},
	}, s.stats)
	register(s, adminOnly, huma.Operation{
		OperationID: "getSettlements", Method: http.MethodGet, Path: "/api/admin/settlements", Tags: tags,
		Summary: "Settlement report",
		Description: "Per payment approved in [from, to]: amount, refunded, kept, the method's fee (its rate and " +
			"fixed fee applied to the kept amount) and net; with totals. Send Accept: text/csv for CSV.",
		Errors: []int{http.StatusUnprocessableEntity},
		Responses: map[string]*huma.Response{"200": {Description: "OK", Content: map[string]*huma.MediaType{
			"application/json": {Schema: s.api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[Settlements](), true, "Settlements")},
			"text/csv":         {Schema: &huma.Schema{Type: huma.TypeString}},
		}}},
	}, s.settlements)
	register(s, adminOnly, huma.Operation{
		OperationID: "getReconciliation", Method: http.MethodGet, Path: "/api/admin/reconciliation", Tags: tags,
		Summary: "Latest reconciliation report",
		Description: "The newest report comparing local payments with Toss's transaction list (daily job or " +
			"`paydeck reconcile --date`), for the given day or any day.",
		Errors: []int{http.StatusNotFound},
	}, s.reconciliation)
}

func (s *server) stats(ctx context.Context, in *rangeInput) (*statsOutput, error) {
	from, to, err := in.span(s.Now())
	if err == nil {
		var st Stats
		err = s.Store.View(ctx, func(tx paydeck.Tx) (err error) {
			st, err = report.ComputeStats(ctx, tx, from, to)
			return err
		})
		if err == nil {
			return &statsOutput{Body: st}, nil
		}
	}
	return nil, s.problem(ctx, err)
}

func (s *server) settlements(ctx context.Context, in *settlementsInput) (*settlementsOutput, error) {
	from, to, err := rangeInput{From: in.From, To: in.To}.span(s.Now())
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	var rep Settlements
	err = s.Store.View(ctx, func(tx paydeck.Tx) (err error) {
		rep, err = report.ComputeSettlements(ctx, tx, from, to)
		return err
	})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	ct, body, err := encodeSettlements(rep, wantsCSV(in.Accept))
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &settlementsOutput{ContentType: ct, Body: body}, nil
}

func (s *server) reconciliation(ctx context.Context, in *reconciliationInput) (*reconciliationOutput, error) {
	f := paydeck.ReconciliationReportFilter{Limit: 1}
	if in.Date != "" {
		f.Date = &in.Date
	}
	var r *paydeck.ReconciliationReport
	err := s.Store.View(ctx, func(tx paydeck.Tx) error {
		reports, _, err := tx.FindReconciliationReports(ctx, f)
		if err == nil && len(reports) == 0 {
			return paydeck.Errorf(paydeck.CodeNotFound, "No reconciliation report yet.")
		} else if err == nil {
			r = reports[0]
		}
		return err
	})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &reconciliationOutput{Body: Reconciliation{ID: r.ID, Date: r.Date, Report: decodeObject(r.Report), CreatedAt: r.CreatedAt}}, nil
}
