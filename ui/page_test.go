package ui

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"
)

func newTestSessions(now *time.Time) *Sessions {
	return NewSessions([]byte("0123456789abcdef0123"), false, time.Hour, func() time.Time { return *now },
		bytes.NewReader(bytes.Repeat([]byte{7}, 1024)))
}

// cookieOf returns the session cookie set on rec.
func cookieOf(t *testing.T, rec *httptest.ResponseRecorder) *http.Cookie {
	t.Helper()
	for _, c := range rec.Result().Cookies() {
		if c.Name == SessionCookie {
			return c
		}
	}
	t.Fatal("no session cookie")
	return nil
}

func TestSessionRoundTripAndTampering(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	s := newTestSessions(&now)
	rec := httptest.NewRecorder()
	s.Save(rec, Session{Secret: "u1", Nonce: "n1", Cart: []CartLine{{ProductID: "p", Quantity: 2}}})
	s.Save(rec, Session{Secret: "u2", Nonce: "n2"})
	require.Len(t, rec.Header().Values("Set-Cookie"), 1, "a later Save replaces the cookie")
	c := cookieOf(t, rec)
	require.True(t, c.HttpOnly)
	require.Equal(t, http.SameSiteLaxMode, c.SameSite)
	require.False(t, c.Secure)

	load := func(value string) (Session, bool) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.AddCookie(&http.Cookie{Name: SessionCookie, Value: value})
		return s.Load(r)
	}
	got, fresh := load(c.Value)
	require.False(t, fresh)
	require.Equal(t, "u2", got.Secret)

	payload, sig, _ := strings.Cut(c.Value, ".")
	forged := strings.Replace(payload, "A", "B", 1) + "." + sig
	got, fresh = load(forged)
	require.True(t, fresh, "a changed payload fails the signature")
	require.Empty(t, got.Secret)
	require.NotEmpty(t, got.Nonce)
	_, fresh = load("garbage")
	require.True(t, fresh)

	other := NewSessions([]byte("another secret 0123456"), false, time.Hour, func() time.Time { return now }, nil)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(c)
	_, fresh = other.Load(r)
	require.True(t, fresh, "another key's cookie is refused")

	now = now.Add(time.Hour)
	_, fresh = load(c.Value)
	require.True(t, fresh, "expired")
}

func TestSecureCookieAndCSRF(t *testing.T) {
	t.Parallel()
	now := time.Now()
	s := NewSessions([]byte("0123456789abcdef0123"), true, time.Hour, func() time.Time { return now }, nil)
	rec := httptest.NewRecorder()
	s.Save(rec, Session{Nonce: "a"})
	require.True(t, cookieOf(t, rec).Secure)

	a, b := Session{Nonce: "a"}, Session{Nonce: "b"}
	require.NotEqual(t, s.CSRFToken(a), s.CSRFToken(b))
	post := func(token string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("csrf="+token))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	require.True(t, s.CheckCSRF(post(s.CSRFToken(a)), a))
	require.False(t, s.CheckCSRF(post(s.CSRFToken(b)), a))
	require.False(t, s.CheckCSRF(post(""), a))
}

func TestMiddlewareRefusesForgedPosts(t *testing.T) {
	t.Parallel()
	now := time.Now()
	s := newTestSessions(&now)
	reached := 0
	h := s.Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached++ }),
		func(w http.ResponseWriter, _ *http.Request, status int) { w.WriteHeader(status) })
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	require.Equal(t, 1, reached)
	c := cookieOf(t, rec)
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("csrf=nope"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.AddCookie(c)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	require.Equal(t, http.StatusForbidden, rec.Code)
	require.Equal(t, 1, reached)

	big := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("x="+strings.Repeat("a", MaxFormBytes+1)))
	big.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, big)
	require.Equal(t, http.StatusBadRequest, rec.Code)
}

func TestLang(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ query, cookie, accept, want string }{
		{"", "", "", Korean},
		{"?lang=en", "", "ko", English},
		{"?lang=xx", "en", "", English},
		{"", "", "fr-FR, en;q=0.8, ko;q=0.5", English},
		{"", "", "ko-KR,en;q=0.5", Korean},
		{"", "", "de", Korean},
	} {
		r := httptest.NewRequest(http.MethodGet, "/"+tc.query, nil)
		if tc.cookie != "" {
			r.AddCookie(&http.Cookie{Name: LangCookie, Value: tc.cookie})
		}
		r.Header.Set("Accept-Language", tc.accept)
		require.Equal(t, tc.want, Lang(httptest.NewRecorder(), r), "%+v", tc)
	}
}

func TestFormatting(t *testing.T) {
	t.Parallel()
	ko, en := &View{Lang: Korean}, &View{Lang: English}
	require.Equal(t, "0원", ko.Won(0))
	require.Equal(t, "1,234,567원", ko.Won(1234567))
	require.Equal(t, "₩999", en.Won(999))
	require.Equal(t, "-1,000원", ko.Won(-1000))
	require.Equal(t, "95.12%", ko.Percent(9512))
	require.Equal(t, "100.00%", ko.Percent(10000))
	require.Equal(t, "2026-11-28 00:30", ko.Time(time.Date(2026, 11, 27, 15, 30, 0, 0, time.UTC)), "shown in KST")
	require.Equal(t, "신한은행", ko.Bank("88"))
	require.Equal(t, "zz", ko.Bank("zz"))
}

func TestMessagesAreComplete(t *testing.T) {
	t.Parallel()
	for k, v := range baseMessages {
		require.NotEmpty(t, v[0], k)
		require.NotEmpty(t, v[1], k)
	}
	m := Messages{"a": {"가", "A %d"}}
	require.Equal(t, "A 3", m.Translate(English, "a", 3))
	require.Equal(t, "missing", m.Translate(Korean, "missing"))
}

func TestRendererRefusesUntranslatedKeys(t *testing.T) {
	t.Parallel()
	logger := slog.New(slog.DiscardHandler)
	good := fstest.MapFS{"templates/a.html": {Data: []byte(`{{define "content"}}{{.T "x"}}{{end}}`)}}
	r, err := NewRenderer(good, Messages{"x": {"엑스", "ex"}}, "shop", logger)
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/?lang=en", nil)
	v := r.NewView(rec, req, nil, "")
	v.Title = "x"
	r.Render(rec, http.StatusTeapot, "a.html", v)
	require.Equal(t, http.StatusTeapot, rec.Code)
	require.Contains(t, rec.Body.String(), "<title>ex · paydeck</title>")

	_, err = NewRenderer(good, nil, "shop", logger)
	require.ErrorContains(t, err, "templates/a.html: x")
	_, err = NewRenderer(good, Messages{"x": {"엑스", ""}}, "shop", logger)
	require.ErrorContains(t, err, "empty text: x")
	bad := fstest.MapFS{"templates/b.html": {Data: []byte(`{{define "content"}}{{.Nope}`)}}
	_, err = NewRenderer(bad, nil, "shop", logger)
	require.ErrorContains(t, err, "parse templates/b.html")
}
