package admin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/admin"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
)

// TestEveryAdminRouteEnforcesItsAccessRule is the admin pages' part of the
// access matrix (api's TestEveryOperationEnforcesItsAccessRule walks the
// API). It walks admin.Patterns, so a route added later is covered: for
// every route and method, a visitor, a copied cookie whose session ended
// at logout, and a session whose user was deleted are sent to sign in; a
// customer and an admin demoted after signing in get 403; an admin's
// cross-origin post gets 403; and the admin gets the page (or a 404 for
// the made-up IDs), never a sign-in redirect or 403.
func TestEveryAdminRouteEnforcesItsAccessRule(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		site := sitetest.NewSite(t, env)
		signedIn := func(role paydeck.Role) (*sitetest.Visitor, *paydeck.User) {
			u := site.User(t, role)
			v := site.Visitor(t)
			v.SignIn(t, u)
			return v, u
		}
		adminV, _ := signedIn(paydeck.RoleAdmin)
		customer, _ := signedIn(paydeck.RoleCustomer)
		loggedOut, _ := signedIn(paydeck.RoleAdmin)
		ended := loggedOut.Clone(t)
		require.Equal(t, http.StatusSeeOther, loggedOut.Post(t, "/logout", url.Values{}).Status)
		deleted, deletedUser := signedIn(paydeck.RoleAdmin)
		require.NoError(t, site.Accounts.DeleteUser(t.Context(), deletedUser.ID))
		demoted, demotedUser := signedIn(paydeck.RoleAdmin)
		demotedUser.Role = paydeck.RoleCustomer
		require.NoError(t, env.DB.Update(t.Context(), func(tx paydeck.Tx) error { return tx.UpdateUser(t.Context(), demotedUser) }))
		visitor := site.Visitor(t)
		visitor.Get(t, "/login")

		fill := strings.NewReplacer("{$}", "", "{orderId}", "ORD20261127ABCDEF01", "{paymentKey}", "tviva-no-such-payment",
			"{id}", "00000000-0000-4000-8000-000000000000")
		routes := 0
		for _, pattern := range admin.Patterns() {
			method, path, ok := strings.Cut(pattern, " ")
			methods := []string{method}
			if !ok {
				path, methods = pattern, []string{http.MethodGet, http.MethodPost}
			}
			path = fill.Replace(path)
			if path == "/admin/" && !ok {
				path = "/admin/no-such-page"
			}
			for _, m := range methods {
				routes++
				name := m + " " + path
				send := func(v *sitetest.Visitor, h http.Header) *sitetest.Page {
					if m == http.MethodGet {
						return v.Do(t, m, path, nil, h)
					}
					if h == nil {
						h = http.Header{}
					}
					h.Set("Content-Type", "application/x-www-form-urlencoded")
					return v.Do(t, m, path, strings.NewReader(url.Values{"csrf": {v.CSRF}}.Encode()), h)
				}
				for who, v := range map[string]*sitetest.Visitor{"visitor": visitor, "logged-out copy": ended, "deleted": deleted} {
					p := send(v, nil)
					require.Equal(t, http.StatusSeeOther, p.Status, "%s as %s: %s", name, who, p.Body)
					require.True(t, strings.HasPrefix(p.Location(), "/login?next="), "%s as %s: %s", name, who, p.Location())
				}
				for who, v := range map[string]*sitetest.Visitor{"customer": customer, "demoted admin": demoted} {
					require.Equal(t, http.StatusForbidden, send(v, nil).Status, "%s as %s", name, who)
				}
				if m != http.MethodGet {
					p := send(adminV, http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}})
					require.Equal(t, http.StatusForbidden, p.Status, "%s cross-site", name)
				}
				p := send(adminV, nil)
				require.NotEqual(t, http.StatusForbidden, p.Status, "%s as admin: %s", name, p.Body)
				require.False(t, strings.HasPrefix(p.Location(), "/login"), "%s as admin", name)
			}
		}
		require.Greater(t, routes, 20)
	})
}
