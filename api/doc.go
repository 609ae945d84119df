// Package api is paydeck's JSON REST API: huma v2 operations on a stdlib
// http.ServeMux, described by an OpenAPI 3.1 document served at
// /openapi.json (and committed as api/openapi.yaml) with a Swagger UI page
// at /docs that works offline.
//
// Handlers are thin: huma decodes and validates the typed input, the
// handler makes one call into payment.Service (money, orders, refunds,
// webhooks) or paydeck.Store (catalogue, users, reports) and converts the
// result to a typed output. Every error is an RFC 9457 problem+json body;
// domain error codes become HTTP statuses in one function (problem).
//
// Authentication is a bearer JWT (HS256, package auth) obtained from
// POST /api/auth/login; each operation declares whether it is public, for
// any signed-in user, or for admins only. Customers see and act on their
// own orders and payments only (others' answer 404); admins on all.
// Login is rate-limited per account and per client IP with in-memory token
// buckets, so limits are per process. The Toss webhook endpoint is public,
// as Toss sends no credentials; the payment service verifies what it says.
package api
