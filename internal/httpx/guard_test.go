package httpx_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/internal/httpx"
)

func requireProblem(t *testing.T, status int, code int, header http.Header, body string) {
	t.Helper()
	require.Equal(t, status, code, body)
	require.Equal(t, "application/problem+json", header.Get("Content-Type"))
	var p httpx.Problem
	require.NoError(t, json.Unmarshal([]byte(body), &p), body)
	require.Equal(t, status, p.Status)
}

// TestBodyErrorsTurnServerErrorsInto4xx: a handler that answers 500
// because the body could not be read answers 400 (bad chunk, truncated)
// instead; a 500 with a readable body stays.
func TestBodyErrorsTurnServerErrorsInto4xx(t *testing.T) {
	t.Parallel()
	h := httpx.BodyErrors(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil || r.URL.Path == "/fails" {
			http.Error(w, "cannot read request body", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	exchange := func(raw string) (*http.Response, string) {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer c.Close()
		_, err = io.WriteString(c, raw)
		require.NoError(t, err)
		if tc, ok := c.(*net.TCPConn); ok {
			require.NoError(t, tc.CloseWrite())
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, body := exchange("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
	requireProblem(t, http.StatusBadRequest, resp.StatusCode, resp.Header, body)
	resp, body = exchange("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{\"a\":")
	requireProblem(t, http.StatusBadRequest, resp.StatusCode, resp.Header, body)
	resp, _ = exchange("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	resp, body = exchange("POST /fails HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
	require.Equal(t, http.StatusInternalServerError, resp.StatusCode, "a readable body does not hide a real 500")
	require.Contains(t, body, "cannot read request body")
}

// TestPlainErrorsBecomeProblems: ServeMux's plain-text 404 and 405 and
// http.Error answers become problem+json; other answers pass.
func TestPlainErrorsBecomeProblems(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /thing", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "plain ok") })
	mux.HandleFunc("GET /html", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, "<h1>gone</h1>")
	})
	h := httpx.PlainErrors(mux)
	do := func(method, path string) *httptest.ResponseRecorder {
		rr := httptest.NewRecorder()
		h.ServeHTTP(rr, httptest.NewRequest(method, path, nil))
		return rr
	}
	rr := do(http.MethodGet, "/nope")
	requireProblem(t, http.StatusNotFound, rr.Code, rr.Header(), rr.Body.String())
	rr = do(http.MethodDelete, "/thing")
	requireProblem(t, http.StatusMethodNotAllowed, rr.Code, rr.Header(), rr.Body.String())
	require.Equal(t, "GET, HEAD", rr.Header().Get("Allow"))
	rr = do(http.MethodGet, "/thing")
	require.Equal(t, "plain ok", rr.Body.String())
	rr = do(http.MethodGet, "/html")
	require.Equal(t, "<h1>gone</h1>", rr.Body.String(), "HTML error pages stay")
}

// TestProblemListenerRewritesServerAnswers: net/http's own plain-text
// 431 and 400 (written before any handler runs) go out as problem+json.
func TestProblemListenerRewritesServerAnswers(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "handler text", http.StatusBadRequest)
	}), MaxHeaderBytes: 1024, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(httpx.ProblemListener(ln)) }()
	t.Cleanup(func() { _ = srv.Close() })
	exchange := func(raw string) (*http.Response, string) {
		c, err := net.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		defer c.Close()
		_, err = io.WriteString(c, raw)
		require.NoError(t, err)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, body := exchange("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("a", 8000) + "\r\n\r\n")
	requireProblem(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode, resp.Header, body)
	resp, body = exchange("GET / HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n")
	requireProblem(t, http.StatusBadRequest, resp.StatusCode, resp.Header, body)
	require.Contains(t, body, "invalid header name")
	resp, body = exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Equal(t, "handler text\n", body, "handler answers are never rewritten")
}

// TestRequireBearerAndHSTS covers the /metrics guard and the HSTS header.
func TestRequireBearerAndHSTS(t *testing.T) {
	t.Parallel()
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	h := httpx.RequireBearer("tok-123")(ok)
	for _, auth := range []string{"", "Bearer", "Bearer tok-12", "Basic tok-123", "bearer tok-123"} {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rr := httptest.NewRecorder()
		h.ServeHTTP(rr, req)
		requireProblem(t, http.StatusUnauthorized, rr.Code, rr.Header(), rr.Body.String())
	}
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Authorization", "Bearer tok-123")
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, req)
	require.Equal(t, http.StatusNoContent, rr.Code)
	rr = httptest.NewRecorder()
	httpx.RequireBearer("")(ok).ServeHTTP(rr, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.Equal(t, http.StatusNoContent, rr.Code, "no token: open")

	rr = httptest.NewRecorder()
	httpx.StrictTransportSecurity(true)(ok).ServeHTTP(rr, httptest.NewRequest(http.MethodGet, "/", nil))
	require.Equal(t, "max-age=31536000; includeSubDomains", rr.Header().Get("Strict-Transport-Security"))
	rr = httptest.NewRecorder()
	httpx.StrictTransportSecurity(false)(ok).ServeHTTP(rr, httptest.NewRequest(http.MethodGet, "/", nil))
	require.Empty(t, rr.Header().Get("Strict-Transport-Security"))
}
