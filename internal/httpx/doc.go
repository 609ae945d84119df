// Package httpx holds the HTTP middleware that every paydeck route shares:
// request IDs, access logging, Prometheus request metrics, panic recovery
// with RFC 9457 problem responses, security headers and CORS, plus Serve,
// which runs an http.Server until its context ends and then shuts it down
// gracefully.
//
// Each middleware has the shape func(http.Handler) http.Handler and is
// independent of the others; Chain composes them. Loggers and registries are
// passed in; the package keeps no global state.
package httpx
