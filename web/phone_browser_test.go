package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
)

// TestBrowserShopOnPhone (issue 14, phone first): every shopper page in
// its main states, in Korean and English, at 390 px: nothing reaches past
// the screen's edge, and no table cell is narrower than its longest word
// (tables turn into cards, Korean breaks between words). With
// PAYDECK_SCREENSHOTS set it also saves each page at 1280 and 390 px
// (ko-390-orders.png, ...).
func TestBrowserShopOnPhone(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	sc := sitetest.NewScene(t, env)
	ctx := sitetest.BrowserFor(t, sitetest.PagesTimeout)
	sitetest.CheckPages(t, ctx, sc.Site, shots, sc.VisitorPages())
	sitetest.SignInBrowser(t, ctx, sc.Site, sc.Customer.Email)
	// The cart lives in the browser's session: put the rice in it.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(sc.URL+"/"),
		chromedp.Click(chromedp.CSS("#product-"+sc.Products[1].ID+" button")),
		chromedp.WaitVisible(chromedp.ID("cart-subtotal"))))
	sitetest.CheckPages(t, ctx, sc.Site, shots, sc.ShopPages(t))
}
