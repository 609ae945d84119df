package ui

import (
	"net/http"
	"strings"
	"time"
)

// SessionTTL is how long a session cookie stays valid after its last change.
const SessionTTL = 7 * 24 * time.Hour

// MaxFormBytes bounds a form post.
const MaxFormBytes = 64 << 10

// Middleware loads the session into the request context (saving a fresh one
// right away so the next form post carries its token), and for every POST
// parses the form (at most MaxFormBytes) and refuses it with rejected when the
// CSRF token is missing or wrong. rejected writes the response.
func (s *Sessions) Middleware(next http.Handler, rejected func(w http.ResponseWriter, r *http.Request, status int)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, fresh := s.Load(r)
		if fresh {
			s.Save(w, sess)
		}
		r = r.WithContext(WithSession(r.Context(), sess))
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, MaxFormBytes)
			parse := r.ParseForm
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				// A file upload (the admin's tracking-number CSV): the
				// token is one of its fields, the file stays in memory.
				parse = func() error { return r.ParseMultipartForm(MaxFormBytes) }
			}
			if err := parse(); err != nil {
				rejected(w, r, http.StatusBadRequest)
				return
			}
			if !s.CheckCSRF(r, sess) {
				rejected(w, r, http.StatusForbidden)
				return
			}
		}
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

// LoadOnly is Middleware without form parsing and CSRF check, for handlers
// that take no form posts (River UI's JSON API): they rely on the SameSite=Lax
// session cookie alone.
func (s *Sessions) LoadOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, fresh := s.Load(r)
		if fresh {
			s.Save(w, sess)
		}
		next.ServeHTTP(w, r.WithContext(WithSession(r.Context(), sess)))
	})
}
