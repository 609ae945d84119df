package admin_test

import (
	"testing"

	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
)

// TestBrowserAdminOnPhone (issue 14, phone first): every admin page in its
// main states, in Korean and English, at 390 px: nothing reaches past the
// screen's edge, no table cell is narrower than its longest word, chart
// labels stay readable. With PAYDECK_SCREENSHOTS set it also saves each
// page at 1280 and 390 px (ko-390-admin-orders.png, ...).
func TestBrowserAdminOnPhone(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	sc := sitetest.NewScene(t, env)
	ctx := sitetest.BrowserFor(t, sitetest.PagesTimeout)
	sitetest.SignInBrowser(t, ctx, sc.Site, sc.Admin.Email)
	sitetest.CheckPages(t, ctx, sc.Site, "../docs/screenshots", sc.AdminPages())
}
