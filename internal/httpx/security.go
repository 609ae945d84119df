package httpx

import (
	"net/http"
	"strings"
)

// ContentSecurityPolicy returns the policy for paydeck's server-rendered
// pages. Scripts, styles, frames and XHR may come from the page's own origin
// (which includes a mounted Toss sandbox) and from the extra origins given
// (the real Toss SDK and payment window hosts); inline scripts, plugins and
// framing of paydeck by other sites are refused. Inline <style> blocks are
// refused too unless inlineStyles is set. Images may also be data: URIs or
// any https URL (product images).
func ContentSecurityPolicy(inlineStyles bool, extraOrigins ...string) string {
	src := strings.Join(append([]string{"'self'"}, extraOrigins...), " ")
	styles := src
	if inlineStyles {
		styles += " 'unsafe-inline'"
	}
	return strings.Join([]string{
		"default-src 'self'",
		"script-src " + src,
		"style-src " + styles,
		"connect-src " + src,
		"frame-src " + src,
		"img-src 'self' data: https:",
		"font-src 'self' data:",
		"object-src 'none'",
		"base-uri 'self'",
		"form-action 'self'",
		"frame-ancestors 'none'",
	}, "; ")
}

// SecurityHeaders returns middleware that sets, before the handler runs,
// Content-Security-Policy to csp, X-Content-Type-Options: nosniff,
// Referrer-Policy: strict-origin-when-cross-origin and X-Frame-Options: DENY
// (frame-ancestors for browsers without CSP). A handler that needs a
// different policy (for example the sandbox's payment window) may replace
// any of them with w.Header().Set.
func SecurityHeaders(csp string) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", csp)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
			h.Set("X-Frame-Options", "DENY")
			next.ServeHTTP(w, r)
		})
	}
}
