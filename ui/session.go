package ui

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/account"
)

// SessionCookie is the name of the signed session cookie.
const SessionCookie = "paydeck_session"

// CSRFField is the name of the hidden form field carrying the CSRF token.
const CSRFField = "csrf"

// MaxCartLines bounds the cart so the cookie stays small.
const MaxCartLines = 20

// Session is what the session cookie carries: the secret of the signed-in
// user's server-side session (if any), the CSRF nonce and the cart. It is
// signed, not encrypted; the cookie is HttpOnly. Who is signed in is only
// known from the server-side session (package account), so logging out
// voids a copied cookie.
type Session struct {
	// Secret is the secret of the server-side session (account.Service.
	// StartSession), "" for a visitor.
	Secret string `json:"s,omitempty"`
	// Nonce is random per browser session and renewed at sign-in and
	// sign-out; the CSRF token is derived from it.
	Nonce string `json:"n"`
	// Cart lists the products in the shopper's cart.
	Cart []CartLine `json:"c,omitempty"`
	// Coupon is the coupon code applied in the cart ("" for none); the
	// server prices it again when the order is placed.
	Coupon string `json:"k,omitempty"`
	// Expires is the Unix time after which the session is void.
	Expires int64 `json:"e"`
}

// CartLine is one product of the cart.
type CartLine struct {
	ProductID string `json:"p"`
	Quantity  int64  `json:"q"`
}

// Sessions reads and writes session cookies signed with HMAC-SHA256.
type Sessions struct {
	key    []byte
	secure bool
	ttl    time.Duration
	now    func() time.Time
	rand   io.Reader
}

// NewSessions returns a codec whose signing key is derived from secret (so
// the same secret can sign other things without clashing). secure sets the
// cookie's Secure flag (use it when the public URL is https). now and random
// default to time.Now and crypto/rand.
func NewSessions(secret []byte, secure bool, ttl time.Duration, now func() time.Time, random io.Reader) *Sessions {
	if now == nil {
		now = time.Now
	}
	if random == nil {
		random = rand.Reader
	}
	return &Sessions{key: derive(secret, "paydeck web session v1"), secure: secure, ttl: ttl, now: now, rand: random}
}

func derive(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

func (s *Sessions) sign(payload string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Load returns the session of r's cookie when its signature is valid and it
// has not expired; otherwise a fresh visitor session with a new nonce. fresh
// reports the latter (the caller must Save it for forms to work).
func (s *Sessions) Load(r *http.Request) (sess Session, fresh bool) {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if sess, ok := s.decode(c.Value); ok {
			return sess, false
		}
	}
	return Session{Nonce: s.NewNonce()}, true
}

func (s *Sessions) decode(v string) (Session, bool) {
	payload, sig, ok := strings.Cut(v, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(s.sign(payload))) {
		return Session{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return Session{}, false
	}
	var sess Session
	if err := json.Unmarshal(raw, &sess); err != nil || sess.Nonce == "" || s.now().Unix() >= sess.Expires {
		return Session{}, false
	}
	return sess, true
}

// NewNonce returns 16 random bytes in hex.
func (s *Sessions) NewNonce() string {
	var b [16]byte
	if _, err := io.ReadFull(s.rand, b[:]); err != nil {
		panic("page: read random nonce: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

// Save writes sess as the session cookie (HttpOnly, SameSite=Lax, Secure when
// configured, Path /), extending its expiry, and replaces a session cookie
// set earlier in the same response.
func (s *Sessions) Save(w http.ResponseWriter, sess Session) {
	sess.Expires = s.now().Add(s.ttl).Unix()
	raw, _ := json.Marshal(sess) // a Session always encodes
	payload := base64.RawURLEncoding.EncodeToString(raw)
	c := &http.Cookie{Name: SessionCookie, Value: payload + "." + s.sign(payload), Path: "/",
		MaxAge: int(s.ttl / time.Second), HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode}
	h := w.Header()
	kept := h.Values("Set-Cookie")[:0:0]
	for _, v := range h.Values("Set-Cookie") {
		if !strings.HasPrefix(v, SessionCookie+"=") {
			kept = append(kept, v)
		}
	}
	h.Del("Set-Cookie")
	for _, v := range kept {
		h.Add("Set-Cookie", v)
	}
	http.SetCookie(w, c)
}

// CSRFToken returns the token forms of sess must post in CSRFField.
func (s *Sessions) CSRFToken(sess Session) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("csrf|" + sess.Nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// CheckCSRF reports whether r (a parsed form post) carries sess's token.
func (s *Sessions) CheckCSRF(r *http.Request, sess Session) bool {
	got := []byte(r.PostFormValue(CSRFField))
	return subtle.ConstantTimeCompare(got, []byte(s.CSRFToken(sess))) == 1 && !bytes.Equal(got, nil)
}

type sessionKey struct{}

// WithSession returns ctx carrying sess (see FromContext).
func WithSession(ctx context.Context, sess Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, sess)
}

// FromContext returns the session stored by WithSession, or a zero Session.
func FromContext(ctx context.Context) Session {
	sess, _ := ctx.Value(sessionKey{}).(Session)
	return sess
}

// SessionUser is the one way web and admin read who is signed in: the
// current record of the user of r's server-side session (the secret in the
// session cookie, loaded by Middleware or LoadOnly), or nil for a visitor,
// an ended, expired or idle session, or a deleted user. A store failure is
// logged and treated as a visitor.
func SessionUser(r *http.Request, accounts *account.Service, log *slog.Logger) *paydeck.User {
	sess := FromContext(r.Context())
	if sess.Secret == "" {
		return nil
	}
	u, err := accounts.SessionUser(r.Context(), paydeck.SessionWeb, sess.Secret)
	if err != nil && !errors.Is(err, account.ErrNoSession) {
		log.ErrorContext(r.Context(), "read session", "err", err)
	}
	return u
}
