package sqlcore

import (
	"context"
	"crypto/rand"
	"slices"
	"strings"

	"github.com/paydeck/paydeck"
)

const orderCols = `id, order_id, user_id, status, total_amount, discount_amount, shipping_fee, final_amount,
	shipping_name, shipping_phone, shipping_address, shipping_memo,
	created_at, updated_at, expires_at, paid_at, shipped_at, delivered_at, customer_ref, tax_free_amount` +
	`, shipping_postcode, shipping_address_detail`

const itemCols = "id, order_id, product_id, product_name, quantity, unit_price, total_price, tax_free"

const (
	errOrderNotFound = "Order not found."
	errOrderIDTaken  = "An order with this order ID already exists."
)

func scanOrder(r Rows) (*paydeck.Order, error) {
	o := &paydeck.Order{}
	err := r.Scan(scanText(&o.ID), &o.OrderID, scanText(&o.UserID), &o.Status, &o.TotalAmount, &o.DiscountAmount,
		&o.ShippingFee, &o.FinalAmount, &o.ShippingName, &o.ShippingPhone, &o.ShippingAddress, &o.ShippingMemo,
		scanTime(&o.CreatedAt), scanTime(&o.UpdatedAt), scanTime(&o.ExpiresAt),
		scanNullTime(&o.PaidAt), scanNullTime(&o.ShippedAt), scanNullTime(&o.DeliveredAt), &o.CustomerRef, &o.TaxFreeAmount,
		&o.ShippingPostcode, &o.ShippingAddressDetail)
	return o, err
}

func scanItem(r Rows) (*paydeck.OrderItem, error) {
	it := &paydeck.OrderItem{}
	err := r.Scan(scanText(&it.ID), scanText(&it.OrderID), scanText(&it.ProductID), &it.ProductName,
		&it.Quantity, &it.UnitPrice, &it.TotalPrice, &it.TaxFree)
	return it, err
}

// orderRowCols are the columns of an order joined with one of its items
// (orderRowJoin) and its coupon code; orderRowWidth counts them. A query
// selecting them gives one row per item (one for an order without items),
// and scanOrderRow gathers the rows back into orders.
var (
	orderRowExprs = slices.Concat(strings.Split(prefixed("o.", orderCols), ", "),
		[]string{"CASE WHEN i.id IS NULL THEN 0 ELSE 1 END"}, strings.Split(prefixed("i.", itemCols), ", "),
		[]string{"COALESCE(cu.code, '')"})
	orderRowCols  = strings.Join(orderRowExprs, ", ")
	orderRowWidth = len(orderRowExprs)
)

// orderRowJoin brings an order's items and coupon code to orderRowCols
// (the order is "o").
const orderRowJoin = " LEFT JOIN order_items i ON i.order_id = o.id LEFT JOIN coupon_uses cu ON cu.order_id = o.id"

// scanOrderRow scans the orderRowCols that start at column from of a row
// of n columns: the item (if any) joins the last of orders when the row is
// of that order, else the row starts a new order.
func scanOrderRow(r Rows, from, n int, orders []*paydeck.Order) ([]*paydeck.Order, error) {
	nOrder := colsIn(orderCols)
	var hasItem int64
	var code string
	if err := (window{r, from + nOrder, n}).Scan(&hasItem); err != nil {
		return nil, err
	}
	if err := (window{r, from + orderRowWidth - 1, n}).Scan(&code); err != nil {
		return nil, err
	}
	o, err := scanOrder(window{r, from, n})
	if err != nil {
		return nil, err
	}
	if len(orders) == 0 || orders[len(orders)-1].ID != o.ID {
		o.Items, o.CouponCode = []paydeck.OrderItem{}, code
		orders = append(orders, o)
	}
	if hasItem == 1 {
		it, err := scanItem(window{r, from + nOrder + 1, n})
		if err != nil {
			return nil, err
		}
		last := orders[len(orders)-1]
		last.Items = append(last.Items, *it)
	}
	return orders, nil
}

// CreateOrder implements paydeck.Tx.
func (tx *Tx) CreateOrder(ctx context.Context, o *paydeck.Order) error {
	if err := o.Validate(); err != nil {
		return err
	} else if !paydeck.ValidUUID(o.UserID) {
		return paydeck.Errorf(paydeck.CodeConflict, "A referenced record does not exist.")
	}
	var err error
	if o.OrderID == "" {
		if o.OrderID, err = paydeck.NewOrderID(tx.now, rand.Reader); err != nil {
			return err
		}
	}
	if o.ID, err = newID(); err != nil {
		return err
	}
	o.CreatedAt, o.UpdatedAt = tx.now, tx.now
	normTimes(&o.ExpiresAt)
	normTimePtrs(&o.PaidAt, &o.ShippedAt, &o.DeliveredAt)
	err = tx.write(ctx, heldWrite{table: "orders", conflict: errOrderIDTaken,
		query: `INSERT INTO orders (` + orderCols + `)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		args: []any{o.ID, o.OrderID, o.UserID, string(o.Status), o.TotalAmount, o.DiscountAmount, o.ShippingFee,
			o.FinalAmount, o.ShippingName, o.ShippingPhone, o.ShippingAddress, o.ShippingMemo,
			tx.t(o.CreatedAt), tx.t(o.UpdatedAt), tx.t(o.ExpiresAt), tx.tp(o.PaidAt), tx.tp(o.ShippedAt), tx.tp(o.DeliveredAt),
			o.CustomerRef, o.TaxFreeAmount, o.ShippingPostcode, o.ShippingAddressDetail}})
	if err != nil || len(o.Items) == 0 {
		return err
	}
	// The items in one statement, whatever their number.
	const itemMarks = "(?, ?, ?, ?, ?, ?, ?, ?, ?)"
	rows := make([]string, len(o.Items))
	args := make([]any, 0, 9*len(o.Items))
	for i := range o.Items {
		it := &o.Items[i]
		if !paydeck.ValidUUID(it.ProductID) {
			return paydeck.Errorf(paydeck.CodeConflict, "A referenced record does not exist.")
		}
		if it.ID, err = newID(); err != nil {
			return err
		}
		it.OrderID = o.ID
		rows[i] = itemMarks
		args = append(args, it.ID, it.OrderID, it.ProductID, it.ProductName, it.Quantity, it.UnitPrice, it.TotalPrice,
			it.TaxFree, i)
	}
	return tx.write(ctx, heldWrite{table: "order_items",
		query: `INSERT INTO order_items (` + itemCols + `, line) VALUES ` + strings.Join(rows, ", "),
		args:  args})
}

// FindOrderByID implements paydeck.Tx.
func (tx *Tx) FindOrderByID(ctx context.Context, id string) (*paydeck.Order, error) {
	return tx.findOrder(ctx, "id", id, false)
}

// FindOrderByOrderID implements paydeck.Tx.
func (tx *Tx) FindOrderByOrderID(ctx context.Context, orderID string) (*paydeck.Order, error) {
	return tx.findOrder(ctx, "order_id", orderID, false)
}

// LockOrderByID implements paydeck.Tx.
func (tx *Tx) LockOrderByID(ctx context.Context, id string) (*paydeck.Order, error) {
	return tx.findOrder(ctx, "id", id, true)
}

// LockOrderByOrderID implements paydeck.Tx.
func (tx *Tx) LockOrderByOrderID(ctx context.Context, orderID string) (*paydeck.Order, error) {
	return tx.findOrder(ctx, "order_id", orderID, true)
}

// findOrder loads one order with its items by the unique column col,
// row-locking it when lock is set.
func (tx *Tx) findOrder(ctx context.Context, col, value string, lock bool) (*paydeck.Order, error) {
	if col == "id" && !paydeck.ValidUUID(value) {
		return nil, paydeck.Errorf(paydeck.CodeNotFound, errOrderNotFound)
	}
	if o, err := tx.heldOrder(ctx, col, value); o != nil || err != nil {
		return o, err
	}
	suffix := ""
	if lock && tx.d.ForUpdate() != "" {
		suffix = tx.d.ForUpdate() + " OF o" // the outer joins' nullable sides cannot be locked
	}
	// One statement: the order, one row per item, and its coupon code.
	var orders []*paydeck.Order
	_, err := queryAll(ctx, tx, `SELECT `+orderRowCols+` FROM orders o`+orderRowJoin+`
		WHERE o.`+col+` = ? ORDER BY i.line`+suffix, []any{value},
		func(r Rows) (_ *struct{}, err error) {
			orders, err = scanOrderRow(r, 0, orderRowWidth, orders)
			return nil, err
		})
	if err != nil {
		return nil, err
	} else if len(orders) == 0 {
		return nil, paydeck.Errorf(paydeck.CodeNotFound, errOrderNotFound)
	}
	o := orders[0]
	if lock {
		tx.holdOrder(o)
	}
	return o, nil
}

// FindOrders implements paydeck.Tx.
func (tx *Tx) FindOrders(ctx context.Context, f paydeck.OrderFilter) ([]*paydeck.Order, int, error) {
	w := &where{}
	if f.ID != nil {
		if !paydeck.ValidUUID(*f.ID) {
			return []*paydeck.Order{}, 0, nil
		}
		w.add("id = ?", *f.ID)
	}
	if f.UserID != nil {
		if !paydeck.ValidUUID(*f.UserID) {
			return []*paydeck.Order{}, 0, nil
		}
		w.add("user_id = ?", *f.UserID)
	}
	if f.OrderID != nil {
		w.add("order_id = ?", *f.OrderID)
	}
	in(w, "status", f.Statuses)
	if f.ExpiresBefore != nil {
		w.add("expires_at < ?", tx.t(*f.ExpiresBefore))
	}
	if f.CreatedFrom != nil {
		w.add("created_at >= ?", tx.t(*f.CreatedFrom))
	}
	if f.CreatedBefore != nil {
		w.add("created_at < ?", tx.t(*f.CreatedBefore))
	}
	if f.Search != nil {
		searchOrders(w, *f.Search)
	}
	orders, total, err := list(ctx, tx, orderCols, "FROM orders", w, "created_at DESC, id DESC", f.Offset, f.Limit, scanOrder)
	if err != nil {
		return nil, 0, err
	}
	return orders, total, tx.loadItems(ctx, orders)
}

// loadItems fills the Items of orders with one query.
func (tx *Tx) loadItems(ctx context.Context, orders []*paydeck.Order) error {
	if len(orders) == 0 {
		return nil
	}
	byID := make(map[string]*paydeck.Order, len(orders))
	args := make([]any, len(orders))
	for i, o := range orders {
		byID[o.ID], args[i] = o, o.ID
		o.Items = []paydeck.OrderItem{}
	}
	items, err := queryAll(ctx, tx, `SELECT `+itemCols+` FROM order_items WHERE order_id IN (`+placeholders(len(orders))+`)
		ORDER BY order_id, line`, args, scanItem)
	if err != nil {
		return err
	}
	for _, it := range items {
		o := byID[it.OrderID]
		o.Items = append(o.Items, *it)
	}
	return tx.loadCouponCodes(ctx, byID, args)
}

// UpdateOrder implements paydeck.Tx.
func (tx *Tx) UpdateOrder(ctx context.Context, o *paydeck.Order) error {
	if o.Items == nil && paydeck.ValidUUID(o.ID) {
		// Locked without its items (LockPaymentAndOrder): Validate checks
		// the amounts against them.
		if err := tx.loadHeldItems(ctx, o); err != nil {
			return err
		}
	}
	if err := o.Validate(); err != nil {
		return err
	} else if !paydeck.ValidUUID(o.ID) {
		return paydeck.Errorf(paydeck.CodeNotFound, errOrderNotFound)
	}
	o.UpdatedAt = tx.now
	normTimes(&o.ExpiresAt)
	normTimePtrs(&o.PaidAt, &o.ShippedAt, &o.DeliveredAt)
	err := tx.write(ctx, heldWrite{table: "orders",
		query: `UPDATE orders SET status = ?, total_amount = ?, discount_amount = ?, shipping_fee = ?,
		final_amount = ?, shipping_name = ?, shipping_phone = ?, shipping_address = ?, shipping_memo = ?,
		updated_at = ?, expires_at = ?, paid_at = ?, shipped_at = ?, delivered_at = ?, tax_free_amount = ?,
		shipping_postcode = ?, shipping_address_detail = ? WHERE id = ?`,
		args: []any{string(o.Status), o.TotalAmount, o.DiscountAmount, o.ShippingFee, o.FinalAmount,
			o.ShippingName, o.ShippingPhone, o.ShippingAddress, o.ShippingMemo,
			tx.t(o.UpdatedAt), tx.t(o.ExpiresAt), tx.tp(o.PaidAt), tx.tp(o.ShippedAt), tx.tp(o.DeliveredAt), o.TaxFreeAmount,
			o.ShippingPostcode, o.ShippingAddressDetail, o.ID},
		mustWrite: true, done: func(n int64) error { return rowsOrNotFound(n, nil, errOrderNotFound) }})
	if err != nil {
		return err
	}
	tx.holdOrder(o)
	return nil
}
