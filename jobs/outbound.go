package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"

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
