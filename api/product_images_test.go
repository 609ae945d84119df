package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/internal/apptest/apitest"
)

// catalogueProduct is the part of a product the catalogue tests read.
type catalogueProduct struct {
	ID       string `json:"id"`
	ImageURL string `json:"imageUrl"`
	Category string `json:"category"`
}

// testImage encodes a small picture as PNG or JPEG.
func testImage(t *testing.T, format string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 6))
	for x := range 8 {
		img.Set(x, x%6, color.RGBA{R: 200, G: uint8(x * 30), B: 40, A: 255})
	}
	var buf bytes.Buffer
	if format == "png" {
		require.NoError(t, png.Encode(&buf, img))
	} else {
		require.NoError(t, jpeg.Encode(&buf, img, nil))
	}
	return buf.Bytes()
}

// TestProductImageUpload: an admin uploads JPEG, PNG or WebP bytes (the
// bytes decide, not the Content-Type) up to 2 MiB; other files, larger
// ones and non-admins are refused with a problem; the product's imageUrl
// is an absolute URL naming the content hash; DELETE removes it.
func TestProductImageUpload(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env)
		admin := a.NewAdmin(t)
		_, customer := a.SignUp(t, "shopper")
		p := env.Product(t, 1000, 5)
		path := "/api/products/" + p.ID + "/image"
		put := func(token string, body []byte, contentType string) *apitest.Response {
			return a.Do(t, apitest.Request{Method: http.MethodPut, Path: path, Token: token, Body: body,
				Header: map[string]string{"Content-Type": contentType}})
		}

		pngBytes := testImage(t, "png")
		var got catalogueProduct
		res := put(admin, pngBytes, "image/png")
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		res.Decode(t, &got)
		sum := sha256.Sum256(pngBytes)
		require.Equal(t, a.Deps.PublicURL+"/images/products/"+p.ID+"/"+hex.EncodeToString(sum[:])+".png", got.ImageURL)
		stored := env.ProductByID(t, p.ID)
		require.Equal(t, "/images/products/"+p.ID+"/"+hex.EncodeToString(sum[:])+".png", stored.ImageURL)

		// The bytes decide: a JPEG sent as image/png is stored as a JPEG.
		jpegBytes := testImage(t, "jpeg")
		res = put(admin, jpegBytes, "image/png")
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		res.Decode(t, &got)
		require.True(t, strings.HasSuffix(got.ImageURL, ".jpg"), got.ImageURL)
		require.NoError(t, env.DB.View(t.Context(), func(tx paydeck.Tx) error {
			img, err := tx.FindProductImage(t.Context(), p.ID)
			require.NoError(t, err)
			require.Equal(t, "image/jpeg", img.ContentType)
			require.Equal(t, jpegBytes, img.Data)
			return nil
		}))
		webp := append([]byte("RIFF\x1a\x00\x00\x00WEBPVP8 "), make([]byte, 14)...)
		res = put(admin, webp, "image/webp")
		require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
		res.Decode(t, &got)
		require.True(t, strings.HasSuffix(got.ImageURL, ".webp"), got.ImageURL)

		// Exactly 2 MiB is taken; one byte more is 413.
		big := make([]byte, paydeck.MaxProductImageBytes)
		copy(big, jpegBytes)
		require.Equal(t, http.StatusOK, put(admin, big, "image/jpeg").Status)
		put(admin, append(big, 0), "image/jpeg").RequireProblem(t, http.StatusRequestEntityTooLarge)

		for name, body := range map[string][]byte{
			"svg":  []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
			"html": []byte("<html><script>alert(1)</script></html>"),
			"gif":  []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
			"text": []byte("just text, sent as a PNG"),
		} {
			detail := put(admin, body, "image/png").RequireProblem(t, http.StatusUnprocessableEntity)
			require.Equal(t, paydeck.ErrImageType.Message, detail, name)
		}
		require.Equal(t, "request body is required", put(admin, []byte{}, "image/png").RequireProblem(t, http.StatusBadRequest))
		put(customer, pngBytes, "image/png").RequireProblem(t, http.StatusForbidden)
		put("", pngBytes, "image/png").RequireProblem(t, http.StatusUnauthorized)
		a.Do(t, apitest.Request{Method: http.MethodPut, Path: "/api/products/00000000-0000-4000-8000-000000000000/image",
			Token: admin, Body: pngBytes, Header: map[string]string{"Content-Type": "image/png"}}).RequireProblem(t, http.StatusNotFound)
		require.True(t, strings.HasSuffix(env.ProductByID(t, p.ID).ImageURL, ".jpg"), "refusals changed nothing")

		// Parallel uploads: one wins, and the product names the image stored.
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Go(func() {
				body := append(append([]byte{}, pngBytes...), byte(i))
				res := put(admin, body, "image/png")
				require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
			})
		}
		wg.Wait()
		require.NoError(t, env.DB.View(t.Context(), func(tx paydeck.Tx) error {
			img, err := tx.FindProductImage(t.Context(), p.ID)
			require.NoError(t, err)
			sum := sha256.Sum256(img.Data)
			require.Equal(t, hex.EncodeToString(sum[:]), img.SHA256)
			pr, err := tx.FindProductByID(t.Context(), p.ID)
			require.NoError(t, err)
			require.Equal(t, img.URL(), pr.ImageURL)
			return nil
		}))

		a.MustDo(t, apitest.Request{Method: http.MethodDelete, Path: path, Token: admin}, http.StatusOK, &got)
		require.Empty(t, got.ImageURL)
		a.Do(t, apitest.Request{Method: http.MethodDelete, Path: path, Token: admin}).RequireProblem(t, http.StatusNotFound)
		a.Do(t, apitest.Request{Method: http.MethodDelete, Path: path, Token: customer}).RequireProblem(t, http.StatusForbidden)
	})
}

// TestProductCategoryAndSearch: products carry a category; the list
// filters by it and searches names and descriptions with LIKE wildcards
// taken literally.
func TestProductCategoryAndSearch(t *testing.T) {
	t.Parallel()
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		a := apitest.NewAPI(t, env)
		admin := a.NewAdmin(t)
		create := func(body map[string]any) catalogueProduct {
			var p catalogueProduct
			a.MustDo(t, apitest.Request{Method: http.MethodPost, Path: "/api/products", Token: admin, Body: body}, http.StatusCreated, &p)
			return p
		}
		tea := create(map[string]any{"name": "녹차 티백", "description": "보성 100% 유기농", "price": 5000, "stockQuantity": 3, "category": "음료"})
		require.Equal(t, "음료", tea.Category)
		mug := create(map[string]any{"name": "머그컵", "price": 9000, "stockQuantity": 3, "category": "생활"})
		list := func(query string) []string {
			var page struct {
				Items []catalogueProduct `json:"items"`
			}
			a.MustDo(t, apitest.Request{Method: http.MethodGet, Path: "/api/products?" + query}, http.StatusOK, &page)
			ids := []string{}
			for _, p := range page.Items {
				ids = append(ids, p.ID)
			}
			return ids
		}
		require.Equal(t, []string{tea.ID}, list("category=%EC%9D%8C%EB%A3%8C"))
		require.Equal(t, []string{tea.ID}, list("search=%EC%9C%A0%EA%B8%B0%EB%86%8D"), "유기농 is in the description")
		require.Equal(t, []string{tea.ID}, list("search=100%25"))
		require.Equal(t, []string{}, list("search=%25%25%25"), "%%% is literal")
		require.Equal(t, []string{}, list("search=%EB%85%B9%EC%B0%A8&category=%EC%83%9D%ED%99%9C"))

		var got catalogueProduct
		a.MustDo(t, apitest.Request{Method: http.MethodPatch, Path: "/api/products/" + mug.ID, Token: admin,
			Body: map[string]any{"category": "주방"}}, http.StatusOK, &got)
		require.Equal(t, "주방", got.Category)
		a.Do(t, apitest.Request{Method: http.MethodPatch, Path: "/api/products/" + mug.ID, Token: admin,
			Body: map[string]any{"category": " 주방"}}).RequireProblem(t, http.StatusUnprocessableEntity)
		a.Do(t, apitest.Request{Method: http.MethodPatch, Path: "/api/products/" + mug.ID, Token: admin,
			Body: map[string]any{"category": strings.Repeat("가", 51)}}).RequireProblem(t, http.StatusUnprocessableEntity)
	})
}
