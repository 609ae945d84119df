package paydeck

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// CouponKind is how a coupon takes money off: a fixed amount or a percent.
type CouponKind string

const (
	// CouponFixed takes Value won off (at most the eligible lines' total).
	CouponFixed CouponKind = "fixed"
	// CouponPercent takes Value percent (1 to 100, rounded down to the
	// won) of the eligible lines' total off, at most MaxDiscount when set.
	CouponPercent CouponKind = "percent"
)

// MaxCouponValue bounds a fixed coupon's value, in won.
const MaxCouponValue = 100_000_000

// Coupon is a discount code the shop defines. The discount is always
// computed on the server (Discount) from the order's lines; a shopper only
// sends the code.
//
// Limits: UsageLimit counts the coupon's uses over all shoppers,
// PerCustomerLimit one shopper's; 0 means no limit. A use is held when the
// order is placed (in the order's transaction, so concurrent orders never
// exceed a limit) and given back when the order is cancelled, expires
// unpaid, or is refunded in full; a paid order keeps it.
type Coupon struct {
	// ID is a UUID assigned by the store on create.
	ID string `json:"id"`
	// Code is what the shopper types: 3 to 32 of A–Z, 0–9, '-' and '_',
	// stored upper-case (NormalizeCouponCode), unique among live coupons.
	Code string     `json:"code"`
	Kind CouponKind `json:"kind"`
	// Value is won off (fixed) or the percent off (percent, 1 to 100).
	Value int64 `json:"value"`
	// MaxDiscount caps a percent coupon's discount in won; 0 means no cap.
	MaxDiscount int64 `json:"maxDiscount"`
	// MinOrderAmount is the least total of the eligible lines (before
	// shipping) the coupon needs; 0 means none.
	MinOrderAmount int64 `json:"minOrderAmount"`
	// ValidFrom and ValidUntil bound when the coupon may be used:
	// [ValidFrom, ValidUntil); nil is open-ended.
	ValidFrom  *time.Time `json:"validFrom,omitempty"`
	ValidUntil *time.Time `json:"validUntil,omitempty"`
	// UsageLimit and PerCustomerLimit bound the uses; 0 means no limit.
	UsageLimit       int64 `json:"usageLimit"`
	PerCustomerLimit int64 `json:"perCustomerLimit"`
	// ProductIDs restricts the coupon to these products; empty means every
	// product. The discount is computed on the matching lines only.
	ProductIDs []string `json:"productIds"`
	// Uses is the number of uses held now (pending and paid orders), kept
	// by the store; read-only.
	Uses int64 `json:"uses"`
	// Pending is how many of Uses belong to orders still waiting for their
	// payment (filled by FindCoupons and FindCouponByCode); read-only.
	Pending   int64     `json:"pending"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

var couponCodePattern = regexp.MustCompile(`^[A-Z0-9_-]{3,32}$`)

// NormalizeCouponCode returns code trimmed and upper-cased: codes are
// matched case-insensitively.
func NormalizeCouponCode(code string) string {
	return strings.ToUpper(strings.TrimSpace(code))
}

// Validate normalizes c.Code and returns an invalid *Error naming the first
// broken rule.
func (c *Coupon) Validate() error {
	c.Code = NormalizeCouponCode(c.Code)
	switch {
	case !couponCodePattern.MatchString(c.Code):
		return Errorf(CodeInvalid, "A coupon code has 3 to 32 letters, digits, '-' or '_'.")
	case c.Kind != CouponFixed && c.Kind != CouponPercent:
		return Errorf(CodeInvalid, "Coupon kind must be fixed or percent.")
	case c.Kind == CouponFixed && (c.Value < 1 || c.Value > MaxCouponValue):
		return Errorf(CodeInvalid, "A fixed coupon takes 1 to %d won off.", MaxCouponValue)
	case c.Kind == CouponPercent && (c.Value < 1 || c.Value > 100):
		return Errorf(CodeInvalid, "A percent coupon takes 1 to 100 percent off.")
	case c.MaxDiscount < 0 || c.MaxDiscount > MaxCouponValue:
		return Errorf(CodeInvalid, "The discount cap must be between 0 (none) and %d won.", MaxCouponValue)
	case c.Kind == CouponFixed && c.MaxDiscount != 0:
		return Errorf(CodeInvalid, "A discount cap applies to percent coupons only.")
	case c.MinOrderAmount < 0 || c.MinOrderAmount > MaxCouponValue:
		return Errorf(CodeInvalid, "The minimum order amount must be between 0 and %d won.", MaxCouponValue)
	case c.ValidFrom != nil && c.ValidUntil != nil && !c.ValidFrom.Before(*c.ValidUntil):
		return Errorf(CodeInvalid, "A coupon's validFrom must be before its validUntil.")
	case c.UsageLimit < 0 || c.PerCustomerLimit < 0:
		return Errorf(CodeInvalid, "Usage limits must not be negative (0 means no limit).")
	case len(c.ProductIDs) > 100:
		return Errorf(CodeInvalid, "A coupon names at most 100 products.")
	}
	seen := map[string]bool{}
	for _, id := range c.ProductIDs {
		if !ValidUUID(id) || seen[id] {
			return Errorf(CodeInvalid, "Coupon product %q is not a product ID, or is listed twice.", id)
		}
		seen[id] = true
	}
	if c.ProductIDs == nil {
		c.ProductIDs = []string{}
	}
	return nil
}

// CouponReason says why a coupon cannot be used; pages show a message per
// reason in the shopper's language.
type CouponReason string

const (
	CouponUnknown       CouponReason = "unknown"        // no live coupon has the code
	CouponNotYetValid   CouponReason = "not_yet_valid"  // before ValidFrom
	CouponExpired       CouponReason = "expired"        // at or after ValidUntil
	CouponBelowMinimum  CouponReason = "below_minimum"  // eligible total under MinOrderAmount
	CouponLimitReached  CouponReason = "limit_reached"  // UsageLimit uses held
	CouponCustomerLimit CouponReason = "customer_limit" // PerCustomerLimit uses held by the shopper
	CouponNotForProduct CouponReason = "not_for_products"
	// CouponNothingOff: the order already comes to the smallest payment, so
	// the coupon cannot lower it.
	CouponNothingOff CouponReason = "nothing_off"
)

// CouponError is a coupon that cannot be used, with the reason. It unwraps
// to an *Error (invalid, or conflict for the limits and not_found for an
// unknown code), so ErrorCode and ErrorMessage read it.
type CouponError struct {
	Reason CouponReason
	// Amount is the coupon's MinOrderAmount for below_minimum, else 0.
	Amount int64
	Err    *Error
}

func (e *CouponError) Error() string { return e.Err.Error() }

// Unwrap returns the *Error.
func (e *CouponError) Unwrap() error { return e.Err }

// NewCouponError returns a *CouponError with code and message; its *Error
// carries "coupon_"+reason as the stable Reason (a problem's "code").
func NewCouponError(reason CouponReason, code, format string, args ...any) *CouponError {
	e := Errorf(code, format, args...)
	e.Reason = "coupon_" + string(reason)
	return &CouponError{Reason: reason, Err: e}
}

// Discount returns what c takes off an order with these items at now:
// the eligible lines are those of ProductIDs (every line when empty); a
// fixed coupon takes min(Value, eligible total), a percent coupon
// floor(eligible × Value / 100), capped by MaxDiscount when set. It returns
// a *CouponError when c is outside its validity window, no line is
// eligible, or the eligible total is below MinOrderAmount. Usage limits are
// the store's business (UseCoupon).
func (c *Coupon) Discount(items []OrderItem, now time.Time) (int64, error) {
	switch {
	case c.ValidFrom != nil && now.Before(*c.ValidFrom):
		return 0, NewCouponError(CouponNotYetValid, CodeInvalid, "Coupon %s is valid from %s.", c.Code,
			c.ValidFrom.In(KST).Format("2006-01-02 15:04"))
	case c.ValidUntil != nil && !now.Before(*c.ValidUntil):
		return 0, NewCouponError(CouponExpired, CodeInvalid, "Coupon %s has expired.", c.Code)
	}
	eligible, matched := c.EligibleTotal(items)
	if !matched {
		return 0, NewCouponError(CouponNotForProduct, CodeInvalid, "Coupon %s does not apply to these products.", c.Code)
	}
	if eligible < c.MinOrderAmount {
		e := NewCouponError(CouponBelowMinimum, CodeInvalid, "Coupon %s needs an order of at least %s won; this one is %s.",
			c.Code, GroupThousands(c.MinOrderAmount), GroupThousands(eligible))
		e.Amount = c.MinOrderAmount
		return 0, e
	}
	var off int64
	switch c.Kind {
	case CouponFixed:
		off = min(c.Value, eligible)
	case CouponPercent:
		off = eligible * c.Value / 100
		if c.MaxDiscount > 0 {
			off = min(off, c.MaxDiscount)
		}
	default:
		return 0, fmt.Errorf("coupon %s: unknown kind %q", c.Code, c.Kind)
	}
	return off, nil
}

// EligibleTotal returns the total of the items the coupon applies to and
// whether any item does.
func (c *Coupon) EligibleTotal(items []OrderItem) (total int64, matched bool) {
	for _, it := range items {
		if c.AppliesTo(it.ProductID) {
			total += it.TotalPrice
			matched = true
		}
	}
	return total, matched
}

// AppliesTo reports whether the coupon applies to the product.
func (c *Coupon) AppliesTo(productID string) bool {
	if len(c.ProductIDs) == 0 {
		return true
	}
	for _, id := range c.ProductIDs {
		if id == productID {
			return true
		}
	}
	return false
}

// CouponUse is one order's use of a coupon, recorded in the order's
// transaction (Tx.UseCoupon) and given back by Tx.ReleaseCouponUse.
type CouponUse struct {
	CouponID string `json:"couponId"`
	Code     string `json:"code"`
	// OrderID is the Order.ID (internal UUID); an order uses one coupon.
	OrderID        string     `json:"orderId"`
	UserID         string     `json:"userId"`
	DiscountAmount int64      `json:"discountAmount"`
	CreatedAt      time.Time  `json:"createdAt"`
	ReleasedAt     *time.Time `json:"releasedAt,omitempty"`
}

// CouponFilter selects coupons (live ones only: deleted coupons are never
// listed); nil fields do not filter.
type CouponFilter struct {
	Code   *string // compared after NormalizeCouponCode
	Offset int
	Limit  int
}

// ApportionDiscount spreads discount over lines in proportion to their
// totals (largest remainder, ties to the earlier line), so that the parts
// add up to discount exactly and no part exceeds its line. It is the rule
// for what a line of a discounted order is worth when part of it is
// refunded: its total minus its part. discount must be within 0..Σtotals.
func ApportionDiscount(totals []int64, discount int64) []int64 {
	parts := make([]int64, len(totals))
	var sum int64
	for _, t := range totals {
		sum += t
	}
	if sum <= 0 || discount <= 0 {
		return parts
	}
	rems := make([]int64, len(totals))
	var given int64
	for i, t := range totals {
		// t*discount fits: both are bounded by MaxAmount-sized sums.
		parts[i], rems[i] = t*discount/sum, t*discount%sum
		given += parts[i]
	}
	for left := discount - given; left > 0; left-- {
		best := -1
		for i := range totals {
			if parts[i] < totals[i] && (best < 0 || rems[i] > rems[best]) {
				best = i
			}
		}
		parts[best]++
		rems[best] = -1
	}
	return parts
}
