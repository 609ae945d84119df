package sqlcore

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

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
	g := orderWithUser{uFrom: pFrom + colsIn(paymentCols)}
	g.n = g.uFrom + colsIn(userCols) + 1
	var p *paydeck.Payment
	_, err := queryAll(ctx, tx, `SELECT `+orderRowCols+`, `+prefixed("p.", paymentCols)+`, `+
		prefixed("u.", userCols)+`, `+hasUserCol+`
		FROM orders o JOIN payments p ON p.order_id = o.id`+orderRowJoin+`
		LEFT JOIN users u ON u.id = o.user_id
		WHERE p.id = ? ORDER BY i.line`+lock, []any{paymentID},
		func(r Rows) (*struct{}, error) {
			var err error
			if p == nil {
				if p, err = scanPayment(window{r, pFrom, g.n}); err != nil {
					return nil, err
				}
			}
			return nil, g.scan(r)
		})
	if err != nil {
		return nil, nil, err
	} else if len(g.orders) == 0 {
		return nil, nil, paydeck.Errorf(paydeck.CodeNotFound, errPaymentNotFound)
	}
	o := g.hold(tx)
	tx.holdPayment(p)
	return o, p, nil
}

const hasUserCol = "CASE WHEN u.id IS NULL THEN 0 ELSE 1 END"

// orderUserSelect is the select list of LockPaymentAndOrder's join less
// the payment (orderRowCols, userCols, hasUserCol), each column named as
// in orderUserJSON: the rows UpdatePaymentIfUnchanged brings back as JSON.
var orderUserSelect, orderUserJSON = func() (string, []JSONCol) {
	exprs := slices.Concat(orderRowExprs, strings.Split(prefixed("u.", userCols), ", "), []string{hasUserCol})
	sel, cols := make([]string, len(exprs)), make([]JSONCol, len(exprs))
	for i, e := range exprs {
		cols[i].Name = fmt.Sprintf("c%d", i)
		sel[i] = e + " AS " + cols[i].Name
	}
	return strings.Join(sel, ", "), cols
}()

// orderWithUser gathers the rows of a join that starts with orderRowCols
// and has, from column uFrom, userCols and hasUserCol (the last of n
// columns): an order with its items and coupon code, and its user.
type orderWithUser struct {
	uFrom, n int
	orders   []*paydeck.Order
	u        *paydeck.User
}

func (g *orderWithUser) scan(r Rows) error {
	if len(g.orders) == 0 {
		var hasUser int64
		if err := (window{r, g.n - 1, g.n}).Scan(&hasUser); err != nil {
			return err
		}
		if hasUser == 1 {
			u, err := scanUser(window{r, g.uFrom, g.n})
			if err != nil {
				return err
			}
			g.u = u
		}
	}
	var err error
	g.orders, err = scanOrderRow(r, 0, g.n, g.orders)
	return err
}

// hold makes tx remember the order (locked or written) and its user (as
// read), and returns the order.
func (g *orderWithUser) hold(tx *Tx) *paydeck.Order {
	o := g.orders[0]
	tx.holdOrder(o)
	if g.u != nil {
		tx.knownUser = g.u
	}
	return o
}

// UpdatePaymentIfUnchanged implements paydeck.Tx. SQLite serializes
// writers and locks no rows: one UPDATE writes the payment on condition
// and brings back its order with the items, coupon code and user as JSON
// rows of LockPaymentAndOrder's join, read by the same scanners. PostgreSQL
// must lock the order before the payment, the lock order of every money
// path, so there it is LockPaymentAndOrder, the check, then UpdatePayment,
// the statements of the locked path.
func (tx *Tx) UpdatePaymentIfUnchanged(ctx context.Context, p *paydeck.Payment, since time.Time) (*paydeck.Order, bool, error) {
	since = Now(since)
	if !paydeck.ValidUUID(p.ID) {
		return nil, false, nil
	}
	if tx.d.ForUpdate() != "" {
		o, cur, err := tx.LockPaymentAndOrder(ctx, p.ID)
		if paydeck.ErrorCode(err) == paydeck.CodeNotFound {
			return nil, false, nil
		} else if err != nil || !cur.UpdatedAt.Equal(since) {
			return nil, false, err
		}
		return o, true, tx.UpdatePayment(ctx, p)
	}
	c := *p
	query, args, err := tx.paymentUpdate(&c)
	if err != nil {
		return nil, false, err
	}
	var rows []byte
	found, err := queryAll(ctx, tx, query+` AND updated_at = ? RETURNING (SELECT `+tx.d.JSONRows(orderUserJSON...)+`
			FROM (SELECT `+orderUserSelect+` FROM orders o`+orderRowJoin+` LEFT JOIN users u ON u.id = o.user_id
				WHERE o.id = payments.order_id ORDER BY i.line) r)`,
		append(args, tx.t(since)), func(r Rows) (*struct{}, error) { return nil, r.Scan(scanJSON(&rows)) })
	if err != nil || len(found) == 0 {
		return nil, false, err
	}
	g := orderWithUser{uFrom: orderRowWidth}
	g.n = g.uFrom + colsIn(userCols) + 1
	if err := eachJSONRow(rows, g.scan); err != nil {
		return nil, false, fmt.Errorf("scan order: %w", err)
	} else if len(g.orders) == 0 {
		return nil, false, paydeck.Errorf(paydeck.CodeNotFound, errOrderNotFound)
	}
	*p = c
	tx.holdPayment(p)
	return g.hold(tx), true, nil
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

// CreatePaymentIfPayable implements paydeck.Tx: an INSERT … SELECT from
// the order that takes no row unless every condition holds, so a confirm's
// common case costs no read of the order and its payments. On PostgreSQL
// the order's row lock is sent before it in the same round trip: the INSERT
// takes its snapshot once the lock is held, so it sees a payment the lock's
// previous holder just created (as LockOrderWithPayments does). SQLite
// serializes writers, so its one statement is current.
func (tx *Tx) CreatePaymentIfPayable(ctx context.Context, orderID, userID string, p *paydeck.Payment) (bool, error) {
	c := *p
	c.OrderID = "-" // the order's, once found
	if !paydeck.ValidUUID(userID) || p.PaymentKey == "" || p.Status != paydeck.PaymentInProgress || c.Validate() != nil {
		return false, nil // not the common case: the caller's checks name the problem
	}
	id, err := newID()
	if err != nil {
		return false, err
	}
	c.ID, c.CreatedAt, c.UpdatedAt = id, tx.now, tx.now
	// The insert's values less order_id and expires_at, which come from
	// the order, then the conditions'.
	args := slices.Delete(slices.Delete(tx.paymentArgs(&c), paymentExpiresAtCol, paymentExpiresAtCol+1),
		paymentOrderIDCol, paymentOrderIDCol+1)
	args = append(args, orderID, userID, tx.t(tx.now), p.Amount, p.PaymentKey)
	queries := []Query{{SQL: PaymentIfPayableSQL, Args: args}}
	if lock := tx.d.ForUpdate(); lock != "" {
		queries = append([]Query{{SQL: `SELECT id FROM orders WHERE order_id = ?` + lock, Args: []any{orderID}}}, queries...)
	}
	var expires time.Time
	c.OrderID = ""
	err = tx.queryPipelined(ctx, queries, func(i int, r Rows) error {
		for r.Next() {
			if i < len(queries)-1 {
				continue // the lock
			}
			if err := r.Scan(scanText(&c.OrderID), scanTime(&expires)); err != nil {
				return fmt.Errorf("scan row: %w", err)
			}
		}
		return nil
	})
	if err != nil || c.OrderID == "" {
		return false, err
	}
	c.ExpiresAt = &expires
	normPaymentTimes(&c)
	*p = c
	tx.holdPayment(p)
	return true, nil
}

// The positions in paymentCols of the columns PaymentIfPayableSQL takes
// from the order.
var paymentOrderIDCol, paymentExpiresAtCol = colIndex(paymentCols, "order_id"), colIndex(paymentCols, "expires_at")

// PaymentIfPayableSQL is CreatePaymentIfPayable's statement (args: see
// there). Exported for the query-plan test.
var PaymentIfPayableSQL = `INSERT INTO payments (` + paymentCols + `)
		SELECT ?, ?, o.id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, o.expires_at, ?, ?, ?, ?, ?
		FROM orders o
		WHERE o.order_id = ? AND o.user_id = ? AND o.status = '` + string(paydeck.OrderPending) + `'
			AND o.expires_at > ? AND o.final_amount = ?
			AND NOT EXISTS (SELECT 1 FROM payments q WHERE q.order_id = o.id AND (q.payment_key = ?
				OR q.status NOT IN ('` + string(paydeck.PaymentAborted) + `', '` + string(paydeck.PaymentExpired) + `', '` + string(paydeck.PaymentCanceled) + `')
				OR (q.status = '` + string(paydeck.PaymentCanceled) + `' AND q.approved_at IS NOT NULL)))
		ON CONFLICT (payment_key) DO NOTHING
		RETURNING order_id, expires_at`

// UnpaidSQL reads what a user holds in unpaid orders that have not
// expired (args: see unpaidArgs): whether the user exists, the
// number of those orders, and the units of one product over them. The
// status is a literal so that both engines can use the partial index
// orders_pending_user: a customer's past orders are never read. Exported
// for the engines' query-plan tests.
var UnpaidSQL = `SELECT ` + unpaidCols

// The expiry and the product are tested in the aggregates, not in WHERE:
// given a range on expires_at SQLite's planner prefers the index on status
// and expiry (every customer's unpaid orders), and given the product it
// starts from the product's items (every order of it).
const unpaidCols = `(SELECT count(*) FROM users WHERE id = ?),
		(SELECT count(CASE WHEN expires_at > ? THEN 1 END) FROM orders
			WHERE user_id = ? AND status = '` + string(paydeck.OrderPending) + `'),
		(SELECT CAST(coalesce(sum(CASE WHEN o.expires_at > ? AND i.product_id = ? THEN i.quantity ELSE 0 END), 0) AS BIGINT)
			FROM orders o JOIN order_items i ON i.order_id = o.id
			WHERE o.user_id = ? AND o.status = '` + string(paydeck.OrderPending) + `')`

// unpaidArgs are UnpaidSQL's arguments.
func (tx *Tx) unpaidArgs(userID, productID string) []any {
	now := tx.t(tx.now)
	return []any{userID, now, userID, now, productID, userID}
}

// scanUnpaid reads unpaidCols from the columns from..from+3 of a row n
// wide; a missing user is not_found.
func scanUnpaid(r Rows, from, n int) (paydeck.Unpaid, error) {
	var users, orders, qty int64
	if err := (window{r, from, n}).Scan(&users, &orders, &qty); err != nil {
		return paydeck.Unpaid{}, err
	} else if users == 0 {
		return paydeck.Unpaid{}, paydeck.Errorf(paydeck.CodeNotFound, "User not found.")
	}
	return paydeck.Unpaid{Orders: int(orders), Quantity: qty}, nil
}

// TakeStockFor implements paydeck.Tx: TakeStock's UPDATE … RETURNING also
// returns unpaidCols. On PostgreSQL the first call for a user in a
// transaction sends the user's row lock before it in one round trip (the
// UPDATE takes its snapshot once the lock is held, so it counts an order
// the lock's previous holder just placed); SQLite serializes writers, so
// its one statement is current.
func (tx *Tx) TakeStockFor(ctx context.Context, userID, productID string, qty int64) (*paydeck.Product, paydeck.Unpaid, error) {
	switch {
	case qty <= 0:
		return nil, paydeck.Unpaid{}, paydeck.Errorf(paydeck.CodeInvalid, "Quantity must be positive.")
	case !paydeck.ValidUUID(userID):
		return nil, paydeck.Unpaid{}, paydeck.Errorf(paydeck.CodeNotFound, "User not found.")
	case !paydeck.ValidUUID(productID):
		return nil, paydeck.Unpaid{}, paydeck.Reasonf(paydeck.CodeNotFound, paydeck.ReasonProductNotFound, errProductNotFound)
	}
	queries := []Query{{SQL: takeStockSQL + `, ` + unpaidCols,
		Args: append([]any{qty, tx.t(tx.now), productID, qty}, tx.unpaidArgs(userID, productID)...)}}
	if tx.d.ForUpdate() != "" && tx.lockedUser != userID {
		queries = append([]Query{{SQL: `SELECT id FROM users WHERE id = ?` + tx.d.ForUpdate(), Args: []any{userID}}}, queries...)
	}
	n := colsIn(productCols) + 3
	var p *paydeck.Product
	var u paydeck.Unpaid
	var uerr error
	err := tx.queryPipelined(ctx, queries, func(i int, r Rows) error {
		if i < len(queries)-1 {
			return nil // the lock: a missing user reads as one below
		}
		for r.Next() {
			var err error
			if p, err = scanProduct(window{r, 0, n}); err != nil {
				return fmt.Errorf("scan row: %w", err)
			}
			u, uerr = scanUnpaid(r, n-3, n)
		}
		return nil
	})
	switch {
	case err != nil:
		return nil, paydeck.Unpaid{}, err
	case p != nil && uerr != nil:
		return nil, paydeck.Unpaid{}, uerr
	case p != nil:
		tx.lockedUser = userID
		return p, u, nil
	}
	// Refused: read the product (if any) and the user's unpaid orders, so
	// that the caller can name the first reason in its own order.
	m := colsIn(productCols) + 4
	var found bool
	_, err = queryAll(ctx, tx, UnpaidSQL+`, CASE WHEN p.id IS NULL THEN 0 ELSE 1 END, `+prefixed("p.", productCols)+`
		FROM (SELECT 1 AS one) one LEFT JOIN products p ON p.id = ?`, append(tx.unpaidArgs(userID, productID), productID),
		func(r Rows) (*struct{}, error) {
			u, uerr = scanUnpaid(r, 0, m)
			if uerr != nil && paydeck.ErrorCode(uerr) != paydeck.CodeNotFound {
				return nil, uerr
			}
			var has int64
			if err := (window{r, 3, m}).Scan(&has); err != nil || has == 0 {
				return nil, err
			}
			found = true
			var err error
			p, err = scanProduct(window{r, 4, m})
			return nil, err
		})
	switch {
	case err != nil:
		return nil, paydeck.Unpaid{}, err
	case uerr != nil:
		return nil, paydeck.Unpaid{}, uerr
	case !found:
		return nil, u, paydeck.Reasonf(paydeck.CodeNotFound, paydeck.ReasonProductNotFound, errProductNotFound)
	}
	tx.lockedUser = userID
	return p, u, stockRefusal(p)
}

// TakeStock implements paydeck.Tx.
func (tx *Tx) TakeStock(ctx context.Context, productID string, qty int64) (*paydeck.Product, error) {
	if qty <= 0 {
		return nil, paydeck.Errorf(paydeck.CodeInvalid, "Quantity must be positive.")
	} else if !paydeck.ValidUUID(productID) {
		return nil, paydeck.Errorf(paydeck.CodeNotFound, errProductNotFound)
	}
	ps, err := queryAll(ctx, tx, takeStockSQL, []any{qty, tx.t(tx.now), productID, qty}, scanProduct)
	if err != nil {
		return nil, err
	} else if len(ps) == 1 {
		return ps[0], nil
	}
	p, err := tx.FindProductByID(ctx, productID)
	if err != nil {
		return nil, err
	}
	return p, stockRefusal(p)
}

// takeStockSQL reserves stock (args: qty, now, product ID, qty) and
// returns the product as it is afterwards; no row when it refuses.
const takeStockSQL = `UPDATE products
		SET stock_quantity = CASE WHEN is_digital THEN stock_quantity ELSE stock_quantity - ? END, updated_at = ?
		WHERE id = ? AND is_active AND (is_digital OR stock_quantity >= ?) RETURNING ` + productCols

// stockRefusal is the error of a reservation of p that took no row.
func stockRefusal(p *paydeck.Product) error {
	if !p.IsActive {
		return paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonNotForSale, "Product %q is not available.", p.Name)
	}
	return paydeck.Reasonf(paydeck.CodeConflict, paydeck.ReasonStockLeft, "Only %d of %q left in stock.", p.StockQuantity, p.Name)
}

// colIndex is the position of col in a select list (it panics if absent).
func colIndex(list, col string) int {
	for i, c := range strings.Split(list, ",") {
		if strings.TrimSpace(c) == col {
			return i
		}
	}
	panic("sqlcore: no column " + col)
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
