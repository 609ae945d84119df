package admin

import (
	"net/http"
	"time"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/report"
	"github.com/paydeck/paydeck/subscription"
)

// chartDays is how many days the revenue chart shows, today included.
const chartDays = 30

// dashboardPage holds today's and this month's figures and the charts.
type dashboardPage struct {
	Today, Month report.Stats
	Daily        columnChart
	Methods      rowChart
	// MethodRows are this month's figures per method, for the table beside
	// the chart.
	MethodRows []report.MethodStats
	// Subscriptions are MRR and churn (nil without subscriptions).
	Subscriptions *subscription.Stats
}

// dashboard shows today's and this month's revenue, counts, approval rate
// and refunds, revenue per day over chartDays days and this month by method.
func (a *app) dashboard(w http.ResponseWriter, r *http.Request, rq *request) {
	now := a.d.Now().In(paydeck.KST)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, paydeck.KST)
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, paydeck.KST)
	chartFrom := today.AddDate(0, 0, 1-chartDays)
	var p dashboardPage
	var daily report.Stats
	err := a.d.Store.View(r.Context(), func(tx paydeck.Tx) (err error) {
		if p.Today, err = report.ComputeStats(r.Context(), tx, today, today.AddDate(0, 0, 1)); err != nil {
			return err
		}
		if p.Month, err = report.ComputeStats(r.Context(), tx, month, month.AddDate(0, 1, 0)); err != nil {
			return err
		}
		daily, err = report.ComputeStats(r.Context(), tx, chartFrom, today.AddDate(0, 0, 1))
		return err
	})
	if err == nil && a.d.Subscriptions != nil {
		p.Subscriptions, err = a.d.Subscriptions.Stats(r.Context(), rq.actor)
	}
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	byDay := map[string]int64{}
	for _, d := range daily.ByDay {
		byDay[d.Date] = d.Revenue
	}
	labels, values := make([]string, chartDays), make([]int64, chartDays)
	for i := range chartDays {
		labels[i] = chartFrom.AddDate(0, 0, i).Format(time.DateOnly)
		values[i] = byDay[labels[i]]
	}
	p.Daily = newColumnChart(labels, values)
	p.MethodRows = p.Month.ByMethod
	labels, values = labels[:0], values[:0]
	for _, m := range p.Month.ByMethod {
		labels, values = append(labels, m.Method), append(values, m.Revenue)
	}
	p.Methods = newRowChart(labels, values)
	a.render(w, rq, "dashboard.html", "dashboard.title", p)
}
