package httpx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
)

// RequestIDHeader is the header that carries a request's ID in both
// directions.
const RequestIDHeader = "X-Request-ID"

// maxRequestIDLen bounds an accepted incoming ID so that a client cannot
// flood the logs.
const maxRequestIDLen = 128

type requestIDKey struct{}

// RequestID returns middleware that gives every request an ID: the incoming
// X-Request-ID when it is 1–128 characters of [A-Za-z0-9._:-], otherwise 16
// random bytes from random, hex-encoded. The ID is stored in the request
// context (see RequestIDFrom) and echoed in the X-Request-ID response
// header. A nil random means crypto/rand. If random fails the request still
// proceeds, with the ID "unknown".
func RequestID(random io.Reader) Middleware {
	if random == nil {
		random = rand.Reader
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := r.Header.Get(RequestIDHeader)
			if !validRequestID(id) {
				id = newRequestID(random)
			}
			w.Header().Set(RequestIDHeader, id)
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
		})
	}
}

// RequestIDFrom returns the request ID stored in ctx by RequestID, or "" when
// there is none.
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

func newRequestID(random io.Reader) string {
	var b [16]byte
	if _, err := io.ReadFull(random, b[:]); err != nil {
		return "unknown"
	}
	return hex.EncodeToString(b[:])
}

func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '.', c == '_', c == ':', c == '-':
		default:
			return false
		}
	}
	return true
}

// LogHandler wraps h so that every record logged with a context carrying a
// request ID gets a request_id attribute. Use it as the handler of the
// application's *slog.Logger and log with the ...Context methods.
func LogHandler(h slog.Handler) slog.Handler { return logHandler{h} }

type logHandler struct{ slog.Handler }

func (h logHandler) Handle(ctx context.Context, rec slog.Record) error {
	if id := RequestIDFrom(ctx); id != "" {
		rec.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, rec)
}

func (h logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return logHandler{h.Handler.WithAttrs(attrs)}
}

func (h logHandler) WithGroup(name string) slog.Handler {
	return logHandler{h.Handler.WithGroup(name)}
}
