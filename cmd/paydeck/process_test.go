package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestMain lets a test run the real main() in a child process: the test
// binary re-executes itself with PAYDECK_RUN_MAIN=1 and paydeck's arguments.
func TestMain(m *testing.M) {
	if os.Getenv("PAYDECK_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// paydeckProcess returns a command running main() with args and env, in dir,
// without any PAYDECK_ or TOSS_ variable of the test's own environment.
func paydeckProcess(t *testing.T, dir string, env map[string]string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PAYDECK_") && !strings.HasPrefix(kv, "TOSS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "PAYDECK_RUN_MAIN=1")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	require.NoError(t, err)
	return 0
}

func TestProcessExitCodes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out, err := paydeckProcess(t, dir, nil, "--help").CombinedOutput()
	require.Equal(t, 0, exitCode(t, err), string(out))
	require.Contains(t, string(out), "createadmin")

	out, err = paydeckProcess(t, dir, map[string]string{"TOSS_CLIENT_KEY": "test_ck_only"}, "serve").CombinedOutput()
	require.Equal(t, 2, exitCode(t, err), string(out))
	require.Contains(t, string(out), "TOSS_CLIENT_KEY and TOSS_SECRET_KEY must be set together")

	// A .env in the working directory is read.
	require.NoError(t, os.WriteFile(dir+"/.env", []byte("PAYDECK_LOG_FORMAT=yaml\n"), 0o600))
	out, err = paydeckProcess(t, dir, nil, "config").CombinedOutput()
	require.Equal(t, 2, exitCode(t, err), string(out))
	require.Contains(t, string(out), `PAYDECK_LOG_FORMAT "yaml" must be text or json`)
}

// TestProcessSIGTERM starts the real program, serves a request, sends it
// SIGTERM and expects a clean exit.
func TestProcessSIGTERM(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cmd := paydeckProcess(t, dir, map[string]string{
		"PAYDECK_ADDR":       "127.0.0.1:0",
		"PAYDECK_DATA_DIR":   dir + "/data",
		"PAYDECK_LOG_FORMAT": "json",
		"TOSS_CLIENT_KEY":    "test_ck_processtest",
		"TOSS_SECRET_KEY":    "test_sk_TOPSECRET",
		"PAYDECK_SECRET":     strings.Repeat("TOPSECRET", 4),
	}, "serve")
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var logs []string
	var addr string
	deadline := time.After(60 * time.Second)
	for addr == "" {
		select {
		case line, ok := <-lines:
			require.True(t, ok, "paydeck exited early:\n%s", strings.Join(logs, "\n"))
			logs = append(logs, line)
			var rec struct{ Msg, Addr string }
			require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
			if rec.Msg == "paydeck serving" {
				addr = rec.Addr
			}
		case <-deadline:
			t.Fatalf("paydeck did not start:\n%s", strings.Join(logs, "\n"))
		}
	}
	resp, err := http.Get("http://" + addr + "/readyz")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	resp, err = http.Get("http://" + addr + "/toss-sandbox/v2/standard")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode, "no sandbox when Toss keys are set")

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	for line := range lines {
		logs = append(logs, line)
	}
	require.NoError(t, cmd.Wait(), strings.Join(logs, "\n"))
	all := strings.Join(logs, "\n")
	require.Contains(t, all, "http server stopped")
	require.NotContains(t, all, "TOPSECRET")
	require.NotContains(t, all, "sandbox mode")
}
