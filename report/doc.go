// Package report computes the shop's figures from the store: sales stats
// (attempts, approvals, refunds, revenue, approval rate) per KST day and per
// payment method, and settlements (each method's fee and the net amount per
// payment) with a CSV rendering. The REST API (api/) and the admin pages
// (admin/) both use it, so they always agree.
//
// It imports only the domain: all reads go through paydeck.Tx.
package report
