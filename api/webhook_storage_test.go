package api_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/api"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
	"github.com/paydeck/paydeck/payment"
)

// noWebhookLimit lifts the per-IP webhook limit for tests that send many
// deliveries from one address.
func noWebhookLimit(d *api.Deps) { d.WebhookIPLimit = api.RateLimit{Burst: 1 << 30, Every: 1} }

// junkLetters are random letters: PostgreSQL compresses repetitive
// values, so junk must not repeat itself.
var junkLetters = func() string {
	rng := rand.New(rand.NewPCG(3, 4))
	b := make([]byte, 64<<10)
	for j := range b {
		b[j] = 'a' + byte(rng.IntN(26))
	}
	return string(b)
}()

// junkWebhook is the i-th of a varied set of deliveries an outsider can
// send: each is under the 64 KiB limit, and none names a payment or order
// paydeck knows.
func junkWebhook(rng *rand.Rand, i int) (body string, header map[string]string) {
	n := 1_000 + rng.IntN(60_000)
	off := rng.IntN(len(junkLetters) - n)
	pad := junkLetters[off : off+n]
	header = map[string]string{"Tosspayments-Webhook-Transmission-Id": "whtrans_" + strings.Repeat("z", 4_000)}
	switch i % 6 {
	case 0:
		body = pad // not JSON
	case 1:
		body = `["` + pad + `"]` // JSON, not an object
	case 2:
		body = `{"eventType":"SOMETHING_ELSE","data":{"x":"` + pad + `"}}`
	case 3:
		body = fmt.Sprintf(`{"eventType":"PAYMENT_STATUS_CHANGED","createdAt":"2026-11-27T10:00:00.000000",`+
			`"data":{"paymentKey":"tgen_junk%d","orderId":"ORDJUNK%d","status":"DONE","orderName":"%s"}}`, i, i, pad)
	case 4:
		body = fmt.Sprintf(`{"createdAt":"2026-11-27T10:00:00.000000","secret":"%s","status":"DONE",`+
			`"transactionKey":"t%d","orderId":"ORDJUNK%d"}`, pad, i, i)
	default:
		body = `{"eventType":"PAYMENT_STATUS_CHANGED","data":` + pad + `}` // malformed event
	}
	return body, header
}

// TestJunkWebhooksCostUnderOneMegabyte (security finding 1): 1,000 junk
// deliveries of up to 61 KB each (about 31 MB sent) leave the database
// less than 1 MB (10^6 bytes) bigger, because only an excerpt of each is
// kept. Under -race (CI), where the SQLite driver is tens of times
// slower, it sends 250 and allows 400 KB (PostgreSQL's fixed overhead of
// new pages and forks weighs more on a small count), unless
// PAYDECK_SECURITY_LONG=1.
func TestJunkWebhooksCostUnderOneMegabyte(t *testing.T) {
	t.Parallel()
	deliveries, bound := 1_000, int64(1_000_000)
	if raceEnabled && os.Getenv("PAYDECK_SECURITY_LONG") != "1" {
		deliveries, bound = 250, 400_000
	}
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env, noWebhookLimit)
		ctx := context.Background()
		before, err := env.DB.Size(ctx)
		require.NoError(t, err)
		rng := rand.New(rand.NewPCG(1, 2))
		sent := 0
		for i := range deliveries {
			body, header := junkWebhook(rng, i)
			sent += len(body)
			res := a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/payments/webhook", Body: body, Header: header})
			require.Contains(t, []int{http.StatusOK, http.StatusBadRequest}, res.Status, "%s", res.Body)
		}
		env.WebhooksSettled(t)
		after, err := env.DB.Size(ctx)
		require.NoError(t, err)
		t.Logf("%s: %d junk bytes sent, database grew by %d bytes", env.Engine, sent, after-before)
		require.Less(t, after-before, bound)
		hooks := env.ReceivedWebhooks(t)
		require.Len(t, hooks, deliveries, "every delivery is still recorded")
		for _, w := range hooks {
			require.NotNil(t, w.ProcessedAt)
			require.LessOrEqual(t, len(w.Body), payment.WebhookExcerptBytes)
			for _, v := range w.Headers {
				require.LessOrEqual(t, len(v), 200)
			}
		}
	})
}

// TestWebhooksAreRateLimitedPerIP (security finding 1): one address gets
// DefaultWebhookIPLimit.Burst deliveries at once, then 429 with
// Retry-After; bodies over 64 KiB are refused with 413.
func TestWebhooksAreRateLimitedPerIP(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	env.Clock.Freeze()
	a := apitest.NewAPI(t, env)
	limited := 0
	for range api.DefaultWebhookIPLimit.Burst + 10 {
		res := a.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/payments/webhook", Body: `{"eventType":"X"}`})
		if res.Status == http.StatusTooManyRequests {
			limited++
			res.RequireProblem(t, http.StatusTooManyRequests)
			require.Equal(t, "1", res.Header.Get("Retry-After"))
		} else {
			require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		}
	}
	require.Equal(t, 10, limited)
	env.Clock.Advance(api.DefaultWebhookIPLimit.Every)
	a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/payments/webhook", Body: `{"eventType":"X"}`}, http.StatusOK, nil)

	b := apitest.NewAPI(t, apptest.New(t, "sqlite"))
	b.Do(t, apitest.Request{Method: http.MethodPost, Path: "/api/payments/webhook",
		Body: `{"x":"` + strings.Repeat("a", api.WebhookMaxBodyBytes) + `"}`}).RequireProblem(t, http.StatusRequestEntityTooLarge)
}
