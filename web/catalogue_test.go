package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/sitetest"
	"github.com/paydeck/paydeck/store/storetest"
)

// productPNG is a w×h PNG in two colours.
func productPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{R: 46, G: 125, B: 50, A: 255}
			if (x/20+y/20)%2 == 0 {
				c = color.RGBA{R: 255, G: 193, B: 7, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

// upload posts file as the admin page's image form of product id.
func upload(t *testing.T, v *sitetest.Visitor, id string, file []byte, csrf string) *sitetest.Page {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	require.NoError(t, mw.WriteField("csrf", csrf))
	fw, err := mw.CreateFormFile("image", "photo.png")
	require.NoError(t, err)
	_, err = fw.Write(file)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	return v.Do(t, http.MethodPost, "/admin/products/"+id+"/image", &body, http.Header{"Content-Type": {mw.FormDataContentType()}})
}

// TestProductImagePages: an admin uploads an image on the product page;
// the shop serves exactly those bytes at the URL naming their hash, with
// its type, nosniff and a cache that never needs to ask again; wrong
// files, files over 2 MiB, shoppers and posts without the form token are
// refused with a page in the page's language, and the home page shows a
// placeholder for a product without an image.
func TestProductImagePages(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		site := sitetest.NewSite(t, env)
		p := env.Product(t, 5000, 3)
		bare := env.Product(t, 6000, 3)
		admin := site.Visitor(t)
		admin.SignIn(t, site.User(t, paydeck.RoleAdmin))
		page := admin.Get(t, "/admin/products/"+p.ID)
		require.Equal(t, http.StatusOK, page.Status)
		require.Contains(t, page.Body, `enctype="multipart/form-data"`)

		file := productPNG(t, 120, 90)
		res := upload(t, admin, p.ID, file, admin.CSRF)
		require.Equal(t, http.StatusSeeOther, res.Status, res.Body)
		require.Equal(t, "/admin/products/"+p.ID+"?flash=flash.image.saved", res.Location())
		sum := sha256.Sum256(file)
		src := "/images/products/" + p.ID + "/" + hex.EncodeToString(sum[:]) + ".png"
		require.Equal(t, src, env.ProductByID(t, p.ID).ImageURL)
		require.Contains(t, admin.Get(t, "/admin/products/"+p.ID).Body, `src="`+src+`"`)

		// A product form opened before the upload, saved after it, keeps
		// the new image.
		res = admin.Post(t, "/admin/products/"+p.ID, url.Values{"name": {"새 이름"}, "price": {"5000"}, "active": {"1"},
			"category": {"생활"}, "image_url": {"/images/products/" + p.ID + "/" + strings.Repeat("0", 64) + ".png"}})
		require.Equal(t, http.StatusSeeOther, res.Status, res.Body)
		saved := env.ProductByID(t, p.ID)
		require.Equal(t, src, saved.ImageURL)
		require.Equal(t, "생활", saved.Category, "the admin form sets the category")

		visitor := site.Visitor(t)
		home := visitor.Get(t, "/")
		require.Contains(t, home.Body, `src="`+src+`"`)
		require.Regexp(t, `id="product-`+bare.ID+`">\s*<img class="product-image" src="/static/placeholder.svg"`, home.Body)
		img := visitor.Get(t, src)
		require.Equal(t, http.StatusOK, img.Status)
		require.Equal(t, string(file), img.Body, "served bytes are the uploaded ones")
		require.Equal(t, "image/png", img.Header.Get("Content-Type"))
		require.Equal(t, "nosniff", img.Header.Get("X-Content-Type-Options"))
		require.Equal(t, "public, max-age=31536000, immutable", img.Header.Get("Cache-Control"))
		require.Equal(t, `"`+hex.EncodeToString(sum[:])+`"`, img.Header.Get("ETag"))
		require.Empty(t, img.Header.Get("Set-Cookie"), "a cacheable image sets no cookie")
		again := visitor.Do(t, http.MethodGet, src, nil, http.Header{"If-None-Match": {img.Header.Get("ETag")}})
		require.Equal(t, http.StatusNotModified, again.Status)
		ph := visitor.Get(t, "/static/placeholder.svg")
		require.Equal(t, http.StatusOK, ph.Status)
		require.Equal(t, "image/svg+xml", ph.Header.Get("Content-Type"))
		require.Contains(t, ph.Body, "<svg")

		// Nothing but the current image of an existing product is served.
		for _, path := range []string{
			"/images/products/" + p.ID + "/" + strings.Repeat("0", 64) + ".png", // an old or made-up hash
			"/images/products/" + p.ID + "/" + hex.EncodeToString(sum[:]) + ".svg",
			"/images/products/" + bare.ID + "/" + hex.EncodeToString(sum[:]) + ".png",
			"/images/products/" + p.ID + "/..%2f..%2f..%2fetc%2fpasswd",
			"/images/products/..%2f..%2fetc/passwd",
			"/images/products/not-a-uuid/" + hex.EncodeToString(sum[:]) + ".png",
		} {
			got := visitor.Get(t, path)
			require.Contains(t, []int{http.StatusNotFound, http.StatusMovedPermanently}, got.Status, path)
			require.NotEqual(t, string(file), got.Body, path)
		}

		// Refusals: the product keeps its image and the page says why, in
		// the page's language.
		for _, c := range []struct {
			name   string
			file   []byte
			status int
			ko, en string
		}{
			{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), http.StatusBadRequest,
				"JPEG, PNG, WebP 이미지만 올릴 수 있습니다.", "Only JPEG, PNG and WebP images can be uploaded."},
			{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), http.StatusBadRequest,
				"JPEG, PNG, WebP 이미지만 올릴 수 있습니다.", "Only JPEG, PNG and WebP images can be uploaded."},
			{"empty", nil, http.StatusBadRequest, "이미지 파일을 골라 주세요.", "Choose an image file."},
			{"2 MiB + 1", append(append([]byte{}, file...), make([]byte, paydeck.MaxProductImageBytes+1-len(file))...),
				http.StatusRequestEntityTooLarge, "이미지가 2MB보다 큽니다.", "The image is larger than 2 MB."},
			{"3 MiB", append(append([]byte{}, file...), make([]byte, 3<<20)...), http.StatusRequestEntityTooLarge,
				"이미지가 2MB보다 큽니다.", "The image is larger than 2 MB."},
		} {
			admin.Get(t, "/admin/products/"+p.ID+"?lang=ko")
			res := upload(t, admin, p.ID, c.file, admin.CSRF)
			require.Equal(t, c.status, res.Status, c.name)
			require.Contains(t, res.Body, c.ko, c.name)
			admin.Get(t, "/admin/products/"+p.ID+"?lang=en")
			res = upload(t, admin, p.ID, c.file, admin.CSRF)
			require.Equal(t, c.status, res.Status, c.name)
			require.Contains(t, res.Body, c.en, c.name)
		}
		admin.Get(t, "/admin/products/"+p.ID+"?lang=ko")
		require.Equal(t, http.StatusForbidden, upload(t, admin, p.ID, file, "forged").Status, "no form token")
		shopper := site.Visitor(t)
		shopper.SignIn(t, site.User(t, paydeck.RoleCustomer))
		require.Equal(t, http.StatusForbidden, upload(t, shopper, p.ID, productPNG(t, 10, 10), shopper.CSRF).Status)
		require.Equal(t, src, env.ProductByID(t, p.ID).ImageURL, "refused uploads change nothing")

		// Removing it brings the placeholder back.
		res = admin.Post(t, "/admin/products/"+p.ID+"/image/delete", url.Values{})
		require.Equal(t, http.StatusSeeOther, res.Status, res.Body)
		require.Empty(t, env.ProductByID(t, p.ID).ImageURL)
		require.Equal(t, http.StatusNotFound, visitor.Get(t, src).Status)
	})
}

// TestHomeSearchAndCategories: the home page searches names and
// descriptions (LIKE wildcards literal), filters by category, and says so
// readably in both languages when nothing matches.
func TestHomeSearchAndCategories(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		site := sitetest.NewSite(t, env)
		mk := func(name, desc, cat string) *paydeck.Product {
			return storetest.MustCreateProduct(t, env.DB, &paydeck.Product{Name: name, Description: desc, Price: 3000,
				StockQuantity: 5, IsActive: true, Category: cat})
		}
		tea := mk("보성 녹차", "유기농 찻잎 100%", "음료")
		juice := mk("감귤 주스", "제주 감귤", "음료")
		mug := mk("머그컵", "도자기", "생활")
		v := site.Visitor(t)
		ids := func(body string) []string {
			var out []string
			for _, p := range []*paydeck.Product{tea, juice, mug} {
				if strings.Contains(body, `id="product-`+p.ID+`"`) {
					out = append(out, p.Name)
				}
			}
			return out
		}
		home := v.Get(t, "/?lang=ko")
		require.Equal(t, []string{"보성 녹차", "감귤 주스", "머그컵"}, ids(home.Body))
		require.Contains(t, home.Body, `href="/?category=%ec%9d%8c%eb%a3%8c"`)
		require.Contains(t, home.Body, `placeholder="상품 이름이나 설명으로 검색"`)

		for query, want := range map[string][]string{
			"q=" + url.QueryEscape("찻잎"):                                        {"보성 녹차"}, // description
			"q=" + url.QueryEscape("감귤"):                                        {"감귤 주스"},
			"q=" + url.QueryEscape("100%"):                                      {"보성 녹차"},
			"q=" + url.QueryEscape("%"):                                         {"보성 녹차"}, // only tea has a literal %
			"q=" + url.QueryEscape("_"):                                         nil,
			"category=" + url.QueryEscape("음료"):                                 {"보성 녹차", "감귤 주스"},
			"category=" + url.QueryEscape("생활"):                                 {"머그컵"},
			"category=" + url.QueryEscape("음료") + "&q=" + url.QueryEscape("제주"): {"감귤 주스"},
			"q=" + url.QueryEscape("' OR 1=1 --"):                               nil,
			"q=%00":                                                             {"보성 녹차", "감귤 주스", "머그컵"}, // NUL dropped: no search
		} {
			page := v.Get(t, "/?"+query)
			require.Equal(t, http.StatusOK, page.Status, query)
			require.Equal(t, want, ids(page.Body), query)
		}
		empty := v.Get(t, "/?lang=ko&q="+url.QueryEscape("없는상품"))
		require.Equal(t, http.StatusOK, empty.Status)
		require.Contains(t, empty.Body, "조건에 맞는 상품이 없습니다.")
		require.Contains(t, empty.Body, "‘없는상품’ 검색 결과 0개")
		require.Contains(t, empty.Body, `<a href="/">전체 상품 보기</a>`)
		empty = v.Get(t, "/?lang=en&q=nothing")
		require.Contains(t, empty.Body, "No products match.")
		require.Contains(t, empty.Body, "0 results for “nothing”")
		require.Contains(t, empty.Body, "Show all products")
		require.NotContains(t, empty.Body, "조건에 맞는")
	})
}

// BenchmarkProductImage serves a 400 KB product image from the store over
// HTTP, on each engine (PostgreSQL with PAYDECK_TEST_DATABASE_URL).
func BenchmarkProductImage(b *testing.B) {
	for _, engine := range storetest.Engines {
		b.Run(engine, func(b *testing.B) {
			env := apptest.New(b, engine)
			site := sitetest.NewSite(b, env)
			p := env.Product(b, 5000, 3)
			data := append(productPNG(b, 64, 64), make([]byte, 400<<10)...)
			img, err := paydeck.NewProductImage(p.ID, data)
			require.NoError(b, err)
			require.NoError(b, env.DB.Update(b.Context(), func(tx paydeck.Tx) error { return tx.SetProductImage(b.Context(), img) }))
			v := site.Visitor(b)
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			for b.Loop() {
				if got := v.Get(b, img.URL()); got.Status != http.StatusOK || len(got.Body) != len(data) {
					b.Fatalf("status %d, %d bytes", got.Status, len(got.Body))
				}
			}
		})
	}
}
