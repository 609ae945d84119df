package httpx

import (
	"net/http"
	"slices"
	"strings"
)

// corsMaxAge is how long, in seconds, a browser may cache a preflight answer.
const corsMaxAge = "600"

// CORS returns middleware for cross-origin API calls from the origins
// listed (each "scheme://host[:port]"; the single entry "*" allows any
// origin). A request whose Origin is allowed gets
// Access-Control-Allow-Origin (the origin itself, or "*") and exposes
// X-Request-ID. A preflight (OPTIONS with Access-Control-Request-Method)
// from an allowed origin is answered 204 with the allowed methods and the
// requested headers, without calling the handler; a preflight from any
// other origin gets 204 without CORS headers, which the browser treats as a
// refusal. Credentials (cookies) are never allowed cross-origin. With no
// origins the middleware adds nothing.
func CORS(origins []string) Middleware {
	anyOrigin := slices.Contains(origins, "*")
	allowed := func(origin string) bool {
		return origin != "" && (anyOrigin || slices.Contains(origins, origin))
	}
	return func(next http.Handler) http.Handler {
		if len(origins) == 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			origin := r.Header.Get("Origin")
			h := w.Header()
			h.Add("Vary", "Origin")
			preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
			if allowed(origin) {
				if anyOrigin {
					h.Set("Access-Control-Allow-Origin", "*")
				} else {
					h.Set("Access-Control-Allow-Origin", origin)
				}
				h.Set("Access-Control-Expose-Headers", RequestIDHeader)
				if preflight {
					h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE")
					if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
						h.Set("Access-Control-Allow-Headers", strings.ToLower(req))
					}
					h.Set("Access-Control-Max-Age", corsMaxAge)
				}
			}
			if preflight {
				w.WriteHeader(http.StatusNoContent)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
