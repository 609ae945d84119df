package sqlcore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/paydeck/paydeck"
)

const couponCols = `id, code, kind, value, max_discount, min_order_amount, valid_from, valid_until,
	usage_limit, per_customer_limit, product_ids, uses, created_at, updated_at`

// couponPending counts a coupon's uses held by orders still waiting for
// their payment.
const couponPending = `(SELECT COUNT(*) FROM coupon_uses u JOIN orders o ON o.id = u.order_id
	WHERE u.coupon_id = coupons.id AND u.released_at IS NULL AND o.status = 'pending')`

const (
	errCouponNotFound = "Coupon not found."
	errCouponTaken    = "A coupon with this code already exists."
)

func scanCoupon(r Rows) (*paydeck.Coupon, error) {
	c := &paydeck.Coupon{}
	var ids []byte
	err := r.Scan(scanText(&c.ID), &c.Code, &c.Kind, &c.Value, &c.MaxDiscount, &c.MinOrderAmount,
		scanNullTime(&c.ValidFrom), scanNullTime(&c.ValidUntil), &c.UsageLimit, &c.PerCustomerLimit,
		scanJSON(&ids), &c.Uses, scanTime(&c.CreatedAt), scanTime(&c.UpdatedAt), &c.Pending)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(ids, &c.ProductIDs); err != nil {
		return nil, fmt.Errorf("coupon %s product_ids: %w", c.ID, err)
	}
	if c.ProductIDs == nil {
		c.ProductIDs = []string{}
	}
	return c, nil
}

func couponProductIDs(c *paydeck.Coupon) (string, error) {
	b, err := json.Marshal(c.ProductIDs)
	return string(b), err
}

// CreateCoupon implements paydeck.Tx.
func (tx *Tx) CreateCoupon(ctx context.Context, c *paydeck.Coupon) error {
	if err := c.Validate(); err != nil {
		return err
	}
	ids, err := couponProductIDs(c)
	if err != nil {
		return err
	}
	if c.ID, err = newID(); err != nil {
		return err
	}
	c.CreatedAt, c.UpdatedAt, c.Uses, c.Pending = tx.now, tx.now, 0, 0
	normTimePtrs(&c.ValidFrom, &c.ValidUntil)
	_, err = tx.exec(ctx, errCouponTaken, `INSERT INTO coupons (id, code, kind, value, max_discount, min_order_amount,
		valid_from, valid_until, usage_limit, per_customer_limit, product_ids, uses, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
		c.ID, c.Code, string(c.Kind), c.Value, c.MaxDiscount, c.MinOrderAmount, tx.tp(c.ValidFrom), tx.tp(c.ValidUntil),
		c.UsageLimit, c.PerCustomerLimit, ids, tx.t(c.CreatedAt), tx.t(c.UpdatedAt))
	return err
}

// FindCouponByCode implements paydeck.Tx.
func (tx *Tx) FindCouponByCode(ctx context.Context, code string) (*paydeck.Coupon, error) {
	return first(ctx, tx, `SELECT `+couponCols+`, `+couponPending+` FROM coupons WHERE code = ? AND deleted_at IS NULL`,
		[]any{paydeck.NormalizeCouponCode(code)}, scanCoupon, errCouponNotFound)
}

// FindCoupons implements paydeck.Tx.
func (tx *Tx) FindCoupons(ctx context.Context, f paydeck.CouponFilter) ([]*paydeck.Coupon, int, error) {
	w := &where{}
	w.add("deleted_at IS NULL")
	if f.Code != nil {
		w.add("code = ?", paydeck.NormalizeCouponCode(*f.Code))
	}
	return list(ctx, tx, couponCols+", "+couponPending, "FROM coupons", w, "created_at DESC, id DESC", f.Offset, f.Limit, scanCoupon)
}

// UpdateCoupon implements paydeck.Tx.
func (tx *Tx) UpdateCoupon(ctx context.Context, c *paydeck.Coupon) error {
	if err := c.Validate(); err != nil {
		return err
	} else if !paydeck.ValidUUID(c.ID) {
		return paydeck.Errorf(paydeck.CodeNotFound, errCouponNotFound)
	}
	ids, err := couponProductIDs(c)
	if err != nil {
		return err
	}
	c.UpdatedAt = tx.now
	normTimePtrs(&c.ValidFrom, &c.ValidUntil)
	n, err := tx.exec(ctx, errCouponTaken, `UPDATE coupons SET code = ?, kind = ?, value = ?, max_discount = ?,
		min_order_amount = ?, valid_from = ?, valid_until = ?, usage_limit = ?, per_customer_limit = ?, product_ids = ?,
		updated_at = ? WHERE id = ? AND deleted_at IS NULL`,
		c.Code, string(c.Kind), c.Value, c.MaxDiscount, c.MinOrderAmount, tx.tp(c.ValidFrom), tx.tp(c.ValidUntil),
		c.UsageLimit, c.PerCustomerLimit, ids, tx.t(c.UpdatedAt), c.ID)
	return rowsOrNotFound(n, err, errCouponNotFound)
}

// DeleteCoupon implements paydeck.Tx.
func (tx *Tx) DeleteCoupon(ctx context.Context, code string) error {
	n, err := tx.exec(ctx, "", `UPDATE coupons SET deleted_at = ?, updated_at = ? WHERE code = ? AND deleted_at IS NULL`,
		tx.t(tx.now), tx.t(tx.now), paydeck.NormalizeCouponCode(code))
	return rowsOrNotFound(n, err, errCouponNotFound)
}

// UseCoupon implements paydeck.Tx: the per-customer count first (the
// caller holds the user's lock), then one conditional UPDATE of the use
// counter, then the use row.
func (tx *Tx) UseCoupon(ctx context.Context, u *paydeck.CouponUse) error {
	if !paydeck.ValidUUID(u.CouponID) || !paydeck.ValidUUID(u.OrderID) || !paydeck.ValidUUID(u.UserID) {
		return paydeck.Errorf(paydeck.CodeConflict, "A referenced record does not exist.")
	}
	if u.DiscountAmount <= 0 {
		return paydeck.Errorf(paydeck.CodeInvalid, "A coupon use needs a positive discount.")
	}
	var perCustomer int64
	err := tx.queryRow(ctx, []any{&perCustomer}, `SELECT per_customer_limit FROM coupons WHERE id = ? AND deleted_at IS NULL`,
		u.CouponID)
	if err == errNotFound {
		return paydeck.NewCouponError(paydeck.CouponUnknown, paydeck.CodeNotFound, "Coupon %s does not exist.", u.Code)
	} else if err != nil {
		return err
	}
	mine, err := tx.CountCouponUses(ctx, u.CouponID, u.UserID)
	if err != nil {
		return err
	}
	if perCustomer > 0 && mine >= perCustomer {
		return paydeck.NewCouponError(paydeck.CouponCustomerLimit, paydeck.CodeConflict,
			"You have used coupon %s the most times one customer may (%d).", u.Code, perCustomer)
	}
	n, err := tx.exec(ctx, "", `UPDATE coupons SET uses = uses + 1
		WHERE id = ? AND deleted_at IS NULL AND (usage_limit = 0 OR uses < usage_limit)`, u.CouponID)
	if err != nil {
		return err
	} else if n == 0 {
		return paydeck.NewCouponError(paydeck.CouponLimitReached, paydeck.CodeConflict,
			"Coupon %s has been used up.", u.Code)
	}
	u.CreatedAt, u.ReleasedAt = tx.now, nil
	_, err = tx.exec(ctx, "This order already uses a coupon.", `INSERT INTO coupon_uses
		(order_id, coupon_id, code, user_id, discount_amount, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		u.OrderID, u.CouponID, u.Code, u.UserID, u.DiscountAmount, tx.t(u.CreatedAt))
	if h := tx.held.orders[u.OrderID]; err == nil && h != nil {
		h.CouponCode = u.Code // the order's CouponCode is read from its use
	}
	return err
}

// ReleaseCouponUse implements paydeck.Tx.
func (tx *Tx) ReleaseCouponUse(ctx context.Context, orderID string) (bool, error) {
	if !paydeck.ValidUUID(orderID) {
		return false, nil
	}
	var couponID string
	err := tx.queryRow(ctx, []any{scanText(&couponID)}, `UPDATE coupon_uses SET released_at = ?
		WHERE order_id = ? AND released_at IS NULL RETURNING coupon_id`, tx.t(tx.now), orderID)
	if err == errNotFound {
		return false, nil
	} else if err != nil {
		return false, err
	}
	_, err = tx.exec(ctx, "", `UPDATE coupons SET uses = uses - 1 WHERE id = ? AND uses > 0`, couponID)
	return err == nil, err
}

// CountCouponUses implements paydeck.Tx.
func (tx *Tx) CountCouponUses(ctx context.Context, couponID, userID string) (int64, error) {
	if !paydeck.ValidUUID(couponID) || !paydeck.ValidUUID(userID) {
		return 0, nil
	}
	var n int64
	err := tx.queryRow(ctx, []any{&n}, `SELECT COUNT(*) FROM coupon_uses WHERE coupon_id = ? AND user_id = ? AND released_at IS NULL`,
		couponID, userID)
	return n, err
}

// FindCouponUse implements paydeck.Tx.
func (tx *Tx) FindCouponUse(ctx context.Context, orderID string) (*paydeck.CouponUse, error) {
	if !paydeck.ValidUUID(orderID) {
		return nil, paydeck.Errorf(paydeck.CodeNotFound, "Coupon use not found.")
	}
	return first(ctx, tx, `SELECT order_id, coupon_id, code, user_id, discount_amount, created_at, released_at
		FROM coupon_uses WHERE order_id = ?`, []any{orderID}, func(r Rows) (*paydeck.CouponUse, error) {
		u := &paydeck.CouponUse{}
		err := r.Scan(scanText(&u.OrderID), scanText(&u.CouponID), &u.Code, scanText(&u.UserID), &u.DiscountAmount,
			scanTime(&u.CreatedAt), scanNullTime(&u.ReleasedAt))
		return u, err
	}, "Coupon use not found.")
}

// loadCouponCodes sets the CouponCode of orders that used a coupon.
func (tx *Tx) loadCouponCodes(ctx context.Context, byID map[string]*paydeck.Order, args []any) error {
	type use struct{ orderID, code string }
	uses, err := queryAll(ctx, tx, `SELECT order_id, code FROM coupon_uses WHERE order_id IN (`+placeholders(len(args))+`)`,
		args, func(r Rows) (*use, error) {
			u := &use{}
			err := r.Scan(scanText(&u.orderID), &u.code)
			return u, err
		})
	if err != nil {
		return err
	}
	for _, u := range uses {
		if o := byID[u.orderID]; o != nil {
			o.CouponCode = u.code
		}
	}
	return nil
}
