package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"github.com/paydeck/paydeck/notify"
	"github.com/paydeck/paydeck/outbound"
)

// deliverWorker runs outbound deliveries with the service's backoff between
// attempts and stops retrying once the retry window is over.
type deliverWorker struct {
	river.WorkerDefaults[outbound.DeliverArgs]
	svc *outbound.Service
}

// Work implements river.Worker.
func (w *deliverWorker) Work(ctx context.Context, job *river.Job[outbound.DeliverArgs]) error {
	err := w.svc.Deliver(ctx, job.Args, job.CreatedAt)
	if errors.Is(err, outbound.ErrGaveUp) {
		return river.JobCancel(err)
	}
	return err
}

// NextRetry implements river.Worker.
func (w *deliverWorker) NextRetry(job *river.Job[outbound.DeliverArgs]) time.Time {
	return time.Now().Add(w.svc.RetryDelay(job.Attempt))
}

// Timeout implements river.Worker: a delivery is bounded by its own
// timeout; this leaves room for recording it.
func (w *deliverWorker) Timeout(*river.Job[outbound.DeliverArgs]) time.Duration {
	return outbound.Timeout + 20*time.Second
}

// RegisterOutbound adds the worker that delivers outbound events.
func RegisterOutbound(ws *river.Workers, svc *outbound.Service) {
	river.AddWorker(ws, &deliverWorker{svc: svc})
}

// notifyWorker sends one outbox message; a failed send returns its error so
// River retries it with its own backoff.
type notifyWorker struct {
	river.WorkerDefaults[notify.SendArgs]
	svc *notify.Service
}

// Work implements river.Worker.
func (w *notifyWorker) Work(ctx context.Context, job *river.Job[notify.SendArgs]) error {
	return w.svc.Send(ctx, job.Args)
}

// RegisterNotify adds the worker that sends mail.
func RegisterNotify(ws *river.Workers, svc *notify.Service) {
	river.AddWorker(ws, &notifyWorker{svc: svc})
}
