package httpx_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/internal/httpx"
)

// fixedRand yields the same byte forever, so generated IDs are predictable.
type fixedRand byte

func (f fixedRand) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(f)
	}
	return len(p), nil
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	var seen string
	h := httpx.RequestID(fixedRand(0xab))(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = httpx.RequestIDFrom(r.Context())
	}))

	for _, tc := range []struct{ name, in, want string }{
		{"Generated", "", strings.Repeat("ab", 16)},
		{"Kept", "req-1.a_b:c", "req-1.a_b:c"},
		{"RejectedBadChars", "a b\n", strings.Repeat("ab", 16)},
		{"RejectedTooLong", strings.Repeat("x", 129), strings.Repeat("ab", 16)},
	} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		if tc.in != "" {
			req.Header.Set(httpx.RequestIDHeader, tc.in)
		}
		rr := httptest.NewRecorder()
		h.ServeHTTP(rr, req)
		require.Equal(t, tc.want, rr.Header().Get(httpx.RequestIDHeader), tc.name)
		require.Equal(t, tc.want, seen, tc.name)
	}
	require.Empty(t, httpx.RequestIDFrom(context.Background()))
}

func TestAccessLogCarriesRequestIDAndNoQuery(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(httpx.LogHandler(slog.NewJSONHandler(&buf, nil)))
	clock := []time.Time{time.Unix(100, 0), time.Unix(100, 0).Add(1500 * time.Millisecond)}
	now := func() time.Time { t := clock[0]; clock = clock[1:]; return t }
	mux := http.NewServeMux()
	mux.HandleFunc("GET /pay/{id}", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
		_, _ = io.WriteString(w, "hello")
	})
	h := httpx.Chain(mux, httpx.RequestID(nil), httpx.AccessLog(logger, now))

	req := httptest.NewRequest(http.MethodGet, "/pay/7?paymentKey=SECRETISH", nil)
	req.Header.Set(httpx.RequestIDHeader, "rid-1")
	h.ServeHTTP(httptest.NewRecorder(), req)

	var rec map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &rec))
	require.Equal(t, "http request", rec["msg"])
	require.Equal(t, "rid-1", rec["request_id"])
	require.Equal(t, "/pay/7", rec["path"])
	require.Equal(t, "GET /pay/{id}", rec["route"])
	require.EqualValues(t, 418, rec["status"])
	require.EqualValues(t, 5, rec["bytes"])
	require.EqualValues(t, 1500*time.Millisecond, rec["duration"])
	require.NotContains(t, buf.String(), "SECRETISH")
}

func TestRecover(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	h := httpx.Recover(logger)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	}))
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, httptest.NewRequest(http.MethodGet, "/", nil))

	require.Equal(t, http.StatusInternalServerError, rr.Code)
	require.Equal(t, "application/problem+json", rr.Header().Get("Content-Type"))
	var p httpx.Problem
	require.NoError(t, json.Unmarshal(rr.Body.Bytes(), &p))
	require.Equal(t, httpx.Problem{Type: "about:blank", Title: "Internal Server Error", Status: 500, Detail: "An internal error occurred.", Code: "internal"}, p)
	require.NotContains(t, rr.Body.String(), "boom")
	require.Contains(t, buf.String(), "panic=boom")

	// A handler that already started its response keeps its status.
	h = httpx.Recover(logger)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		panic("late")
	}))
	rr = httptest.NewRecorder()
	h.ServeHTTP(rr, httptest.NewRequest(http.MethodGet, "/", nil))
	require.Equal(t, http.StatusAccepted, rr.Code)
	require.Empty(t, rr.Body.String())

	h = httpx.Recover(logger)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	}))
	require.PanicsWithValue(t, http.ErrAbortHandler, func() {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	})
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	csp := httpx.ContentSecurityPolicy(false, "https://js.tosspayments.com")
	require.Contains(t, csp, "script-src 'self' https://js.tosspayments.com;")
	require.Contains(t, csp, "frame-ancestors 'none'")
	require.NotContains(t, csp, "unsafe-inline")
	require.Contains(t, httpx.ContentSecurityPolicy(true), "style-src 'self' 'unsafe-inline';")
	require.NotContains(t, httpx.ContentSecurityPolicy(true), "script-src 'self' 'unsafe-inline'")

	mux := http.NewServeMux()
	mux.HandleFunc("/", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("/own", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'")
	})
	h := httpx.SecurityHeaders(csp)(mux)
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, httptest.NewRequest(http.MethodGet, "/", nil))
	require.Equal(t, csp, rr.Header().Get("Content-Security-Policy"))
	require.Equal(t, "nosniff", rr.Header().Get("X-Content-Type-Options"))
	require.Equal(t, "strict-origin-when-cross-origin", rr.Header().Get("Referrer-Policy"))
	require.Equal(t, "DENY", rr.Header().Get("X-Frame-Options"))

	rr = httptest.NewRecorder()
	h.ServeHTTP(rr, httptest.NewRequest(http.MethodGet, "/own", nil))
	require.Equal(t, "default-src 'none'", rr.Header().Get("Content-Security-Policy"))
}

func TestCORS(t *testing.T) {
	t.Parallel()
	called := 0
	next := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called++ })
	do := func(h http.Handler, method, origin string, preflight bool) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "/api/orders", nil)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if preflight {
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "Content-Type, Idempotency-Key")
		}
		rr := httptest.NewRecorder()
		h.ServeHTTP(rr, req)
		return rr
	}

	h := httpx.CORS([]string{"https://shop.example.kr"})(next)
	rr := do(h, http.MethodGet, "https://shop.example.kr", false)
	require.Equal(t, "https://shop.example.kr", rr.Header().Get("Access-Control-Allow-Origin"))
	require.Equal(t, "X-Request-ID", rr.Header().Get("Access-Control-Expose-Headers"))
	require.Empty(t, rr.Header().Get("Access-Control-Allow-Credentials"))
	require.Equal(t, 1, called)

	rr = do(h, http.MethodOptions, "https://shop.example.kr", true)
	require.Equal(t, http.StatusNoContent, rr.Code)
	require.Equal(t, "content-type, idempotency-key", rr.Header().Get("Access-Control-Allow-Headers"))
	require.Contains(t, rr.Header().Get("Access-Control-Allow-Methods"), "POST")
	require.Equal(t, 1, called, "preflight must not reach the handler")

	rr = do(h, http.MethodOptions, "https://evil.example", true)
	require.Equal(t, http.StatusNoContent, rr.Code)
	require.Empty(t, rr.Header().Get("Access-Control-Allow-Origin"))
	rr = do(h, http.MethodGet, "https://evil.example", false)
	require.Empty(t, rr.Header().Get("Access-Control-Allow-Origin"))
	require.Equal(t, 2, called)

	rr = do(httpx.CORS([]string{"*"})(next), http.MethodGet, "https://any.example", false)
	require.Equal(t, "*", rr.Header().Get("Access-Control-Allow-Origin"))

	rr = do(httpx.CORS(nil)(next), http.MethodOptions, "https://shop.example.kr", true)
	require.Empty(t, rr.Header().Get("Access-Control-Allow-Origin"))
	require.Equal(t, 4, called, "without origins OPTIONS goes to the handler")
}

func TestMetricsByRouteAndCode(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	m, err := httpx.NewMetrics(reg, nil)
	require.NoError(t, err)
	_, err = httpx.NewMetrics(reg, nil)
	require.Error(t, err, "registering twice must fail")

	mux := http.NewServeMux()
	mux.HandleFunc("GET /orders/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") == "missing" {
			w.WriteHeader(http.StatusNotFound)
		}
	})
	h := m.Middleware(mux)
	for _, p := range []string{"/orders/1", "/orders/2", "/orders/missing", "/nope"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, p, nil))
	}
	want := `
# HELP paydeck_http_requests_total HTTP requests served, by route pattern and status code.
# TYPE paydeck_http_requests_total counter
paydeck_http_requests_total{code="200",route="GET /orders/{id}"} 2
paydeck_http_requests_total{code="404",route="GET /orders/{id}"} 1
paydeck_http_requests_total{code="404",route="unmatched"} 1
`
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want), "paydeck_http_requests_total"))
	n, err := testutil.GatherAndCount(reg, "paydeck_http_request_duration_seconds")
	require.NoError(t, err)
	require.Equal(t, 3, n, "one histogram per route and code")
}

func TestServeFinishesInFlightRequests(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		close(started)
		<-release
		_, _ = io.WriteString(w, "done")
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- httpx.Serve(ctx, srv, ln, 10*time.Second) }()

	body := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String())
		if err != nil {
			body <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body <- string(b)
	}()
	<-started
	cancel()
	// The listener closes at once: new connections are refused while the
	// in-flight request is still running.
	require.Eventually(t, func() bool {
		c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	}, 5*time.Second, 5*time.Millisecond)
	close(release)
	require.Equal(t, "done", <-body)
	require.NoError(t, <-served)
}

func TestServeTimesOut(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	srv := &http.Server{Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		close(started)
		<-release
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- httpx.Serve(ctx, srv, ln, 50*time.Millisecond) }()
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String())
		if err == nil {
			resp.Body.Close()
		}
	}()
	<-started
	cancel()
	err = <-served
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorContains(t, err, "http shutdown after 50ms")
}

func TestServeReportsServerFailure(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	require.NoError(t, ln.Close())
	err = httpx.Serve(context.Background(), &http.Server{}, ln, time.Second)
	require.ErrorContains(t, err, "http server:")
}
