package httpx

import "net/http"

// Middleware wraps a handler with behaviour that runs around it.
type Middleware func(http.Handler) http.Handler

// Chain wraps h so that the first middleware listed is the outermost: a
// request passes through mw[0], then mw[1], ..., then h.
func Chain(h http.Handler, mw ...Middleware) http.Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}
