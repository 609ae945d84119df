package sandbox

import (
	"encoding/binary"
	"encoding/json"
)

// fault is one injected failure (PUT /v1/sandbox/faults). It applies to
// requests (or webhooks) of OrderID, or to all when OrderID is "", with
// Probability (0 means always), at most Times times (0 means unlimited).
type fault struct {
	OrderID     string  `json:"orderId,omitempty"`
	Operation   string  `json:"operation,omitempty"` // confirm, get, cancel, key-in, virtual-account, billing-issue, billing-charge, billing-delete, transactions, settlements, cash-receipt, cash-receipt-cancel, cash-receipts; "" = all
	Probability float64 `json:"probability,omitempty"`
	Times       int     `json:"times,omitempty"`

	ErrorCode       string `json:"errorCode,omitempty"`       // answer with this Toss error instead of processing
	LatencyMs       int    `json:"latencyMs,omitempty"`       // real-time delay before processing
	Hang            bool   `json:"hang,omitempty"`            // never answer (until the client gives up), process nothing
	ApproveThenDrop bool   `json:"approveThenDrop,omitempty"` // process, then cut the connection
	// UndecodableResponse processes the request, then answers its 2xx with
	// a body that is not the JSON the client expects (a proxy's error page,
	// a truncated body). The Idempotency-Key keeps the real answer.
	UndecodableResponse bool `json:"undecodableResponse,omitempty"`

	DuplicateWebhook    bool  `json:"duplicateWebhook,omitempty"`    // deliver each webhook twice
	OutOfOrderWebhook   bool  `json:"outOfOrderWebhook,omitempty"`   // hold a webhook until the order's next one went first
	WebhookDelaySeconds int64 `json:"webhookDelaySeconds,omitempty"` // first attempt this much sandbox time later

	// AsyncCancelSeconds makes cancels asynchronous, as for overseas easy
	// pay: cancelStatus IN_PROGRESS, then DONE and CANCEL_STATUS_CHANGED
	// after this much sandbox time.
	AsyncCancelSeconds int64 `json:"asyncCancelSeconds,omitempty"`

	used int
}

func (f *fault) requestFault() bool {
	return f.ErrorCode != "" || f.LatencyMs > 0 || f.Hang || f.ApproveThenDrop || f.UndecodableResponse || f.AsyncCancelSeconds > 0
}

func (f *fault) webhookFault() bool {
	return f.DuplicateWebhook || f.OutOfOrderWebhook || f.WebhookDelaySeconds > 0
}

// validate returns a message for an unusable fault.
func (f *fault) validate() string {
	switch {
	case f.ErrorCode != "" && codeStatus[f.ErrorCode] == 0:
		return "알 수 없는 errorCode입니다: " + f.ErrorCode
	case f.Probability < 0 || f.Probability > 1:
		return "probability는 0과 1 사이여야 합니다."
	case f.OrderID != "" && !validOrderID(f.OrderID):
		return "orderId 형식이 올바르지 않습니다."
	case f.LatencyMs < 0 || f.Times < 0 || f.WebhookDelaySeconds < 0 || f.AsyncCancelSeconds < 0:
		return "음수 값은 허용되지 않습니다."
	case !f.requestFault() && !f.webhookFault():
		return "적용할 장애가 없습니다."
	}
	return ""
}

// takeLocked reports whether f fires now, counting the use.
func (s *Server) takeLocked(f *fault) bool {
	if f.Times > 0 && f.used >= f.Times {
		return false
	}
	if f.Probability > 0 && f.Probability < 1 {
		var b [8]byte
		s.randBytesLocked(b[:])
		if float64(binary.BigEndian.Uint64(b[:])>>11)/(1<<53) >= f.Probability {
			return false
		}
	}
	f.used++
	return true
}

// pickFault returns a copy of the first request fault that fires for c.
func (s *Server) pickFault(op string, c *call) *fault {
	if !s.faultsOn.Load() {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	orderID := s.orderIDOfLocked(c)
	for i := range s.faults {
		f := &s.faults[i]
		if !f.requestFault() || (f.Operation != "" && f.Operation != op) || (f.OrderID != "" && f.OrderID != orderID) {
			continue
		}
		if s.takeLocked(f) {
			cp := *f
			return &cp
		}
	}
	return nil
}

// webhookFaultLocked returns the first webhook fault that fires for orderID.
func (s *Server) webhookFaultLocked(orderID string) *fault {
	for i := range s.faults {
		f := &s.faults[i]
		if f.webhookFault() && (f.OrderID == "" || f.OrderID == orderID) && s.takeLocked(f) {
			return f
		}
	}
	return nil
}

// orderIDOfLocked finds the orderId a request is about: the body's orderId,
// the path's orderId, or the order of the path's paymentKey.
func (s *Server) orderIDOfLocked(c *call) string {
	var b struct {
		OrderID string `json:"orderId"`
	}
	if len(c.body) > 0 && json.Unmarshal(c.body, &b) == nil && b.OrderID != "" {
		return b.OrderID
	}
	if id := c.r.PathValue("orderId"); id != "" {
		return id
	}
	if p, ok := s.st.payments[c.r.PathValue("paymentKey")]; ok {
		return p.OrderID
	}
	return ""
}

// abortForFault turns a forced 403 on confirm into what Toss does with a
// rejected approval: the payment becomes ABORTED with the failure recorded
// (docs/toss.md#payment-status), and a webhook is sent.
func (s *Server) abortForFault(c *call, e *apiError) {
	var b struct {
		PaymentKey string `json:"paymentKey"`
	}
	if json.Unmarshal(c.body, &b) != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.nowLocked()
	p, ok := s.st.payments[b.PaymentKey]
	if !ok || keyPairs[p.Pair].fam != keyPairs[c.pair].fam {
		return
	}
	if s.refreshLocked(p, now); p.Status != statusInProgress {
		return
	}
	s.touchLocked(p)
	delete(s.st.pending, p)
	p.Status = statusAborted
	p.Failure = &failure{Code: e.Code, Message: e.Message}
	s.dirty = true
	s.paymentEventLocked(p, now)
}

// undecodableBody is what an UndecodableResponse fault answers instead of a
// 2xx body: the status stays, the JSON is cut short.
const undecodableBody = `{"mId":"tvivarepublica","paymentKey":`

// spoil applies the fault's change to the answer of a processed request.
func (f *fault) spoil(res result) result {
	if f == nil || !f.UndecodableResponse || res.status < 200 || res.status > 299 {
		return res
	}
	return result{status: res.status, body: []byte(undecodableBody)}
}
