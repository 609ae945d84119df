// Package sqlite is paydeck's default store: modernc.org/sqlite (pure Go)
// with River jobs through riversqlite.
//
// One database file is opened through two handles: a writer with a single
// connection (BEGIN IMMEDIATE transactions, so write transactions are
// serialized and row locks are unnecessary) and a pool of read-only
// (query_only) readers for View. Every connection sets busy_timeout first,
// then WAL, synchronous=FULL (no lost commits on power loss),
// foreign_keys=ON and temp_store=MEMORY. River uses the writer handle, as riversqlite requires.
//
// Writers queued behind one another share a transaction, each Update in a
// savepoint of it, and the last of the line commits: one WAL fsync for the
// group instead of one per Update (group commit; see writeGroup). An Update
// still returns only once its writes are durable.
// Times are stored as INTEGER Unix microseconds (UTC); see sqlcore.
//
// Limits: one machine only (SQLite is a local file); River on SQLite polls
// for jobs instead of being notified.
package sqlite
