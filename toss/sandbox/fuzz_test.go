package sandbox_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/paydeck/paydeck/toss/sandbox"
)

// FuzzRequestBodies sends arbitrary bodies to every POST endpoint: the
// sandbox must answer with Toss's {code, message} error or a JSON object,
// never a 5xx or a panic (docs/toss.md#errors).
func FuzzRequestBodies(f *testing.F) {
	paths := []string{"/v1/payments/confirm", "/v1/payments/key-in", "/v1/virtual-accounts",
		"/v1/billing/authorizations/card", "/v1/billing/authorizations/issue", "/v1/cash-receipts",
		"/v1/payments/tviva-none/cancel", "/v1/sandbox/authorize", "/v1/sandbox/clock/advance", "/v1/sandbox/faults"}
	for _, seed := range []string{`{}`, `{"amount":1e300}`, `{"amount":9223372036854775807,"orderId":"order-fuzz","orderName":"x"}`,
		`{"validHours":9223372036854775807,"amount":1000,"orderId":"order-fuzz","orderName":"x","customerName":"a","bank":"20"}`,
		`{"amount":"1000"}`, `[1,2]`, `null`, `{"cancelReason":"x","cancelAmount":-1}`, `{"seconds":1e20}`} {
		for i := range paths {
			f.Add(i, seed)
		}
	}
	srv, err := sandbox.New(sandbox.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = srv.Close() })
	f.Fuzz(func(t *testing.T, i int, body string) {
		if i < 0 {
			i = -i
		}
		path := paths[i%len(paths)]
		method := "POST"
		if path == "/v1/sandbox/faults" {
			method = "PUT"
		}
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		r.Header.Set("Authorization", basic(sk))
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("%s %q: status %d: %s", path, body, w.Code, w.Body)
		}
		var m map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
			t.Fatalf("%s %q: not a JSON object: %s", path, body, w.Body)
		}
		if w.Code != 200 && (m["code"] == nil || m["message"] == nil) {
			t.Fatalf("%s %q: error without code/message: %s", path, body, w.Body)
		}
		if method == "PUT" { // a hang or latency fault would stall the next inputs
			r := httptest.NewRequest("DELETE", path, nil)
			r.Header.Set("Authorization", basic(sk))
			srv.ServeHTTP(httptest.NewRecorder(), r)
		}
	})
}
