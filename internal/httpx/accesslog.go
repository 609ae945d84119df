package httpx

import (
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// AccessLog returns middleware that logs one record per request at Info
// (5xx at Error) after the handler returns: method, path, route pattern,
// status, response bytes and duration, with the request's context so that a
// LogHandler adds its ID. The query string is never logged: return URLs
// carry payment keys and order IDs. now is the clock used for the duration;
// nil means time.Now.
func AccessLog(logger *slog.Logger, now func() time.Time) Middleware {
	if now == nil {
		now = time.Now
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := now()
			rec := record(w)
			next.ServeHTTP(rec, r)
			level := slog.LevelInfo
			if rec.code() >= 500 {
				level = slog.LevelError
			}
			logger.LogAttrs(r.Context(), level, "http request",
				slog.String("method", r.Method),
				slog.String("path", logPath(r.URL.Path)),
				slog.String("route", route(r)),
				slog.Int("status", rec.code()),
				slog.Int64("bytes", rec.bytes),
				slog.Duration("duration", now().Sub(start)),
			)
		})
	}
}

// logPath is the path as logged: a Toss billing key in a billing path
// (/v1/billing/{billingKey}, served by the sandbox in sandbox mode) is
// replaced by "[redacted]"; billing keys charge cards and are never logged.
func logPath(p string) string {
	const billing = "/v1/billing/"
	i := strings.Index(p, billing)
	if i < 0 || strings.HasPrefix(p[i+len(billing):], "authorizations/") {
		return p
	}
	return p[:i+len(billing)] + "[redacted]"
}
