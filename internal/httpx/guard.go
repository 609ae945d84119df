package httpx

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/paydeck/paydeck"
)

// StrictTransportSecurity returns middleware that sets
// Strict-Transport-Security (one year, subdomains included) on every
// response when enabled (the public URL is https); otherwise it adds
// nothing, since browsers ignore the header over plain HTTP.
func StrictTransportSecurity(enabled bool) Middleware {
	return func(next http.Handler) http.Handler {
		if !enabled {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
			next.ServeHTTP(w, r)
		})
	}
}

// RequireBearer returns middleware that lets a request through only with
// "Authorization: Bearer <token>" (compared in constant time); others get
// a 401 problem with WWW-Authenticate. An empty token requires nothing.
func RequireBearer(token string) Middleware {
	want := []byte(token)
	return func(next http.Handler) http.Handler {
		if len(want) == 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), want) != 1 {
				w.Header().Set("WWW-Authenticate", "Bearer")
				WriteProblem(w, http.StatusUnauthorized, "Send the metrics token as \"Authorization: Bearer <token>\".")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// ProblemListener wraps ln so that the plain-text answers net/http's
// server writes itself, before any handler runs, to a request it cannot
// read (431 for headers over http.Server.MaxHeaderBytes, 400 for a
// malformed request line or header, 501 for an unknown transfer coding)
// go out as application/problem+json like every other error. Handler
// responses are never touched: net/http writes them with a Date header and
// its headers in sorted order, which the shape matched here excludes.
func ProblemListener(ln net.Listener) net.Listener { return problemListener{ln} }

type problemListener struct{ net.Listener }

func (l problemListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return problemConn{c}, nil
}

type problemConn struct{ net.Conn }

// serverErrorHeaders follows the status line of net/http's own error
// answers (net/http/server.go, conn.serve).
const serverErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

func (c problemConn) Write(p []byte) (int, error) {
	if rewritten, ok := asProblem(p); ok {
		if _, err := c.Conn.Write(rewritten); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	return c.Conn.Write(p)
}

// asProblem turns one of net/http's plain-text error answers into the
// same status with a problem+json body.
func asProblem(p []byte) ([]byte, bool) {
	const prefix = "HTTP/1.1 "
	if !bytes.HasPrefix(p, []byte(prefix)) {
		return nil, false
	}
	i := bytes.Index(p, []byte(serverErrorHeaders))
	if i < len(prefix)+3 || bytes.Contains(p[:i], []byte("\r\n")) {
		return nil, false
	}
	status, err := strconv.Atoi(string(p[len(prefix) : len(prefix)+3]))
	if err != nil || status < 400 || status > 599 {
		return nil, false
	}
	detail := "The request could not be read."
	if _, text, ok := strings.Cut(string(p[i+len(serverErrorHeaders):]), ": "); ok {
		detail = "The request could not be read: " + text + "."
	}
	body, err := json.Marshal(Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail,
		Code: paydeck.CodeOfStatus(status)})
	if err != nil {
		return nil, false
	}
	head := fmt.Sprintf("HTTP/1.1 %d %s\r\nContent-Type: application/problem+json\r\nCache-Control: no-store\r\n"+
		"Connection: close\r\nContent-Length: %d\r\n\r\n", status, http.StatusText(status), len(body))
	return append([]byte(head), body...), true
}

// PlainErrors returns middleware that turns a plain-text error answer
// (status 400 or above with Content-Type text/plain, as http.Error,
// http.NotFound, ServeMux's 404 and 405 and file servers write) into an
// application/problem+json one with the same status and headers; the
// handler's text is dropped. Other answers pass unchanged.
func PlainErrors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&plainErrorWriter{ResponseWriter: w}, r)
	})
}

type plainErrorWriter struct {
	http.ResponseWriter
	replaced bool
	wrote    bool
}

// plainDetails are the problem details for the statuses plain-text errors
// usually carry.
var plainDetails = map[int]string{
	http.StatusNotFound:         "There is nothing at this address.",
	http.StatusMethodNotAllowed: "This address does not accept this method; see the Allow header.",
}

func (w *plainErrorWriter) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.wrote = true
	h := w.ResponseWriter.Header()
	if code < 400 || !strings.HasPrefix(h.Get("Content-Type"), "text/plain") {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.replaced = true
	h.Del("Content-Length")
	detail, ok := plainDetails[code]
	if !ok {
		detail = http.StatusText(code) + "."
	}
	WriteProblem(w.ResponseWriter, code, detail)
}

func (w *plainErrorWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.replaced {
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *plainErrorWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
