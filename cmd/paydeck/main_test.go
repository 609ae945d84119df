package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/account"
	"github.com/paydeck/paydeck/auth"
	"github.com/paydeck/paydeck/internal/httpx"
	"github.com/paydeck/paydeck/store"
)

// syncBuffer is a goroutine-safe bytes.Buffer for captured output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// engine is a database the end-to-end tests run against.
type engine struct {
	name string
	// env returns the variables that point paydeck at a fresh database.
	env func(t *testing.T) map[string]string
}

// engines returns SQLite and, when PAYDECK_TEST_DATABASE_URL is set,
// PostgreSQL. Without it the PostgreSQL run skips, or fails under CI=true.
func engines() []engine {
	return []engine{
		{"SQLite", func(t *testing.T) map[string]string { return map[string]string{} }},
		{"PostgreSQL", func(t *testing.T) map[string]string {
			return map[string]string{"PAYDECK_DATABASE_URL": freshPostgres(t)}
		}},
	}
}

// dbSeq keeps database names unique within one test process.
var dbSeq atomic.Int64

// freshPostgres creates an empty database next to PAYDECK_TEST_DATABASE_URL's
// (so these tests never share tables with other packages' tests), drops it
// when the test ends, and returns its URL.
func freshPostgres(t *testing.T) string {
	t.Helper()
	base := os.Getenv("PAYDECK_TEST_DATABASE_URL")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("PAYDECK_TEST_DATABASE_URL must be set under CI")
		}
		t.Skip("PostgreSQL tests skipped: set PAYDECK_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/paydeck_test to run them")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	require.NoError(t, err)
	defer conn.Close(ctx)
	name := fmt.Sprintf("paydeck_cmd_%d_%d_%d", os.Getpid(), time.Now().UnixNano(), dbSeq.Add(1))
	_, err = conn.Exec(ctx, "CREATE DATABASE "+name)
	require.NoError(t, err)
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("drop %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	require.NoError(t, err)
	u.Path = "/" + name
	return u.String()
}

// newMain returns a Main whose environment is env plus a temp data dir and
// port 0, with output captured.
func newMain(t *testing.T, env map[string]string) (*Main, *syncBuffer) {
	t.Helper()
	out := &syncBuffer{}
	vars := map[string]string{"PAYDECK_ADDR": "127.0.0.1:0", "PAYDECK_DATA_DIR": t.TempDir()}
	for k, v := range env {
		vars[k] = v
	}
	m := NewMain()
	m.Stdin = strings.NewReader("")
	m.Stdout, m.Stderr = out, out
	m.Dir = t.TempDir()
	m.LookupEnv = envMap(vars)
	m.shutdownTimeout = 10 * time.Second
	return m, out
}

// runCommand runs one short command to completion and returns its output.
func runCommand(t *testing.T, env map[string]string, stdin string, args ...string) (string, error) {
	t.Helper()
	m, out := newMain(t, env)
	m.Stdin = strings.NewReader(stdin)
	err := m.ParseFlags(t.Context(), args)
	if err == nil {
		err = m.Run(t.Context())
	}
	require.NoError(t, m.Close())
	return out.String(), err
}

// running is a Main running serve (or sandbox) in the background.
type running struct {
	m      *Main
	out    *syncBuffer
	url    string
	cancel context.CancelFunc
	exited chan struct{} // closed when Run has returned; err is then set
	err    error
	once   sync.Once
}

// start runs m with args until the test ends (or stop is called).
func start(t *testing.T, m *Main, out *syncBuffer, args ...string) *running {
	t.Helper()
	require.NoError(t, m.ParseFlags(t.Context(), args))
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{m: m, out: out, cancel: cancel, exited: make(chan struct{})}
	go func() {
		r.err = m.Run(ctx)
		close(r.exited)
	}()
	t.Cleanup(func() { r.stop(t) })
	select {
	case <-m.ready:
	case <-r.exited:
		t.Fatalf("%s ended before listening: %v\n%s", args[0], r.err, out)
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not start\n%s", args[0], out)
	}
	r.url = "http://" + m.addr
	return r
}

// stop cancels the run (as SIGTERM does), waits for Run to return and
// closes Main; it returns Run's error. Only the first call acts.
func (r *running) stop(t *testing.T) error {
	t.Helper()
	r.once.Do(func() {
		r.cancel()
		r.wait(t)
		require.NoError(t, r.m.Close())
	})
	return r.err
}

// wait waits for Run to return, failing the test after a minute.
func (r *running) wait(t *testing.T) {
	t.Helper()
	select {
	case <-r.exited:
	case <-time.After(time.Minute):
		t.Fatalf("Run did not return\n%s", r.out)
	}
}

func get(t *testing.T, u string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func TestServe(t *testing.T) {
	t.Parallel()
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			m, out := newMain(t, e.env(t))
			m.LookupEnv = withEnv(m.LookupEnv, "PAYDECK_CORS_ORIGINS", "https://shop.example.kr")
			r := start(t, m, out, "serve")

			resp, body := get(t, r.url+"/healthz")
			require.Equal(t, http.StatusOK, resp.StatusCode)
			require.JSONEq(t, `{"status":"ok"}`, body)
			require.Len(t, resp.Header.Get("X-Request-ID"), 32, "a generated request ID")
			require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
			require.Equal(t, "strict-origin-when-cross-origin", resp.Header.Get("Referrer-Policy"))
			csp := resp.Header.Get("Content-Security-Policy")
			require.Contains(t, csp, "frame-ancestors 'none'")
			require.Contains(t, csp, "script-src 'self' https://*.tosspayments.com;")

			resp, body = get(t, r.url+"/readyz", "X-Request-ID", "e2e-req-1", "Origin", "https://shop.example.kr")
			require.Equal(t, http.StatusOK, resp.StatusCode, body)
			require.Equal(t, "e2e-req-1", resp.Header.Get("X-Request-ID"))
			require.Equal(t, "https://shop.example.kr", resp.Header.Get("Access-Control-Allow-Origin"))

			resp, _ = get(t, r.url+"/no-such-page")
			require.Equal(t, http.StatusNotFound, resp.StatusCode)
			require.NotEmpty(t, resp.Header.Get("Content-Security-Policy"), "headers on every response")

			// The sandbox is mounted because no Toss keys are set.
			resp, _ = get(t, r.url+"/toss-sandbox/v2/standard")
			require.Equal(t, http.StatusOK, resp.StatusCode)
			require.Contains(t, resp.Header.Get("Content-Security-Policy"), "style-src 'self' 'unsafe-inline'", "the sandbox window has inline styles")
			require.NotContains(t, csp, "unsafe-inline")

			resp, body = get(t, r.url+"/metrics")
			require.Equal(t, http.StatusOK, resp.StatusCode)
			require.Contains(t, body, `paydeck_http_requests_total{code="200",route="GET /healthz"} 1`)
			// web's catch-all "/" answers unknown paths with its 404 page.
			require.Contains(t, body, `paydeck_http_requests_total{code="404",route="/"} 1`)
			require.Contains(t, body, `paydeck_http_request_duration_seconds_bucket{code="200",route="GET /readyz"`)
			// The demo shop was set up through the metered store.
			require.Regexp(t, `paydeck_store_transactions_total\{kind="write",outcome="commit"\} [1-9]`, body)
			require.Contains(t, body, `paydeck_store_transaction_duration_seconds_bucket{kind="write"`)
			require.Contains(t, body, "go_goroutines")
			require.Contains(t, body, "process_start_time_seconds")

			require.NoError(t, r.stop(t))
			logs := out.String()
			require.Contains(t, logs, "sandbox mode")
			require.Contains(t, logs, "request_id=e2e-req-1")
			require.Contains(t, logs, "paydeck serving")
			kept, err := os.ReadFile(filepath.Join(m.Config.DataDir, "secret.key"))
			require.NoError(t, err)
			require.NotContains(t, logs, strings.TrimSpace(string(kept)), "the generated secret is never logged")
		})
	}
}

// withEnv returns lookup with k set to v.
func withEnv(lookup func(string) (string, bool), k, v string) func(string) (string, bool) {
	return func(key string) (string, bool) {
		if key == k {
			return v, true
		}
		return lookup(key)
	}
}

func TestReadyzFailsWhenTheDatabaseIsGone(t *testing.T) {
	t.Parallel()
	m, out := newMain(t, nil)
	r := start(t, m, out, "serve")
	resp, _ := get(t, r.url+"/readyz")
	require.Equal(t, http.StatusOK, resp.StatusCode)

	require.NoError(t, m.db.Close())
	resp, body := get(t, r.url+"/readyz")
	require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	require.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"))
	var p httpx.Problem
	require.NoError(t, json.Unmarshal([]byte(body), &p))
	require.Equal(t, "The database is not reachable.", p.Detail)
	resp, _ = get(t, r.url+"/healthz")
	require.Equal(t, http.StatusOK, resp.StatusCode, "alive even when not ready")
}

// slowArgs is a job that blocks until the test releases it.
type slowArgs struct{}

func (slowArgs) Kind() string { return "cmd_test_slow" }

type slowWorker struct {
	river.WorkerDefaults[slowArgs]
	started chan struct{}
	release chan struct{}
	done    atomic.Bool
}

// Work blocks until released and then records whether its context was
// still alive: a graceful shutdown must not cancel a running job.
func (w *slowWorker) Work(ctx context.Context, _ *river.Job[slowArgs]) error {
	close(w.started)
	<-w.release
	w.done.Store(ctx.Err() == nil)
	return nil
}

func TestGracefulShutdownFinishesJobs(t *testing.T) {
	t.Parallel()
	m, out := newMain(t, nil)
	w := &slowWorker{started: make(chan struct{}), release: make(chan struct{})}
	m.workers = river.NewWorkers()
	river.AddWorker(m.workers, w)
	r := start(t, m, out, "serve")

	ctx := t.Context()
	require.NoError(t, m.db.Update(ctx, func(tx paydeck.Tx) error { return tx.Enqueue(ctx, slowArgs{}, nil) }))
	select {
	case <-w.started:
	case <-time.After(30 * time.Second):
		t.Fatalf("job did not start\n%s", out)
	}

	r.cancel() // what SIGTERM does in main
	// New connections are refused while the job is still running.
	require.Eventually(t, func() bool {
		_, err := http.Get(r.url + "/healthz")
		return err != nil
	}, 10*time.Second, 10*time.Millisecond)
	select {
	case <-r.exited:
		t.Fatalf("Run returned before the running job finished: %v", r.err)
	case <-time.After(50 * time.Millisecond):
	}
	close(w.release)
	r.wait(t)
	require.NoError(t, r.err)
	require.True(t, w.done.Load(), "the job finished, uncancelled, before Run returned")
	require.NoError(t, r.stop(t))
	require.NoError(t, m.Close(), "Close is idempotent")
}

func TestCreateAdminAndSeed(t *testing.T) {
	t.Parallel()
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			t.Parallel()
			env := e.env(t)
			env["PAYDECK_DATA_DIR"] = t.TempDir()

			out, err := runCommand(t, env, "", "migrate")
			require.NoError(t, err, out)
			require.Contains(t, out, "database is up to date")

			out, err = runCommand(t, env, "관리자비밀번호 123\n", "createadmin", "--email", " Admin@Shop.KR ")
			require.NoError(t, err, out)
			require.Contains(t, out, "admin admin@shop.kr created")
			require.NotContains(t, out, "관리자비밀번호")

			_, err = runCommand(t, env, "", "createadmin", "--email", "admin@shop.kr", "--password", "another-password")
			require.EqualError(t, err, "createadmin: a user with email admin@shop.kr already exists")
			_, err = runCommand(t, env, "", "createadmin", "--password", "another-password")
			require.EqualError(t, err, "createadmin: --email is required")
			_, err = runCommand(t, env, "", "createadmin", "--email", "b@shop.kr")
			require.EqualError(t, err, "createadmin: no --password given and none on standard input")
			_, err = runCommand(t, env, "", "createadmin", "--email", "b@shop.kr", "--password", "short")
			var policy *account.PolicyError
			require.ErrorAs(t, err, &policy)
			require.Equal(t, account.PasswordTooShort, policy.Reason)
			_, err = runCommand(t, env, "", "createadmin", "--email", "b@shop.kr", "--password", "password123")
			require.ErrorContains(t, err, "too common", "the sign-up rule holds for admins too")

			out, err = runCommand(t, env, "", "seed")
			require.NoError(t, err)
			require.Contains(t, out, "seed: added 8 products and 6 payment methods")
			out, err = runCommand(t, env, "", "seed")
			require.NoError(t, err)
			require.Contains(t, out, "seed: added 0 products and 0 payment methods", "seed is idempotent")

			db := openForCheck(t, env)
			require.NoError(t, db.View(t.Context(), func(tx paydeck.Tx) error {
				u, err := tx.FindUserByEmail(t.Context(), "ADMIN@shop.kr")
				require.NoError(t, err)
				require.Equal(t, paydeck.RoleAdmin, u.Role)
				require.NoError(t, auth.CheckPassword(u.PasswordHash, "관리자비밀번호 123"))

				products, n, err := tx.FindProducts(t.Context(), paydeck.ProductFilter{})
				require.NoError(t, err)
				require.Equal(t, 8, n)
				digital := 0
				for _, p := range products {
					require.True(t, p.IsActive)
					if p.IsDigital {
						digital++
					}
				}
				require.Equal(t, 2, digital)

				methods, n, err := tx.FindPaymentMethods(t.Context(), paydeck.PaymentMethodFilter{})
				require.NoError(t, err)
				require.Equal(t, 6, n)
				fees := map[paydeck.PaymentMethodType][2]int64{}
				for _, pm := range methods {
					fees[pm.Type] = [2]int64{pm.FeeRate, pm.FixedFee}
				}
				require.Equal(t, map[paydeck.PaymentMethodType][2]int64{
					paydeck.MethodCard: {290, 0}, paydeck.MethodTransfer: {180, 0},
					paydeck.MethodVirtualAccount: {0, 300}, paydeck.MethodMobilePhone: {350, 0},
					paydeck.MethodGiftCertificate: {400, 0}, paydeck.MethodEasyPay: {320, 0},
				}, fees)
				return nil
			}))
		})
	}
}

// openForCheck opens the database that env configures, for assertions.
func openForCheck(t *testing.T, env map[string]string) store.DB {
	t.Helper()
	c, err := loadConfig(configSources{env: envMap(env)})
	require.NoError(t, err)
	db, err := store.Open(t.Context(), c.DatabaseURL.Reveal(), store.Options{})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return db
}

func TestHelp(t *testing.T) {
	t.Parallel()
	out, err := runCommand(t, nil, "", "--help")
	require.ErrorIs(t, err, flag.ErrHelp)
	for _, c := range commands {
		require.Contains(t, out, "  "+c.name+" ")
	}
	for _, c := range commands {
		out, err := runCommand(t, nil, "", c.name, "--help")
		require.ErrorIs(t, err, flag.ErrHelp, c.name)
		require.Contains(t, out, "Usage: paydeck "+c.name, c.name)
	}
	out, _ = runCommand(t, nil, "", "serve", "--help")
	require.Contains(t, out, "-addr")
	require.Contains(t, out, "env PAYDECK_ADDR")
	require.NotContains(t, out, "-toss-secret-key", "secrets have no flag")

	_, err = runCommand(t, nil, "", "frobnicate")
	require.EqualError(t, err, `unknown command "frobnicate"`)
	_, err = runCommand(t, nil, "", "serve", "extra")
	require.EqualError(t, err, `serve: unexpected argument "extra"`)
	_, err = runCommand(t, map[string]string{"PAYDECK_LOG_FORMAT": "xml"}, "", "serve")
	require.ErrorContains(t, err, `invalid configuration:`)
	require.ErrorContains(t, err, `PAYDECK_LOG_FORMAT "xml" must be text or json`)
}

func TestFlagsWinAndDotenvIsRead(t *testing.T) {
	t.Parallel()
	m, out := newMain(t, map[string]string{"PAYDECK_MAX_AMOUNT": "900000"})
	require.NoError(t, os.WriteFile(filepath.Join(m.Dir, ".env"), []byte("PAYDECK_MAX_AMOUNT=800000\nPAYDECK_SHIPPING_FEE=2500\n"), 0o600))
	require.NoError(t, m.ParseFlags(t.Context(), []string{"config", "--max-amount", "700000"}))
	require.NoError(t, m.Run(t.Context()))
	require.Regexp(t, `PAYDECK_MAX_AMOUNT=700000\s+# flag`, out.String())
	require.Regexp(t, `PAYDECK_SHIPPING_FEE=2500\s+# \.env`, out.String())
}

func TestVersion(t *testing.T) {
	t.Parallel()
	out, err := runCommand(t, nil, "", "version")
	require.NoError(t, err)
	require.Regexp(t, `^paydeck \S+ go1\.\d+`, out)
}

func TestSandboxCommand(t *testing.T) {
	t.Parallel()
	m, out := newMain(t, nil)
	state := filepath.Join(t.TempDir(), "sandbox.json")
	r := start(t, m, out, "sandbox", "--addr", "127.0.0.1:0", "--state", state)
	require.Contains(t, out.String(), "Toss sandbox at "+r.url)
	require.Contains(t, out.String(), "test_gck_")
	require.Contains(t, out.String(), "test_gsk_")
	resp, _ := get(t, r.url+"/v2/standard")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, r.stop(t))
}

func TestServeFailsWhenThePortIsTaken(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	_, err = runCommand(t, map[string]string{"PAYDECK_ADDR": ln.Addr().String()}, "", "serve")
	require.ErrorContains(t, err, "listen on "+ln.Addr().String())
}
