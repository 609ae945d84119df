package sqlcore

import (
	"context"
	"strings"

	"github.com/paydeck/paydeck"
)

const productCols = "id, name, description, price, image_url, stock_quantity, is_digital, is_active, created_at, updated_at" +
	", category, withdrawal_exempt, tax_free"

const errProductNotFound = "Product not found."

func scanProduct(r Rows) (*paydeck.Product, error) {
	p := &paydeck.Product{}
	err := r.Scan(scanText(&p.ID), &p.Name, &p.Description, &p.Price, &p.ImageURL, &p.StockQuantity,
		&p.IsDigital, &p.IsActive, scanTime(&p.CreatedAt), scanTime(&p.UpdatedAt),
		&p.Category, &p.WithdrawalExempt, &p.TaxFree)
	return p, err
}

// CreateProduct implements paydeck.Tx.
func (tx *Tx) CreateProduct(ctx context.Context, p *paydeck.Product) error {
	if err := p.Validate(); err != nil {
		return err
	}
	id, err := newID()
	if err != nil {
		return err
	}
	p.ID, p.CreatedAt, p.UpdatedAt = id, tx.now, tx.now
	_, err = tx.exec(ctx, "", `INSERT INTO products (`+productCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
		?, ?, ?)`,
		p.ID, p.Name, p.Description, p.Price, p.ImageURL, p.StockQuantity, p.IsDigital, p.IsActive,
		tx.t(p.CreatedAt), tx.t(p.UpdatedAt),
		p.Category, p.WithdrawalExempt, p.TaxFree)
	return err
}

// FindProductByID implements paydeck.Tx.
func (tx *Tx) FindProductByID(ctx context.Context, id string) (*paydeck.Product, error) {
	// The ID is unique: a page of two is never full, so list does not
	// spend a second statement on the total.
	ps, _, err := tx.FindProducts(ctx, paydeck.ProductFilter{ID: &id, Limit: 2})
	if err != nil {
		return nil, err
	} else if len(ps) == 0 {
		return nil, paydeck.Errorf(paydeck.CodeNotFound, errProductNotFound)
	}
	return ps[0], nil
}

// FindProducts implements paydeck.Tx.
func (tx *Tx) FindProducts(ctx context.Context, f paydeck.ProductFilter) ([]*paydeck.Product, int, error) {
	w := productWhere(f)
	if w == nil {
		return []*paydeck.Product{}, 0, nil
	}
	if f.Category != nil {
		w.add("category = ?", *f.Category)
	}
	return list(ctx, tx, productCols, "FROM products", w, "created_at, id", f.Offset, f.Limit, scanProduct)
}

// FindProductCategories implements paydeck.Tx.
func (tx *Tx) FindProductCategories(ctx context.Context, f paydeck.ProductFilter) ([]string, error) {
	w := productWhere(f)
	if w == nil {
		return []string{}, nil
	}
	w.add("category <> ''")
	cats, err := queryAll(ctx, tx, "SELECT DISTINCT category FROM products"+w.sql()+" ORDER BY category", w.args,
		func(r Rows) (*string, error) {
			var c string
			return &c, r.Scan(&c)
		})
	out := make([]string, 0, len(cats))
	for _, c := range cats {
		out = append(out, *c)
	}
	return out, err
}

// productWhere is the condition of f but its Category, Offset and Limit;
// nil when f's IDs name nothing that can exist.
func productWhere(f paydeck.ProductFilter) *where {
	w := &where{}
	if f.ID != nil {
		f.IDs = append(f.IDs, *f.ID)
	}
	if len(f.IDs) > 0 {
		ids := validUUIDs(f.IDs)
		if len(ids) == 0 {
			return nil
		}
		in(w, "id", ids)
	}
	if f.IsActive != nil {
		w.add("is_active = ?", *f.IsActive)
	}
	if f.IsDigital != nil {
		w.add("is_digital = ?", *f.IsDigital)
	}
	if f.Search != nil {
		pattern := "%" + escapeLike(strings.ToLower(*f.Search)) + "%"
		w.add(`(LOWER(name) LIKE ? ESCAPE '\' OR LOWER(description) LIKE ? ESCAPE '\')`, pattern, pattern)
	}
	return w
}

// validUUIDs keeps the IDs that can exist.
func validUUIDs(ids []string) []string {
	var ok []string
	for _, id := range ids {
		if paydeck.ValidUUID(id) {
			ok = append(ok, id)
		}
	}
	return ok
}

// escapeLike escapes LIKE wildcards with '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// UpdateProduct implements paydeck.Tx.
func (tx *Tx) UpdateProduct(ctx context.Context, p *paydeck.Product) error {
	if err := p.Validate(); err != nil {
		return err
	} else if !paydeck.ValidUUID(p.ID) {
		return paydeck.Errorf(paydeck.CodeNotFound, errProductNotFound)
	}
	p.UpdatedAt = tx.now
	n, err := tx.exec(ctx, "", `UPDATE products SET name = ?, description = ?, price = ?, image_url = ?,
		stock_quantity = ?, is_digital = ?, is_active = ?, updated_at = ?,
		category = ?, withdrawal_exempt = ?, tax_free = ? WHERE id = ?`,
		p.Name, p.Description, p.Price, p.ImageURL, p.StockQuantity, p.IsDigital, p.IsActive, tx.t(p.UpdatedAt),
		p.Category, p.WithdrawalExempt, p.TaxFree, p.ID)
	return rowsOrNotFound(n, err, errProductNotFound)
}

// ReserveStock implements paydeck.Tx with one conditional UPDATE: the row
// changes only when the product is active and digital or has qty left.
func (tx *Tx) ReserveStock(ctx context.Context, productID string, qty int64) error {
	if qty <= 0 {
		return paydeck.Errorf(paydeck.CodeInvalid, "Quantity must be positive.")
	} else if !paydeck.ValidUUID(productID) {
		return paydeck.Errorf(paydeck.CodeNotFound, errProductNotFound)
	}
	_, err := tx.TakeStock(ctx, productID, qty)
	return err
}

// ReleaseStock implements paydeck.Tx.
func (tx *Tx) ReleaseStock(ctx context.Context, productID string, qty int64) error {
	if qty <= 0 {
		return paydeck.Errorf(paydeck.CodeInvalid, "Quantity must be positive.")
	} else if !paydeck.ValidUUID(productID) {
		return paydeck.Errorf(paydeck.CodeNotFound, errProductNotFound)
	}
	n, err := tx.exec(ctx, "", `UPDATE products
		SET stock_quantity = CASE WHEN is_digital THEN stock_quantity ELSE stock_quantity + ? END, updated_at = ?
		WHERE id = ?`, qty, tx.t(tx.now), productID)
	return rowsOrNotFound(n, err, errProductNotFound)
}
