package web_test

import (
	"github.com/stretchr/testify/require"
	"net/http"
	"net/url"
	"testing"

	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
	"github.com/paydeck/paydeck/ui"
)

// brandWords may appear on pages of either language.
var brandWords = []string{"paydeck", "Toss Payments", "토스페이먼츠"}

// crawlSkip are link prefixes that lead off the shop's own pages.
var crawlSkip = []string{"/admin", "/toss-sandbox", "/docs", "/api", "/static", "/openapi"}

// TestEveryShopPageSpeaksItsLanguage (issue 14, item 3): every shopper page
// in its main states, every page linked from them, and the error pages
// (404, 403, 409, 422, a domain refusal on the cart page) render in Korean
// with no Latin sentence and in English with no Hangul; names the shop
// typed and brand words excepted, codes and statuses in words.
func TestEveryShopPageSpeaksItsLanguage(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		sc := sitetest.NewScene(t, env)
		allow := append(sc.Names, brandWords...)
		for _, lang := range []string{ui.Korean, ui.English} {
			t.Run(lang, func(t *testing.T) {
				seen := map[string]bool{}
				var pages []*sitetest.Page
				for _, p := range sc.ShopPages(t) {
					seen[sitetest.PageShape(p.Path)] = true
					pages = append(pages, sitetest.CheckLanguage(t, sc.Shopper, lang, p.Path, http.StatusOK, allow))
				}
				visitor := sc.Visitor(t)
				for _, p := range sc.VisitorPages() {
					seen[sitetest.PageShape(p.Path)] = true
					pages = append(pages, sitetest.CheckLanguage(t, visitor, lang, p.Path, http.StatusOK, allow))
				}
				crawled := sitetest.Crawl(t, sc.Shopper, lang, pages, seen, crawlSkip, allow)
				t.Logf("%d named pages, %d more crawled: %v", len(pages), len(crawled), crawled)

				// Error pages, each for a different reason.
				sitetest.CheckLanguage(t, sc.Shopper, lang, "/no-such-page", http.StatusNotFound, allow)
				sitetest.CheckLanguage(t, sc.Shopper, lang, "/orders/20260101-nothing", http.StatusNotFound, allow)
				sitetest.CheckLanguage(t, visitor, lang, "/orders/"+sc.Orders["paid"], 0, allow)
				sitetest.CheckLanguagePost(t, sc.Shopper, lang, "/cart/add",
					url.Values{"product_id": {sc.Products[0].ID}, "quantity": {"1001"}}, http.StatusUnprocessableEntity, allow)
				sitetest.CheckLanguagePost(t, sc.Shopper, lang, "/cart/add",
					url.Values{"product_id": {sc.Products[0].ID}, "quantity": {"1"}, "csrf": {"forged"}}, http.StatusForbidden, allow)
				sitetest.CheckLanguagePost(t, sc.Shopper, lang, "/orders/"+sc.Orders["paid"]+"/cancel",
					url.Values{}, http.StatusConflict, allow)
				sitetest.CheckLanguagePost(t, sc.Shopper, lang, "/subscriptions/"+sc.Subscription+"/cancel",
					url.Values{"when": {"tomorrow"}}, http.StatusUnprocessableEntity, allow)
				// The last unit sells out while it sits in the cart (the cart
				// itself caps quantities at the stock): the cart page says why.
				shopper := sc.Visitor(t)
				shopper.SignIn(t, sc.User(t, "customer"))
				last := env.Product(t, 5000, 1)
				sitetest.CheckLanguagePost(t, shopper, lang, "/cart/add",
					url.Values{"product_id": {last.ID}, "quantity": {"1"}}, 0, allow)
				res := sc.Owner.Post(t, "/admin/products/"+last.ID+"/stock", url.Values{"delta": {"-1"}, "reason": {"재고 실사"}})
				require.Equal(t, http.StatusSeeOther, res.Status, res.Body)
				sitetest.CheckLanguagePost(t, shopper, lang, "/orders",
					url.Values{"name": {"홍길동"}, "address": {"서울특별시 중구 세종대로 110"}}, http.StatusConflict, allow)
				// An empty cart ordered: the same.
				sitetest.CheckLanguagePost(t, shopper, lang, "/orders",
					url.Values{"name": {"홍길동"}, "address": {"서울특별시 중구 세종대로 110"}}, 0, allow)
			})
		}
	})
}
