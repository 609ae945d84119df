package sqlcore

import (
	"context"

	"github.com/paydeck/paydeck"
)

const outboxCols = "id, kind, to_addr, subject, text_body, html_body, status, attempts, last_error, created_at, sent_at"

func scanOutbox(r Rows) (*paydeck.OutboxMessage, error) {
	m := &paydeck.OutboxMessage{}
	err := r.Scan(&m.ID, &m.Kind, &m.To, &m.Subject, &m.Text, &m.HTML, (*string)(&m.Status), &m.Attempts,
		&m.LastError, scanTime(&m.CreatedAt), scanNullTime(&m.SentAt))
	return m, err
}

// CreateOutboxMessage implements paydeck.Tx. The insert is held back
// (combine.go).
func (tx *Tx) CreateOutboxMessage(ctx context.Context, m *paydeck.OutboxMessage, then func() error) error {
	if m.Kind == "" || m.To == "" || m.Subject == "" {
		return paydeck.Errorf(paydeck.CodeInvalid, "A mail message needs a kind, a recipient and a subject.")
	}
	if m.Status == "" {
		m.Status = paydeck.OutboxPending
	}
	m.CreatedAt = tx.now
	normTimePtrs(&m.SentAt)
	return tx.write(ctx, heldWrite{table: "outbox", id: true, then: then != nil,
		query: `INSERT INTO outbox (kind, to_addr, subject, text_body, html_body, status, attempts, last_error,
			created_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		args: []any{m.Kind, m.To, m.Subject, m.Text, m.HTML, string(m.Status), m.Attempts, m.LastError,
			tx.t(m.CreatedAt), tx.tp(m.SentAt)},
		done: func(id int64) error {
			m.ID = id
			if then == nil {
				return nil
			}
			return then()
		}})
}

// FindOutboxMessageByID implements paydeck.Tx.
func (tx *Tx) FindOutboxMessageByID(ctx context.Context, id int64) (*paydeck.OutboxMessage, error) {
	return first(ctx, tx, `SELECT `+outboxCols+` FROM outbox WHERE id = ?`, []any{id}, scanOutbox,
		"Mail message not found.")
}

// FindOutboxMessages implements paydeck.Tx.
func (tx *Tx) FindOutboxMessages(ctx context.Context, f paydeck.OutboxFilter) ([]*paydeck.OutboxMessage, int, error) {
	return list(ctx, tx, outboxCols, "FROM outbox", &where{}, "id DESC", f.Offset, f.Limit, scanOutbox)
}

// UpdateOutboxMessage implements paydeck.Tx.
func (tx *Tx) UpdateOutboxMessage(ctx context.Context, m *paydeck.OutboxMessage) error {
	normTimePtrs(&m.SentAt)
	n, err := tx.exec(ctx, "", `UPDATE outbox SET status = ?, attempts = ?, last_error = ?, sent_at = ? WHERE id = ?`,
		string(m.Status), m.Attempts, m.LastError, tx.tp(m.SentAt), m.ID)
	return rowsOrNotFound(n, err, "Mail message not found.")
}
