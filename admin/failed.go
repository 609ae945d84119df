package admin

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/payment"
)

// failedShown is how many of the newest failed attempts the page lists.
const failedShown = 200

// failedTypes are the events of a payment attempt that did not end paid:
// attempt_failed (the window closed or Toss declined in it, learnt from the
// fail redirect), failed (Toss refused the confirm) and confirm_rejected
// (paydeck refused the confirm without asking Toss: wrong amount, order
// not payable or already paid).
var failedTypes = []paydeck.EventType{paydeck.EventAttemptFailed, paydeck.EventFailed, paydeck.EventConfirmRejected}

// failedRow is one failed attempt.
type failedRow struct {
	At      time.Time
	OrderID string
	Type    paydeck.EventType
	// Code is Toss's code ("" for paydeck's own refusals); Reason its
	// message key (the shopper's sentence); Message Toss's or paydeck's
	// message.
	Code, Reason, Message string
}

// failedPage lists the newest failed attempts.
type failedPage struct {
	Rows []failedRow
	// Total is how many there are in all (Rows holds at most failedShown).
	Total int
}

// failedPayments lists the newest failed payment attempts, newest first,
// with Toss's code, the sentence the shopper saw and Toss's message.
func (a *app) failedPayments(w http.ResponseWriter, r *http.Request, rq *request) {
	ctx := r.Context()
	var p failedPage
	err := a.d.Store.View(ctx, func(tx paydeck.Tx) error {
		var events []*paydeck.PaymentEvent
		for _, typ := range failedTypes {
			_, n, err := tx.FindEvents(ctx, paydeck.EventFilter{Type: &typ, Limit: 1})
			if err != nil {
				return err
			}
			p.Total += n
			es, _, err := tx.FindEvents(ctx, paydeck.EventFilter{Type: &typ, Offset: max(n-failedShown, 0), Limit: failedShown})
			if err != nil {
				return err
			}
			events = append(events, es...)
		}
		slices.SortFunc(events, func(x, y *paydeck.PaymentEvent) int {
			return cmp.Or(y.CreatedAt.Compare(x.CreatedAt), cmp.Compare(y.ID, x.ID))
		})
		orderIDs := map[string]string{}
		for _, e := range events[:min(len(events), failedShown)] {
			if _, ok := orderIDs[e.OrderID]; !ok && e.OrderID != "" {
				o, err := tx.FindOrderByID(ctx, e.OrderID)
				if err != nil && paydeck.ErrorCode(err) != paydeck.CodeNotFound {
					return err
				} else if err == nil {
					orderIDs[e.OrderID] = o.OrderID
				}
			}
			p.Rows = append(p.Rows, failedRowOf(e, orderIDs[e.OrderID]))
		}
		return nil
	})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	a.render(w, rq, "failed.html", "failed.title", p)
}

// failedRowOf reads one failed attempt's event.
func failedRowOf(e *paydeck.PaymentEvent, orderID string) failedRow {
	var meta struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(e.Metadata, &meta) // absent or foreign metadata: no code
	row := failedRow{At: e.CreatedAt, OrderID: orderID, Type: e.Type, Code: meta.Code, Message: meta.Message}
	if row.Message == "" {
		row.Message = strings.TrimPrefix(e.Message, "payment aborted: ")
	}
	switch {
	case row.Code == "":
	case payment.FailureKnown(row.Code):
		row.Reason = "toss." + row.Code
	default:
		row.Reason = "toss.unknown"
	}
	return row
}
