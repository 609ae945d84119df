package web

import (
	"bytes"
	_ "embed"
	"net/http"
	"regexp"
	"strings"

	"github.com/paydeck/paydeck"
)

// PlaceholderPath is where the picture of a product without an image is
// served.
const PlaceholderPath = "/static/placeholder.svg"

//go:embed static/placeholder.svg
var placeholderSVG []byte

// imageFile is the last segment of an uploaded image's URL: its SHA-256
// and the extension of its type.
var imageFile = regexp.MustCompile(`^([0-9a-f]{64})\.(jpg|png|webp)$`)

// productImage serves a product's uploaded image from the store. The URL
// names the image's content hash, so the response may be cached for good;
// a hash that is no longer the product's (the image was replaced) is a
// 404. Nothing of the path reaches a file system: the product ID is a
// UUID looked up in the store and the file name must match imageFile.
func (a *app) productImage(w http.ResponseWriter, r *http.Request) {
	m := imageFile.FindStringSubmatch(r.PathValue("file"))
	if m == nil {
		http.NotFound(w, r)
		return
	}
	var img *paydeck.ProductImage
	err := a.d.Store.View(r.Context(), func(tx paydeck.Tx) (err error) {
		img, err = tx.FindProductImage(r.Context(), r.PathValue("id"))
		return err
	})
	if paydeck.ErrorCode(err) == paydeck.CodeNotFound || (err == nil && !strings.HasSuffix(img.URL(), "/"+m[0])) {
		http.NotFound(w, r)
		return
	} else if err != nil {
		a.d.Logger.ErrorContext(r.Context(), "product image failed", "err", err)
		http.Error(w, http.StatusText(http.StatusServiceUnavailable), http.StatusServiceUnavailable)
		return
	}
	h := w.Header()
	h.Set("Content-Type", img.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+img.SHA256+`"`)
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	http.ServeContent(w, r, "", img.CreatedAt, bytes.NewReader(img.Data))
}

func servePlaceholder(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, _ = w.Write(placeholderSVG)
}
