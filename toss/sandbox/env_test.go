package sandbox_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/toss/sandbox"
)

// epoch is the sandbox clock base of every test: 2025-03-01 10:15:30 KST.
var epoch = time.Date(2025, 3, 1, 1, 15, 30, 0, time.UTC)

const (
	sk  = sandbox.DocsSecretKey
	gsk = sandbox.WidgetSecretKey
)

// env is one sandbox under httptest with a recording webhook receiver.
type env struct {
	srv   *sandbox.Server
	ts    *httptest.Server
	hooks *hookSink
}

// hookSink records webhooks and answers with the statuses queued in
// replies (200 once they run out).
type hookSink struct {
	mu      sync.Mutex
	got     []*http.Request
	bodies  [][]byte
	replies []int
}

func (h *hookSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.got = append(h.got, r)
	h.bodies = append(h.bodies, b)
	status := http.StatusOK
	if len(h.replies) > 0 {
		status, h.replies = h.replies[0], h.replies[1:]
	}
	h.mu.Unlock()
	w.WriteHeader(status)
}

func (h *hookSink) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.got)
}

// body returns the i-th received webhook body, decoded.
func (h *hookSink) body(t *testing.T, i int) map[string]any {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	require.Greater(t, len(h.bodies), i, "webhook %d not received", i)
	var m map[string]any
	require.NoError(t, json.Unmarshal(h.bodies[i], &m))
	return m
}

func (h *hookSink) header(i int, name string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.got[i].Header.Get(name)
}

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, sandbox.Options{})
}

// newEnvWith starts a sandbox with a fixed clock, seeded IDs and a webhook
// receiver, filling the unset fields of opts.
func newEnvWith(t *testing.T, opts sandbox.Options) *env {
	t.Helper()
	e := &env{hooks: &hookSink{}}
	hookSrv := httptest.NewServer(e.hooks)
	t.Cleanup(hookSrv.Close)
	e.ts = httptest.NewUnstartedServer(nil)
	if opts.PublicURL == "" {
		opts.PublicURL = "http://" + e.ts.Listener.Addr().String()
	}
	if opts.WebhookURL == "" {
		opts.WebhookURL = hookSrv.URL + "/hooks"
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return epoch }
	}
	if opts.Rand == nil {
		opts.Rand = rand.NewChaCha8([32]byte{1})
	}
	srv, err := sandbox.New(opts)
	require.NoError(t, err)
	e.srv = srv
	e.ts.Config.Handler = srv
	e.ts.Start()
	t.Cleanup(func() {
		e.ts.Close()
		require.NoError(t, srv.Close())
	})
	return e
}

func basic(secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(secret+":"))
}

// req sends a request with Basic auth for secret ("" = no auth) and extra
// header pairs; it returns the status and raw body.
func (e *env) req(t *testing.T, method, path, secret string, body any, headers ...string) (int, []byte) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		require.NoError(t, err)
		rd = bytes.NewReader(raw)
	}
	r, err := http.NewRequest(method, e.ts.URL+path, rd)
	require.NoError(t, err)
	if secret != "" {
		r.Header.Set("Authorization", basic(secret))
	}
	if rd != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	resp, err := e.ts.Client().Do(r)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, raw
}

// call is req with a decoded JSON object body.
func (e *env) call(t *testing.T, method, path, secret string, body any, headers ...string) (int, map[string]any) {
	t.Helper()
	status, raw := e.req(t, method, path, secret, body, headers...)
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m), "body: %s", raw)
	return status, m
}

// requireError checks a Toss error response (docs/toss.md#errors).
func requireError(t *testing.T, wantStatus int, wantCode string, status int, body map[string]any) {
	t.Helper()
	require.Equal(t, wantStatus, status, "body: %v", body)
	require.Equal(t, wantCode, body["code"], "body: %v", body)
	require.NotEmpty(t, body["message"])
}

// authorize makes an IN_PROGRESS payment through the control API.
func (e *env) authorize(t *testing.T, secret, orderID string, amount int64, method string) string {
	t.Helper()
	status, m := e.call(t, "POST", "/v1/sandbox/authorize", secret, map[string]any{
		"orderId": orderID, "amount": amount, "orderName": "토스 티셔츠 외 2건", "method": method, "customerName": "박토스",
	})
	require.Equal(t, 200, status, "%v", m)
	return m["paymentKey"].(string)
}

// paid authorizes and confirms a payment, returning the Payment object.
func (e *env) paid(t *testing.T, orderID string, amount int64, method string) map[string]any {
	t.Helper()
	key := e.authorize(t, sk, orderID, amount, method)
	status, m := e.call(t, "POST", "/v1/payments/confirm", sk, map[string]any{"paymentKey": key, "orderId": orderID, "amount": amount})
	require.Equal(t, 200, status, "%v", m)
	return m
}

func (e *env) advance(t *testing.T, seconds int64) {
	t.Helper()
	status, m := e.call(t, "POST", "/v1/sandbox/clock/advance", sk, map[string]any{"seconds": seconds})
	require.Equal(t, 200, status, "%v", m)
}

func (e *env) flush(t *testing.T) {
	t.Helper()
	status, _ := e.req(t, "POST", "/v1/sandbox/webhooks/flush", sk, nil)
	require.Equal(t, 200, status)
}

func (e *env) putFaults(t *testing.T, faults ...map[string]any) {
	t.Helper()
	status, m := e.call(t, "PUT", "/v1/sandbox/faults", sk, map[string]any{"faults": faults})
	require.Equal(t, 200, status, "%v", m)
}

func num(v any) int64 { return int64(v.(float64)) }

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o600) }
