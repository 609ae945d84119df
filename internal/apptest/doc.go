// Package apptest is the shared end-to-end test harness: New gives a test a
// fresh store (SQLite or PostgreSQL) with River jobs running, the Toss
// sandbox on a real HTTP server posting its webhooks to the payment service,
// the real toss client talking to it over HTTP, the payment.Service, and one
// settable Clock shared by all of them. Helpers create customers, products
// and orders, authorize payments in the sandbox and wait for jobs.
//
// Import it only from _test.go files (arch_test.go enforces it).
package apptest
