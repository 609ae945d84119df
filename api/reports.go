package api

import (
	"encoding/json"
	"mime"
	"strings"

	"github.com/paydeck/paydeck/report"
)

// The report types are the report package's (shared with the admin pages);
// these names keep the API's schema names.
type (
	// StatsBucket sums the payments of one day, one method or the whole range.
	StatsBucket = report.StatsBucket
	// DayStats is one KST day of a stats report.
	DayStats = report.DayStats
	// MethodStats is one payment method of a stats report.
	MethodStats = report.MethodStats
	// Stats is a sales report over a range of KST days.
	Stats = report.Stats
	// Settlement is one payment of a settlement report.
	Settlement = report.Settlement
	// SettlementTotals sums a settlement report.
	SettlementTotals = report.SettlementTotals
	// Settlements is what the shop is owed for the payments approved in a
	// range of KST days.
	Settlements = report.Settlements
)

// wantsCSV reports whether an Accept header asks for text/csv.
func wantsCSV(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(part)); err == nil && mt == "text/csv" {
			return true
		}
	}
	return false
}

// encodeSettlements renders the report as JSON or as CSV (report's CSV: a
// header row, one row per payment, a final TOTAL row).
func encodeSettlements(r Settlements, asCSV bool) (contentType string, body []byte, err error) {
	if !asCSV {
		body, err = json.Marshal(r)
		return "application/json", body, err
	}
	body, err = r.CSV()
	return "text/csv; charset=utf-8", body, err
}
