package httpx

import "net/http"

// recorder remembers the status code and body size a handler wrote, so that
// the access log, the metrics and the panic handler can see them.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

// record returns w as a *recorder, reusing it when an outer middleware has
// already wrapped it.
func record(w http.ResponseWriter) *recorder {
	if rec, ok := w.(*recorder); ok {
		return rec
	}
	return &recorder{ResponseWriter: w}
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 && code >= 200 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(p)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer (Flush,
// deadlines, hijacking).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// wroteHeader reports whether the response status has been sent.
func (r *recorder) wroteHeader() bool { return r.status != 0 }

// code is the status the client received; a handler that wrote nothing
// answered 200.
func (r *recorder) code() int {
	if r.status == 0 {
		return http.StatusOK
	}
	return r.status
}
