package payment

import (
	"context"

	"github.com/paydeck/paydeck"
)

// Coupons (issue 15 §3). The rules, in one place:
//
//   - The discount is Coupon.Discount of the order's lines (goods only; the
//     shipping fee is never discounted, and whether shipping is free is
//     decided on the goods total before the discount).
//   - Toss's smallest payment (MinAmount, 100 won): a discount that would
//     take the final amount below it is capped so that the shopper pays
//     exactly MinAmount, rather than refusing the order; a coupon that
//     cannot take anything off at all is refused (nothing_off).
//   - A use is held when the order is placed, in the order's transaction
//     (Tx.UseCoupon: a conditional UPDATE, so concurrent orders never exceed
//     UsageLimit; the user's row lock taken by Tx.TakeStockFor orders one user's
//     concurrent orders for PerCustomerLimit). It is given back when the
//     order is cancelled or expires unpaid, and when all its money is
//     refunded; a partial refund keeps it.
//   - Partial refunds: the refundable amount is what was paid (the
//     payment's balance), never the undiscounted price. A line of a
//     discounted order is worth its total minus its share of the discount,
//     shared over the eligible lines in proportion to their totals
//     (paydeck.ApportionDiscount); refunding that line alone refunds at
//     most that.

// applyCoupon computes the discount of the coupon with code on o (whose
// items and shipping fee are set), sets o.DiscountAmount and the amounts,
// and returns the coupon; it returns nil and leaves o alone when code is
// empty. Errors are *paydeck.CouponError (unknown, not_yet_valid, expired,
// not_for_products, below_minimum, limit_reached, nothing_off). The use
// itself is recorded by the caller once the order exists.
func (s *Service) applyCoupon(ctx context.Context, tx paydeck.Tx, o *paydeck.Order, code string) (*paydeck.Coupon, error) {
	code = paydeck.NormalizeCouponCode(code)
	if code == "" {
		return nil, nil
	}
	c, err := tx.FindCouponByCode(ctx, code)
	if paydeck.ErrorCode(err) == paydeck.CodeNotFound {
		return nil, paydeck.NewCouponError(paydeck.CouponUnknown, paydeck.CodeInvalid, "There is no coupon %q.", code)
	} else if err != nil {
		return nil, err
	}
	off, err := c.Discount(o.Items, tx.Now())
	if err != nil {
		return nil, err
	}
	if c.UsageLimit > 0 && c.Uses >= c.UsageLimit { // early answer; UseCoupon is the real check
		return nil, paydeck.NewCouponError(paydeck.CouponLimitReached, paydeck.CodeConflict, "Coupon %s has been used up.", c.Code)
	}
	if most := o.TotalAmount + o.ShippingFee - s.cfg.MinAmount; off > most {
		off = most
	}
	if off <= 0 {
		return nil, paydeck.NewCouponError(paydeck.CouponNothingOff, paydeck.CodeInvalid,
			"This order already comes to the smallest payment (%d won); coupon %s cannot lower it.", s.cfg.MinAmount, c.Code)
	}
	o.DiscountAmount = off
	return c, o.ComputeAmounts()
}

// releaseCoupon gives o's coupon use back, if it has an unreleased one, and
// records it.
func releaseCoupon(ctx context.Context, tx paydeck.Tx, a Actor, o *paydeck.Order, why string) error {
	if o.CouponCode == "" {
		return nil
	}
	released, err := tx.ReleaseCouponUse(ctx, o.ID)
	if err != nil || !released {
		return err
	}
	return appendEvent(ctx, tx, a, o.ID, "", EventCouponReleased, "coupon use returned: "+why,
		map[string]any{"couponCode": o.CouponCode})
}

// setShippingFee sets o's shipping fee: none for all-digital orders or
// goods totals (before any discount) of at least FreeShippingOver, else
// ShippingFee. o.TotalAmount must be computed.
func (s *Service) setShippingFee(o *paydeck.Order, allDigital bool) {
	if !allDigital && o.TotalAmount < s.cfg.FreeShippingOver {
		o.ShippingFee = s.cfg.ShippingFee
	}
}

// Quote prices the order in would place, without placing it: items at
// today's prices, shipping fee, and the coupon's discount (the limits as
// they stand now; CreateOrder checks them again when it records the use).
// The cart page shows it before the shopper orders. Errors: those of
// CreateOrder about lines and products (stock is not checked) and the
// coupon's *paydeck.CouponError.
func (s *Service) Quote(ctx context.Context, a Actor, in OrderInput) (*paydeck.Order, error) {
	if err := validateLines(in.Items); err != nil {
		return nil, err
	}
	var out *paydeck.Order
	err := s.store.View(ctx, func(tx paydeck.Tx) error {
		o := &paydeck.Order{UserID: a.UserID, Status: paydeck.OrderPending}
		allDigital := true
		for _, l := range in.Items {
			p, err := tx.FindProductByID(ctx, l.ProductID)
			if paydeck.ErrorCode(err) == paydeck.CodeNotFound || (err == nil && !p.IsActive) {
				return paydeck.Errorf(paydeck.CodeInvalid, "Product %s does not exist.", l.ProductID)
			} else if err != nil {
				return err
			}
			it, err := paydeck.NewOrderItem(p, l.Quantity)
			if err != nil {
				return err
			}
			allDigital = allDigital && p.IsDigital
			o.Items = append(o.Items, it)
		}
		if err := o.ComputeAmounts(); err != nil {
			return err
		}
		s.setShippingFee(o, allDigital)
		if err := o.ComputeAmounts(); err != nil {
			return err
		}
		c, err := s.applyCoupon(ctx, tx, o, in.CouponCode)
		if err != nil {
			return err
		}
		if c != nil {
			o.CouponCode = c.Code
			if err := s.customerLimit(ctx, tx, c, a.UserID); err != nil {
				return err
			}
		}
		out = o
		return nil
	})
	return out, err
}

// customerLimit returns the customer_limit *CouponError when the user
// already holds PerCustomerLimit uses of c (a preview; UseCoupon decides).
func (s *Service) customerLimit(ctx context.Context, tx paydeck.Tx, c *paydeck.Coupon, userID string) error {
	if c.PerCustomerLimit == 0 || userID == "" {
		return nil
	}
	held, err := tx.CountCouponUses(ctx, c.ID, userID)
	if err != nil {
		return err
	}
	if held >= c.PerCustomerLimit {
		return paydeck.NewCouponError(paydeck.CouponCustomerLimit, paydeck.CodeConflict,
			"You have used coupon %s the most times one customer may (%d).", c.Code, c.PerCustomerLimit)
	}
	return nil
}
