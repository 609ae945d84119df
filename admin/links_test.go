package admin_test

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/internal/apptest"
)

var hrefPattern = regexp.MustCompile(`(?:href|src)="([^"]*)"`)

// TestNoBrokenLinks crawls every page an admin can reach from the shop and
// the dashboard (orders with payments included) and fetches each local
// link and asset: none may answer 404 or 5xx.
func TestNoBrokenLinks(t *testing.T) {
	t.Parallel()
	s := newStore(t, apptest.New(t, "sqlite"))
	s.paid(t, 1, "CARD")
	s.Order(t, s.customer, apptest.Line(s.product, 1))
	seen := map[string]bool{}
	queue := []string{"/", "/admin/", "/cart", "/orders"}
	for len(queue) > 0 && len(seen) < 300 {
		path := queue[0]
		queue = queue[1:]
		if seen[path] {
			continue
		}
		seen[path] = true
		p := s.admin.Get(t, path)
		require.Less(t, p.Status, 400, "%s answered %d", path, p.Status)
		if !strings.Contains(p.Header.Get("Content-Type"), "text/html") {
			continue
		}
		for _, m := range hrefPattern.FindAllStringSubmatch(p.Body, -1) {
			link := html.UnescapeString(m[1])
			if !strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//") || strings.HasPrefix(link, "/toss-sandbox/") {
				continue
			}
			if i := strings.Index(link, "#"); i >= 0 {
				link = link[:i]
			}
			queue = append(queue, link)
		}
	}
	require.Greater(t, len(seen), 20, "the crawl reached the pages")
	for _, must := range []string{"/static/paydeck.css", "/admin/settlements", "/admin/products/new", "/admin/settlements.csv?from="} {
		found := false
		for p := range seen {
			found = found || strings.HasPrefix(p, must)
		}
		require.True(t, found, must)
	}
	// The login page links back to the shop's sign-up, which exists.
	require.Equal(t, http.StatusOK, s.Visitor(t).Get(t, "/signup?next=%2F").Status)
}
