// Package payment is paydeck's money logic: orders, Toss confirms, refunds,
// virtual accounts, webhooks, expiry and reconciliation, on top of a
// paydeck.Store and a toss.Client. It has no SQL and no HTTP: api/ calls the
// Service methods, jobs/ runs the job methods from River workers.
//
// Every state change is one Store.Update that also appends the audit events
// and enqueues its follow-up jobs. Toss is never called inside an Update
// (PostgreSQL may run the callback again); instead a change that needs Toss
// is split in two transactions around the call, and an "in_progress" record
// plus a scheduled job make sure an outcome that is unknown (timeout, dropped
// connection) is always settled later with the same idempotency key.
//
// Errors returned to callers are *paydeck.Error values (codes invalid,
// not_found, conflict, forbidden, unavailable, internal); transports map the
// codes to statuses once.
package payment
