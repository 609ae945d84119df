package sqlcore

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/paydeck/paydeck"
)

// Config is what both adapters need besides the database address. The
// exported store.Options is translated into it.
type Config struct {
	// Logger receives the adapters' and River's logs; nil discards them.
	Logger *slog.Logger
	// Now is the clock behind Tx.Now; nil means time.Now.
	Now func() time.Time
	// Workers are the River workers; nil makes an insert-only job client
	// (StartJobs then fails) that accepts any job kind.
	Workers *river.Workers
	// MaxWorkers is the number of jobs worked at once (default 10).
	MaxWorkers int
	// PeriodicJobs are River periodic jobs started with the workers.
	PeriodicJobs []*river.PeriodicJob
	// FetchPollInterval is how often River polls for jobs when it has no
	// notification (always on SQLite); 0 keeps River's default (1 s).
	FetchPollInterval time.Duration
	// Schema is the PostgreSQL schema holding paydeck's and River's tables
	// ("" uses the search_path). Ignored by SQLite.
	Schema string
	// RescueStuckJobsAfter is River's RescueStuckJobsAfter (0 keeps its
	// default).
	RescueStuckJobsAfter time.Duration
	// EventHook runs before each Update's commit with the audit events it
	// appended (Tx.RunEventHook); nil means none.
	EventHook paydeck.EventHook
	// CountStatements, when set, is told of every statement paydeck's
	// transactions send (BEGIN and COMMIT not included, River's job inserts
	// included; see CountFunc).
	CountStatements CountFunc
}

// WithDefaults returns c with nil Logger and Now filled in.
func (c Config) WithDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.MaxWorkers <= 0 {
		c.MaxWorkers = 10
	}
	return c
}

// RiverConfig returns the River client configuration for c.
func (c Config) RiverConfig() *river.Config {
	rc := &river.Config{
		Logger:            c.Logger,
		Schema:            c.Schema,
		FetchPollInterval: c.FetchPollInterval,
		PeriodicJobs:      c.PeriodicJobs,

		RescueStuckJobsAfter: c.RescueStuckJobsAfter,
	}
	if c.FetchPollInterval > 0 {
		rc.FetchCooldown = min(c.FetchPollInterval, river.FetchCooldownDefault)
	}
	if c.Workers != nil {
		rc.Workers = c.Workers
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: c.MaxWorkers}}
	}
	return rc
}

// InsertOpts translates paydeck job options into River's.
func InsertOpts(o *paydeck.JobOptions) *river.InsertOpts {
	if o == nil {
		return nil
	}
	opts := &river.InsertOpts{Queue: o.Queue, ScheduledAt: o.ScheduledAt, MaxAttempts: o.MaxAttempts, Priority: o.Priority}
	if o.UniqueByArgs {
		opts.UniqueOpts = river.UniqueOpts{ByArgs: true, ByPeriod: o.UniquePeriod}
	}
	return opts
}

// ReadOnlyEnqueue is the EnqueueFunc of read-only transactions: it refuses.
func ReadOnlyEnqueue(context.Context, paydeck.JobArgs, *paydeck.JobOptions) error {
	return errors.New("enqueue in a read-only transaction")
}

// JobRunner starts and stops an adapter's River client. Both adapters embed
// it; only the client's transaction type differs between them.
type JobRunner struct {
	// Engine names the adapter in errors ("sqlite", "postgres").
	Engine string
	// Client is the adapter's River client.
	Client interface {
		Start(ctx context.Context) error
		Stop(ctx context.Context) error
	}
	// HasWorkers is false for an insert-only client, which cannot start.
	HasWorkers bool
	started    bool
}

// StartJobs starts working jobs with the configured workers; it fails
// without workers.
func (r *JobRunner) StartJobs(ctx context.Context) error {
	if !r.HasWorkers {
		return errors.New(r.Engine + ": no job workers configured")
	}
	if err := r.Client.Start(ctx); err != nil {
		return err
	}
	r.started = true
	return nil
}

// StopJobs waits for running jobs to finish (or ctx to end) and stops
// working jobs; it does nothing when jobs were not started.
func (r *JobRunner) StopJobs(ctx context.Context) error {
	if !r.started {
		return nil
	}
	r.started = false
	return r.Client.Stop(ctx)
}
