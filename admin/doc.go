// Package admin serves the shop's staff pages under /admin/: a dashboard
// (revenue, counts, approval rate, refunds; a revenue-per-day chart and a
// by-method breakdown drawn as server-side SVG), orders and payments with
// filters and paging, one search box for orders and customers (a partial
// order number, name, email or phone, matched in SQL), the customer list
// (회원: orders, total paid, last order) and a customer's page, an order
// page with items, amounts, the Toss payment details as a labelled list,
// Toss's receipt link, refunds and the event timeline (what happened in a
// sentence and whose account did it, the raw event folded away), the
// actions (full or partial refund with preset reasons and a confirmation
// step, ship, deliver), products and payment methods, settlements, orders
// and settlements as CSV for spreadsheets (report.Sheet: BOM, headers in
// the admin's language, typed text neutralised), the last reconciliation
// report, the owner's job page of retrying and failed jobs, and the River
// job queue UI.
//
// Every page needs a signed-in admin (visitors are sent to the sign-in page,
// other users get 403); every form post carries a CSRF token (the image
// upload's multipart form is read and checked only after the admin check). Money moves
// only through payment.Service; the store serves plain reads and catalogue
// edits. Templates are embedded and parsed once; form parsing lives in
// admin/form.
package admin
