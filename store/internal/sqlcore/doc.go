// Package sqlcore is the one SQL implementation of paydeck.Tx shared by the
// SQLite and PostgreSQL adapters.
//
// Queries are written once with '?' placeholders over a tiny Executor that
// both *sql.Tx and pgx.Tx satisfy through small wrappers. Engine differences
// are explicit Dialect methods: placeholder rebinding, the row-lock suffix,
// time encoding and constraint-violation detection.
//
// Time encoding: PostgreSQL stores timestamptz; SQLite stores INTEGER Unix
// microseconds (UTC), which compare correctly in SQL and keep the same
// precision as PostgreSQL. Times read back are UTC.
package sqlcore
