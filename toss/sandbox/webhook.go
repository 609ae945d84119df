package sandbox

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"
)

const (
	webhookTimeout = 10 * time.Second // docs/toss.md#webhook-retries: answer within 10 s
	holdLimit      = int64(time.Minute)
	// maxAttempts is how many attempts (with their bodies) GET
	// /v1/sandbox/webhooks keeps; when full, the oldest quarter goes at
	// once, so that recording an attempt does not shift the whole log.
	maxAttempts = 2000
)

// retryDelays is Toss's schedule after a failed attempt (docs/toss.md#webhook-retries):
// 7 retries, ×4 each time, on the sandbox clock.
var retryDelays = [...]time.Duration{
	time.Minute, 4 * time.Minute, 16 * time.Minute, 64 * time.Minute,
	256 * time.Minute, 1024 * time.Minute, 4096 * time.Minute,
}

// delivery is one queued webhook.
type delivery struct {
	ID        string          `json:"transmissionId"`
	Event     string          `json:"eventType"`
	OrderID   string          `json:"orderId"`
	Body      json.RawMessage `json:"body"`
	Retries   int             `json:"retriedCount"`
	NextAt    int64           `json:"nextAt"`
	Seq       uint64          `json:"seq"`
	Held      bool            `json:"held,omitempty"` // out-of-order fault: waits for the order's next event
	HeldUntil int64           `json:"heldUntil,omitempty"`
}

// attempt is one delivery attempt, as listed by GET /v1/sandbox/webhooks.
type attempt struct {
	TransmissionID string          `json:"transmissionId"`
	EventType      string          `json:"eventType"`
	OrderID        string          `json:"orderId"`
	Target         string          `json:"target"`
	Body           json.RawMessage `json:"body"`
	RetriedCount   int             `json:"retriedCount"`
	Status         int             `json:"status"` // HTTP status; 0 when there was no response
	Error          string          `json:"error,omitempty"`
	Outcome        string          `json:"outcome"` // delivered, retrying, failed
	At             string          `json:"at"`      // sandbox time of the attempt
}

type hookQueue struct {
	pending  []*delivery
	attempts []attempt
	seq      uint64
	gen      uint64 // bumped by reset, so in-flight results are dropped
}

// paymentEventLocked queues PAYMENT_STATUS_CHANGED with the whole Payment
// (docs/toss.md#payment-status-changed).
func (s *Server) paymentEventLocked(p *payment, now int64) {
	if s.opts.WebhookURL == "" {
		return
	}
	w := jw{b: make([]byte, 0, 2048)}
	w.open()
	w.str("eventType", "PAYMENT_STATUS_CHANGED")
	w.str("createdAt", kstTime(now).Format(hookLayout))
	w.key("data")
	s.writePayment(&w, p, now)
	w.close()
	// The body is kept until delivered and then in the attempt log: keep
	// its bytes, not the buffer's spare capacity.
	s.enqueueLocked("PAYMENT_STATUS_CHANGED", p.OrderID, bytes.Clone(w.b), now)
}

// depositEventLocked queues DEPOSIT_CALLBACK, the flat virtual-account body
// of docs/toss.md#deposit-callback (no eventType member, as in Toss's example).
func (s *Server) depositEventLocked(p *payment, tx txKey, now int64) {
	if s.opts.WebhookURL == "" {
		return
	}
	body, _ := json.Marshal(struct {
		CreatedAt      string `json:"createdAt"`
		Secret         string `json:"secret"`
		Status         string `json:"status"`
		TransactionKey string `json:"transactionKey"`
		OrderID        string `json:"orderId"`
	}{kstTime(now).Format(hookLayout), p.Secret, p.Status.String(), tx.String(), p.OrderID})
	s.enqueueLocked("DEPOSIT_CALLBACK", p.OrderID, body, now)
}

// cancelEventLocked queues CANCEL_STATUS_CHANGED with the Cancel object
// (docs/toss.md#cancel-status-changed).
func (s *Server) cancelEventLocked(orderID string, c *cancel, now int64) {
	if s.opts.WebhookURL == "" {
		return
	}
	w := jw{b: make([]byte, 0, 512)}
	w.open()
	w.str("eventType", "CANCEL_STATUS_CHANGED")
	w.str("createdAt", kstTime(now).Format(hookLayout))
	w.key("data")
	writeCancel(&w, c, now)
	w.close()
	s.enqueueLocked("CANCEL_STATUS_CHANGED", orderID, w.b, now)
}

// billingDeletedEventLocked queues BILLING_DELETED (docs/toss.md#billing-deleted).
func (s *Server) billingDeletedEventLocked(billingKey string, now int64) {
	if s.opts.WebhookURL == "" {
		return
	}
	type data struct {
		BillingKey string `json:"billingKey"`
		Reason     string `json:"reason"`
	}
	body, _ := json.Marshal(struct {
		EventType string `json:"eventType"`
		CreatedAt string `json:"createdAt"`
		Data      data   `json:"data"`
	}{"BILLING_DELETED", kstTime(now).Format(hookLayout), data{billingKey, "삭제 API 요청"}})
	s.enqueueLocked("BILLING_DELETED", "", body, now)
}

// enqueueLocked queues an event for immediate delivery, applying webhook
// faults: delay, duplicate (same transmission id twice) and out-of-order (held until the
// order's next event was queued, then sent right after it; released after a
// minute of sandbox time when no other event comes).
func (s *Server) enqueueLocked(event, orderID string, body []byte, now int64) {
	q := &s.hooks
	q.seq++
	d := &delivery{ID: s.newTransmissionIDLocked(), Event: event, OrderID: orderID, Body: body, NextAt: now, Seq: q.seq}
	released := false
	for _, h := range q.pending {
		if h.Held && orderID != "" && h.OrderID == orderID {
			q.seq++
			h.Held, h.NextAt, h.Seq = false, now, q.seq
			released = true
		}
	}
	if f := s.webhookFaultLocked(orderID); f != nil {
		d.NextAt += f.WebhookDelaySeconds * int64(time.Second)
		if f.OutOfOrderWebhook && !released {
			d.Held, d.HeldUntil = true, now+holdLimit
		}
		if f.DuplicateWebhook {
			dup := *d
			q.seq++
			dup.Seq = q.seq
			q.pending = append(q.pending, &dup)
		}
	}
	q.pending = append(q.pending, d)
	s.dirty = true
	s.signal()
}

// flush attempts every due delivery, in (due time, queue order). It returns
// when nothing more is due; failed attempts are rescheduled on Toss's retry
// schedule. Concurrent flushes run one after the other, so a flush that
// returns has seen every delivery due when it was called.
func (s *Server) flush(ctx context.Context) int {
	s.deliverMu.Lock()
	defer s.deliverMu.Unlock()
	n := 0
	for ctx.Err() == nil {
		s.mu.Lock()
		now, gen := s.nowLocked(), s.hooks.gen
		var due, rest []*delivery
		for _, d := range s.hooks.pending {
			if d.Held && now >= d.HeldUntil {
				d.Held = false
			}
			if !d.Held && d.NextAt <= now {
				due = append(due, d)
			} else {
				rest = append(rest, d)
			}
		}
		s.hooks.pending = rest
		s.mu.Unlock()
		if len(due) == 0 {
			return n
		}
		slices.SortFunc(due, func(a, b *delivery) int {
			return cmp.Or(cmp.Compare(a.NextAt, b.NextAt), cmp.Compare(a.Seq, b.Seq))
		})
		for i, d := range due {
			if ctx.Err() != nil {
				s.requeue(gen, due[i:])
				return n
			}
			s.attempt(ctx, gen, d)
			n++
		}
	}
	return n
}

func (s *Server) requeue(gen uint64, ds []*delivery) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen == s.hooks.gen {
		s.hooks.pending = append(s.hooks.pending, ds...)
	}
}

// attempt posts d once with the headers of docs/toss.md#webhook-delivery and records it.
func (s *Server) attempt(ctx context.Context, gen uint64, d *delivery) {
	s.mu.Lock()
	now := s.nowLocked()
	s.mu.Unlock()
	status, err := s.post(ctx, d, now)
	if ctx.Err() != nil { // shutting down: not an attempt, keep it queued
		s.requeue(gen, []*delivery{d})
		return
	}
	a := attempt{TransmissionID: d.ID, EventType: d.Event, OrderID: d.OrderID, Target: s.opts.WebhookURL,
		Body: d.Body, RetriedCount: d.Retries, Status: status, At: fmtTime(now), Outcome: "delivered"}
	if err != nil {
		a.Error = err.Error()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen != s.hooks.gen {
		return
	}
	if status != http.StatusOK {
		a.Outcome = "failed"
		if d.Retries < len(retryDelays) {
			a.Outcome = "retrying"
			d.NextAt = now + int64(retryDelays[d.Retries])
			d.Retries++
			s.hooks.pending = append(s.hooks.pending, d)
		} else {
			s.log.Warn("sandbox: webhook gave up", slog.String("event", d.Event), slog.String("transmissionId", d.ID))
		}
	}
	s.log.Debug("sandbox: webhook attempt", slog.String("event", d.Event), slog.String("transmissionId", d.ID),
		slog.Int("retriedCount", a.RetriedCount), slog.Int("status", status), slog.String("outcome", a.Outcome))
	if len(s.hooks.attempts) >= maxAttempts {
		s.hooks.attempts = slices.Delete(s.hooks.attempts, 0, len(s.hooks.attempts)-maxAttempts*3/4)
	}
	s.hooks.attempts = append(s.hooks.attempts, a)
	s.dirty = true
}

func (s *Server) post(ctx context.Context, d *delivery, now int64) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, webhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.opts.WebhookURL, bytes.NewReader(d.Body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("tosspayments-webhook-transmission-time", fmtTime(now))
	req.Header.Set("tosspayments-webhook-transmission-retried-count", strconv.Itoa(d.Retries))
	req.Header.Set("tosspayments-webhook-transmission-id", d.ID)
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	return resp.StatusCode, nil
}
