package reliability

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/bench"
)

// TestCrash kills "paydeck serve" with SIGKILL at random moments under load
// and restarts it; the sandbox runs as its own process and outlives it.
// Afterwards bench's check must pass: every payment the sandbox approved is
// paid in paydeck or cancelled back, no order is paid twice (one settled
// payment per order, one "approved" event per payment), stock adds up and
// the audit trail has every event.
func TestCrash(t *testing.T) {
	t.Parallel()
	for _, engine := range engines() {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			kills, load, concurrency := 3, 6*time.Second, 4
			if long() {
				kills, load, concurrency = 12, 60*time.Second, 16
			}
			sb, _ := startSandbox(t, "")
			// A kill between the two confirm transactions (or the two of a
			// refund) leaves a row in progress with no job: the sweep finds
			// it once it is PAYDECK_CONFIRM_CHECK_DELAY old. Both are short
			// here so that the check does not wait minutes.
			srv := newServer(t, t.TempDir(), databaseFor(t, engine), sb,
				"TOSS_TIMEOUT=2s", "PAYDECK_CONFIRM_CHECK_DELAY=5s", "PAYDECK_SWEEP_INTERVAL=2s")
			email, password := srv.createAdmin(t)
			p, _ := srv.run(t)

			rnd := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
			var (
				res    *bench.Result
				err    error
				wg     sync.WaitGroup
				killed int
			)
			seed := rnd.Uint64()
			wg.Go(func() {
				res, err = bench.Run(context.Background(), bench.Config{Target: srv.URL(), Sandbox: sb,
					AdminEmail: email, AdminPassword: password, Concurrency: concurrency, Duration: load,
					RefundShare: 0.2, Settle: 60 * time.Second, Progress: -1, Seed: seed})
			})
			time.Sleep(time.Second) // setup: accounts and products
			gap := load / time.Duration(kills+1)
			for range kills {
				time.Sleep(gap/2 + time.Duration(rnd.Int64N(int64(gap))))
				p.kill()
				killed++
				p, _ = srv.run(t)
			}
			wg.Wait()
			require.NoError(t, err)
			require.Equal(t, kills, killed)
			require.Positive(t, res.Checkouts, "errors: %v", res.Errors)
			require.Empty(t, res.Mismatches, "errors during the load: %v", res.Errors)
			t.Logf("%s: %d kills, %d checkouts of %d orders, %d refunds, errors %v", engine, killed, res.Checkouts, res.Attempts, res.Refunds, res.Errors)
		})
	}
}
