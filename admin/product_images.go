package admin

import (
	"errors"
	"io"
	"net/http"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/ui"
)

// maxUploadBytes bounds the image upload form: the image and the form
// fields around it.
const maxUploadBytes = paydeck.MaxProductImageBytes + 64<<10

// uploadRoutes are the routes that take a multipart form; Register mounts
// them with withUpload instead of the session middleware's form check.
var uploadRoutes = map[string]bool{"POST /admin/products/{id}/image": true}

// withUpload reads a multipart form of at most maxUploadBytes and checks
// its CSRF token. It runs after adminOnly, so only an admin's request is
// ever read this far. A body over the limit cannot be checked (its token
// is in it): it changes nothing and shows the product page with the size
// message.
func (a *app) withUpload(h func(http.ResponseWriter, *http.Request, *request)) func(http.ResponseWriter, *http.Request, *request) {
	return func(w http.ResponseWriter, r *http.Request, rq *request) {
		w.Header().Set("Cache-Control", "no-store")
		r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
		err := r.ParseMultipartForm(maxUploadBytes)
		if errors.Is(err, http.ErrNotMultipart) {
			err = r.ParseForm()
		}
		if r.MultipartForm != nil {
			defer func() { _ = r.MultipartForm.RemoveAll() }()
		}
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			a.productImageError(w, r, rq, paydeck.ErrImageTooLarge)
			return
		case err != nil:
			a.rejected(w, r, http.StatusBadRequest)
			return
		case !a.sessions.CheckCSRF(r, ui.FromContext(r.Context())):
			a.rejected(w, r, http.StatusForbidden)
			return
		}
		h(w, r, rq)
	}
}

// productImageUpload stores the posted file (field "image") as the
// product's image.
func (a *app) productImageUpload(w http.ResponseWriter, r *http.Request, rq *request) {
	id := r.PathValue("id")
	var data []byte
	file, _, err := r.FormFile("image")
	if err == nil {
		data, err = io.ReadAll(io.LimitReader(file, paydeck.MaxProductImageBytes+1))
		_ = file.Close()
	} else if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		err = nil // no file chosen: NewProductImage says so
	}
	var img *paydeck.ProductImage
	if err == nil {
		img, err = paydeck.NewProductImage(id, data)
	}
	if err == nil {
		err = a.d.Store.Update(r.Context(), func(tx paydeck.Tx) error { return tx.SetProductImage(r.Context(), img) })
	}
	if paydeck.ErrorCode(err) == paydeck.CodeInvalid {
		a.productImageError(w, r, rq, err)
		return
	} else if err != nil {
		a.error(w, r, rq, err)
		return
	}
	back(w, r, "/admin/products/"+id, "flash.image.saved")
}

// productImageDelete removes the product's uploaded image.
func (a *app) productImageDelete(w http.ResponseWriter, r *http.Request, rq *request) {
	id := r.PathValue("id")
	err := a.d.Store.Update(r.Context(), func(tx paydeck.Tx) error { return tx.DeleteProductImage(r.Context(), id) })
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	back(w, r, "/admin/products/"+id, "flash.image.removed")
}

// imageErrorKeys are the messages of the image errors in the page's
// language.
var imageErrorKeys = map[error]string{
	paydeck.ErrImageEmpty:    "products.image.empty",
	paydeck.ErrImageTooLarge: "products.image.toolarge",
	paydeck.ErrImageType:     "products.image.type",
}

// productImageError shows the product page again with err's message: 413
// for a file too large, else 400.
func (a *app) productImageError(w http.ResponseWriter, r *http.Request, rq *request, err error) {
	f, ferr := a.productEditor(r)
	if ferr != nil {
		a.error(w, r, rq, ferr)
		return
	}
	f.Error = paydeck.ErrorMessage(err)
	for e, key := range imageErrorKeys {
		if errors.Is(err, e) {
			f.Error = rq.view.T(key)
		}
	}
	status := http.StatusBadRequest
	if errors.Is(err, paydeck.ErrImageTooLarge) {
		status = http.StatusRequestEntityTooLarge
	}
	rq.view.Title, rq.view.Data = "product.edit", f
	a.pages.Render(w, status, "product.html", rq.view)
}
