// Package storetest is the conformance suite of paydeck's stores and the
// helpers other packages' tests use to get a real, isolated, migrated store.
//
// Run holds the suite; store/sqlite and store/postgres call it. New and
// EachEngine give tests a fresh store: SQLite in a temporary file,
// PostgreSQL in a fresh schema (dropped at cleanup) of the database named
// by PAYDECK_TEST_DATABASE_URL. Without that variable PostgreSQL tests are
// skipped with a message saying how to run them, except when CI=true, where
// they fail.
//
// Import it only from _test.go files.
package storetest
