package sqlcore

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/paydeck/paydeck"
)

// The money paths lock an order and its payment, then change them, then the
// event hooks read them again. These helpers keep that to one statement for
// the lock and none for the re-reads: a Tx remembers the orders and payments
// it locked or wrote (held), which no other transaction can change before it
// ends (row locks on PostgreSQL, the single writer on SQLite).

// held are the rows a Tx locked or wrote, by internal ID.
type held struct {
	orders   map[string]*paydeck.Order
	payments map[string]*paydeck.Payment
}

// holdOrder remembers a copy of o, locked or written by tx. Items nil means
// not loaded yet; loaded items are kept when o has none.
func (tx *Tx) holdOrder(o *paydeck.Order) {
	if tx.held.orders == nil {
		tx.held.orders = map[string]*paydeck.Order{}
	}
	c := copyOrder(o)
	if prev := tx.held.orders[o.ID]; prev != nil {
		if c.Items == nil {
			c.Items = prev.Items
		}
		if c.CouponCode == "" { // never changes once used; o may come from a read that skips it
			c.CouponCode = prev.CouponCode
		}
	}
	tx.held.orders[o.ID] = c
}

// heldOrder returns a copy of a held order (col "id" or "order_id"), its
// items loaded, or nil when tx holds none.
func (tx *Tx) heldOrder(ctx context.Context, col, value string) (*paydeck.Order, error) {
	if err := tx.beforeHeldRead(ctx); err != nil {
		return nil, err
	}
	var o *paydeck.Order
	for _, h := range tx.held.orders {
		if (col == "id" && h.ID == value) || (col == "order_id" && h.OrderID == value) {
			o = h
			break
		}
	}
	if o == nil {
		return nil, nil
	}
	if o.Items == nil {
		if err := tx.loadItems(ctx, []*paydeck.Order{o}); err != nil {
			return nil, err
		}
	}
	return copyOrder(o), nil
}

// loadHeldItems sets the items of o, an order without them, from the held
// copy (loading them once) or from the database.
func (tx *Tx) loadHeldItems(ctx context.Context, o *paydeck.Order) error {
	h, err := tx.heldOrder(ctx, "id", o.ID)
	if err != nil {
		return err
	} else if h != nil {
		o.Items = h.Items
		if o.CouponCode == "" {
			o.CouponCode = h.CouponCode
		}
		return nil
	}
	return tx.loadItems(ctx, []*paydeck.Order{o})
}

// holdPayment remembers a copy of p, locked or written by tx.
func (tx *Tx) holdPayment(p *paydeck.Payment) {
	if tx.held.payments == nil {
		tx.held.payments = map[string]*paydeck.Payment{}
	}
	tx.held.payments[p.ID] = copyPayment(p)
}

// heldPayment returns a copy of a held payment (col "id" or
// "payment_key"), or nil.
func (tx *Tx) heldPayment(col, value string) *paydeck.Payment {
	for _, h := range tx.held.payments {
		if (col == "id" && h.ID == value) || (col == "payment_key" && h.PaymentKey == value && value != "") {
			return copyPayment(h)
		}
	}
	return nil
}

// copyOrder and copyPayment copy deeply: nothing the caller changes in
// place after a hold (a time, a receipt) reaches the held copy unwritten.
func copyOrder(o *paydeck.Order) *paydeck.Order {
	c := *o
	c.Items = slices.Clone(o.Items)
	c.PaidAt, c.ShippedAt, c.DeliveredAt = clonePtr(o.PaidAt), clonePtr(o.ShippedAt), clonePtr(o.DeliveredAt)
	return &c
}

func copyPayment(p *paydeck.Payment) *paydeck.Payment {
	c := *p
	c.MethodDetails = bytes.Clone(p.MethodDetails)
	c.VirtualAccount, c.CashReceipt = clonePtr(p.VirtualAccount), clonePtr(p.CashReceipt)
	c.ApprovedAt, c.ExpiresAt = clonePtr(p.ApprovedAt), clonePtr(p.ExpiresAt)
	return &c
}

// clonePtr returns a pointer to a copy of *p, or nil.
func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}

// LockPaymentAndOrder implements paydeck.Tx.
func (tx *Tx) LockPaymentAndOrder(ctx context.Context, paymentID string) (*paydeck.Order, *paydeck.Payment, error) {
	if !paydeck.ValidUUID(paymentID) {
		return nil, nil, paydeck.Errorf(paydeck.CodeNotFound, errPaymentNotFound)
	}
	if err := tx.beforeHeldRead(ctx); err != nil {
		return nil, nil, err
	}
	if p := tx.heldPayment("id", paymentID); p != nil {
		if o, err := tx.heldOrder(ctx, "id", p.OrderID); o != nil || err != nil {
			return o, p, err
		}
	}
	// One statement locks both rows and brings what the money paths and
	// the event hooks read next: the order's items (one row each; LEFT
	// JOIN, so an order without items still comes), its coupon code and
	// its user (not locked; kept as read for FindUserByID, see knownUser).
	// FROM lists the order first: PostgreSQL locks each joined row's
	// tables in that order, the lock order of every money path.
	lock := tx.d.ForUpdate()
	if lock != "" {
		lock += " OF o, p" // the outer joins' nullable sides cannot be locked
	}
	pFrom := orderRowWidth
	uFrom := pFrom + colsIn(paymentCols)
	n := uFrom + colsIn(userCols) + 1
	var orders []*paydeck.Order
	var p *paydeck.Payment
	var u *paydeck.User
	_, err := queryAll(ctx, tx, `SELECT `+orderRowCols+`, `+prefixed("p.", paymentCols)+`, `+
		prefixed("u.", userCols)+`, CASE WHEN u.id IS NULL THEN 0 ELSE 1 END
		FROM orders o JOIN payments p ON p.order_id = o.id`+orderRowJoin+`
		LEFT JOIN users u ON u.id = o.user_id
		WHERE p.id = ? ORDER BY i.line`+lock, []any{paymentID},
		func(r Rows) (*struct{}, error) {
			var err error
			if p == nil {
				if p, err = scanPayment(window{r, pFrom, n}); err != nil {
					return nil, err
				}
				var hasUser int64
				if err := (window{r, n - 1, n}).Scan(&hasUser); err != nil {
					return nil, err
				}
				if hasUser == 1 {
					if u, err = scanUser(window{r, uFrom, n}); err != nil {
						return nil, err
					}
				}
			}
			orders, err = scanOrderRow(r, 0, n, orders)
			return nil, err
		})
	if err != nil {
		return nil, nil, err
	} else if len(orders) == 0 {
		return nil, nil, paydeck.Errorf(paydeck.CodeNotFound, errPaymentNotFound)
	}
	o := orders[0]
	tx.holdOrder(o)
	tx.holdPayment(p)
	if u != nil {
		tx.knownUser = u
	}
	return o, p, nil
}

// LockOrderWithPayments implements paydeck.Tx.
//
// On PostgreSQL it takes two statements: the order's row lock, then its
// payments. One statement joining them would read the payments from the
// snapshot it took before waiting for the lock (READ COMMITTED re-reads
// only the locked row), missing a payment the lock's previous holder just
// created. The two travel in one round trip (Pipeliner): the second takes
// its snapshot once the first holds the lock. SQLite serializes writers,
// so its one statement is current.
func (tx *Tx) LockOrderWithPayments(ctx context.Context, orderID string) (*paydeck.Order, []*paydeck.Payment, error) {
	if tx.d.ForUpdate() != "" {
		var o *paydeck.Order
		pays := []*paydeck.Payment{}
		err := tx.queryPipelined(ctx, []Query{
			{SQL: `SELECT ` + orderCols + ` FROM orders WHERE order_id = ?` + tx.d.ForUpdate(), Args: []any{orderID}},
			{SQL: `SELECT ` + paymentCols + ` FROM payments WHERE order_id = (SELECT id FROM orders WHERE order_id = ?)
			ORDER BY created_at DESC, id DESC`, Args: []any{orderID}},
		}, func(i int, r Rows) error {
			for r.Next() {
				var err error
				if i == 0 {
					o, err = scanOrder(r)
				} else {
					var p *paydeck.Payment
					if p, err = scanPayment(r); err == nil {
						pays = append(pays, p)
					}
				}
				if err != nil {
					return fmt.Errorf("scan row: %w", err)
				}
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		} else if o == nil {
			return nil, nil, paydeck.Errorf(paydeck.CodeNotFound, errOrderNotFound)
		}
		tx.holdOrder(o)
		return o, pays, nil
	}
	nOrder, nPay := colsIn(orderCols), colsIn(paymentCols)
	n := nOrder + nPay + 1
	var o *paydeck.Order
	pays := []*paydeck.Payment{}
	_, err := queryAll(ctx, tx, `SELECT `+prefixed("o.", orderCols)+`, `+prefixed("p.", paymentCols)+`,
		CASE WHEN p.id IS NULL THEN 0 ELSE 1 END
		FROM orders o LEFT JOIN payments p ON p.order_id = o.id WHERE o.order_id = ?
		ORDER BY p.created_at DESC, p.id DESC`, []any{orderID},
		func(r Rows) (*struct{}, error) {
			if o == nil {
				var err error
				if o, err = scanOrder(window{r, 0, n}); err != nil {
					return nil, err
				}
			}
			var hasPayment int64
			if err := (window{r, n - 1, n}).Scan(&hasPayment); err != nil || hasPayment == 0 {
				return nil, err
			}
			p, err := scanPayment(window{r, nOrder, n})
			if err == nil {
				pays = append(pays, p)
			}
			return nil, err
		})
	if err != nil {
		return nil, nil, err
	} else if o == nil {
		return nil, nil, paydeck.Errorf(paydeck.CodeNotFound, errOrderNotFound)
	}
	tx.holdOrder(o)
	return o, pays, nil
}

// PendingOrdersSQL reads a user with their unpaid orders, items and coupon
// codes (one row per item; a user without any gives one row of NULLs). The
// status is a literal so that both engines can use the partial index
// orders_pending_user: a customer's past orders are never read. Exported
// for the engines' query-plan tests.
var PendingOrdersSQL = `SELECT u.id, CASE WHEN o.id IS NULL THEN 0 ELSE 1 END, ` + orderRowCols + `
		FROM users u LEFT JOIN orders o ON o.user_id = u.id AND o.status = '` + string(paydeck.OrderPending) + `'` + orderRowJoin + `
		WHERE u.id = ? ORDER BY o.created_at, o.id, i.line`

// LockUserWithPendingOrders implements paydeck.Tx.
//
// On PostgreSQL the lock is a statement of its own, for the reason given
// at LockOrderWithPayments, sent in one round trip with the read of the
// orders after it.
func (tx *Tx) LockUserWithPendingOrders(ctx context.Context, userID string) ([]*paydeck.Order, error) {
	if !paydeck.ValidUUID(userID) {
		return nil, paydeck.Errorf(paydeck.CodeNotFound, "User not found.")
	}
	queries := []Query{{SQL: PendingOrdersSQL, Args: []any{userID}}}
	if tx.d.ForUpdate() != "" {
		queries = append([]Query{{SQL: `SELECT id FROM users WHERE id = ?` + tx.d.ForUpdate(), Args: []any{userID}}}, queries...)
	}
	n := 2 + orderRowWidth
	found := false
	orders := []*paydeck.Order{}
	err := tx.queryPipelined(ctx, queries, func(i int, r Rows) error {
		if i < len(queries)-1 {
			return nil // the lock: a missing user reads as one below
		}
		for r.Next() {
			found = true
			var hasOrder int64
			if err := (window{r, 1, n}).Scan(&hasOrder); err != nil {
				return fmt.Errorf("scan row: %w", err)
			} else if hasOrder == 0 {
				continue
			}
			var err error
			if orders, err = scanOrderRow(r, 2, n, orders); err != nil {
				return fmt.Errorf("scan row: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	} else if !found {
		return nil, paydeck.Errorf(paydeck.CodeNotFound, "User not found.")
	}
	return orders, nil
}

// TakeStock implements paydeck.Tx.
func (tx *Tx) TakeStock(ctx context.Context, productID string, qty int64) (*paydeck.Product, error) {
	if qty <= 0 {
		return nil, paydeck.Errorf(paydeck.CodeInvalid, "Quantity must be positive.")
	} else if !paydeck.ValidUUID(productID) {
		return nil, paydeck.Errorf(paydeck.CodeNotFound, errProductNotFound)
	}
	ps, err := queryAll(ctx, tx, `UPDATE products
		SET stock_quantity = CASE WHEN is_digital THEN stock_quantity ELSE stock_quantity - ? END, updated_at = ?
		WHERE id = ? AND is_active AND (is_digital OR stock_quantity >= ?) RETURNING `+productCols,
		[]any{qty, tx.t(tx.now), productID, qty}, scanProduct)
	if err != nil {
		return nil, err
	} else if len(ps) == 1 {
		return ps[0], nil
	}
	p, err := tx.FindProductByID(ctx, productID)
	if err != nil {
		return nil, err
	} else if !p.IsActive {
		return p, paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonNotForSale, "Product %q is not available.", p.Name)
	}
	return p, paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonStockLeft, "Only %d of %q left in stock.", p.StockQuantity, p.Name)
}

// colsIn counts the columns of a select list.
func colsIn(list string) int { return strings.Count(list, ",") + 1 }

// prefixed qualifies every column of a select list with prefix ("o.").
func prefixed(prefix, list string) string {
	cols := strings.Split(list, ",")
	for i, c := range cols {
		cols[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}

// window shows a scan function the columns from..from+its destinations of
// a wider row (a join); the other columns are skipped (nil destinations,
// which pgx skips) or read into throwaway values (database/sql).
type window struct {
	Rows
	from, total int
}

func (w window) Scan(dest ...any) error {
	all := make([]any, w.total)
	if _, sql := w.Rows.(sqlRows); sql {
		for i := range all {
			all[i] = new(any)
		}
	}
	copy(all[w.from:], dest)
	return w.Rows.Scan(all...)
}
