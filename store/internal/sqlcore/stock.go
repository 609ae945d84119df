package sqlcore

import (
	"context"
	"unicode/utf8"

	"github.com/paydeck/paydeck"
)

const stockAdjustmentCols = "id, product_id, delta, reason, stock_after, user_id, created_at"

// LockProductByID implements paydeck.Tx.
func (tx *Tx) LockProductByID(ctx context.Context, id string) (*paydeck.Product, error) {
	if !paydeck.ValidUUID(id) {
		return nil, paydeck.Errorf(paydeck.CodeNotFound, errProductNotFound)
	}
	return first(ctx, tx, `SELECT `+productCols+` FROM products WHERE id = ?`+tx.d.ForUpdate(), []any{id}, scanProduct, errProductNotFound)
}

// AdjustStock implements paydeck.Tx: one conditional UPDATE (the stock never
// goes below zero, whatever ran meanwhile), then the record.
func (tx *Tx) AdjustStock(ctx context.Context, a *paydeck.StockAdjustment) error {
	if n := utf8.RuneCountInString(a.Reason); a.Delta == 0 || n < 1 || n > 200 {
		return paydeck.Errorf(paydeck.CodeInvalid, "A stock change needs a non-zero delta and a reason of 1 to 200 characters.")
	}
	p, err := tx.LockProductByID(ctx, a.ProductID)
	if err != nil {
		return err
	}
	if p.IsDigital {
		return paydeck.Errorf(paydeck.CodeInvalid, "Digital products have no stock.")
	}
	var after int64
	err = tx.queryRow(ctx, []any{&after}, `UPDATE products SET stock_quantity = stock_quantity + ?, updated_at = ?
		WHERE id = ? AND stock_quantity + ? >= 0 RETURNING stock_quantity`, a.Delta, tx.t(tx.now), a.ProductID, a.Delta)
	if err == errNotFound {
		return paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonStockBelowZero, "Only %d of %q in stock; cannot take %d out.", p.StockQuantity, p.Name, -a.Delta)
	} else if err != nil {
		return err
	}
	id, err := newID()
	if err != nil {
		return err
	}
	a.ID, a.StockAfter, a.CreatedAt = id, after, tx.now
	_, err = tx.exec(ctx, "", `INSERT INTO stock_adjustments (`+stockAdjustmentCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.ProductID, a.Delta, a.Reason, a.StockAfter, a.UserID, tx.t(a.CreatedAt))
	return err
}

// FindStockAdjustments implements paydeck.Tx.
func (tx *Tx) FindStockAdjustments(ctx context.Context, productID string) ([]*paydeck.StockAdjustment, error) {
	if !paydeck.ValidUUID(productID) {
		return []*paydeck.StockAdjustment{}, nil
	}
	return queryAll(ctx, tx, `SELECT `+stockAdjustmentCols+` FROM stock_adjustments WHERE product_id = ? ORDER BY created_at DESC, id DESC`,
		[]any{productID}, func(r Rows) (*paydeck.StockAdjustment, error) {
			a := &paydeck.StockAdjustment{}
			err := r.Scan(scanText(&a.ID), scanText(&a.ProductID), &a.Delta, &a.Reason, &a.StockAfter, &a.UserID, scanTime(&a.CreatedAt))
			return a, err
		})
}
