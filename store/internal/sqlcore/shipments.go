package sqlcore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/paydeck/paydeck"
)

const shipmentCols = "id, order_id, courier, tracking_number, lines, created_at"

const returnCols = `id, order_id, status, reason, note, lines, refuse_reason, restock, refund_amount,
	return_shipping_fee, refund_id, created_at, updated_at, decided_at`

const errReturnNotFound = "Return request not found."

// linesCol scans a JSON array of lines.
type linesCol struct{ dst *[]paydeck.ShipmentLine }

// Scan implements sql.Scanner.
func (c linesCol) Scan(src any) error {
	var raw []byte
	if err := scanJSON(&raw).Scan(src); err != nil {
		return err
	}
	*c.dst = []paydeck.ShipmentLine{}
	if len(raw) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, c.dst); err != nil {
		return fmt.Errorf("scan lines: %w", err)
	}
	return nil
}

func linesArg(lines []paydeck.ShipmentLine) (any, error) {
	b, err := json.Marshal(lines)
	if err != nil {
		return nil, err
	}
	return jsonArg(b), nil
}

func scanShipment(r Rows) (*paydeck.Shipment, error) {
	s := &paydeck.Shipment{}
	err := r.Scan(scanText(&s.ID), scanText(&s.OrderID), &s.Courier, &s.TrackingNumber, linesCol{&s.Lines},
		scanTime(&s.CreatedAt))
	return s, err
}

// CreateShipment implements paydeck.Tx.
func (tx *Tx) CreateShipment(ctx context.Context, s *paydeck.Shipment) error {
	if err := s.Validate(); err != nil {
		return err
	} else if !paydeck.ValidUUID(s.OrderID) {
		return paydeck.Errorf(paydeck.CodeConflict, "A referenced record does not exist.")
	}
	lines, err := linesArg(s.Lines)
	if err != nil {
		return err
	}
	if s.ID, err = newID(); err != nil {
		return err
	}
	s.CreatedAt = tx.now
	_, err = tx.exec(ctx, "", `INSERT INTO shipments (`+shipmentCols+`) VALUES (?, ?, ?, ?, ?, ?)`,
		s.ID, s.OrderID, s.Courier, s.TrackingNumber, lines, tx.t(s.CreatedAt))
	return err
}

// FindShipments implements paydeck.Tx.
func (tx *Tx) FindShipments(ctx context.Context, orderID string) ([]*paydeck.Shipment, error) {
	if !paydeck.ValidUUID(orderID) {
		return []*paydeck.Shipment{}, nil
	}
	return queryAll(ctx, tx, `SELECT `+shipmentCols+` FROM shipments WHERE order_id = ? ORDER BY created_at, id`,
		[]any{orderID}, scanShipment)
}

func scanReturn(r Rows) (*paydeck.ReturnRequest, error) {
	x := &paydeck.ReturnRequest{}
	err := r.Scan(scanText(&x.ID), scanText(&x.OrderID), (*string)(&x.Status), (*string)(&x.Reason), &x.Note,
		linesCol{&x.Lines}, &x.RefuseReason, &x.Restock, &x.RefundAmount, &x.ReturnShippingFee, &x.RefundID,
		scanTime(&x.CreatedAt), scanTime(&x.UpdatedAt), scanNullTime(&x.DecidedAt))
	return x, err
}

// CreateReturnRequest implements paydeck.Tx.
func (tx *Tx) CreateReturnRequest(ctx context.Context, x *paydeck.ReturnRequest) error {
	if err := x.Validate(); err != nil {
		return err
	} else if !paydeck.ValidUUID(x.OrderID) {
		return paydeck.Errorf(paydeck.CodeConflict, "A referenced record does not exist.")
	}
	lines, err := linesArg(x.Lines)
	if err != nil {
		return err
	}
	if x.ID, err = newID(); err != nil {
		return err
	}
	x.CreatedAt, x.UpdatedAt = tx.now, tx.now
	normTimePtrs(&x.DecidedAt)
	_, err = tx.exec(ctx, "", `INSERT INTO return_requests (`+returnCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		x.ID, x.OrderID, string(x.Status), string(x.Reason), x.Note, lines, x.RefuseReason, x.Restock,
		x.RefundAmount, x.ReturnShippingFee, x.RefundID, tx.t(x.CreatedAt), tx.t(x.UpdatedAt), tx.tp(x.DecidedAt))
	return err
}

// FindReturnRequestByID implements paydeck.Tx.
func (tx *Tx) FindReturnRequestByID(ctx context.Context, id string) (*paydeck.ReturnRequest, error) {
	if !paydeck.ValidUUID(id) {
		return nil, paydeck.Errorf(paydeck.CodeNotFound, errReturnNotFound)
	}
	return first(ctx, tx, `SELECT `+returnCols+` FROM return_requests WHERE id = ?`, []any{id}, scanReturn, errReturnNotFound)
}

// FindReturnRequests implements paydeck.Tx.
func (tx *Tx) FindReturnRequests(ctx context.Context, f paydeck.ReturnFilter) ([]*paydeck.ReturnRequest, int, error) {
	w := &where{}
	if f.OrderID != nil {
		if !paydeck.ValidUUID(*f.OrderID) {
			return []*paydeck.ReturnRequest{}, 0, nil
		}
		w.add("order_id = ?", *f.OrderID)
	}
	in(w, "status", f.Statuses)
	return list(ctx, tx, returnCols, "FROM return_requests", w, "created_at, id", f.Offset, f.Limit, scanReturn)
}

// UpdateReturnRequest implements paydeck.Tx.
func (tx *Tx) UpdateReturnRequest(ctx context.Context, x *paydeck.ReturnRequest) error {
	if err := x.Validate(); err != nil {
		return err
	} else if !paydeck.ValidUUID(x.ID) {
		return paydeck.Errorf(paydeck.CodeNotFound, errReturnNotFound)
	}
	x.UpdatedAt = tx.now
	normTimePtrs(&x.DecidedAt)
	n, err := tx.exec(ctx, "", `UPDATE return_requests SET status = ?, refuse_reason = ?, restock = ?,
		refund_amount = ?, return_shipping_fee = ?, refund_id = ?, updated_at = ?, decided_at = ? WHERE id = ?`,
		string(x.Status), x.RefuseReason, x.Restock, x.RefundAmount, x.ReturnShippingFee, x.RefundID,
		tx.t(x.UpdatedAt), tx.tp(x.DecidedAt), x.ID)
	return rowsOrNotFound(n, err, errReturnNotFound)
}
