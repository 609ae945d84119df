package jobs_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/jobs"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/store/storetest"
)

// TestRetentionDeletesOldProcessedWebhooks (security finding 1): the
// retention job deletes deliveries processed longer ago than the retention
// and keeps newer ones and every pending one, however old.
func TestRetentionDeletesOldProcessedWebhooks(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		record := func(result string) int64 {
			w := &paydeck.Webhook{EventType: "X", Body: []byte(`{}`), Headers: map[string]string{}}
			storetest.MustUpdate(t, env.DB, func(tx paydeck.Tx) error {
				if result != "" {
					now := tx.Now()
					w.ProcessedAt, w.Result = &now, result
				}
				return tx.CreateWebhook(ctx, w)
			})
			return w.ID
		}
		oldDone, oldPending := record("ignored: X"), record("")
		env.Clock.Advance(60 * 24 * time.Hour)
		newDone := record("ignored: X")
		env.Clock.Advance(31 * 24 * time.Hour) // oldDone is now 91 days old, newDone 31

		enqueue(t, env, payment.PruneWebhooksArgs{KeepSeconds: int64(payment.DefaultWebhookRetention / time.Second)})
		apptest.WaitFor(t, "old delivery deleted", func() bool { return len(env.ReceivedWebhooks(t)) == 2 })
		var ids []int64
		for _, w := range env.ReceivedWebhooks(t) {
			ids = append(ids, w.ID)
		}
		require.ElementsMatch(t, []int64{oldPending, newDone}, ids)
		require.NotContains(t, ids, oldDone)

		n, err := env.Payments.PruneWebhooks(ctx, 24*time.Hour)
		require.NoError(t, err)
		require.Equal(t, 1, n, "a shorter retention deletes the newer processed one too")
		require.Len(t, env.ReceivedWebhooks(t), 1, "the pending one stays")
	})
	require.NotNil(t, jobs.RetentionJob(0))
}
