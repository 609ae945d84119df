package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/paydeck/paydeck"
)

// Coupon is a discount code the shop defines (issue 15 §3).
type Coupon struct {
	Code             string     `json:"code" example:"WELCOME3000" doc:"What the shopper types; case-insensitive, stored upper-case."`
	Kind             string     `json:"kind" enum:"fixed,percent" example:"fixed"`
	Value            int64      `json:"value" example:"3000" doc:"Won off (fixed) or percent off (percent, 1–100)."`
	MaxDiscount      int64      `json:"maxDiscount" example:"0" doc:"Cap of a percent coupon's discount in won; 0: no cap."`
	MinOrderAmount   int64      `json:"minOrderAmount" example:"20000" doc:"Least goods total (of the lines it applies to, before shipping); 0: none."`
	ValidFrom        *time.Time `json:"validFrom" doc:"Usable from then; null: already."`
	ValidUntil       *time.Time `json:"validUntil" doc:"Usable until then (exclusive); null: no end."`
	UsageLimit       int64      `json:"usageLimit" example:"100" doc:"Uses over all shoppers; 0: no limit."`
	PerCustomerLimit int64      `json:"perCustomerLimit" example:"1" doc:"Uses per shopper; 0: no limit."`
	ProductIDs       []string   `json:"productIds" doc:"Products it applies to; empty: all."`
	Uses             int64      `json:"uses" example:"12" doc:"Uses held now: orders pending or paid (cancelled, expired and fully refunded orders give theirs back)."`
	Pending          int64      `json:"pending" example:"2" doc:"Of uses, those of orders still waiting for their payment."`
	CreatedAt        time.Time  `json:"createdAt"`
	UpdatedAt        time.Time  `json:"updatedAt"`
}

func couponView(c *paydeck.Coupon) Coupon {
	ids := c.ProductIDs
	if ids == nil {
		ids = []string{}
	}
	return Coupon{Code: c.Code, Kind: string(c.Kind), Value: c.Value, MaxDiscount: c.MaxDiscount,
		MinOrderAmount: c.MinOrderAmount, ValidFrom: c.ValidFrom, ValidUntil: c.ValidUntil, UsageLimit: c.UsageLimit,
		PerCustomerLimit: c.PerCustomerLimit, ProductIDs: ids, Uses: c.Uses, Pending: c.Pending,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

// CouponFields are a coupon's settings as sent; in a PATCH, absent (or
// null) fields keep their value.
type CouponFields struct {
	Code             *string    `json:"code,omitempty" minLength:"3" maxLength:"32" pattern:"^[A-Za-z0-9_-]+$" example:"WELCOME3000"`
	Kind             *string    `json:"kind,omitempty" enum:"fixed,percent" example:"fixed"`
	Value            *int64     `json:"value,omitempty" minimum:"1" maximum:"100000000" example:"3000" doc:"Won off (fixed) or percent off (percent, 1–100)."`
	MaxDiscount      *int64     `json:"maxDiscount,omitempty" minimum:"0" maximum:"100000000" example:"0" doc:"Percent coupons: cap in won; 0: none."`
	MinOrderAmount   *int64     `json:"minOrderAmount,omitempty" minimum:"0" maximum:"100000000" example:"20000"`
	ValidFrom        *time.Time `json:"validFrom,omitempty" example:"2026-12-01T00:00:00+09:00"`
	ValidUntil       *time.Time `json:"validUntil,omitempty" example:"2027-01-01T00:00:00+09:00"`
	UsageLimit       *int64     `json:"usageLimit,omitempty" minimum:"0" maximum:"1000000000" example:"100" doc:"0: no limit."`
	PerCustomerLimit *int64     `json:"perCustomerLimit,omitempty" minimum:"0" maximum:"1000000000" example:"1" doc:"0: no limit."`
	ProductIDs       []string   `json:"productIds,omitempty" maxItems:"100" doc:"Products it applies to; empty: all."`
}

// apply sets the fields sent on c.
func (f CouponFields) apply(c *paydeck.Coupon) {
	set := func(dst *int64, v *int64) {
		if v != nil {
			*dst = *v
		}
	}
	if f.Code != nil {
		c.Code = *f.Code
	}
	if f.Kind != nil {
		c.Kind = paydeck.CouponKind(*f.Kind)
	}
	set(&c.Value, f.Value)
	set(&c.MaxDiscount, f.MaxDiscount)
	set(&c.MinOrderAmount, f.MinOrderAmount)
	set(&c.UsageLimit, f.UsageLimit)
	set(&c.PerCustomerLimit, f.PerCustomerLimit)
	if f.ValidFrom != nil {
		c.ValidFrom = f.ValidFrom
	}
	if f.ValidUntil != nil {
		c.ValidUntil = f.ValidUntil
	}
	if f.ProductIDs != nil {
		c.ProductIDs = f.ProductIDs
	}
}

type createCouponInput struct {
	Body struct {
		Code             string     `json:"code" minLength:"3" maxLength:"32" pattern:"^[A-Za-z0-9_-]+$" example:"WELCOME3000"`
		Kind             string     `json:"kind" enum:"fixed,percent" example:"fixed"`
		Value            int64      `json:"value" minimum:"1" maximum:"100000000" example:"3000" doc:"Won off (fixed) or percent off (percent, 1–100)."`
		MaxDiscount      int64      `json:"maxDiscount,omitempty" minimum:"0" maximum:"100000000" example:"0" doc:"Percent coupons: cap in won; 0: none."`
		MinOrderAmount   int64      `json:"minOrderAmount,omitempty" minimum:"0" maximum:"100000000" example:"20000"`
		ValidFrom        *time.Time `json:"validFrom,omitempty" example:"2026-12-01T00:00:00+09:00"`
		ValidUntil       *time.Time `json:"validUntil,omitempty" example:"2027-01-01T00:00:00+09:00"`
		UsageLimit       int64      `json:"usageLimit,omitempty" minimum:"0" maximum:"1000000000" example:"100" doc:"0: no limit."`
		PerCustomerLimit int64      `json:"perCustomerLimit,omitempty" minimum:"0" maximum:"1000000000" example:"1" doc:"0: no limit."`
		ProductIDs       []string   `json:"productIds,omitempty" maxItems:"100" doc:"Products it applies to; empty: all."`
	}
}

type couponCodeInput struct {
	Code string `path:"code" minLength:"3" maxLength:"32" pattern:"^[A-Za-z0-9_-]+$" example:"WELCOME3000"`
}

type updateCouponInput struct {
	Code string `path:"code" minLength:"3" maxLength:"32" pattern:"^[A-Za-z0-9_-]+$" example:"WELCOME3000"`
	Body CouponFields
}

type listCouponsInput struct {
	Offset int `query:"offset" minimum:"0" maximum:"1000000" default:"0"`
	Limit  int `query:"limit" minimum:"1" maximum:"100" default:"50"`
}

type couponOutput struct{ Body Coupon }

type couponPageOutput struct {
	Body struct {
		Items []Coupon `json:"items"`
		Total int      `json:"total" example:"3"`
	}
}

func (s *server) registerCoupons() {
	tags := []string{"Coupons"}
	s.api.OpenAPI().Tags = append(s.api.OpenAPI().Tags, &huma.Tag{Name: "Coupons",
		Description: "Discount codes the shop defines; shoppers send one as couponCode with POST /api/orders."})
	register(s, adminOnly, huma.Operation{
		OperationID: "createCoupon", Method: http.MethodPost, Path: "/api/admin/coupons", Tags: tags,
		Summary: "Create a coupon", Description: "Admins add a fixed or percent coupon with its limits. " +
			"409 when a live coupon already has the code.",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, s.createCoupon)
	register(s, adminOnly, huma.Operation{
		OperationID: "listCoupons", Method: http.MethodGet, Path: "/api/admin/coupons", Tags: tags,
		Summary: "List coupons", Description: "Live coupons, newest first, with the uses each holds.",
	}, s.listCoupons)
	register(s, adminOnly, huma.Operation{
		OperationID: "updateCoupon", Method: http.MethodPatch, Path: "/api/admin/coupons/{code}", Tags: tags,
		Summary: "Update a coupon", Description: "Admins change the fields sent; the others keep their value. " +
			"Orders already placed keep their discount; lowering usageLimit below the uses held refuses new uses only.",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, s.updateCoupon)
	register(s, adminOnly, huma.Operation{
		OperationID: "deleteCoupon", Method: http.MethodDelete, Path: "/api/admin/coupons/{code}", Tags: tags,
		Summary: "Delete a coupon", Description: "The code stops working at once and is free for a new coupon; " +
			"orders that used it keep their couponCode and discount.",
		DefaultStatus: http.StatusNoContent, Errors: []int{http.StatusNotFound},
	}, s.deleteCoupon)
}

func (s *server) createCoupon(ctx context.Context, in *createCouponInput) (*couponOutput, error) {
	b := in.Body
	c := &paydeck.Coupon{Code: b.Code, Kind: paydeck.CouponKind(b.Kind), Value: b.Value, MaxDiscount: b.MaxDiscount,
		MinOrderAmount: b.MinOrderAmount, ValidFrom: b.ValidFrom, ValidUntil: b.ValidUntil, UsageLimit: b.UsageLimit,
		PerCustomerLimit: b.PerCustomerLimit, ProductIDs: b.ProductIDs}
	err := s.Store.Update(ctx, func(tx paydeck.Tx) error {
		if err := checkCouponProducts(ctx, tx, c); err != nil {
			return err
		}
		return tx.CreateCoupon(ctx, c)
	})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &couponOutput{Body: couponView(c)}, nil
}

// checkCouponProducts refuses a coupon naming a product that does not exist.
func checkCouponProducts(ctx context.Context, tx paydeck.Tx, c *paydeck.Coupon) error {
	for _, id := range c.ProductIDs {
		if _, err := tx.FindProductByID(ctx, id); paydeck.ErrorCode(err) == paydeck.CodeNotFound {
			return paydeck.Errorf(paydeck.CodeInvalid, "Coupon product %q does not exist.", id)
		} else if err != nil {
			return err
		}
	}
	return nil
}

func (s *server) listCoupons(ctx context.Context, in *listCouponsInput) (*couponPageOutput, error) {
	var list []*paydeck.Coupon
	var total int
	err := s.Store.View(ctx, func(tx paydeck.Tx) (err error) {
		list, total, err = tx.FindCoupons(ctx, paydeck.CouponFilter{Offset: in.Offset, Limit: in.Limit})
		return err
	})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &couponPageOutput{}
	out.Body.Total = total
	out.Body.Items = make([]Coupon, 0, len(list))
	for _, c := range list {
		out.Body.Items = append(out.Body.Items, couponView(c))
	}
	return out, nil
}

func (s *server) updateCoupon(ctx context.Context, in *updateCouponInput) (*couponOutput, error) {
	var c *paydeck.Coupon
	err := s.Store.Update(ctx, func(tx paydeck.Tx) (err error) {
		if c, err = tx.FindCouponByCode(ctx, in.Code); err != nil {
			return err
		}
		in.Body.apply(c)
		if err := checkCouponProducts(ctx, tx, c); err != nil {
			return err
		}
		return tx.UpdateCoupon(ctx, c)
	})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &couponOutput{Body: couponView(c)}, nil
}

func (s *server) deleteCoupon(ctx context.Context, in *couponCodeInput) (*struct{}, error) {
	err := s.Store.Update(ctx, func(tx paydeck.Tx) error { return tx.DeleteCoupon(ctx, in.Code) })
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return nil, nil
}
