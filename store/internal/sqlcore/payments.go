package sqlcore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/paydeck/paydeck"
)

const paymentCols = `id, payment_key, order_id, method, status, amount, balance_amount, supplied_amount, vat,
	tax_free_amount, transaction_key, method_details, failure_code, failure_message,
	va_bank_code, va_account_number, va_customer_name, va_due_date, secret,
	approved_at, expires_at, created_at, updated_at, receipt_url, toss_order_id, cash_receipt`

const (
	errPaymentNotFound = "Payment not found."
	errPaymentKeyTaken = "A payment with this payment key already exists."
)

// scanPayment reads a payment row; the virtual account exists iff
// va_bank_code is not NULL.
func scanPayment(r Rows) (*paydeck.Payment, error) {
	p := &paydeck.Payment{}
	var va paydeck.VirtualAccount
	var hasVA bool
	var due *time.Time
	var receipt []byte
	err := r.Scan(scanText(&p.ID), scanText(&p.PaymentKey), scanText(&p.OrderID), &p.Method, &p.Status,
		&p.Amount, &p.BalanceAmount, &p.SuppliedAmount, &p.VAT, &p.TaxFreeAmount, &p.TransactionKey,
		scanJSON((*[]byte)(&p.MethodDetails)), &p.FailureCode, &p.FailureMessage,
		scanOptText(&va.BankCode, &hasVA), scanText(&va.AccountNumber), scanText(&va.CustomerName),
		scanNullTime(&due), scanText(&p.Secret),
		scanNullTime(&p.ApprovedAt), scanNullTime(&p.ExpiresAt), scanTime(&p.CreatedAt), scanTime(&p.UpdatedAt),
		&p.ReceiptURL, &p.TossOrderID, scanJSON(&receipt))
	if err == nil && len(receipt) > 0 {
		p.CashReceipt = &paydeck.CashReceipt{}
		if err = json.Unmarshal(receipt, p.CashReceipt); err != nil {
			return nil, fmt.Errorf("scan payment cash receipt: %w", err)
		}
	}
	if hasVA {
		if due != nil {
			va.DueDate = *due
		}
		p.VirtualAccount = &va
	}
	return p, err
}

// normPaymentTimes applies normTimes to the caller-set times of p.
func normPaymentTimes(p *paydeck.Payment) {
	normTimePtrs(&p.ApprovedAt, &p.ExpiresAt)
	if p.VirtualAccount != nil {
		va := *p.VirtualAccount
		normTimes(&va.DueDate)
		p.VirtualAccount = &va
	}
}

// receiptArg encodes the cash receipt column (NULL without one).
func receiptArg(c *paydeck.CashReceipt) any {
	if c == nil {
		return nil
	}
	b, _ := json.Marshal(c) // plain strings and numbers: cannot fail
	return string(b)
}

// vaArgs encodes the virtual-account columns (all NULL without one).
func (tx *Tx) vaArgs(va *paydeck.VirtualAccount) []any {
	if va == nil {
		return []any{nil, nil, nil, nil}
	}
	return []any{va.BankCode, va.AccountNumber, va.CustomerName, tx.t(va.DueDate)}
}

// paymentArgs are p's values in paymentCols' order, for an insert.
func (tx *Tx) paymentArgs(p *paydeck.Payment) []any {
	args := []any{p.ID, nullText(p.PaymentKey), p.OrderID, string(p.Method), string(p.Status), p.Amount,
		p.BalanceAmount, p.SuppliedAmount, p.VAT, p.TaxFreeAmount, p.TransactionKey, jsonArg(p.MethodDetails),
		p.FailureCode, p.FailureMessage}
	args = append(args, tx.vaArgs(p.VirtualAccount)...)
	return append(args, nullText(p.Secret), tx.tp(p.ApprovedAt), tx.tp(p.ExpiresAt), tx.t(p.CreatedAt), tx.t(p.UpdatedAt),
		p.ReceiptURL, p.TossOrderID, receiptArg(p.CashReceipt))
}

// CreatePayment implements paydeck.Tx.
func (tx *Tx) CreatePayment(ctx context.Context, p *paydeck.Payment) error {
	if err := p.Validate(); err != nil {
		return err
	} else if !paydeck.ValidUUID(p.OrderID) {
		return paydeck.Errorf(paydeck.CodeConflict, "A referenced record does not exist.")
	}
	id, err := newID()
	if err != nil {
		return err
	}
	p.ID, p.CreatedAt, p.UpdatedAt = id, tx.now, tx.now
	normPaymentTimes(p)
	args := tx.paymentArgs(p)
	// A taken key inserts nothing instead of failing, so the transaction
	// stays usable: the caller may free the key and try again. (Held back,
	// the conflict fails the flush, and the store runs the caller again
	// with this write answering at once: combine.go.)
	err = tx.write(ctx, heldWrite{table: "payments", conflict: errPaymentKeyTaken,
		query: `INSERT INTO payments (` + paymentCols + `)
		VALUES (` + placeholders(len(args)) + `) ON CONFLICT (payment_key) DO NOTHING`, args: args, mustWrite: true,
		done: func(n int64) error {
			if n == 0 {
				return paydeck.Errorf(paydeck.CodeConflict, errPaymentKeyTaken)
			}
			return nil
		}})
	if err == nil {
		tx.holdPayment(p)
	}
	return err
}

// FindPaymentByID implements paydeck.Tx.
func (tx *Tx) FindPaymentByID(ctx context.Context, id string) (*paydeck.Payment, error) {
	return tx.findPayment(ctx, "id", id, false)
}

// FindPaymentByKey implements paydeck.Tx.
func (tx *Tx) FindPaymentByKey(ctx context.Context, paymentKey string) (*paydeck.Payment, error) {
	return tx.findPayment(ctx, "payment_key", paymentKey, false)
}

// LockPaymentByID implements paydeck.Tx.
func (tx *Tx) LockPaymentByID(ctx context.Context, id string) (*paydeck.Payment, error) {
	return tx.findPayment(ctx, "id", id, true)
}

// LockPaymentByKey implements paydeck.Tx.
func (tx *Tx) LockPaymentByKey(ctx context.Context, paymentKey string) (*paydeck.Payment, error) {
	return tx.findPayment(ctx, "payment_key", paymentKey, true)
}

// findPayment loads one payment by the unique column col, row-locking it
// when lock is set.
func (tx *Tx) findPayment(ctx context.Context, col, value string, lock bool) (*paydeck.Payment, error) {
	if (col == "id" && !paydeck.ValidUUID(value)) || value == "" {
		return nil, paydeck.Errorf(paydeck.CodeNotFound, errPaymentNotFound)
	}
	if err := tx.beforeHeldRead(ctx); err != nil {
		return nil, err
	}
	if p := tx.heldPayment(col, value); p != nil {
		return p, nil
	}
	suffix := ""
	if lock {
		suffix = tx.d.ForUpdate()
	}
	p, err := first(ctx, tx, `SELECT `+paymentCols+` FROM payments WHERE `+col+` = ?`+suffix, []any{value},
		scanPayment, errPaymentNotFound)
	if err == nil && lock {
		tx.holdPayment(p)
	}
	return p, err
}

// FindPayments implements paydeck.Tx.
func (tx *Tx) FindPayments(ctx context.Context, f paydeck.PaymentFilter) ([]*paydeck.Payment, int, error) {
	w := &where{}
	for _, id := range []*string{f.ID, f.OrderID} {
		if id != nil && !paydeck.ValidUUID(*id) {
			return []*paydeck.Payment{}, 0, nil
		}
	}
	if f.ID != nil {
		w.add("id = ?", *f.ID)
	}
	if f.OrderID != nil {
		w.add("order_id = ?", *f.OrderID)
	}
	in(w, "status", f.Statuses)
	if f.Method != nil {
		w.add("method = ?", string(*f.Method))
	}
	if f.ExpiresBefore != nil {
		w.add("expires_at < ?", tx.t(*f.ExpiresBefore))
	}
	if f.DueBefore != nil {
		w.add("va_due_date < ?", tx.t(*f.DueBefore))
	}
	if f.CreatedBefore != nil {
		w.add("created_at < ?", tx.t(*f.CreatedBefore))
	}
	if f.ApprovedFrom != nil {
		w.add("approved_at >= ?", tx.t(*f.ApprovedFrom))
	}
	if f.ApprovedBefore != nil {
		w.add("approved_at < ?", tx.t(*f.ApprovedBefore))
	}
	return list(ctx, tx, paymentCols, "FROM payments", w, "created_at DESC, id DESC", f.Offset, f.Limit, scanPayment)
}

// UpdatePayment implements paydeck.Tx.
func (tx *Tx) UpdatePayment(ctx context.Context, p *paydeck.Payment) error {
	query, args, err := tx.paymentUpdate(p)
	if err != nil {
		return err
	}
	err = tx.write(ctx, heldWrite{table: "payments", conflict: errPaymentKeyTaken, query: query, args: args,
		mustWrite: true, done: func(n int64) error { return rowsOrNotFound(n, nil, errPaymentNotFound) }})
	if err != nil {
		return err
	}
	tx.holdPayment(p)
	return nil
}

// paymentUpdate checks p and stamps its UpdatedAt, and returns the UPDATE
// that writes every column of p's row (its last condition "id = ?").
func (tx *Tx) paymentUpdate(p *paydeck.Payment) (string, []any, error) {
	if err := p.Validate(); err != nil {
		return "", nil, err
	} else if !paydeck.ValidUUID(p.ID) {
		return "", nil, paydeck.Errorf(paydeck.CodeNotFound, errPaymentNotFound)
	}
	p.UpdatedAt = tx.now
	normPaymentTimes(p)
	all := tx.paymentArgs(p)
	args := make([]any, 0, len(paymentSetCols)+1)
	for _, i := range paymentSetCols {
		args = append(args, all[i])
	}
	return paymentUpdateSQL, append(args, p.ID), nil
}

// paymentSetCols are the positions in paymentCols of the columns an update
// writes: all but those the insert fixes (id, order_id, created_at,
// toss_order_id). paymentUpdateSQL sets them in that order.
var paymentSetCols, paymentUpdateSQL = func() ([]int, string) {
	var idx []int
	var set []string
	for i, c := range strings.Split(paymentCols, ",") {
		switch c = strings.TrimSpace(c); c {
		case "id", "order_id", "created_at", "toss_order_id":
		default:
			idx = append(idx, i)
			set = append(set, c+" = ?")
		}
	}
	return idx, "UPDATE payments SET " + strings.Join(set, ", ") + " WHERE id = ?"
}()
