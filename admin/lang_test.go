package admin_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
	"github.com/paydeck/paydeck/ui"
)

// TestEveryAdminPageSpeaksItsLanguage (issue 14, item 3): every admin page
// in its main states, every admin page linked from them, and the admin's
// error pages and refused forms render in Korean with no Latin sentence
// and in English with no Hangul (names the shop typed and brand words
// excepted; statuses in words, never raw codes).
func TestEveryAdminPageSpeaksItsLanguage(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		sc := sitetest.NewScene(t, env)
		// Brand and format names read the same in either language.
		allow := append(sc.Names, "paydeck", "Toss Payments", "토스페이먼츠", "Standard Webhooks", "REST API", "Authorization: Bearer",
			"GS Postbox", "JPEG, PNG, WebP", "River UI")
		skip := []string{"/admin/jobs", "/toss-sandbox", "/docs", "/api", "/static", "/openapi", "/admin/settlements.csv"}
		depositKey, _ := sc.Payment(t, "deposit")
		for _, lang := range []string{ui.Korean, ui.English} {
			t.Run(lang, func(t *testing.T) {
				seen := map[string]bool{}
				var pages []*sitetest.Page
				for _, p := range sc.AdminPages() {
					seen[sitetest.PageShape(p.Path)] = true
					pages = append(pages, sitetest.CheckLanguage(t, sc.Owner, lang, p.Path, http.StatusOK, allow))
				}
				var admin []*sitetest.Page
				for _, p := range pages {
					admin = append(admin, &sitetest.Page{Body: p.Body})
				}
				crawled := sitetest.Crawl(t, sc.Owner, lang, admin, seen, append(skip, "/orders", "/cart", "/login", "/signup", "/subscriptions", "/checkout", "/payments"), allow)
				t.Logf("%d named pages, %d more crawled: %v", len(pages), len(crawled), crawled)

				o := sc.Owner
				sitetest.CheckLanguage(t, o, lang, "/admin/no-such-page", http.StatusNotFound, allow)
				sitetest.CheckLanguage(t, o, lang, "/admin/orders/20260101-nothing", http.StatusNotFound, allow)
				sitetest.CheckLanguage(t, sc.Shopper, lang, "/admin/", http.StatusForbidden, allow)
				sitetest.CheckLanguage(t, o, lang, "/admin/subscriptions?status=bogus", http.StatusUnprocessableEntity, allow)
				sitetest.CheckLanguagePost(t, o, lang, "/admin/payments/"+sc.PaidKey+"/refund",
					url.Values{"amount": {"99999999"}, "reason": {"단순 변심"}}, http.StatusUnprocessableEntity, allow)
				sitetest.CheckLanguagePost(t, o, lang, "/admin/payments/"+sc.PaidKey+"/refund",
					url.Values{"amount": {"1000"}}, http.StatusUnprocessableEntity, allow)
				sitetest.CheckLanguagePost(t, o, lang, "/admin/payments/"+depositKey+"/refund",
					url.Values{"amount": {"1000"}, "reason": {"단순 변심"}}, http.StatusUnprocessableEntity, allow)
				sitetest.CheckLanguagePost(t, o, lang, "/admin/products",
					url.Values{"name": {"제주 삼다수 2L 6병"}, "price": {"50"}, "stock": {"3"}}, http.StatusUnprocessableEntity, allow)
				sitetest.CheckLanguagePost(t, o, lang, "/admin/products",
					url.Values{"name": {"제주 삼다수 2L 6병"}, "price": {"abc"}, "stock": {"3"}}, http.StatusUnprocessableEntity, allow)
				sitetest.CheckLanguagePost(t, o, lang, "/admin/products/"+sc.Products[1].ID+"/stock",
					url.Values{"delta": {"-100"}, "reason": {"단순 변심"}}, http.StatusConflict, allow)
				sitetest.CheckLanguagePost(t, o, lang, "/admin/api-keys",
					url.Values{"name": {"no scopes"}}, http.StatusUnprocessableEntity, append(allow, "no scopes"))
				sitetest.CheckLanguagePost(t, o, lang, "/admin/webhooks",
					url.Values{"url": {"ftp://erp.example.com/x"}}, http.StatusUnprocessableEntity, allow)
				sitetest.CheckLanguagePost(t, o, lang, "/admin/plans", url.Values{"name": {"월간 원두 구독"}, "amount": {"50"},
					"interval": {"month"}, "interval_count": {"1"}, "trial_days": {"0"}, "tax_type": {"taxable"}},
					http.StatusUnprocessableEntity, allow)
				sitetest.CheckLanguagePost(t, o, lang, "/admin/orders/"+sc.Orders["pending"]+"/ship",
					url.Values{}, http.StatusConflict, allow)
			})
		}
	})
}
