package apptest

import (
	"net/http"
	"sync"
)

// TossCall is one HTTP request the toss client sent to the sandbox.
type TossCall struct {
	Method, Path, IdempotencyKey string
}

// recorder is an http.RoundTripper that records every request.
type recorder struct {
	next  http.RoundTripper
	mu    sync.Mutex
	calls []TossCall
}

// RoundTrip implements http.RoundTripper.
func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.calls = append(r.calls, TossCall{Method: req.Method, Path: req.URL.Path, IdempotencyKey: req.Header.Get("Idempotency-Key")})
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

// TossCalls returns the requests sent so far with the method and path
// (e.g. "POST", "/v1/payments/confirm"), in order.
func (e *Env) TossCalls(method, path string) []TossCall {
	e.rec.mu.Lock()
	defer e.rec.mu.Unlock()
	var out []TossCall
	for _, c := range e.rec.calls {
		if c.Method == method && c.Path == path {
			out = append(out, c)
		}
	}
	return out
}
