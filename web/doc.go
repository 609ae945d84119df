// Package web serves the shopper's pages: the product list and cart, sign-up
// and sign-in, order creation, the checkout page with the Toss payment widget
// (or the offline sandbox's SDK-compatible script), the success page that
// confirms the payment on the server, the fail page, and the shopper's orders.
// The home page searches names and descriptions and filters by category;
// product images uploaded by the admin are served from the store at URLs
// naming their content hash, with a placeholder for products without one
// (docs/catalogue.md).
//
// Pages are html/template files embedded and parsed once, Korean first with
// English on ?lang=en or Accept-Language. Money moves only through
// payment.Service (the same rules as the REST API); the store is used for
// the catalogue and accounts only. The shared pieces (session cookie, CSRF,
// layout, CSS) live in ui.
package web
