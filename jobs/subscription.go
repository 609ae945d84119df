package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/paydeck/paydeck/subscription"
)

// RegisterSubscriptions adds the workers of package subscription to ws:
// Renew of one (subscription, period), the Scan that queues them, and the
// refund of a canceled subscription's unused days.
func RegisterSubscriptions(ws *river.Workers, svc *subscription.Service) {
	add(ws, func(ctx context.Context, a subscription.RenewArgs) error {
		return svc.Renew(ctx, a.SubscriptionID, a.Period)
	})
	add(ws, func(ctx context.Context, _ subscription.ScanArgs) error { return svc.Scan(ctx) })
	add(ws, func(ctx context.Context, a subscription.RefundArgs) error {
		return svc.RefundUnused(ctx, a.SubscriptionID, a.Period)
	})
}

// SubscriptionScanInterval is how often due renewals are looked for by
// default.
const SubscriptionScanInterval = time.Minute

// SubscriptionPeriodicJobs returns the periodic job that scans for due
// renewals every every (SubscriptionScanInterval when 0; also at start).
// River runs periodic jobs on the leader only, so several instances scan
// once.
func SubscriptionPeriodicJobs(every time.Duration) []*river.PeriodicJob {
	if every <= 0 {
		every = SubscriptionScanInterval
	}
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(every),
			func() (river.JobArgs, *river.InsertOpts) { return subscription.ScanArgs{}, nil },
			&river.PeriodicJobOpts{ID: "subscription_scan", RunOnStart: true}),
	}
}
