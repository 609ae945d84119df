package toss_test

import (
	"bytes"
	"encoding/json"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/toss"
)

const testSecretKey = "test_sk_zXLkKEypNArWmo50nX3lmeaxYG5R"

// recorded is one request as the test server saw it.
type recorded struct {
	Method     string
	RequestURI string // escaped path and query as sent on the wire
	Path       string // decoded path
	Header     http.Header
	Body       []byte
}

// testBundle holds a client wired to an httptest server whose answers come
// from respond, plus everything the server and the logger saw.
type testBundle struct {
	client *toss.Client
	server *httptest.Server
	logs   *syncBuffer

	mu   sync.Mutex
	reqs []recorded
}

// requests returns a copy of the recorded requests.
func (tb *testBundle) requests() []recorded {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]recorded(nil), tb.reqs...)
}

// responder answers the n-th (0-based) request.
type responder func(n int, w http.ResponseWriter, r *http.Request)

// setup starts a test server answering with respond and a client for it with
// zero backoff and debug logging into a buffer.
func setup(t *testing.T, respond responder, opts ...toss.Option) *testBundle {
	t.Helper()
	tb := &testBundle{logs: &syncBuffer{}}
	tb.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		tb.mu.Lock()
		n := len(tb.reqs)
		tb.reqs = append(tb.reqs, recorded{Method: r.Method, RequestURI: r.RequestURI, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
		tb.mu.Unlock()
		respond(n, w, r)
	}))
	t.Cleanup(tb.server.Close)
	logger := slog.New(slog.NewJSONHandler(tb.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	base := []toss.Option{toss.WithBaseURL(tb.server.URL), toss.WithBackoff(0, 0), toss.WithLogger(logger)}
	tb.client = toss.NewClient(testSecretKey, append(base, opts...)...)
	return tb
}

// fixture reads testdata/name.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	return fixtureBytes(t, name)
}

func fixtureBytes(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(tb, err)
	return b
}

// replyJSON answers every request with status and body.
func replyJSON(status int, body []byte) responder {
	return func(_ int, w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, status, body)
	}
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// tossError is a Toss error body.
func tossError(code toss.ErrorCode, message string) []byte {
	b, _ := json.Marshal(map[string]string{"code": string(code), "message": message})
	return b
}

// requireJSONEqual compares a request body with the expected JSON.
func requireJSONEqual(t *testing.T, want string, got []byte) {
	t.Helper()
	require.JSONEq(t, want, string(got))
}

// syncBuffer is a bytes.Buffer safe for the logger and the test to share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// first returns the first element of seq (or its error).
func first[T any](seq iter.Seq2[T, error]) (T, error) {
	for v, err := range seq {
		return v, err
	}
	var zero T
	return zero, nil
}

// collect ranges over seq to the end, stopping at the first error.
func collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}
