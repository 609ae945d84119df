package reliability

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/toss/sandbox"
)

// binary is the paydeck binary built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "paydeck-reliability-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "paydeck")
	build := exec.Command("go", "build", "-o", binary, "github.com/paydeck/paydeck/cmd/paydeck")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build paydeck:", err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// long reports whether the long versions run.
func long() bool { return os.Getenv("PAYDECK_RELIABILITY_LONG") == "1" }

// freeAddr returns a loopback address whose port is free now, for a
// process to listen on. The port is taken below the kernel's ephemeral
// range (ip_local_port_range): a port from that range (what listening on
// port 0 hands out) can go to one of the many outgoing connections of the
// tests running beside this one between this check and the process's bind,
// which then fails with "address already in use".
func freeAddr(t *testing.T) string {
	t.Helper()
	low := 32768
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if n, err := strconv.Atoi(f[0]); err == nil && n > 2048 {
				low = n
			}
		}
	}
	first := min(10000, low/2)
	for range 1000 {
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(first+mrand.IntN(low-first)))
		if err != nil {
			continue // taken
		}
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())
		return addr
	}
	t.Fatal("no free port below the ephemeral range")
	return ""
}

// proc is a running paydeck process.
type proc struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
}

// syncBuffer is a bytes.Buffer safe for the process's writes and the
// test's reads.
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

// start runs paydeck with args and env (added to a minimal environment) and
// kills it at the end of the test.
func start(t *testing.T, env []string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	p := &proc{cmd: cmd, out: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	require.NoError(t, cmd.Start())
	go func() { _ = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("paydeck %s output:\n%s", args[0], tail(p.out.String(), 4000))
		}
	})
	return p
}

// kill ends the process with SIGKILL and waits for it.
func (p *proc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// waitReady polls url until it answers 200 (any status when anyStatus),
// or fails the test, and returns how long that took.
func waitReady(t *testing.T, p *proc, url string, anyStatus bool) time.Duration {
	t.Helper()
	begin := time.Now()
	for time.Since(begin) < 30*time.Second {
		select {
		case <-p.done:
			t.Fatalf("process exited before it was ready:\n%s", tail(p.out.String(), 4000))
		default:
		}
		res, err := http.Get(url)
		if err == nil {
			res.Body.Close()
			if anyStatus || res.StatusCode == http.StatusOK {
				return time.Since(begin)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s not ready after 30 s:\n%s", url, tail(p.out.String(), 4000))
	return 0
}

// startSandbox runs "paydeck sandbox" on a free port, sending webhooks to
// webhookURL ("" for none), and returns its base URL and process.
func startSandbox(t *testing.T, webhookURL string) (string, *proc) {
	t.Helper()
	addr := freeAddr(t)
	args := []string{"sandbox", "--addr", addr}
	if webhookURL != "" {
		args = append(args, "--webhook-url", webhookURL)
	}
	p := start(t, nil, args...)
	base := "http://" + addr
	waitReady(t, p, base+"/v1/sandbox/clock", true)
	return base, p
}

// server is one "paydeck serve" configuration that can be (re)started.
type server struct {
	Addr string
	Env  []string
}

// URL is the server's base URL.
func (s server) URL() string { return "http://" + s.Addr }

// newServer configures a server on a free port with its own data dir, the
// given database ("" for SQLite in the data dir) and the sandbox at
// sandboxURL with the widget key pair.
func newServer(t *testing.T, dataDir, databaseURL, sandboxURL string, extra ...string) server {
	t.Helper()
	addr := freeAddr(t)
	env := []string{"PAYDECK_ADDR=" + addr, "PAYDECK_DATA_DIR=" + dataDir,
		"TOSS_CLIENT_KEY=" + sandbox.WidgetClientKey, "TOSS_SECRET_KEY=" + sandbox.WidgetSecretKey,
		"TOSS_API_BASE_URL=" + sandboxURL, "PAYDECK_LOG_LEVEL=warn", "PAYDECK_SECRET=reliability-test-signing-secret-0123456789"}
	if databaseURL != "" {
		env = append(env, "PAYDECK_DATABASE_URL="+databaseURL)
	}
	return server{Addr: addr, Env: append(env, extra...)}
}

// run starts the server and waits until /readyz answers; it returns the
// process and the start-up time.
func (s server) run(t *testing.T) (*proc, time.Duration) {
	t.Helper()
	p := start(t, s.Env, "serve")
	return p, waitReady(t, p, s.URL()+"/readyz", false)
}

// createAdmin runs "paydeck createadmin" with the server's configuration.
func (s server) createAdmin(t *testing.T) (email, password string) {
	t.Helper()
	email, password = "admin@reliability.kr", "reliability-admin-1"
	cmd := exec.Command(binary, "createadmin", "--email", email, "--password", password)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, s.Env...)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return email, password
}

// freshDatabase creates an empty PostgreSQL database on the server of
// PAYDECK_TEST_DATABASE_URL, dropped after the test, and returns its URL. It
// skips the test when the variable is unset (fails under CI=true).
func freshDatabase(t *testing.T) string {
	t.Helper()
	base := os.Getenv("PAYDECK_TEST_DATABASE_URL")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("PAYDECK_TEST_DATABASE_URL is required under CI")
		}
		t.Skip("PAYDECK_TEST_DATABASE_URL not set")
	}
	u, err := url.Parse(base)
	require.NoError(t, err)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "paydeck_rel_" + hex.EncodeToString(b)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+name)
	require.NoError(t, err)
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), base)
		if err == nil {
			_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			_ = c.Close(context.Background())
		}
	})
	u.Path = "/" + name
	return u.String()
}

// engines lists the databases a test runs on: SQLite always, PostgreSQL when
// PAYDECK_TEST_DATABASE_URL is set.
func engines() []string {
	if os.Getenv("PAYDECK_TEST_DATABASE_URL") != "" {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// databaseFor returns the database URL for engine ("" = SQLite in the data
// dir).
func databaseFor(t *testing.T, engine string) string {
	if engine == "postgres" {
		return freshDatabase(t)
	}
	return ""
}

// sandboxCall sends a control-API request to the sandbox.
func sandboxCall(t *testing.T, method, url, body string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	req.SetBasicAuth(sandbox.WidgetSecretKey, "")
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, "%s %s", method, url)
}
