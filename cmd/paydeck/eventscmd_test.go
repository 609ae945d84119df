package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/outbound"
	"github.com/paydeck/paydeck/webhook"
)

// hookRecorder is a receiver on the developer's laptop (or another
// system's endpoint): it records every request.
type hookRecorder struct {
	URL  string
	mu   sync.Mutex
	hdrs []http.Header
	body [][]byte
}

func newHookRecorder(t *testing.T) *hookRecorder {
	t.Helper()
	h := &hookRecorder{}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.hdrs, h.body = append(h.hdrs, r.Header.Clone()), append(h.body, b)
		h.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(ts.Close)
	h.URL = ts.URL + "/hooks"
	return h
}

func (h *hookRecorder) len() int { h.mu.Lock(); defer h.mu.Unlock(); return len(h.body) }

func (h *hookRecorder) get(i int) (http.Header, []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hdrs[i], h.body[i]
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestListenTriggerResend drives the developer commands against a real
// `paydeck serve` in sandbox mode: listen forwards the events that trigger
// makes fire (order.paid, then refund.completed), signed with the session
// secret so a Standard Webhooks verifier accepts them, and prints each with
// the receiver's status; events resend delivers a stored event again to
// the registered endpoint.
func TestListenTriggerResend(t *testing.T) {
	t.Parallel()
	m, out := newMain(t, map[string]string{"PAYDECK_WEBHOOK_ALLOW_PRIVATE": "true"})
	r := start(t, m, out, "serve")
	ctx := t.Context()
	admin := &paydeck.User{Email: "cli-admin@example.com", PasswordHash: "x", Name: "관리자", Role: paydeck.RoleAdmin}
	require.NoError(t, m.db.Update(ctx, func(tx paydeck.Tx) error { return tx.CreateUser(ctx, admin) }))
	_, key, err := m.outbound.CreateAPIKey(ctx, paydeck.APIKeyTest, admin.ID, "cli", paydeck.Scopes)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(key, "pdk_test_"), "sandbox mode makes test keys")
	erp := newHookRecorder(t)
	ep, err := m.outbound.CreateEndpoint(ctx, outbound.EndpointInput{URL: erp.URL, Enabled: true,
		Events: []paydeck.OutboundEventType{paydeck.OutOrderPaid}})
	require.NoError(t, err)
	dataDir, _ := m.LookupEnv("PAYDECK_DATA_DIR")
	env := map[string]string{"PAYDECK_API_URL": r.url, "PAYDECK_API_KEY": key, "PAYDECK_DATA_DIR": dataDir}

	laptop := newHookRecorder(t)
	secret := webhook.NewSecret()
	lm, lout := newMain(t, env)
	require.NoError(t, lm.ParseFlags(ctx, []string{"listen", "--forward-to", laptop.URL,
		"--events", "order.paid,refund.completed", "--secret", secret}))
	lctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- lm.Run(lctx) }()
	t.Cleanup(func() {
		stop()
		require.NoError(t, <-done)
	})
	waitUntil(t, "listen ready", func() bool { return strings.Contains(lout.String(), "Ready: forwarding") })
	require.Contains(t, lout.String(), secret)

	got, err := runCommand(t, env, "", "trigger", "refund.completed")
	require.NoError(t, err, got)
	require.Contains(t, got, "Placed order")
	require.Contains(t, got, "Refunded it.")

	waitUntil(t, "two events forwarded", func() bool { return laptop.len() == 2 })
	types := map[string]string{}
	for i := range 2 {
		h, b := laptop.get(i)
		require.NoError(t, webhook.Verify(secret, h, b, time.Now()))
		var env struct{ ID, Type string }
		require.NoError(t, json.Unmarshal(b, &env))
		require.Equal(t, env.ID, h.Get("webhook-id"))
		types[env.Type] = env.ID
	}
	require.Contains(t, types, "order.paid")
	require.Contains(t, types, "refund.completed")
	waitUntil(t, "printed", func() bool { return strings.Count(lout.String(), "→ 202 Accepted") == 2 })
	require.Contains(t, lout.String(), types["order.paid"])

	// The registered endpoint got order.paid, signed with its own secret;
	// events resend sends it again.
	waitUntil(t, "endpoint delivery", func() bool { return erp.len() == 1 })
	h, b := erp.get(0)
	require.NoError(t, webhook.Verify(ep.Secret, h, b, time.Now()))
	got, err = runCommand(t, env, "", "events", "resend", types["order.paid"])
	require.NoError(t, err, got)
	require.Contains(t, got, "1 deliveries enqueued")
	waitUntil(t, "resent", func() bool { return erp.len() == 2 })
	_, again := erp.get(1)
	require.Equal(t, string(b), string(again))

	_, err = runCommand(t, env, "", "events", "resend", "evt_nosuchevent")
	require.ErrorContains(t, err, "404")
	_, err = runCommand(t, env, "", "trigger", "order.refunded")
	require.ErrorContains(t, err, "name one event type")
	_, err = runCommand(t, map[string]string{"PAYDECK_API_URL": r.url}, "", "trigger", "order.paid")
	require.ErrorContains(t, err, "PAYDECK_API_KEY")
	_, err = runCommand(t, map[string]string{"PAYDECK_API_URL": r.url, "PAYDECK_API_KEY": "pdk_live_x"}, "", "trigger", "order.paid")
	require.ErrorContains(t, err, "sandbox mode")
	_, err = runCommand(t, env, "", "listen", "--forward-to", "localhost:3000")
	require.ErrorContains(t, err, "--forward-to")
}
