package sqlcore

import (
	"context"

	"github.com/paydeck/paydeck"
)

const refundCols = `id, payment_id, idempotency_key, amount, reason, status, transaction_key, error_code, error_message,
	refund_bank_code, refund_account_number, refund_holder_name, created_at, updated_at, completed_at, request_hash, tax_free_amount`

const (
	errRefundNotFound = "Refund not found."
	errRefundKeyTaken = "A refund with this idempotency key already exists for the payment."
)

// scanRefund reads a refund row; the refund account exists iff
// refund_bank_code is not NULL.
func scanRefund(r Rows) (*paydeck.Refund, error) {
	rf := &paydeck.Refund{}
	var acct paydeck.RefundAccount
	var hasAcct bool
	err := r.Scan(scanText(&rf.ID), scanText(&rf.PaymentID), &rf.IdempotencyKey, &rf.Amount, &rf.Reason, &rf.Status,
		&rf.TransactionKey, &rf.ErrorCode, &rf.ErrorMessage,
		scanOptText(&acct.BankCode, &hasAcct), scanText(&acct.AccountNumber), scanText(&acct.HolderName),
		scanTime(&rf.CreatedAt), scanTime(&rf.UpdatedAt), scanNullTime(&rf.CompletedAt), &rf.RequestHash, &rf.TaxFreeAmount)
	if hasAcct {
		rf.Account = &acct
	}
	return rf, err
}

// accountArgs encodes the refund-account columns (all NULL without one).
func accountArgs(a *paydeck.RefundAccount) []any {
	if a == nil {
		return []any{nil, nil, nil}
	}
	return []any{a.BankCode, a.AccountNumber, a.HolderName}
}

// CreateRefund implements paydeck.Tx.
func (tx *Tx) CreateRefund(ctx context.Context, r *paydeck.Refund) error {
	if err := r.Validate(); err != nil {
		return err
	} else if !paydeck.ValidUUID(r.PaymentID) {
		return paydeck.Errorf(paydeck.CodeConflict, "A referenced record does not exist.")
	}
	id, err := newID()
	if err != nil {
		return err
	}
	if r.IdempotencyKey == "" {
		r.IdempotencyKey = id
	}
	r.ID, r.CreatedAt, r.UpdatedAt = id, tx.now, tx.now
	normTimePtrs(&r.CompletedAt)
	args := []any{r.ID, r.PaymentID, r.IdempotencyKey, r.Amount, r.Reason, string(r.Status), r.TransactionKey,
		r.ErrorCode, r.ErrorMessage}
	args = append(args, accountArgs(r.Account)...)
	args = append(args, tx.t(r.CreatedAt), tx.t(r.UpdatedAt), tx.tp(r.CompletedAt), r.RequestHash, r.TaxFreeAmount)
	// ON CONFLICT DO NOTHING keeps the transaction usable after a duplicate
	// key (PostgreSQL aborts a transaction on a unique violation), so the
	// caller can go on to FindRefundByKey.
	n, err := tx.exec(ctx, errRefundKeyTaken, `INSERT INTO refunds (`+refundCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (payment_id, idempotency_key) DO NOTHING`, args...)
	if err == nil && n == 0 {
		return paydeck.Errorf(paydeck.CodeConflict, errRefundKeyTaken)
	}
	return err
}

// FindRefundByID implements paydeck.Tx.
func (tx *Tx) FindRefundByID(ctx context.Context, id string) (*paydeck.Refund, error) {
	if !paydeck.ValidUUID(id) {
		return nil, paydeck.Errorf(paydeck.CodeNotFound, errRefundNotFound)
	}
	return first(ctx, tx, `SELECT `+refundCols+` FROM refunds WHERE id = ?`, []any{id}, scanRefund, errRefundNotFound)
}

// FindRefundByKey implements paydeck.Tx.
func (tx *Tx) FindRefundByKey(ctx context.Context, paymentID, key string) (*paydeck.Refund, error) {
	if !paydeck.ValidUUID(paymentID) {
		return nil, paydeck.Errorf(paydeck.CodeNotFound, errRefundNotFound)
	}
	return first(ctx, tx, `SELECT `+refundCols+` FROM refunds WHERE payment_id = ? AND idempotency_key = ?`,
		[]any{paymentID, key}, scanRefund, errRefundNotFound)
}

// FindRefunds implements paydeck.Tx.
func (tx *Tx) FindRefunds(ctx context.Context, f paydeck.RefundFilter) ([]*paydeck.Refund, int, error) {
	w := &where{}
	if f.PaymentID != nil {
		if !paydeck.ValidUUID(*f.PaymentID) {
			return []*paydeck.Refund{}, 0, nil
		}
		w.add("payment_id = ?", *f.PaymentID)
	}
	in(w, "status", f.Statuses)
	if f.CreatedBefore != nil {
		w.add("created_at < ?", tx.t(*f.CreatedBefore))
	}
	return list(ctx, tx, refundCols, "FROM refunds", w, "created_at, id", f.Offset, f.Limit, scanRefund)
}

// UpdateRefund implements paydeck.Tx.
func (tx *Tx) UpdateRefund(ctx context.Context, r *paydeck.Refund) error {
	if err := r.Validate(); err != nil {
		return err
	} else if !paydeck.ValidUUID(r.ID) {
		return paydeck.Errorf(paydeck.CodeNotFound, errRefundNotFound)
	}
	r.UpdatedAt = tx.now
	normTimePtrs(&r.CompletedAt)
	args := []any{string(r.Status), r.TransactionKey, r.ErrorCode, r.ErrorMessage}
	args = append(args, accountArgs(r.Account)...)
	args = append(args, tx.t(r.UpdatedAt), tx.tp(r.CompletedAt), r.TaxFreeAmount, r.ID)
	n, err := tx.exec(ctx, "", `UPDATE refunds SET status = ?, transaction_key = ?, error_code = ?, error_message = ?,
		refund_bank_code = ?, refund_account_number = ?, refund_holder_name = ?, updated_at = ?, completed_at = ?,
		tax_free_amount = ? WHERE id = ?`, args...)
	return rowsOrNotFound(n, err, errRefundNotFound)
}
