package form

import (
	"net/http"
	"time"

	"github.com/paydeck/paydeck"
)

// LocalTimeLayout is the value format of an <input type="datetime-local">;
// the admin enters Korean time (KST).
const LocalTimeLayout = "2006-01-02T15:04"

// ParseCoupon copies a posted coupon form (code, kind, value, max_discount,
// min_order_amount, valid_from, valid_until as KST datetime-local,
// usage_limit, per_customer_limit, product_id repeated) onto c and
// validates it. Empty numbers are 0 (no cap, no minimum, no limit), empty
// times open-ended.
func ParseCoupon(r *http.Request, c *paydeck.Coupon) error {
	nums := []struct {
		name, label string
		dst         *int64
	}{
		{"value", "Value", &c.Value}, {"max_discount", "Discount cap", &c.MaxDiscount},
		{"min_order_amount", "Minimum order amount", &c.MinOrderAmount}, {"usage_limit", "Usage limit", &c.UsageLimit},
		{"per_customer_limit", "Per-customer limit", &c.PerCustomerLimit},
	}
	for _, n := range nums {
		if field(r, n.name) == "" && n.name != "value" {
			*n.dst = 0
			continue
		}
		v, err := integer(r, n.name, n.label)
		if err != nil {
			return err
		}
		*n.dst = v
	}
	for _, t := range []struct {
		name, label string
		dst         **time.Time
	}{{"valid_from", "Valid from", &c.ValidFrom}, {"valid_until", "Valid until", &c.ValidUntil}} {
		v := field(r, t.name)
		if v == "" {
			*t.dst = nil
			continue
		}
		at, err := time.ParseInLocation(LocalTimeLayout, v, paydeck.KST)
		if err != nil {
			return paydeck.Errorf(paydeck.CodeInvalid, "%s must be a date and time (yyyy-mm-ddThh:mm).", t.label)
		}
		*t.dst = &at
	}
	c.Code, c.Kind = field(r, "code"), paydeck.CouponKind(field(r, "kind"))
	if err := r.ParseForm(); err != nil {
		return paydeck.Errorf(paydeck.CodeInvalid, "The form could not be read.")
	}
	c.ProductIDs = append([]string{}, r.PostForm["product_id"]...)
	return c.Validate()
}
