package sandbox

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// call is one authenticated core-API request.
type call struct {
	r    *http.Request
	body []byte
	pair uint8
	now  int64    // sandbox time, set when the handler runs under s.mu
	ik   *idemKey // the request's idempotency key, if any
	lang lang     // of the response (Accept-Language)

	asyncCancel int64 // seconds; from an asyncCancelSeconds fault
}

// result is a handler's response. When pay is set the body was rendered
// from that payment in lang, and the idempotency cache keeps a reference to
// it instead of the bytes (see idemEntry). When err is set the body is that
// error in Korean until localize renders it in the request's language.
type result struct {
	status int
	body   []byte
	pay    *payment
	lang   lang
	err    *apiError
}

func errResult(e *apiError) result { return result{status: e.Status, body: e.body(korean), err: e} }

// localize renders an error result's message in l.
func localize(res result, l lang) result {
	if res.err != nil && l != korean {
		res.body, res.lang = res.err.body(l), l
	}
	return res
}

func jsonResult(v any) result {
	b, err := json.Marshal(v)
	if err != nil {
		panic("sandbox: render: " + err.Error()) // only plain types: cannot fail
	}
	return result{status: http.StatusOK, body: b}
}

func (s *Server) paymentResult(c *call, p *payment) result {
	return result{status: http.StatusOK, body: s.renderPaymentPooled(p, c.now, c.lang), pay: p, lang: c.lang}
}

// handler runs with s.mu held; it must not block.
type handler func(c *call) result

const maxBody = 1 << 20

func (s *Server) registerAPIRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/payments/confirm", s.api("confirm", s.confirm))
	mux.HandleFunc("POST /v1/payments/{paymentKey}", s.api("confirm", s.confirmLegacy))
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
// Idempotency-Key cache (docs/toss.md#idempotency), TossPayments-Test-Code (docs/toss.md#request-headers) and
// fault injection. op names the operation for faults.
func (s *Server) api(op string, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		l := langOf(r)
		pair, e := authenticate(r)
		if e != nil {
			s.write(w, localize(errResult(e), l))
			return
		}
		body, e := readBody(r)
		if e != nil {
			s.write(w, localize(errResult(e), l))
			return
		}
		c := &call{r: r, body: body, pair: pair, lang: l}
		if key := r.Header.Get("Idempotency-Key"); key != "" && r.Method == http.MethodPost {
			if len(key) > maxIdemKeyLen {
				s.write(w, localize(errResult(newError("INVALID_IDEMPOTENCY_KEY", "멱등키는 300자 이하여야 합니다.")), l))
				return
			}
			ik := makeIdemKey(pair, r, key)
			prev, busy := s.idemBegin(ik)
			if busy {
				s.write(w, localize(errResult(newError("IDEMPOTENT_REQUEST_PROCESSING", "이전 멱등 요청이 처리 중입니다. 잠시 후 다시 시도해주세요.")), l))
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
	res = localize(res, c.lang) // before it is stored: a replay answers in the first request's language
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
		w.WriteHeader(http.StatusOK) // DELETE /v1/billing/{key}: empty body (docs/toss.md#billing-delete)
		return
	}
	writeJSON(w, res.status, res.body)
}

// decode parses a JSON request body into v, a pointer to a request struct;
// malformed JSON or a value of the wrong type is INVALID_REQUEST. Unknown
// fields are ignored. It is lenient where Toss is (docs/toss.md#lenient-numbers):
// integer fields take integer strings (reqInt), and string fields take
// integer numbers, read as their decimal text.
func decode(c *call, v any) *apiError {
	if len(c.body) == 0 {
		return errInvalid("요청 본문이 비어 있습니다.")
	}
	err := json.Unmarshal(c.body, v)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Value == "number" {
		if body, ok := quoteIntegers(c.body, reflect.TypeOf(v).Elem()); ok {
			err = json.Unmarshal(body, v)
		}
	}
	if err != nil {
		return errInvalid("요청 본문의 JSON 형식이 올바르지 않습니다.")
	}
	return nil
}

// quoteIntegers rewrites a JSON object so that every integer given for a
// string field of t (nested objects included) becomes a JSON string. ok is
// false when nothing changed.
func quoteIntegers(body []byte, t reflect.Type) ([]byte, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var obj map[string]json.RawMessage
	if t.Kind() != reflect.Struct || json.Unmarshal(body, &obj) != nil {
		return body, false
	}
	changed := false
	for name, raw := range obj {
		ft, ok := jsonField(t, name)
		if !ok {
			continue
		}
		switch {
		case ft.Kind() == reflect.String && isIntegerLiteral(raw):
			obj[name] = append(append([]byte{'"'}, raw...), '"')
			changed = true
		case ft.Kind() == reflect.Struct || ft.Kind() == reflect.Pointer:
			if nested, ok := quoteIntegers(raw, ft); ok {
				obj[name] = nested
				changed = true
			}
		}
	}
	if !changed {
		return body, false
	}
	out, err := json.Marshal(obj)
	return out, err == nil
}

// jsonField finds the type of the field of struct t that encoding/json
// fills from the member name (tag or field name, case-insensitively,
// embedded structs included).
func jsonField(t reflect.Type, name string) (reflect.Type, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "-" {
			continue
		}
		if f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
			if ft, ok := jsonField(f.Type, name); ok {
				return ft, true
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		if strings.EqualFold(tag, name) {
			return f.Type, true
		}
	}
	return nil, false
}

// isIntegerLiteral reports whether raw is a JSON number without fraction or
// exponent.
func isIntegerLiteral(raw json.RawMessage) bool {
	s := strings.TrimPrefix(string(raw), "-")
	return s != "" && digitsOnly(s)
}

// reqInt is an integer field of a request body: amount, cancelAmount,
// taxFreeAmount, taxExemptionAmount, refundableAmount, validHours,
// cardInstallmentPlan. Like Toss it takes a JSON number without a fraction
// (5000, 5000.0, 5e3) or a JSON string holding a base-10 integer ("5000"):
// Toss's own sample server forwards the successUrl's amount as a string
// (docs/toss.md#lenient-numbers). Anything else (a fraction, "12abc", "",
// " 5", a bool, an object) fails decoding, which is 400 INVALID_REQUEST.
// null and an absent field leave it unset. Every integer request field uses
// this type, so the rule lives here only.
type reqInt struct {
	v   int64
	set bool
}

// amount is the name most request structs use for reqInt.
type amount = reqInt

var errNotInteger = errors.New("sandbox: not an integer")

func (a *reqInt) UnmarshalJSON(b []byte) error {
	s := string(b)
	switch {
	case s == "null":
		return nil
	case len(s) > 0 && s[0] == '"':
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		n, ok := parseDecimalInt(str)
		if !ok {
			return errNotInteger
		}
		a.v, a.set = n, true
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > maxAmount {
			return errNotInteger
		}
		n = int64(f)
	}
	a.v, a.set = n, true
	return nil
}

// parseDecimalInt parses an optional "-" and 1 to 18 ASCII digits: no sign
// "+", no spaces, no fraction or exponent.
func parseDecimalInt(s string) (int64, bool) {
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || len(digits) > 18 || !digitsOnly(digits) {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}
