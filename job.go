package paydeck

import "time"

// Job is one background job (a River job) as the shop's job page shows it.
type Job struct {
	ID   int64
	Kind string
	// State is River's: available, scheduled, running, retryable,
	// discarded, cancelled or completed.
	State                string
	Attempt, MaxAttempts int
	// LastError is the error of the latest failed attempt, "" if none.
	LastError string
	CreatedAt time.Time
	// ScheduledAt is when the job runs next (a retrying job's next attempt).
	ScheduledAt time.Time
	// AttemptedAt is when the latest attempt began; FinalizedAt when the job
	// ended (discarded, cancelled, completed). nil when not (yet).
	AttemptedAt, FinalizedAt *time.Time
}

// Job states the shop looks at.
const (
	JobRetryable = "retryable"
	JobDiscarded = "discarded"
	JobCancelled = "cancelled"
)
