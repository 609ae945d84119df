package web_test

// Security tests for issue 12, finding 10: the next= redirect filter.
// See docs/security.md.

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
)

var nextField = regexp.MustCompile(`name="next" value="([^"]*)"`)

// browserTarget is where a browser goes when redirected to location from
// base: like browsers, it drops tabs and newlines and reads '\' as '/'.
func browserTarget(t testing.TB, base, location string) *url.URL {
	t.Helper()
	cleaned := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(location)
	b, err := url.Parse(base)
	require.NoError(t, err)
	ref, err := url.Parse(strings.TrimSpace(cleaned))
	if err != nil {
		return b
	}
	return b.ResolveReference(ref)
}

// TestSignInRedirectStaysOnSite: after signing in, next= sends the
// browser to a path of this site, never to another host. The tab trick
// ("/\t/evil.example") passed the old prefix filter.
func TestSignInRedirectStaysOnSite(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	s := newShop(t, env)
	u := s.User(t, paydeck.RoleCustomer)
	for next, want := range map[string]string{
		"/orders?page=2":               "/orders?page=2",
		"/\t/evil.example/path":        "/",
		"/\n/evil.example":             "/",
		"/\\evil.example":              "/",
		"\\/evil.example":              "/",
		"//evil.example":               "/",
		"https://evil.example/":        "/",
		"javascript:alert(1)":          "/",
		"/%09/evil.example":            "/%09/evil.example", // encoded: a path on this site
		" //evil.example":              "/",
		"/\x00/evil.example":           "/",
		"http:/evil.example":           "/",
		"/ok\u2028/x":                  "/",
		"":                             "/",
		"orders":                       "/",
		"/login?next=//evil.example":   "/login?next=//evil.example", // the next hop filters again
		"///evil.example":              "/",
		"/\x7f/evil.example":           "/",
		"//user@evil.example/orders":   "/",
		"/orders#frag":                 "/orders#frag",
		"\u00a0//evil.example":         "/",
		"/\u0085/evil.example":         "/",
		"/.\t/evil.example":            "/",
		"/@evil.example":               "/@evil.example",
		"http://" + "127.0.0.1/orders": "/",
	} {
		v := s.Visitor(t)
		m := nextField.FindStringSubmatch(v.Get(t, "/login?next="+url.QueryEscape(next)).Body)
		require.NotNil(t, m)
		require.Equal(t, want, html.UnescapeString(m[1]), "next=%q on the sign-in page", next)
		dest := browserTarget(t, s.URL, want)
		require.Equal(t, strings.TrimPrefix(s.URL, "http://"), dest.Host, "next=%q", next)
	}
	// The form's own next field is filtered again when it is posted.
	for next, want := range map[string]string{"/\t/evil.example/path": "/", "/orders": "/orders"} {
		v := s.Visitor(t)
		v.Get(t, "/login")
		p := v.Post(t, "/login", url.Values{"email": {u.Email}, "password": {sitetest.SitePassword}, "next": {next}})
		require.Equal(t, http.StatusSeeOther, p.Status, "%q: %s", next, p.Body)
		require.Equal(t, want, p.Location(), "next=%q", next)
	}
}

// FuzzNextStaysOnSite: whatever next= a link carries, the sign-in page
// keeps a value that a browser resolves to this site.
func FuzzNextStaysOnSite(f *testing.F) {
	for _, seed := range []string{"/orders", "/\t/evil.example", "//evil.example", "/\\evil", "https://x", "/%2F/x", "\x00", "/\r\n/x"} {
		f.Add(seed)
	}
	s := sitetest.NewSite(f, apptest.New(f, "sqlite"))
	f.Fuzz(func(t *testing.T, next string) {
		v := s.Visitor(t)
		p := v.Get(t, "/login?next="+url.QueryEscape(next))
		require.Equal(t, http.StatusOK, p.Status)
		m := nextField.FindStringSubmatch(p.Body)
		require.NotNil(t, m)
		kept := html.UnescapeString(m[1])
		require.True(t, kept == "/" || kept == next, "kept %q for %q", kept, next)
		dest := browserTarget(t, s.URL, kept)
		require.Equal(t, strings.TrimPrefix(s.URL, "http://"), dest.Host, "next=%q kept %q", next, kept)
	})
}
