// Package admin serves the shop's staff pages under /admin/: a dashboard
// (revenue, counts, approval rate, refunds; a revenue-per-day chart and a
// by-method breakdown drawn as server-side SVG), orders and payments with
// filters and paging, an order page with items, amounts, the Toss payment
// details, refunds and the event timeline, the actions (full or partial
// refund, ship, deliver), products (with category and an uploaded image)
// and payment methods, settlements with CSV
// export, the last reconciliation report, and the River job queue UI.
//
// Every page needs a signed-in admin (visitors are sent to the sign-in page,
// other users get 403); every form post carries a CSRF token (the image
// upload's multipart form is read and checked only after the admin check). Money moves
// only through payment.Service; the store serves plain reads and catalogue
// edits. Templates are embedded and parsed once; form parsing lives in
// admin/form.
package admin
