package paydeck

import (
	"context"
	"time"
)

// OutboxStatus is where a mail message stands.
type OutboxStatus string

// Outbox statuses.
const (
	// OutboxPending: stored and its send job enqueued, not yet run.
	OutboxPending OutboxStatus = "pending"
	// OutboxKept: no SMTP server is configured, so the outbox is the
	// message's destination (shown at /admin/outbox).
	OutboxKept OutboxStatus = "outbox"
	// OutboxSent: the SMTP server accepted it.
	OutboxSent OutboxStatus = "sent"
	// OutboxRetrying: the last SMTP attempt failed; the job retries.
	OutboxRetrying OutboxStatus = "retrying"
)

// OutboxMessage is one mail message to a shopper or to the shop, stored in
// the transaction of the change it reports and sent by a River job.
type OutboxMessage struct {
	ID int64 `json:"id"`
	// Kind names the template, e.g. "order_paid" or "shop_low_stock".
	Kind      string       `json:"kind"`
	To        string       `json:"to"`
	Subject   string       `json:"subject"`
	Text      string       `json:"text"`
	HTML      string       `json:"html"`
	Status    OutboxStatus `json:"status"`
	Attempts  int          `json:"attempts"`
	LastError string       `json:"lastError"`
	CreatedAt time.Time    `json:"createdAt"`
	SentAt    *time.Time   `json:"sentAt"`
}

// OutboxFilter selects outbox messages, newest first.
type OutboxFilter struct {
	Offset int
	Limit  int
}

// ChainHooks returns one EventHook that runs hooks in order and stops at
// the first error, so outbound events and mail share the store's one hook
// point.
func ChainHooks(hooks ...EventHook) EventHook {
	return func(ctx context.Context, tx Tx, events []*PaymentEvent) error {
		for _, h := range hooks {
			if h == nil {
				continue
			}
			if err := h(ctx, tx, events); err != nil {
				return err
			}
		}
		return nil
	}
}
