package sqlcore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/paydeck/paydeck"
)

const eventCols = "id, order_id, payment_id, type, message, metadata, ip, user_agent, created_at, actor_id"

func scanEvent(r Rows) (*paydeck.PaymentEvent, error) {
	e := &paydeck.PaymentEvent{}
	err := r.Scan(&e.ID, scanText(&e.OrderID), scanText(&e.PaymentID), &e.Type, &e.Message,
		scanJSON((*[]byte)(&e.Metadata)), &e.IP, &e.UserAgent, scanTime(&e.CreatedAt), &e.ActorID)
	return e, err
}

// AppendEvent implements paydeck.Tx.
func (tx *Tx) AppendEvent(ctx context.Context, e *paydeck.PaymentEvent) error {
	if err := e.Validate(); err != nil {
		return err
	}
	for _, id := range []string{e.OrderID, e.PaymentID} {
		if id != "" && !paydeck.ValidUUID(id) {
			return paydeck.Errorf(paydeck.CodeConflict, "A referenced record does not exist.")
		}
	}
	e.CreatedAt = tx.now
	// Held back where the engine combines writes: its id is set by the
	// next statement, before the event hook reads it.
	err := tx.write(ctx, heldWrite{table: "payment_events", id: true,
		query: `INSERT INTO payment_events (order_id, payment_id, type, message, metadata, ip,
		user_agent, created_at, actor_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		args: []any{nullText(e.OrderID), nullText(e.PaymentID), string(e.Type), e.Message, jsonArg(e.Metadata), e.IP,
			e.UserAgent, tx.t(e.CreatedAt), e.ActorID},
		done: func(id int64) error { e.ID = id; return nil }})
	if err == nil {
		tx.appended = append(tx.appended, e)
	}
	return err
}

// FindEvents implements paydeck.Tx.
func (tx *Tx) FindEvents(ctx context.Context, f paydeck.EventFilter) ([]*paydeck.PaymentEvent, int, error) {
	w := &where{}
	for _, id := range []*string{f.OrderID, f.PaymentID} {
		if id != nil && !paydeck.ValidUUID(*id) {
			return []*paydeck.PaymentEvent{}, 0, nil
		}
	}
	if f.OrderID != nil {
		w.add("order_id = ?", *f.OrderID)
	}
	if f.PaymentID != nil {
		w.add("payment_id = ?", *f.PaymentID)
	}
	if f.Type != nil {
		w.add("type = ?", string(*f.Type))
	}
	return list(ctx, tx, eventCols, "FROM payment_events", w, "id", f.Offset, f.Limit, scanEvent)
}

const webhookCols = "id, event_type, body, headers, received_at, processed_at, result"

func scanWebhook(r Rows) (*paydeck.Webhook, error) {
	w := &paydeck.Webhook{}
	var headers []byte
	if err := r.Scan(&w.ID, &w.EventType, &w.Body, scanJSON(&headers), scanTime(&w.ReceivedAt),
		scanNullTime(&w.ProcessedAt), &w.Result); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(headers, &w.Headers); err != nil {
		return nil, fmt.Errorf("decode webhook headers: %w", err)
	}
	return w, nil
}

// webhookHeaders encodes w's headers for their column and makes a nil
// body an empty one (the column is NOT NULL).
func webhookHeaders(w *paydeck.Webhook) (string, error) {
	headers, err := json.Marshal(w.Headers)
	if err != nil {
		return "", fmt.Errorf("encode webhook headers: %w", err)
	}
	if w.Body == nil {
		w.Body = []byte{}
	}
	return string(headers), nil
}

// CreateWebhook implements paydeck.Tx.
func (tx *Tx) CreateWebhook(ctx context.Context, w *paydeck.Webhook) error {
	headers, err := webhookHeaders(w)
	if err != nil {
		return err
	}
	w.ReceivedAt = tx.now
	normTimePtrs(&w.ProcessedAt)
	w.ID, err = tx.insertID(ctx, `INSERT INTO webhooks (event_type, body, headers, received_at, processed_at, result)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		w.EventType, w.Body, headers, tx.t(w.ReceivedAt), tx.tp(w.ProcessedAt), w.Result)
	return err
}

// CreatePaymentWebhook implements paydeck.Tx.
func (tx *Tx) CreatePaymentWebhook(ctx context.Context, w *paydeck.Webhook, t paydeck.PaymentWebhookTriage) (bool, error) {
	if t.PaymentKey == "" {
		return false, nil
	}
	headers, err := webhookHeaders(w)
	if err != nil {
		return false, err
	}
	args := []any{w.EventType, w.Body, headers, tx.t(tx.now), tx.t(tx.now),
		t.Unknown, t.UnchangedBefore, t.UnchangedAfter, t.PaymentKey}
	unchanged := func(approved string, statuses []paydeck.PaymentStatus) string {
		if len(statuses) == 0 {
			return "1 = 0"
		}
		for _, s := range statuses {
			args = append(args, string(s))
		}
		return "p.approved_at IS " + approved + " AND p.status IN (" + placeholders(len(statuses)) + ")"
	}
	cond := "p.id IS NULL OR (" + unchanged("NULL", t.Unchanged) + ") OR (" + unchanged("NOT NULL", t.UnchangedApproved) + ")"
	var id int64
	var result string
	err = tx.queryRow(ctx, []any{&id, &result}, `INSERT INTO webhooks (event_type, body, headers, received_at,
		processed_at, result) SELECT ?, ?, ?, ?, ?, CASE WHEN p.id IS NULL THEN CAST(? AS TEXT)
		ELSE CAST(? AS TEXT) || p.status || CAST(? AS TEXT) END
		FROM (SELECT 1 AS one) one LEFT JOIN payments p ON p.payment_key = ?
		WHERE `+cond+` RETURNING id, result`, args...)
	if err == errNotFound {
		return false, nil
	} else if err != nil {
		return false, err
	}
	now := tx.now
	w.ID, w.ReceivedAt, w.ProcessedAt, w.Result = id, now, &now, result
	return true, nil
}

// FindWebhookByID implements paydeck.Tx.
func (tx *Tx) FindWebhookByID(ctx context.Context, id int64) (*paydeck.Webhook, error) {
	return first(ctx, tx, `SELECT `+webhookCols+` FROM webhooks WHERE id = ?`, []any{id}, scanWebhook,
		"Webhook not found.")
}

// FindWebhooks implements paydeck.Tx.
func (tx *Tx) FindWebhooks(ctx context.Context, f paydeck.WebhookFilter) ([]*paydeck.Webhook, int, error) {
	w := &where{}
	if f.Processed != nil && *f.Processed {
		w.add("processed_at IS NOT NULL")
	} else if f.Processed != nil {
		w.add("processed_at IS NULL")
	}
	return list(ctx, tx, webhookCols, "FROM webhooks", w, "id", f.Offset, f.Limit, scanWebhook)
}

// UpdateWebhook implements paydeck.Tx.
func (tx *Tx) UpdateWebhook(ctx context.Context, w *paydeck.Webhook) error {
	normTimePtrs(&w.ProcessedAt)
	n, err := tx.exec(ctx, "", `UPDATE webhooks SET processed_at = ?, result = ? WHERE id = ?`,
		tx.tp(w.ProcessedAt), w.Result, w.ID)
	return rowsOrNotFound(n, err, "Webhook not found.")
}

// DeleteWebhooks implements paydeck.Tx.
func (tx *Tx) DeleteWebhooks(ctx context.Context, processedBefore time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, nil
	}
	n, err := tx.exec(ctx, "", `DELETE FROM webhooks WHERE id IN (SELECT id FROM webhooks
		WHERE processed_at IS NOT NULL AND processed_at < ? ORDER BY id LIMIT ?)`, tx.t(processedBefore), limit)
	return int(n), err
}

const reportCols = "id, report_date, report, created_at"

func scanReport(r Rows) (*paydeck.ReconciliationReport, error) {
	rep := &paydeck.ReconciliationReport{}
	err := r.Scan(&rep.ID, &rep.Date, scanJSON((*[]byte)(&rep.Report)), scanTime(&rep.CreatedAt))
	return rep, err
}

// CreateReconciliationReport implements paydeck.Tx.
func (tx *Tx) CreateReconciliationReport(ctx context.Context, r *paydeck.ReconciliationReport) error {
	if err := r.Validate(); err != nil {
		return err
	}
	r.CreatedAt = tx.now
	var err error
	r.ID, err = tx.insertID(ctx, `INSERT INTO reconciliation_reports (report_date, report, created_at)
		VALUES (?, ?, ?) RETURNING id`, r.Date, string(r.Report), tx.t(r.CreatedAt))
	return err
}

// FindReconciliationReports implements paydeck.Tx.
func (tx *Tx) FindReconciliationReports(ctx context.Context, f paydeck.ReconciliationReportFilter) ([]*paydeck.ReconciliationReport, int, error) {
	w := &where{}
	if f.Date != nil {
		w.add("report_date = ?", *f.Date)
	}
	return list(ctx, tx, reportCols, "FROM reconciliation_reports", w, "id DESC", f.Offset, f.Limit, scanReport)
}
