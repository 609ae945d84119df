package reliability

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/bench"
	"github.com/paydeck/paydeck/webhook"
)

// eventReceiver is another system's webhook endpoint: it verifies each
// delivery's signature and records the event ids it got (with repeats).
type eventReceiver struct {
	secret string
	mu     sync.Mutex
	got    map[string]int
	forged int
}

func (r *eventReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.secret == "" || webhook.Verify(r.secret, req.Header, body, time.Now()) != nil {
		r.forged++
		http.Error(w, "bad signature", http.StatusBadRequest)
		return
	}
	r.got[req.Header.Get("webhook-id")]++
}

func (r *eventReceiver) received() (map[string]int, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int, len(r.got))
	for k, v := range r.got {
		out[k] = v
	}
	return out, r.forged
}

// postJSON sends body to url with the bearer token and decodes the 2xx
// answer into out.
func postJSON(t *testing.T, url, token string, body, out any) {
	t.Helper()
	b, err := json.Marshal(body)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	require.Less(t, res.StatusCode, 300, "POST %s: %s", url, raw)
	require.NoError(t, json.Unmarshal(raw, out))
}

// TestEventsUnderCrashAndSeveralInstances runs three "paydeck serve"
// processes on one PostgreSQL database with a webhook endpoint registered,
// drives shoppers through all three while one instance is SIGKILLed and
// restarted twice, and checks the outbound-event rules: every state change
// of the run produced exactly one event id (one order.paid per paid order,
// one refund.completed per completed refund, one event per audit event),
// every event comes from a committed change, and each was delivered,
// correctly signed, at least once to the receiver.
func TestEventsUnderCrashAndSeveralInstances(t *testing.T) {
	t.Parallel()
	db := freshDatabase(t)
	load, concurrency, kills := 6*time.Second, 6, 2
	if long() {
		load, concurrency, kills = 60*time.Second, 24, 8
	}
	rcv := &eventReceiver{got: map[string]int{}}
	hooks := httptest.NewServer(rcv)
	t.Cleanup(hooks.Close)

	addrs := []string{freeAddr(t), freeAddr(t), freeAddr(t)}
	sb, _ := startSandbox(t, "http://"+addrs[0]+"/api/payments/webhook")
	servers := make([]server, len(addrs))
	procs := make([]*proc, len(addrs))
	for i, addr := range addrs {
		// A delivery cut by SIGKILL is retried once River takes its job
		// for dead: 1m here, the smallest allowed.
		servers[i] = newServer(t, t.TempDir(), db, sb, "PAYDECK_ADDR="+addr, "PAYDECK_WEBHOOK_ALLOW_PRIVATE=true",
			"PAYDECK_JOB_RESCUE_AFTER=1m", "TOSS_TIMEOUT=2s", "PAYDECK_CONFIRM_CHECK_DELAY=5s", "PAYDECK_SWEEP_INTERVAL=2s")
		servers[i].Addr = addr
	}
	procs[0], _ = servers[0].run(t) // migrates
	for i := 1; i < len(servers); i++ {
		procs[i], _ = servers[i].run(t)
	}
	email, password := servers[0].createAdmin(t)
	var login struct {
		AccessToken string `json:"accessToken"`
	}
	postJSON(t, servers[0].URL()+"/api/auth/login", "", map[string]string{"email": email, "password": password}, &login)
	var ep struct {
		Secret string `json:"secret"`
	}
	postJSON(t, servers[1].URL()+"/api/admin/webhook-endpoints", login.AccessToken,
		map[string]any{"url": hooks.URL + "/paydeck"}, &ep)
	rcv.mu.Lock()
	rcv.secret = ep.Secret
	rcv.mu.Unlock()

	targets := make([]string, len(servers))
	for i, s := range servers {
		targets[i] = s.URL()
	}
	var (
		res      *bench.Result
		benchErr error
		wg       sync.WaitGroup
	)
	wg.Go(func() {
		res, benchErr = bench.Run(context.Background(), bench.Config{Target: strings.Join(targets, ","), Sandbox: sb,
			AdminEmail: email, AdminPassword: password, Concurrency: concurrency, Duration: load,
			RefundShare: 0.3, Settle: 60 * time.Second, Progress: -1, SandboxSampleEvery: -1, Seed: 17})
	})
	// Kill only once the shoppers are set up (the first order exists): a
	// kill during bench's own sign-ups fails the run before any event.
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db)
	require.NoError(t, err)
	defer conn.Close(ctx)
	require.Eventually(t, func() bool {
		var n int
		return conn.QueryRow(ctx, `SELECT count(*) FROM orders`).Scan(&n) == nil && n > 0
	}, 30*time.Second, 50*time.Millisecond)
	gap := load / time.Duration(kills+2)
	for range kills {
		time.Sleep(gap)
		procs[2].kill() // not the instance that receives the sandbox's webhooks
		procs[2], _ = servers[2].run(t)
	}
	wg.Wait()
	require.NoError(t, benchErr)
	require.Positive(t, res.Checkouts)
	require.Empty(t, res.Mismatches, "errors during the load: %v", res.Errors)

	type event struct {
		id, typ, orderID string
		source           *int64
	}
	var events []event
	rows, err := conn.Query(ctx, `SELECT id, type, source_event_id, body FROM outbound_events ORDER BY seq`)
	require.NoError(t, err)
	for rows.Next() {
		var (
			e    event
			body string
		)
		require.NoError(t, rows.Scan(&e.id, &e.typ, &e.source, &body))
		var env struct {
			ID   string `json:"id"`
			Data struct {
				OrderID string `json:"orderId"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal([]byte(body), &env))
		require.Equal(t, e.id, env.ID)
		e.orderID = env.Data.OrderID
		events = append(events, e)
	}
	require.NoError(t, rows.Err())
	require.NotEmpty(t, events)

	// Exactly one event per state change.
	byType := map[string]map[string]int{} // type → orderId → count
	sources := map[int64]bool{}
	for _, e := range events {
		require.NotNil(t, e.source, "%s has no source state change", e.id)
		require.False(t, sources[*e.source], "audit event %d produced two events", *e.source)
		sources[*e.source] = true
		if byType[e.typ] == nil {
			byType[e.typ] = map[string]int{}
		}
		byType[e.typ][e.orderID]++
	}
	var paidOrders, completedRefunds, missingSources int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM orders WHERE paid_at IS NOT NULL`).Scan(&paidOrders))
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM refunds WHERE status = 'completed'`).Scan(&completedRefunds))
	for orderID, n := range byType["order.paid"] {
		require.Equal(t, 1, n, "order %s has %d order.paid events", orderID, n)
	}
	require.Len(t, byType["order.paid"], paidOrders, "one order.paid per paid order")
	n := 0
	for _, c := range byType["refund.completed"] {
		n += c
	}
	require.Equal(t, completedRefunds, n, "one refund.completed per completed refund")
	// None for a change that did not commit: each event's audit event is there.
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM outbound_events o
		WHERE NOT EXISTS (SELECT 1 FROM payment_events p WHERE p.id = o.source_event_id)`).Scan(&missingSources))
	require.Zero(t, missingSources)

	// Each delivered at least once, signed.
	var last map[string]int
	deadline := time.Now().Add(150 * time.Second) // a delivery cut by a kill waits for the rescue
	for {
		got, forged := rcv.received()
		require.Zero(t, forged, "a delivery failed verification")
		missing := 0
		for _, e := range events {
			if got[e.id] == 0 {
				missing++
			}
		}
		last = got
		if missing == 0 {
			break
		}
		require.True(t, time.Now().Before(deadline), "%d of %d events never reached the receiver", missing, len(events))
		time.Sleep(500 * time.Millisecond)
	}
	repeats := 0
	for _, c := range last {
		repeats += c - 1
	}
	t.Logf("%d checkouts, %d refunds over 3 instances, %d kills: %d events (%d order.paid, %d refund.completed), all delivered, %d repeats",
		res.Checkouts, res.Refunds, kills, len(events), len(byType["order.paid"]), n, repeats)
}
