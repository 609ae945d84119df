package reliability

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/bench"
)

// faultMix is the steady rate of Toss faults: hangs past the client's
// timeout, approve-then-drop and 5xx on confirm and cancel, and duplicate and
// out-of-order webhooks.
const faultMix = `{"faults":[
	{"operation":"confirm","probability":0.04,"hang":true},
	{"operation":"confirm","probability":0.04,"approveThenDrop":true},
	{"operation":"confirm","probability":0.04,"errorCode":"FAILED_INTERNAL_SYSTEM_PROCESSING"},
	{"operation":"confirm","probability":0.1,"latencyMs":50},
	{"operation":"cancel","probability":0.05,"approveThenDrop":true},
	{"operation":"cancel","probability":0.05,"errorCode":"FAILED_INTERNAL_SYSTEM_PROCESSING"},
	{"probability":0.3,"duplicateWebhook":true},
	{"probability":0.3,"outOfOrderWebhook":true}
]}`

// TestFaultMix runs the load with the sandbox's faults on at a steady rate,
// and webhooks from the sandbox process to paydeck; bench's consistency
// check must pass, with the faults still on while payments settle.
func TestFaultMix(t *testing.T) {
	t.Parallel()
	for _, engine := range engines() {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			load, concurrency := 6*time.Second, 4
			if long() {
				load, concurrency = 60*time.Second, 16
			}
			serverAddr := freeAddr(t)
			sb, sbProc := startSandbox(t, "http://"+serverAddr+"/api/payments/webhook")
			srv := newServer(t, t.TempDir(), databaseFor(t, engine), sb, "TOSS_TIMEOUT=1s")
			srv.Env = append(srv.Env, "PAYDECK_ADDR="+serverAddr)
			srv.Addr = serverAddr
			email, password := srv.createAdmin(t)
			srv.run(t)
			sandboxCall(t, http.MethodPut, sb+"/v1/sandbox/faults", faultMix)

			res, err := bench.Run(context.Background(), bench.Config{Target: srv.URL(), Sandbox: sb,
				AdminEmail: email, AdminPassword: password, Concurrency: concurrency, Duration: load,
				RefundShare: 0.3, Settle: 60 * time.Second, Progress: -1, SandboxSampleEvery: -1, Seed: 7})
			require.NoError(t, err)
			require.Positive(t, res.Checkouts)
			// The faults did fire: the sandbox logged forced 5xx answers.
			require.Contains(t, sbProc.out.String(), `path=/v1/payments/confirm route="POST /v1/payments/confirm" status=500`)
			require.Empty(t, res.Mismatches, "errors during the load: %v", res.Errors)
			t.Logf("%s: %d checkouts of %d orders, %d refunds, errors %v", engine, res.Checkouts, res.Attempts, res.Refunds, res.Errors)
		})
	}
}
