package web_test

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
	"github.com/paydeck/paydeck/web"
)

// TestEveryPageTreatsEndedSessionsAsVisitors is the shop's part of the
// access matrix: it walks web.Patterns (so later routes are covered) and
// checks that a copy of a cookie whose session ended at logout, and the
// cookie of a deleted user, get exactly what a visitor gets on every
// route (the pages that need an account send them to sign in), while the
// same cookie before logout was signed in.
func TestEveryPageTreatsEndedSessionsAsVisitors(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		site := sitetest.NewSite(t, env)
		signedIn := func() (*sitetest.Visitor, *paydeck.User) {
			u := site.User(t, paydeck.RoleCustomer)
			v := site.Visitor(t)
			v.SignIn(t, u)
			return v, u
		}
		shopper, _ := signedIn()
		require.Equal(t, http.StatusOK, shopper.Get(t, "/orders").Status)
		ended := shopper.Clone(t)
		require.Equal(t, http.StatusOK, ended.Get(t, "/orders").Status, "the copy works until logout")
		require.Equal(t, http.StatusSeeOther, shopper.Post(t, "/logout", url.Values{}).Status)
		deleted, u := signedIn()
		require.NoError(t, site.Accounts.DeleteUser(t.Context(), u.ID))

		fill := strings.NewReplacer("{$}", "", "{orderId}", "ORD20261127ABCDEF01")
		patterns := web.Patterns()
		// POST /logout resets the cookie it is sent with: walk it last.
		slices.SortStableFunc(patterns, func(a, b string) int {
			return cmp.Compare(boolInt(a == "POST /logout"), boolInt(b == "POST /logout"))
		})
		for _, pattern := range patterns {
			method, path, ok := strings.Cut(pattern, " ")
			if !ok {
				method, path = http.MethodGet, "/no-such-page"
			}
			path = fill.Replace(path)
			send := func(v *sitetest.Visitor) *sitetest.Page {
				if method == http.MethodGet {
					return v.Get(t, path)
				}
				v.Get(t, "/login") // the page's current form token
				return v.Post(t, path, url.Values{})
			}
			visitor := site.Visitor(t)
			visitor.Get(t, "/login")
			want := send(visitor)
			for who, v := range map[string]*sitetest.Visitor{"logged-out copy": ended, "deleted user": deleted} {
				got := send(v)
				require.Equal(t, want.Status, got.Status, "%s as %s: %s", pattern, who, got.Body)
				require.Equal(t, want.Location(), got.Location(), "%s as %s", pattern, who)
			}
		}
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
