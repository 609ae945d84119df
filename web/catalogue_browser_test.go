package web_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
	"github.com/paydeck/paydeck/store/storetest"
)

// picture draws a product-like picture: a round shape of colour c on a
// light background, 480×360.
func picture(t testing.TB, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 480, 360))
	for y := range 360 {
		for x := range 480 {
			px := color.RGBA{R: 250, G: 248, B: 244, A: 255}
			if d := math.Hypot(float64(x-240), float64(y-190)); d < 120 {
				shade := uint8(max(0, 40-int(d/3)))
				px = color.RGBA{R: c.R + shade/2, G: c.G + shade/2, B: c.B + shade/2, A: 255}
			} else if y > 300 && y < 312 && x > 150 && x < 330 {
				px = color.RGBA{R: 220, G: 216, B: 210, A: 255} // shadow
			}
			img.Set(x, y, px)
		}
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

// TestBrowserProductImage: an admin uploads a product's image on its page
// in Chromium and the shop's home page shows it (loaded, not broken);
// products without one show the placeholder; search and categories work
// at 1280 px and 390 px without sideways scrolling.
func TestBrowserProductImage(t *testing.T) {
	t.Parallel()
	env := apptest.New(t, "sqlite")
	site := sitetest.NewSite(t, env)
	mk := func(name, desc, cat string, price, stock int64, c *color.RGBA) *paydeck.Product {
		p := storetest.MustCreateProduct(t, env.DB, &paydeck.Product{Name: name, Description: desc, Price: price,
			StockQuantity: stock, IsActive: true, Category: cat})
		if stock == 0 { // MustCreateProduct's default is 100
			p.StockQuantity = 0
			require.NoError(t, env.DB.Update(t.Context(), func(tx paydeck.Tx) error { return tx.UpdateProduct(t.Context(), p) }))
		}
		if c != nil {
			img, err := paydeck.NewProductImage(p.ID, picture(t, *c))
			require.NoError(t, err)
			require.NoError(t, env.DB.Update(t.Context(), func(tx paydeck.Tx) error { return tx.SetProductImage(t.Context(), img) }))
		}
		return p
	}
	tea := mk("보성 유기농 녹차 티백 50개입", "첫물 찻잎만 골라 담았습니다.", "차·음료", 12_900, 40, nil)
	mk("제주 감귤 주스 1L", "무가당 100% 착즙", "차·음료", 6_900, 25, &color.RGBA{R: 230, G: 140, B: 20})
	mk("백자 머그컵 350ml", "전자레인지 사용 가능", "생활", 18_000, 8, &color.RGBA{R: 120, G: 150, B: 200})
	mk("리넨 앞치마", "워싱 리넨, 프리 사이즈", "생활", 32_000, 0, nil)

	file := filepath.Join(t.TempDir(), "tea.png")
	require.NoError(t, os.WriteFile(file, picture(t, color.RGBA{R: 60, G: 140, B: 70}), 0o644))
	admin := site.User(t, paydeck.RoleAdmin)
	ctx := sitetest.Browser(t)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(site.URL+"/admin/products/"+tea.ID),
		chromedp.WaitVisible(chromedp.ID("login-submit")),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), admin.Email),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), sitetest.SitePassword),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("image-form")),
		chromedp.SetUploadFiles(chromedp.CSS(`#image-form input[type="file"]`), []string{file}),
		chromedp.Click(chromedp.CSS(`#image-form button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	))
	src := env.ProductByID(t, tea.ID).ImageURL
	require.True(t, strings.HasPrefix(src, "/images/products/"+tea.ID+"/"), src)
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const i = document.getElementById("product-image");
		return i.complete && i.naturalWidth === 480 && i.getAttribute("src") === `+jsString(src)+` })()`))
	require.NoError(t, err)
	require.True(t, loaded, "the admin page shows the uploaded image")
	sitetest.Screenshot(t, ctx, shots, "admin-product-image")
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Reload(),
		chromedp.WaitVisible(chromedp.ID("image-form"))))
	requireNoSidewaysScroll(t, ctx, 390)
	sitetest.Screenshot(t, ctx, shots, "admin-product-image-phone")

	for _, width := range []int64{1280, 390} {
		require.NoError(t, chromedp.Do(ctx,
			chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(site.URL+"/?lang=ko"),
			chromedp.WaitVisible(chromedp.ID("product-"+tea.ID)),
		))
		_, err := chromedp.Run(ctx, chromedp.Poll[bool](`Array.from(document.images).every(i => i.complete)`))
		require.NoError(t, err)
		shown, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const i = document.querySelector("#product-`+tea.ID+` img");
			return i.naturalWidth + " " + i.getAttribute("src") })()`))
		require.NoError(t, err)
		require.Equal(t, "480 "+src, shown, "the home page shows the uploaded image")
		placeholders, err := chromedp.Run(ctx, chromedp.Evaluate[int](
			`Array.from(document.images).filter(i => i.getAttribute("src") === "/static/placeholder.svg" && i.naturalWidth > 0).length`))
		require.NoError(t, err)
		require.Equal(t, 1, placeholders, "the apron has no image")
		requireNoSidewaysScroll(t, ctx, width)
		name := "shop-catalogue"
		if width == 390 {
			name += "-phone"
		}
		sitetest.Screenshot(t, ctx, shots, name)
	}

	// Searching on the phone: a category, then a search with no result,
	// in English.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav.chips a[href*="category"]`)),
		chromedp.WaitVisible(chromedp.ID("result-count")),
	))
	count, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("result-count")))
	require.NoError(t, err)
	require.Equal(t, "상품 2개", count)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(site.URL+"/?lang=en"),
		chromedp.WaitVisible(chromedp.CSS(`input[type="search"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[type="search"]`), "kimchi\n"),
		chromedp.WaitVisible(chromedp.CSS(".empty")),
	))
	empty, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".empty")))
	require.NoError(t, err)
	require.Contains(t, empty, "No products match.")
	requireNoSidewaysScroll(t, ctx, 390)
	sitetest.Screenshot(t, ctx, shots, "shop-search-empty-en")
}

func requireNoSidewaysScroll(t *testing.T, ctx context.Context, width int64) {
	t.Helper()
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
	require.NoError(t, err)
	require.False(t, wide, "the page scrolls sideways at %d px", width)
}

// jsString quotes s for a script.
func jsString(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }
