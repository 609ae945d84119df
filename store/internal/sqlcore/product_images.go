package sqlcore

import (
	"context"

	"github.com/paydeck/paydeck"
)

const errProductImageNotFound = "Product image not found."

// SetProductImage implements paydeck.Tx: the product row is locked and
// pointed at the new image in the same transaction as the upsert, so the
// page never names an image that is not there.
func (tx *Tx) SetProductImage(ctx context.Context, img *paydeck.ProductImage) error {
	if _, err := tx.LockProductByID(ctx, img.ProductID); err != nil {
		return err
	}
	img.CreatedAt = tx.now
	if _, err := tx.exec(ctx, "", `INSERT INTO product_images (product_id, content_type, sha256, data, created_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (product_id) DO UPDATE SET content_type = excluded.content_type, sha256 = excluded.sha256,
			data = excluded.data, created_at = excluded.created_at`,
		img.ProductID, img.ContentType, img.SHA256, img.Data, tx.t(img.CreatedAt)); err != nil {
		return err
	}
	_, err := tx.exec(ctx, "", `UPDATE products SET image_url = ?, updated_at = ? WHERE id = ?`,
		img.URL(), tx.t(tx.now), img.ProductID)
	return err
}

// FindProductImage implements paydeck.Tx.
func (tx *Tx) FindProductImage(ctx context.Context, productID string) (*paydeck.ProductImage, error) {
	if !paydeck.ValidUUID(productID) {
		return nil, paydeck.Errorf(paydeck.CodeNotFound, errProductImageNotFound)
	}
	return first(ctx, tx, `SELECT product_id, content_type, sha256, data, created_at FROM product_images WHERE product_id = ?`,
		[]any{productID}, func(r Rows) (*paydeck.ProductImage, error) {
			img := &paydeck.ProductImage{}
			return img, r.Scan(scanText(&img.ProductID), &img.ContentType, &img.SHA256, &img.Data, scanTime(&img.CreatedAt))
		}, errProductImageNotFound)
}

// DeleteProductImage implements paydeck.Tx.
func (tx *Tx) DeleteProductImage(ctx context.Context, productID string) error {
	if !paydeck.ValidUUID(productID) {
		return paydeck.Errorf(paydeck.CodeNotFound, errProductImageNotFound)
	}
	p, err := tx.LockProductByID(ctx, productID)
	if err != nil {
		return err
	}
	n, err := tx.exec(ctx, "", `DELETE FROM product_images WHERE product_id = ?`, productID)
	if err = rowsOrNotFound(n, err, errProductImageNotFound); err != nil {
		return err
	}
	if paydeck.IsProductImageURL(p.ImageURL) {
		_, err = tx.exec(ctx, "", `UPDATE products SET image_url = '', updated_at = ? WHERE id = ?`, tx.t(tx.now), productID)
	}
	return err
}
