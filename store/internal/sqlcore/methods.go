package sqlcore

import (
	"context"

	"github.com/paydeck/paydeck"
)

const methodCols = "id, name, type, is_active, display_order, fee_rate, fixed_fee, created_at, updated_at"

const (
	errMethodNotFound = "Payment method not found."
	errMethodTaken    = "A payment method of this type already exists."
)

func scanMethod(r Rows) (*paydeck.PaymentMethod, error) {
	m := &paydeck.PaymentMethod{}
	err := r.Scan(scanText(&m.ID), &m.Name, &m.Type, &m.IsActive, &m.DisplayOrder, &m.FeeRate, &m.FixedFee,
		scanTime(&m.CreatedAt), scanTime(&m.UpdatedAt))
	return m, err
}

// CreatePaymentMethod implements paydeck.Tx.
func (tx *Tx) CreatePaymentMethod(ctx context.Context, m *paydeck.PaymentMethod) error {
	if err := m.Validate(); err != nil {
		return err
	}
	id, err := newID()
	if err != nil {
		return err
	}
	m.ID, m.CreatedAt, m.UpdatedAt = id, tx.now, tx.now
	_, err = tx.exec(ctx, errMethodTaken, `INSERT INTO payment_methods (`+methodCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.Name, string(m.Type), m.IsActive, m.DisplayOrder, m.FeeRate, m.FixedFee, tx.t(m.CreatedAt), tx.t(m.UpdatedAt))
	return err
}

// FindPaymentMethodByID implements paydeck.Tx.
func (tx *Tx) FindPaymentMethodByID(ctx context.Context, id string) (*paydeck.PaymentMethod, error) {
	if !paydeck.ValidUUID(id) {
		return nil, paydeck.Errorf(paydeck.CodeNotFound, errMethodNotFound)
	}
	return first(ctx, tx, `SELECT `+methodCols+` FROM payment_methods WHERE id = ?`, []any{id}, scanMethod, errMethodNotFound)
}

// FindPaymentMethods implements paydeck.Tx.
func (tx *Tx) FindPaymentMethods(ctx context.Context, f paydeck.PaymentMethodFilter) ([]*paydeck.PaymentMethod, int, error) {
	w := &where{}
	if f.Type != nil {
		w.add("type = ?", string(*f.Type))
	}
	if f.IsActive != nil {
		w.add("is_active = ?", *f.IsActive)
	}
	return list(ctx, tx, methodCols, "FROM payment_methods", w, "display_order, id", f.Offset, f.Limit, scanMethod)
}

// UpdatePaymentMethod implements paydeck.Tx.
func (tx *Tx) UpdatePaymentMethod(ctx context.Context, m *paydeck.PaymentMethod) error {
	if err := m.Validate(); err != nil {
		return err
	} else if !paydeck.ValidUUID(m.ID) {
		return paydeck.Errorf(paydeck.CodeNotFound, errMethodNotFound)
	}
	m.UpdatedAt = tx.now
	n, err := tx.exec(ctx, errMethodTaken, `UPDATE payment_methods SET name = ?, type = ?, is_active = ?,
		display_order = ?, fee_rate = ?, fixed_fee = ?, updated_at = ? WHERE id = ?`,
		m.Name, string(m.Type), m.IsActive, m.DisplayOrder, m.FeeRate, m.FixedFee, tx.t(m.UpdatedAt), m.ID)
	return rowsOrNotFound(n, err, errMethodNotFound)
}
