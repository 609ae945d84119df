package httpx

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
)

// Recover returns middleware that turns a panic in the handler into a 500
// application/problem+json response (when nothing was written yet) and logs
// the panic value and stack at Error. The response says only that an
// internal error happened. http.ErrAbortHandler is re-panicked so the server
// aborts the connection as that sentinel asks.
func Recover(logger *slog.Logger) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := record(w)
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
					panic(v)
				}
				logger.ErrorContext(r.Context(), "panic in http handler",
					slog.String("panic", fmt.Sprint(v)),
					slog.String("route", route(r)),
					slog.String("stack", string(debug.Stack())),
				)
				if !rec.wroteHeader() {
					WriteProblem(rec, http.StatusInternalServerError, "An internal error occurred.")
				}
			}()
			next.ServeHTTP(rec, r)
		})
	}
}
