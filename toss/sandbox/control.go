package sandbox

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"time"
)

// The control API (sandbox only) under /v1/sandbox/, with the same Basic
// auth as the core API and, when Options.ControlToken is set, that token in
// ControlTokenHeader. Errors use Toss's {code, message} body.

// ControlTokenHeader carries Options.ControlToken on control API requests.
const ControlTokenHeader = "X-Sandbox-Control-Token"

func (s *Server) registerControlRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/sandbox/authorize", s.control(s.ctlAuthorize))
	mux.HandleFunc("POST /v1/sandbox/billing/auth-keys", s.control(s.ctlAuthKey))
	mux.HandleFunc("PUT /v1/sandbox/billing/declines", s.control(s.ctlDeclineBilling))
	mux.HandleFunc("POST /v1/sandbox/virtual-accounts/{paymentKey}/deposit", s.control(s.ctlDeposit))
	mux.HandleFunc("POST /v1/sandbox/clock/advance", s.control(s.ctlAdvance))
	mux.HandleFunc("GET /v1/sandbox/clock", s.control(s.ctlClock))
	mux.HandleFunc("GET /v1/sandbox/webhooks", s.control(s.ctlWebhooks))
	mux.HandleFunc("POST /v1/sandbox/webhooks/flush", s.control(s.ctlFlush))
	mux.HandleFunc("GET /v1/sandbox/faults", s.control(s.ctlGetFaults))
	mux.HandleFunc("PUT /v1/sandbox/faults", s.control(s.ctlPutFaults))
	mux.HandleFunc("DELETE /v1/sandbox/faults", s.control(s.ctlDeleteFaults))
	mux.HandleFunc("POST /v1/sandbox/reset", s.control(s.ctlReset))
}

// control authenticates (control token, then key) and runs a control
// handler (which locks as needed).
func (s *Server) control(h func(pair uint8, r *http.Request, body []byte) result) http.HandlerFunc {
	want := []byte(s.opts.ControlToken)
	return func(w http.ResponseWriter, r *http.Request) {
		if len(want) > 0 && subtle.ConstantTimeCompare([]byte(r.Header.Get(ControlTokenHeader)), want) != 1 {
			e := newError("UNAUTHORIZED_KEY", "샌드박스 제어 API에는 "+ControlTokenHeader+" 헤더가 필요합니다.")
			s.write(w, errResult(e))
			return
		}
		pair, e := authenticate(r)
		if e != nil {
			s.write(w, errResult(e))
			return
		}
		body, e := readBody(r)
		if e != nil {
			s.write(w, errResult(e))
			return
		}
		s.write(w, h(pair, r, body))
	}
}

func decodeBody(body []byte, v any) *apiError {
	if len(body) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		return errInvalid("요청 본문의 JSON 형식이 올바르지 않습니다.")
	}
	return nil
}

// ctlAuthorize does what the payment window does on "approve": an
// IN_PROGRESS payment for the secret key's client key.
func (s *Server) ctlAuthorize(pair uint8, _ *http.Request, body []byte) result {
	var req struct {
		OrderID             string `json:"orderId"`
		Amount              amount `json:"amount"`
		OrderName           string `json:"orderName"`
		Method              string `json:"method"`
		EasyPay             string `json:"easyPay"`
		CustomerKey         string `json:"customerKey"`
		CustomerName        string `json:"customerName"`
		CustomerEmail       string `json:"customerEmail"`
		CustomerMobilePhone string `json:"customerMobilePhone"`
		TaxFreeAmount       amount `json:"taxFreeAmount"`
		CashReceipt         *struct {
			Type               string `json:"type"`
			RegistrationNumber string `json:"registrationNumber"`
		} `json:"cashReceipt"`
	}
	if e := decodeBody(body, &req); e != nil {
		return errResult(e)
	}
	var receiptType, receiptNumber string
	if cr := req.CashReceipt; cr != nil {
		receiptType, receiptNumber = cr.Type, cr.RegistrationNumber
	}
	if req.Method == "" {
		req.Method = "CARD"
	}
	out, e := s.authorize(authorizeInput{
		ClientKey: keyPairs[pair].client, Method: req.Method, EasyPay: req.EasyPay, Amount: req.Amount.v,
		OrderID: req.OrderID, OrderName: req.OrderName, CustomerKey: req.CustomerKey, CustomerName: req.CustomerName,
		CustomerEmail: req.CustomerEmail, CustomerMobilePhone: req.CustomerMobilePhone,
		TaxFreeAmount: req.TaxFreeAmount.v, CashReceiptType: receiptType, CashReceiptNumber: receiptNumber,
	})
	if e != nil {
		return errResult(e)
	}
	return jsonResult(struct {
		PaymentKey  string `json:"paymentKey"`
		OrderID     string `json:"orderId"`
		Amount      int64  `json:"amount"`
		PaymentType string `json:"paymentType"`
	}{out.PaymentKey, out.OrderID, out.Amount, out.PaymentType})
}

// ctlAuthKey issues a billing authKey, as requestBillingAuth would.
func (s *Server) ctlAuthKey(pair uint8, _ *http.Request, body []byte) result {
	var req struct {
		CustomerKey string `json:"customerKey"`
	}
	if e := decodeBody(body, &req); e != nil {
		return errResult(e)
	}
	key, e := s.issueAuthKey(keyPairs[pair].client, req.CustomerKey)
	if e != nil {
		return errResult(e)
	}
	return jsonResult(map[string]string{"authKey": key, "customerKey": req.CustomerKey})
}

// ctlDeposit deposits the full amount into a waiting virtual account.
func (s *Server) ctlDeposit(_ uint8, r *http.Request, body []byte) result {
	var req struct {
		DepositorName string `json:"depositorName"`
	}
	if e := decodeBody(body, &req); e != nil {
		return errResult(e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.nowLocked()
	p, e := s.depositLocked(r.PathValue("paymentKey"), req.DepositorName, now)
	if e != nil {
		return errResult(e)
	}
	return result{status: http.StatusOK, body: s.renderPayment(p, now)}
}

func (s *Server) clockResult() result {
	s.mu.Lock()
	now := s.nowLocked()
	s.mu.Unlock()
	return jsonResult(map[string]string{"now": fmtTime(now)})
}

// ctlAdvance moves the sandbox clock forward, then expires what is due and
// attempts every due webhook before answering (so tests are deterministic).
func (s *Server) ctlAdvance(_ uint8, r *http.Request, body []byte) result {
	var req struct {
		Seconds int64 `json:"seconds"`
	}
	if e := decodeBody(body, &req); e != nil {
		return errResult(e)
	}
	if req.Seconds < 0 || req.Seconds > 10*365*24*3600 {
		return errResult(errInvalid("seconds는 0 이상이어야 합니다 (시계는 되돌릴 수 없습니다)."))
	}
	s.mu.Lock()
	s.offset += time.Duration(req.Seconds) * time.Second
	s.sweepLocked(s.nowLocked())
	s.dirty = true
	s.mu.Unlock()
	s.flush(r.Context())
	return s.clockResult()
}

func (s *Server) ctlClock(uint8, *http.Request, []byte) result { return s.clockResult() }

func (s *Server) ctlWebhooks(uint8, *http.Request, []byte) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	pending := make([]delivery, len(s.hooks.pending))
	for i, d := range s.hooks.pending {
		pending[i] = *d
	}
	return jsonResult(struct {
		Attempts []attempt  `json:"attempts"`
		Pending  []delivery `json:"pending"`
	}{append([]attempt{}, s.hooks.attempts...), pending})
}

// ctlFlush attempts every due webhook before answering.
func (s *Server) ctlFlush(_ uint8, r *http.Request, _ []byte) result {
	n := s.flush(r.Context())
	return jsonResult(map[string]int{"attempted": n})
}

func (s *Server) faultsResult() result {
	s.mu.Lock()
	defer s.mu.Unlock()
	return jsonResult(map[string][]fault{"faults": append([]fault{}, s.faults...)})
}

func (s *Server) ctlGetFaults(uint8, *http.Request, []byte) result { return s.faultsResult() }

// ctlPutFaults replaces the fault set: {"faults": [fault…]}.
func (s *Server) ctlPutFaults(_ uint8, _ *http.Request, body []byte) result {
	var req struct {
		Faults []fault `json:"faults"`
	}
	if len(body) == 0 {
		return errResult(errInvalid("faults가 필요합니다."))
	}
	if e := decodeBody(body, &req); e != nil {
		return errResult(e)
	}
	for i := range req.Faults {
		if msg := req.Faults[i].validate(); msg != "" {
			return errResult(errInvalid(msg))
		}
	}
	s.mu.Lock()
	s.faults = req.Faults
	s.faultsOn.Store(len(req.Faults) > 0)
	s.mu.Unlock()
	return s.faultsResult()
}

func (s *Server) ctlDeleteFaults(uint8, *http.Request, []byte) result {
	s.mu.Lock()
	s.faults = nil
	s.declines = nil
	s.faultsOn.Store(false)
	s.mu.Unlock()
	return s.faultsResult()
}

// ctlReset empties all state: payments, keys, receipts, idempotency keys,
// faults, webhooks, and the clock offset.
func (s *Server) ctlReset(uint8, *http.Request, []byte) result {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st = newState()
	s.idem = make(map[idemKey]*idemEntry)
	s.faults = nil
	s.declines = nil
	s.faultsOn.Store(false)
	s.hooks = hookQueue{gen: s.hooks.gen + 1}
	s.offset = 0
	s.dirty = true
	return jsonResult(map[string]bool{"reset": true})
}
