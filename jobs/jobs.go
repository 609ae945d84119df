package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/payment"
)

// worker runs one job kind by calling run with the job's arguments.
type worker[T river.JobArgs] struct {
	river.WorkerDefaults[T]
	run func(ctx context.Context, args T) error
}

// Work implements river.Worker.
func (w *worker[T]) Work(ctx context.Context, job *river.Job[T]) error { return w.run(ctx, job.Args) }

func add[T river.JobArgs](ws *river.Workers, run func(ctx context.Context, args T) error) {
	river.AddWorker(ws, &worker[T]{run: run})
}

// Register adds a worker for every job kind of package payment to ws, each
// calling the matching Service method. A job that returns an error is
// retried by River with its backoff.
func Register(ws *river.Workers, svc *payment.Service) {
	add(ws, func(ctx context.Context, a payment.ExpireOrderArgs) error { return svc.ExpireOrder(ctx, a.OrderID) })
	add(ws, func(ctx context.Context, a payment.ResolvePaymentArgs) error {
		return svc.ResolvePayment(ctx, a.PaymentID)
	})
	add(ws, func(ctx context.Context, a payment.ResolveRefundArgs) error {
		return svc.ResolveRefund(ctx, a.RefundID)
	})
	add(ws, func(ctx context.Context, a payment.ProcessWebhookArgs) error {
		return svc.ProcessWebhook(ctx, a.WebhookID)
	})
	add(ws, func(ctx context.Context, a payment.ExpireVirtualAccountArgs) error {
		return svc.ExpireVirtualAccount(ctx, a.PaymentID)
	})
	add(ws, func(ctx context.Context, a payment.ReconcileArgs) error {
		_, err := svc.Reconcile(ctx, a.Date)
		return err
	})
	add(ws, func(ctx context.Context, _ payment.SweepArgs) error { return svc.Sweep(ctx) })
	add(ws, func(ctx context.Context, a payment.CashReceiptArgs) error {
		return svc.SettleCashReceipt(ctx, a.PaymentID)
	})
	add(ws, func(ctx context.Context, a payment.PruneWebhooksArgs) error {
		_, err := svc.PruneWebhooks(ctx, time.Duration(a.KeepSeconds)*time.Second)
		return err
	})
}

// PruneInterval is how often processed webhook deliveries past their
// retention are deleted.
const PruneInterval = time.Hour

// RetentionJob returns the periodic job (hourly, and at start) that deletes
// webhook deliveries processed more than keep ago (keep ≤ 0:
// payment.DefaultWebhookRetention).
func RetentionJob(keep time.Duration) *river.PeriodicJob {
	if keep <= 0 {
		keep = payment.DefaultWebhookRetention
	}
	args := payment.PruneWebhooksArgs{KeepSeconds: int64(keep / time.Second)}
	return river.NewPeriodicJob(river.PeriodicInterval(PruneInterval),
		func() (river.JobArgs, *river.InsertOpts) { return args, nil },
		&river.PeriodicJobOpts{ID: "payment_prune_webhooks", RunOnStart: true})
}

// SweepInterval is how often the sweep runs by default.
const SweepInterval = time.Minute

// ReconcileHour is the KST hour at which yesterday is reconciled.
const ReconcileHour = 3

// PeriodicJobs returns the periodic jobs to give the store
// (store.Options.PeriodicJobs): the sweep every sweepEvery (SweepInterval
// when 0; also at start), and the reconciliation of the previous KST day
// every day at ReconcileHour KST. now is the clock that names "yesterday".
func PeriodicJobs(now func() time.Time, sweepEvery time.Duration) []*river.PeriodicJob {
	if sweepEvery <= 0 {
		sweepEvery = SweepInterval
	}
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(sweepEvery),
			func() (river.JobArgs, *river.InsertOpts) { return payment.SweepArgs{}, nil },
			&river.PeriodicJobOpts{ID: "payment_sweep", RunOnStart: true}),
		river.NewPeriodicJob(dailyKST{hour: ReconcileHour},
			func() (river.JobArgs, *river.InsertOpts) { return payment.ReconcileArgs{Date: Yesterday(now())}, nil },
			&river.PeriodicJobOpts{ID: "payment_reconcile"}),
	}
}

// Yesterday returns the KST calendar day before now's, "2006-01-02".
func Yesterday(now time.Time) string {
	return now.In(paydeck.KST).AddDate(0, 0, -1).Format(time.DateOnly)
}

// dailyKST is a river.PeriodicSchedule firing every day at hour:00 KST.
type dailyKST struct{ hour int }

// Next implements river.PeriodicSchedule.
func (d dailyKST) Next(current time.Time) time.Time {
	c := current.In(paydeck.KST)
	next := time.Date(c.Year(), c.Month(), c.Day(), d.hour, 0, 0, 0, paydeck.KST)
	if !next.After(c) {
		next = next.AddDate(0, 0, 1)
	}
	return next
}
