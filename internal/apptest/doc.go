// Package apptest is the shared end-to-end test harness: New gives a test a
// fresh store (SQLite or PostgreSQL) with River jobs running, the Toss
// sandbox on a real HTTP server posting its webhooks to the payment service,
// the real toss client talking to it over HTTP, the payment.Service, and one
// settable Clock shared by all of them. Helpers create customers, products
// and orders, authorize payments in the sandbox and wait for jobs.
//
// The audiences above the core live in sub-packages, so a package's tests
// compile only what they use: apitest serves the REST API over real HTTP,
// sitetest the whole shop (API, pages, admin) and drives Chromium. The
// payment and jobs tests need neither (arch_test.go checks it).
//
// Import it only from _test.go files (arch_test.go enforces it).
package apptest
