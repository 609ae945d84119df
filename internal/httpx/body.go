package httpx

import (
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
)

// BodyErrors returns middleware that keeps a request whose body cannot be
// read (a truncated body, a bad chunk length, a client that stops sending)
// from being answered as a server error. It watches reads of the request
// body; when one failed and the handler then answers 5xx, the answer
// becomes a problem+json 400 (408 when the read timed out) and the
// handler's own body is dropped. Other answers pass unchanged.
func BodyErrors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		b := &watchedBody{ReadCloser: r.Body}
		r.Body = b
		next.ServeHTTP(&bodyErrorWriter{ResponseWriter: w, body: b}, r)
	})
}

// watchedBody records the first read error other than io.EOF.
type watchedBody struct {
	io.ReadCloser
	mu  sync.Mutex
	err error
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		b.mu.Lock()
		if b.err == nil {
			b.err = err
		}
		b.mu.Unlock()
	}
	return n, err
}

func (b *watchedBody) failure() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

type bodyErrorWriter struct {
	http.ResponseWriter
	body     *watchedBody
	replaced bool // the handler's answer was replaced: drop its body
	wrote    bool
}

func (w *bodyErrorWriter) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.wrote = true
	err := w.body.failure()
	if code < 500 || err == nil {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.replaced = true
	h := w.ResponseWriter.Header()
	h.Del("Content-Length")
	h.Del("Content-Encoding")
	var netErr net.Error
	switch {
	case errors.As(err, &netErr) && netErr.Timeout():
		WriteProblem(w.ResponseWriter, http.StatusRequestTimeout, "The request body did not arrive in time.")
	default:
		WriteProblem(w.ResponseWriter, http.StatusBadRequest, "The request body could not be read: it is truncated or malformed.")
	}
}

func (w *bodyErrorWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.replaced {
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *bodyErrorWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
