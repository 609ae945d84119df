package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/store/storetest"
)

var ctx = context.Background()

func enqueue(t *testing.T, env *apptest.Env, args paydeck.JobArgs) {
	t.Helper()
	storetest.MustUpdate(t, env.DB, func(tx paydeck.Tx) error { return tx.Enqueue(ctx, args, nil) })
}

// TestWorkersRunServiceJobs enqueues each job kind through the store and
// waits for River to run the matching Service method.
func TestWorkersRunServiceJobs(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		u := env.Customer(t)
		prod := env.Product(t, 10_000, 10)
		byJob := env.Order(t, u, apptest.Line(prod, 1))
		bySweep := env.Order(t, u, apptest.Line(prod, 1))
		vaOrder := env.Order(t, u, apptest.Line(prod, 1))
		key := env.Authorize(t, vaOrder, "VIRTUAL_ACCOUNT")
		va, err := env.Payments.Confirm(ctx, apptest.As(u), payment.ConfirmInput{PaymentKey: key, OrderID: vaOrder.OrderID, Amount: vaOrder.FinalAmount})
		require.NoError(t, err)
		require.Equal(t, paydeck.PaymentWaitingForDeposit, va.Status)

		env.Clock.Advance(31 * time.Minute)
		enqueue(t, env, payment.ExpireOrderArgs{OrderID: byJob.ID})
		apptest.WaitFor(t, "order expired by its job", func() bool { return env.OrderByID(t, byJob.ID).Status == paydeck.OrderExpired })
		require.Equal(t, paydeck.OrderPending, env.OrderByID(t, bySweep.ID).Status)
		enqueue(t, env, payment.SweepArgs{})
		apptest.WaitFor(t, "order expired by the sweep", func() bool { return env.OrderByID(t, bySweep.ID).Status == paydeck.OrderExpired })
		require.Equal(t, paydeck.PaymentWaitingForDeposit, env.PaymentByKey(t, key).Status, "not yet due")

		env.Clock.Advance(8 * 24 * time.Hour)
		enqueue(t, env, payment.ExpireVirtualAccountArgs{PaymentID: va.ID})
		apptest.WaitFor(t, "virtual account expired", func() bool { return env.PaymentByKey(t, key).Status == paydeck.PaymentExpired })
		require.Equal(t, int64(10), env.ProductByID(t, prod.ID).StockQuantity)

		date := env.Clock.Now().In(paydeck.KST).Format(time.DateOnly)
		enqueue(t, env, payment.ReconcileArgs{Date: date})
		apptest.WaitFor(t, "reconciliation report", func() bool {
			var n int
			storetest.MustView(t, env.DB, func(tx paydeck.Tx) (err error) {
				_, n, err = tx.FindReconciliationReports(ctx, paydeck.ReconciliationReportFilter{Date: &date})
				return err
			})
			return n == 1
		})
	})
}
