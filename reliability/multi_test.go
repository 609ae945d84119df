package reliability

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/bench"
)

// TestSeveralInstances starts three "paydeck serve" processes at once on one
// empty PostgreSQL database (their migrations race), spreads the load across
// them, and checks that the exactly-once rules hold (bench's check: one
// settled payment and one "approved" event per order, stock adds up) and
// that every job ran once (River: each finished job was attempted once, by
// one instance).
func TestSeveralInstances(t *testing.T) {
	t.Parallel()
	db := freshDatabase(t)
	load, concurrency := 6*time.Second, 6
	if long() {
		load, concurrency = 60*time.Second, 24
	}
	addrs := []string{freeAddr(t), freeAddr(t), freeAddr(t)}
	sb, _ := startSandbox(t, "http://"+addrs[0]+"/api/payments/webhook")
	servers := make([]server, len(addrs))
	for i, addr := range addrs {
		servers[i] = newServer(t, t.TempDir(), db, sb, "PAYDECK_ADDR="+addr)
		servers[i].Addr = addr
	}
	var wg sync.WaitGroup
	for _, s := range servers {
		p := start(t, s.Env, "serve") // all at once on the empty database
		wg.Go(func() { waitReady(t, p, s.URL()+"/readyz", false) })
	}
	wg.Wait()
	email, password := servers[0].createAdmin(t)
	targets := make([]string, len(servers))
	for i, s := range servers {
		targets[i] = s.URL()
	}
	res, err := bench.Run(context.Background(), bench.Config{Target: strings.Join(targets, ","), Sandbox: sb,
		AdminEmail: email, AdminPassword: password, Concurrency: concurrency, Duration: load,
		RefundShare: 0.2, Settle: 30 * time.Second, Progress: -1, SandboxSampleEvery: -1, Seed: 11})
	require.NoError(t, err)
	require.Positive(t, res.Checkouts)
	require.Empty(t, res.Errors)
	require.Empty(t, res.Mismatches)
	loadEnd := time.Now()

	// Webhook processing is due at once (only for deliveries that would
	// change something; most are settled when received); confirms and
	// refunds left in progress get a job from the sweep, which runs every
	// minute: the long version waits for one more sweep. Every job due by
	// then must finish.
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db)
	require.NoError(t, err)
	defer conn.Close(ctx)
	if long() {
		time.Sleep(time.Until(loadEnd.Add(65 * time.Second)))
	}
	const due = `SELECT count(*) FROM river_job WHERE state NOT IN ('completed', 'cancelled', 'discarded') AND scheduled_at <= $1`
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, conn.QueryRow(ctx, due, loadEnd.Add(10*time.Second)).Scan(&n))
		return n == 0
	}, 60*time.Second, 500*time.Millisecond, "jobs due by the end of the load must finish")
	var completed, repeated, instances int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE attempt <> 1 OR cardinality(attempted_by) <> 1),
		count(DISTINCT attempted_by[1]) FROM river_job WHERE state = 'completed'`).Scan(&completed, &repeated, &instances))
	require.Positive(t, completed)
	require.Zero(t, repeated, "a finished job was attempted more than once")
	var kinds string
	require.NoError(t, conn.QueryRow(ctx, `SELECT string_agg(kind || '=' || n, ' ') FROM (SELECT kind, count(*) AS n FROM river_job
		WHERE state = 'completed' GROUP BY kind ORDER BY kind) k`).Scan(&kinds))
	t.Logf("%d checkouts, %d refunds over 3 instances; %d jobs completed once each (%s), worked by %d instances",
		res.Checkouts, res.Refunds, completed, kinds, instances)
}
