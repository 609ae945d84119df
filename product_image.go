package paydeck

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

// MaxProductImageBytes bounds an uploaded product image (2 MiB): enough for
// a 1600 px JPEG or WebP photo, small enough to keep in the database.
const MaxProductImageBytes = 2 << 20

// ProductImagePathPrefix is where paydeck serves product images; an
// image's URL is ProductImagePathPrefix + product ID + "/" + SHA-256 + ext.
const ProductImagePathPrefix = "/images/products/"

// Product image errors, invalid; pages compare against them with
// errors.Is to show their message in the page's language.
var (
	ErrImageEmpty    = &Error{Code: CodeInvalid, Message: "The image file is empty."}
	ErrImageTooLarge = &Error{Code: CodeInvalid, Message: "The image is larger than 2 MiB."}
	ErrImageType     = &Error{Code: CodeInvalid, Message: "The image must be a JPEG, PNG or WebP file."}
)

// imageExt maps the accepted content types, as http.DetectContentType
// names them, to the file extension of their URL.
var imageExt = map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}

// ProductImage is the one uploaded picture of a product, kept by the store
// (a table on both engines, see docs/catalogue.md).
type ProductImage struct {
	ProductID string
	// ContentType is image/jpeg, image/png or image/webp, sniffed from Data.
	ContentType string
	// SHA256 is the lowercase hex SHA-256 of Data: the URL's version and
	// the ETag.
	SHA256    string
	Data      []byte
	CreatedAt time.Time
}

// NewProductImage checks an upload and returns it ready to store: it
// refuses an empty file (ErrImageEmpty), more than MaxProductImageBytes
// (ErrImageTooLarge) and any content whose bytes are not JPEG, PNG or WebP
// (ErrImageType), whatever the client said its type was.
func NewProductImage(productID string, data []byte) (*ProductImage, error) {
	switch {
	case len(data) == 0:
		return nil, ErrImageEmpty
	case len(data) > MaxProductImageBytes:
		return nil, ErrImageTooLarge
	}
	ct := http.DetectContentType(data)
	if _, ok := imageExt[ct]; !ok {
		return nil, ErrImageType
	}
	sum := sha256.Sum256(data)
	return &ProductImage{ProductID: productID, ContentType: ct, SHA256: hex.EncodeToString(sum[:]), Data: data}, nil
}

// URL is the path paydeck serves the image at; it changes with the bytes,
// so the image can be cached for good.
func (img *ProductImage) URL() string {
	return ProductImagePathPrefix + img.ProductID + "/" + img.SHA256 + imageExt[img.ContentType]
}

// IsProductImageURL reports whether u is a URL of an uploaded image (as
// opposed to an image URL an admin typed in).
func IsProductImageURL(u string) bool { return strings.HasPrefix(u, ProductImagePathPrefix) }
