package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/paydeck/paydeck"
)

// OutboxMessage is one mail message paydeck wrote (package notify).
type OutboxMessage struct {
	ID        int64      `json:"id" example:"12"`
	Kind      string     `json:"kind" example:"order_paid" doc:"Template: order_paid, va_issued, deposit_received, shipped, return_requested, return_approved, return_refused, refunded, shop_order_paid, shop_deposit, shop_low_stock, shop_return_requested."`
	To        string     `json:"to" example:"minji@example.com"`
	Subject   string     `json:"subject" example:"[paydeck] 주문 ORD20261204AB12CD34 결제가 완료되었습니다"`
	Status    string     `json:"status" enum:"pending,outbox,sent,retrying" doc:"outbox: kept here (no SMTP configured); retrying: the last SMTP attempt failed and will be retried."`
	Attempts  int        `json:"attempts"`
	LastError string     `json:"lastError,omitempty" doc:"The last SMTP failure, while retrying."`
	CreatedAt time.Time  `json:"createdAt"`
	SentAt    *time.Time `json:"sentAt" doc:"When the SMTP server accepted it; null otherwise."`
	Text      string     `json:"text" doc:"Plain-text part."`
	HTML      string     `json:"html" doc:"HTML part."`
}

type listOutboxInput struct {
	Limit  int `query:"limit" minimum:"1" maximum:"100" default:"50"`
	Offset int `query:"offset" minimum:"0" default:"0"`
}

type listOutboxOutput struct {
	Body struct {
		Items []OutboxMessage `json:"items"`
		Total int             `json:"total"`
	}
}

func (s *server) registerOutbox() {
	register(s, adminOnly, huma.Operation{
		OperationID: "listOutbox", Method: http.MethodGet, Path: "/api/admin/outbox", Tags: []string{"Admin"},
		Summary: "Mail outbox", Description: "Every mail message paydeck wrote to shoppers and to the shop, newest first, " +
			"with its status. Without PAYDECK_SMTP_URL this is where mail goes.",
		Errors: []int{http.StatusUnprocessableEntity},
	}, s.listOutbox)
}

func (s *server) listOutbox(ctx context.Context, in *listOutboxInput) (*listOutboxOutput, error) {
	var (
		msgs  []*paydeck.OutboxMessage
		total int
	)
	err := s.Store.View(ctx, func(tx paydeck.Tx) (err error) {
		msgs, total, err = tx.FindOutboxMessages(ctx, paydeck.OutboxFilter{Offset: in.Offset, Limit: in.Limit})
		return err
	})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &listOutboxOutput{}
	out.Body.Total = total
	out.Body.Items = make([]OutboxMessage, 0, len(msgs))
	for _, m := range msgs {
		out.Body.Items = append(out.Body.Items, OutboxMessage{ID: m.ID, Kind: m.Kind, To: m.To, Subject: m.Subject,
			Status: string(m.Status), Attempts: m.Attempts, LastError: m.LastError, CreatedAt: m.CreatedAt,
			SentAt: m.SentAt, Text: m.Text, HTML: m.HTML})
	}
	return out, nil
}
