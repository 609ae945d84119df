// Package postgres is paydeck's PostgreSQL store: a pgx/v5 pool with River
// jobs through riverpgxv5.
//
// Update runs in READ COMMITTED with explicit row locks (SELECT … FOR UPDATE
// in LockXxx) on money paths and retries a transaction that fails with a
// serialization failure or a deadlock. View runs READ ONLY in REPEATABLE
// READ, so it sees one snapshot. Migrate holds a session advisory
// lock (per schema), so several instances can start at once.
//
// Each transaction's BEGIN travels with its first statement (lazytx.go),
// and consecutive money-path writes whose answers nothing reads at once (an
// order with its items and event; a payment, its event and its order) go
// as one statement of data-modifying CTEs (sqlcore's combine.go): fewer
// statements and round trips per checkout.
//
// A non-empty Schema keeps paydeck's and River's tables in that schema (it
// must exist); the test helpers in store/storetest give every test its own.
package postgres
