package admin_test

// Security tests for issue 12, finding 11: cross-origin state changes
// under /admin/, River UI's JSON API included. See docs/security.md.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
)

// TestAdminRefusesCrossOriginChanges: a signed-in admin's browser, made to
// send a state-changing request by another site, is refused with a
// readable 403 page before anything runs: River UI's JSON API with a
// text/plain body (no CORS preflight; it has no form token) and the
// admin's own forms even with a valid CSRF token. Same-origin requests and
// cross-site navigations (GET) still work. Before the fix River UI's API
// answered cross-site posts.
func TestAdminRefusesCrossOriginChanges(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		site := sitetest.NewSite(t, env, sitetest.WithJobsUI())
		admin := site.Visitor(t)
		admin.SignIn(t, site.User(t, paydeck.RoleAdmin))
		admin.Get(t, "/admin/products/new")
		products := func() int {
			var n int
			require.NoError(t, env.DB.View(t.Context(), func(tx paydeck.Tx) (err error) {
				_, n, err = tx.FindProducts(t.Context(), paydeck.ProductFilter{})
				return err
			}))
			return n
		}
		before := products()
		cancel := `{"job_ids":["1"]}`
		form := url.Values{"csrf": {admin.CSRF}, "name": {"가짜 상품"}, "price": {"1000"}, "stock": {"1"}}.Encode()
		for name, h := range map[string]http.Header{
			"fetch metadata": {"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}},
			"same site":      {"Sec-Fetch-Site": {"same-site"}, "Origin": {"https://shop.evil.example"}},
			"origin only":    {"Origin": {"https://evil.example"}},
			"null origin":    {"Origin": {"null"}},
		} {
			h.Set("Content-Type", "text/plain")
			p := admin.Do(t, http.MethodPost, "/admin/jobs/api/jobs/cancel", strings.NewReader(cancel), h)
			require.Equal(t, http.StatusForbidden, p.Status, "%s: %s", name, p.Body)
			require.Contains(t, p.Body, "<html", "a readable page")
			h.Set("Content-Type", "application/x-www-form-urlencoded")
			p = admin.Do(t, http.MethodPost, "/admin/products", strings.NewReader(form), h)
			require.Equal(t, http.StatusForbidden, p.Status, "%s: %s", name, p.Body)
		}
		require.Equal(t, before, products(), "nothing was created")

		sameOrigin := http.Header{"Sec-Fetch-Site": {"same-origin"}, "Origin": {site.URL}, "Content-Type": {"application/json"}}
		p := admin.Do(t, http.MethodPost, "/admin/jobs/api/jobs/cancel", strings.NewReader(cancel), sameOrigin)
		require.NotEqual(t, http.StatusForbidden, p.Status, "River UI still answers its own page: %s", p.Body)
		require.Contains(t, p.Header.Get("Content-Type"), "json")
		nav := admin.Do(t, http.MethodGet, "/admin/orders", nil, http.Header{"Sec-Fetch-Site": {"cross-site"}})
		require.Equal(t, http.StatusOK, nav.Status, "a link from elsewhere still opens the page")
		sameOrigin.Set("Content-Type", "application/x-www-form-urlencoded")
		p = admin.Do(t, http.MethodPost, "/admin/products", strings.NewReader(form), sameOrigin)
		require.Equal(t, http.StatusSeeOther, p.Status, p.Body)
		require.Equal(t, before+1, products())
	})
}
