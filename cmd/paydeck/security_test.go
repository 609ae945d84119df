package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/toss/sandbox"
)

// sandboxToken reads the sandbox control token serve keeps in m's data dir.
func sandboxToken(t *testing.T, m *Main) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(m.Config.DataDir, sandboxTokenFile))
	require.NoError(t, err)
	return strings.TrimSpace(string(b))
}

// rawExchange writes req on a fresh connection to addr and returns the
// status line and the response that follows (read until the server closes
// or 10 s pass).
func rawExchange(t *testing.T, addr, req string) (status int, header http.Header, body string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetDeadline(time.Now().Add(10*time.Second)))
	_, err = io.WriteString(c, req)
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// requireProblem fails unless the answer is problem+json with status.
func requireProblem(t *testing.T, want, status int, header http.Header, body string) {
	t.Helper()
	require.Equal(t, want, status, body)
	require.Equal(t, "application/problem+json", header.Get("Content-Type"), body)
	var p struct{ Status int }
	require.NoError(t, json.Unmarshal([]byte(body), &p), body)
	require.Equal(t, want, p.Status)
}

// TestSandboxControlAPINeedsTheToken (security finding 7): serve's mounted
// sandbox keeps a 0600 control token in the data dir; the control API
// refuses the published test key alone and works with the token; the
// SDK script needs none; the same token is kept across restarts.
func TestSandboxControlAPINeedsTheToken(t *testing.T) {
	t.Parallel()
	m, out := newMain(t, nil)
	r := start(t, m, out, "serve")
	info, err := os.Stat(filepath.Join(m.Config.DataDir, sandboxTokenFile))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	token := sandboxToken(t, m)
	require.Len(t, token, 64)

	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(sandbox.WidgetSecretKey+":"))
	for _, h := range [][]string{{"Authorization", basic}, {"Authorization", basic, sandbox.ControlTokenHeader, "guess"}} {
		resp, body := get(t, r.url+"/toss-sandbox/v1/sandbox/webhooks", h...)
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, body)
		require.NotContains(t, body, "secret")
	}
	resp, body := get(t, r.url+"/toss-sandbox/v1/sandbox/webhooks", "Authorization", basic, sandbox.ControlTokenHeader, token)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	resp, _ = get(t, r.url+"/toss-sandbox/v2/standard")
	require.Equal(t, http.StatusOK, resp.StatusCode, "the storefront's SDK script needs no token")
	require.NoError(t, r.stop(t))

	m2, out2 := newMain(t, map[string]string{"PAYDECK_DATA_DIR": m.Config.DataDir})
	start(t, m2, out2, "serve")
	require.Equal(t, token, sandboxToken(t, m2), "the token survives a restart")
}

// TestServeRefusesPublicSandbox (security finding 7): sandbox mode on an
// address other machines can reach needs --allow-public-sandbox.
func TestServeRefusesPublicSandbox(t *testing.T) {
	t.Parallel()
	m, _ := newMain(t, map[string]string{"PAYDECK_ADDR": "0.0.0.0:0"})
	require.NoError(t, m.ParseFlags(t.Context(), []string{"serve"}))
	err := m.Run(t.Context())
	require.ErrorContains(t, err, "--allow-public-sandbox")
	require.NoError(t, m.Close())

	for addr, loopback := range map[string]bool{"127.0.0.1:8080": true, "[::1]:80": true, "localhost:1": true,
		"0.0.0.0:8080": false, ":8080": false, "192.168.0.2:80": false, "shop.example:80": false} {
		require.Equal(t, loopback, isLoopbackAddr(addr), addr)
	}
	m2, out := newMain(t, map[string]string{"PAYDECK_ADDR": "0.0.0.0:0"})
	r := start(t, m2, out, "serve", "--allow-public-sandbox")
	_, port, err := net.SplitHostPort(m2.addr)
	require.NoError(t, err)
	resp, _ := get(t, "http://127.0.0.1:"+port+"/healthz")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, r.stop(t))
}

// TestServeAnswersUnreadableRequestsWithProblems (security findings 8, 9,
// 17): a bad chunk length or a truncated body is a 400 problem, never a
// 500; headers over the limit, a malformed header and an unknown route
// under /docs answer problem+json, not plain text; a body that trickles in
// is cut off by the read timeout.
func TestServeAnswersUnreadableRequestsWithProblems(t *testing.T) {
	t.Parallel()
	m, out := newMain(t, map[string]string{"PAYDECK_READ_TIMEOUT": "2s"})
	r := start(t, m, out, "serve")

	for _, path := range []string{"/api/auth/login", "/api/payments/webhook", "/api/auth/signup"} {
		status, h, body := rawExchange(t, m.addr, "POST "+path+" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"+
			"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
		requireProblem(t, http.StatusBadRequest, status, h, body)
	}
	c, err := net.Dial("tcp", m.addr)
	require.NoError(t, err)
	_, err = io.WriteString(c, "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":1")
	require.NoError(t, err)
	require.NoError(t, c.(*net.TCPConn).CloseWrite()) // truncated: 94 bytes never come
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	requireProblem(t, http.StatusBadRequest, resp.StatusCode, resp.Header, string(b))
	c.Close()

	status, h, body := rawExchange(t, m.addr, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: "+strings.Repeat("a", 1<<20+8192)+"\r\n\r\n")
	requireProblem(t, http.StatusRequestHeaderFieldsTooLarge, status, h, body)
	status, h, body = rawExchange(t, m.addr, "GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n")
	requireProblem(t, http.StatusBadRequest, status, h, body)
	resp, body = get(t, r.url+"/docs/no-such-asset.js")
	requireProblem(t, http.StatusNotFound, resp.StatusCode, resp.Header, body)

	// One byte a second to a form page (the API has huma's own 5 s body
	// timeout): the 2 s read timeout ends the request long before its 100
	// bytes arrive.
	c, err = net.Dial("tcp", m.addr)
	require.NoError(t, err)
	defer c.Close()
	_, err = io.WriteString(c, "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n")
	require.NoError(t, err)
	closed := false
	for range 20 {
		if _, err := c.Write([]byte("a")); err != nil {
			closed = true
			break
		}
		var buf [1]byte
		_ = c.SetReadDeadline(time.Now().Add(time.Second))
		if _, err := c.Read(buf[:]); err != nil && !os.IsTimeout(err) {
			closed = true
			break
		} else if err == nil {
			closed = true // the server answered (408 or 400) before the body was complete
			break
		}
	}
	require.True(t, closed, "a trickling body holds the connection past the read timeout")
	require.NotContains(t, out.String(), "level=ERROR")
}

// TestServeGuardsMetricsAndSetsHSTS (security finding 17): with
// PAYDECK_METRICS_TOKEN, /metrics needs it as a bearer token; with an
// https public URL every answer carries Strict-Transport-Security (and
// none does over plain http).
func TestServeGuardsMetricsAndSetsHSTS(t *testing.T) {
	t.Parallel()
	m, out := newMain(t, map[string]string{"PAYDECK_METRICS_TOKEN": "metrics-token-0123456789",
		"PAYDECK_PUBLIC_URL": "https://shop.example.kr"})
	r := start(t, m, out, "serve")
	resp, body := get(t, r.url+"/metrics")
	requireProblem(t, http.StatusUnauthorized, resp.StatusCode, resp.Header, body)
	resp, _ = get(t, r.url+"/metrics", "Authorization", "Bearer wrong")
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	resp, body = get(t, r.url+"/metrics", "Authorization", "Bearer metrics-token-0123456789")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, body, "paydeck_http_requests_total")
	require.Equal(t, "max-age=31536000; includeSubDomains", resp.Header.Get("Strict-Transport-Security"))
	require.NotContains(t, out.String(), "metrics-token-0123456789")

	m2, out2 := newMain(t, nil)
	r2 := start(t, m2, out2, "serve")
	resp, _ = get(t, r2.url+"/healthz")
	require.Empty(t, resp.Header.Get("Strict-Transport-Security"))
	resp, _ = get(t, r2.url+"/metrics")
	require.Equal(t, http.StatusOK, resp.StatusCode, "no token configured: open, as before")
}

// TestBenchReadsTheSandboxToken (security finding 7): "paydeck bench"
// against serve's mounted sandbox finds the control token in the data dir
// and completes its checkouts.
func TestBenchReadsTheSandboxToken(t *testing.T) {
	t.Parallel()
	res := benchAgainstServe(t, nil, "--count", "3", "--concurrency", "1")
	require.Contains(t, res, "consistency: ok")
	require.NotContains(t, res, "refused", "the default webhook rate admits three checkouts' webhooks")
	// serve publishes its CPU time (process_cpu_seconds_total), which the
	// tool divides by the checkouts; here both share the test's process.
	require.Regexp(t, `CPU per checkout over the \d+\.\d s from the load's start until the store settled: paydeck \d+\.\d\d ms \(its /metrics`, res)
}

// TestBenchSaysWhenWebhooksWereRefused: a load faster than
// PAYDECK_WEBHOOK_RATE has most webhooks refused with 429, so its figures
// per checkout leave their processing out; the report says so.
func TestBenchSaysWhenWebhooksWereRefused(t *testing.T) {
	t.Parallel()
	res := benchAgainstServe(t, map[string]string{"PAYDECK_WEBHOOK_RATE": "1"}, "--count", "12", "--concurrency", "4")
	require.Regexp(t, `WARNING: paydeck refused \d+ Toss webhook deliveries with 429`, res)
	require.Contains(t, res, "consistency: ok")
}

// benchAgainstServe starts serve on a fresh data dir with env, creates an
// admin and returns the output of "paydeck bench" with args against it.
func benchAgainstServe(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	env = maps.Clone(env)
	if env == nil {
		env = map[string]string{}
	}
	env["PAYDECK_DATA_DIR"] = t.TempDir()
	m, out := newMain(t, env)
	r := start(t, m, out, "serve")
	res, err := runCommand(t, env, "", "createadmin", "--email", "bench@shop.kr", "--password", "bench-admin-password-1")
	require.NoError(t, err, res)
	res, err = runCommand(t, env, "", append([]string{"bench", "--target", r.url, "--admin-email", "bench@shop.kr",
		"--admin-password", "bench-admin-password-1", "--settle", "5s"}, args...)...)
	require.NoError(t, err, res)
	return res
}
