package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"
)

// call is one authenticated core-API request.
type call struct {
	r    *http.Request
	body []byte
	pair uint8
	now  int64    // sandbox time, set when the handler runs under s.mu
	ik   *idemKey // the request's idempotency key, if any

	asyncCancel int64 // seconds; from an asyncCancelSeconds fault
}

// result is a handler's response. When pay is set the body was rendered
// from that payment, and the idempotency cache keeps a reference to it
// instead of the bytes (see idemEntry).
type result struct {
	status int
	body   []byte
	pay    *payment
}

func errResult(e *apiError) result { return result{status: e.Status, body: e.body()} }

func jsonResult(v any) result {
	b, err := json.Marshal(v)
	if err != nil {
		panic("sandbox: render: " + err.Error()) // only plain types: cannot fail
	}
	return result{status: http.StatusOK, body: b}
}

func (s *Server) paymentResult(c *call, p *payment) result {
	return result{status: http.StatusOK, body: s.renderPaymentPooled(p, c.now), pay: p}
}

// handler runs with s.mu held; it must not block.
type handler func(c *call) result

const maxBody = 1 << 20

func (s *Server) registerAPIRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/payments/confirm", s.api("confirm", s.confirm))
	mux.HandleFunc("GET /v1/payments/{paymentKey}", s.api("get", s.getPayment))
	mux.HandleFunc("GET /v1/payments/orders/{orderId}", s.api("get", s.getPaymentByOrder))
	mux.HandleFunc("POST /v1/payments/{paymentKey}/cancel", s.api("cancel", s.cancelPayment))
	mux.HandleFunc("POST /v1/payments/key-in", s.api("key-in", s.keyIn))
	mux.HandleFunc("POST /v1/virtual-accounts", s.api("virtual-account", s.issueVirtualAccount))
	mux.HandleFunc("POST /v1/billing/authorizations/issue", s.api("billing-issue", s.issueBillingFromAuthKey))
	mux.HandleFunc("POST /v1/billing/authorizations/card", s.api("billing-issue", s.issueBillingFromCard))
	mux.HandleFunc("POST /v1/billing/{billingKey}", s.api("billing-charge", s.chargeBilling))
	mux.HandleFunc("DELETE /v1/billing/{billingKey}", s.api("billing-delete", s.deleteBilling))
	mux.HandleFunc("GET /v1/transactions", s.api("transactions", s.listTransactions))
	mux.HandleFunc("GET /v1/settlements", s.api("settlements", s.listSettlements))
	mux.HandleFunc("POST /v1/cash-receipts", s.api("cash-receipt", s.issueCashReceipt))
	mux.HandleFunc("POST /v1/cash-receipts/{receiptKey}/cancel", s.api("cash-receipt-cancel", s.cancelCashReceipt))
	mux.HandleFunc("GET /v1/cash-receipts", s.api("cash-receipts", s.listCashReceipts))
}

// outcome says what happens to the connection after a handler.
type outcome uint8

const (
	respond   outcome = iota
	dropAfter         // approve-then-drop: processed, then the connection is cut
	hangUp            // hang fault: nothing processed, connection cut
	transient         // injected 409, 429 or 5xx: answered, nothing processed or stored
)

// api wraps a handler with Toss's request pipeline: Basic auth, the
// Idempotency-Key cache (API.md §1.3), TossPayments-Test-Code (§1.4) and
// fault injection. op names the operation for faults.
func (s *Server) api(op string, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
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
		c := &call{r: r, body: body, pair: pair}
		if key := r.Header.Get("Idempotency-Key"); key != "" && r.Method == http.MethodPost {
			if len(key) > maxIdemKeyLen {
				s.write(w, errResult(newError("INVALID_IDEMPOTENCY_KEY", "멱등키는 300자 이하여야 합니다.")))
				return
			}
			ik := makeIdemKey(pair, r, key)
			prev, busy := s.idemBegin(ik)
			if busy {
				s.write(w, errResult(newError("IDEMPOTENT_REQUEST_PROCESSING", "이전 멱등 요청이 처리 중입니다. 잠시 후 다시 시도해주세요.")))
				return
			}
			if prev != nil {
				s.write(w, *prev)
				return
			}
			c.ik = &ik
		}
		res, out := s.run(op, c, h)
		if c.ik != nil && (out == hangUp || out == transient) {
			s.idemForget(*c.ik)
		}
		if out == transient {
			out = respond
		}
		if out != respond {
			panic(http.ErrAbortHandler) // cut the connection without a response
		}
		s.write(w, res)
		if res.pay != nil { // the body is a pooled buffer that nothing else keeps
			b := res.body[:0]
			bufPool.Put(&b)
		}
	}
}

// readBody reads a request body of at most maxBody bytes.
func readBody(r *http.Request) ([]byte, *apiError) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return nil, errInvalid("요청 본문을 읽을 수 없습니다.")
	}
	return body, nil
}

// run executes the request and stores its response for the request's
// idempotency key (payment responses are stored inside execute).
func (s *Server) run(op string, c *call, h handler) (result, outcome) {
	res, out := s.execute(op, c, h)
	if out != hangUp && out != transient && c.ik != nil && res.pay == nil {
		s.mu.Lock()
		s.idemFinishLocked(*c.ik, res)
		s.mu.Unlock()
	}
	return res, out
}

// execute applies TossPayments-Test-Code and faults, then runs h under s.mu.
func (s *Server) execute(op string, c *call, h handler) (result, outcome) {
	if code := c.r.Header.Get("TossPayments-Test-Code"); code != "" {
		e, ok := forcedError(code)
		if !ok {
			e = newError("INVALID_TEST_CODE", "유효하지 않은 테스트 코드입니다: "+code)
		}
		return errResult(e), respond
	}
	f := s.pickFault(op, c)
	if f != nil {
		if f.LatencyMs > 0 {
			if !s.sleep(c.r, time.Duration(f.LatencyMs)*time.Millisecond) {
				return result{}, hangUp
			}
		}
		if f.Hang {
			s.sleep(c.r, maxHang)
			return result{}, hangUp
		}
		c.asyncCancel = f.AsyncCancelSeconds
		if f.ErrorCode != "" {
			e, _ := forcedError(f.ErrorCode)
			if op == "confirm" && e.Status == http.StatusForbidden {
				s.abortForFault(c, e)
			}
			if e.Status == http.StatusConflict || e.Status == http.StatusTooManyRequests || e.Status >= 500 {
				// A passing failure: Toss did nothing, so a retry with the
				// same key must be processed, not answered from the cache.
				return errResult(e), transient
			}
			return errResult(e), respond
		}
	}
	s.mu.Lock()
	c.now = s.nowLocked()
	res := h(c)
	if c.ik != nil && res.pay != nil { // in the same critical section: the entry refers to this exact state
		s.idemFinishLocked(*c.ik, res)
	}
	s.mu.Unlock()
	if f != nil && f.ApproveThenDrop {
		return res, dropAfter
	}
	return f.spoil(res), respond
}

// maxHang bounds a hang fault in real time when the client never gives up.
const maxHang = 2 * time.Minute

// sleep waits d of real time; false when the client or the server went away.
func (s *Server) sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.ctx.Done():
		return false
	}
}

func (s *Server) write(w http.ResponseWriter, res result) {
	w.Header().Set("X-TossPayments-Trace-Id", "sandbox-"+strconv.FormatUint(s.traceSeq.Add(1), 36))
	if res.body == nil && res.status == http.StatusOK {
		w.WriteHeader(http.StatusOK) // DELETE /v1/billing/{key}: empty body (API.md §4.5)
		return
	}
	writeJSON(w, res.status, res.body)
}

// decode parses a JSON request body; malformed JSON is INVALID_REQUEST.
func decode(c *call, v any) *apiError {
	if len(c.body) == 0 {
		return errInvalid("요청 본문이 비어 있습니다.")
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return errInvalid("요청 본문의 JSON 형식이 올바르지 않습니다.")
	}
	return nil
}

// amount is a KRW amount in a request: a JSON number with no fraction.
type amount struct {
	v   int64
	set bool
}

func (a *amount) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(string(b), 64)
		if ferr != nil || f != float64(int64(f)) {
			return err
		}
		n = int64(f)
	}
	a.v, a.set = n, true
	return nil
}
