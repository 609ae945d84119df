// Package jobs runs paydeck's background work on River: one worker per job
// kind of package payment (the arguments live there, next to the code that
// enqueues them), and the periodic jobs (a sweep every minute as the safety
// net behind the scheduled per-order jobs, and the daily reconciliation).
//
// Wiring: create the River workers, open the store with them, create the
// payment.Service, then Register the workers and StartJobs.
package jobs
