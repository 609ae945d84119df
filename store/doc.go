// Package store opens paydeck's database: Open picks the SQLite or
// PostgreSQL adapter from the database URL and returns a DB, a paydeck.Store
// that can also migrate itself and run River jobs.
//
// The adapters share one SQL implementation (store/internal/sqlcore) and one
// conformance suite (store/storetest).
package store
