package admin

import (
	"net/http"
	"time"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/admin/form"
)

// couponsPage lists the live coupons with their uses.
type couponsPage struct {
	Coupons []*paydeck.Coupon
	// Names maps product IDs to names, for restricted coupons.
	Names map[string]string
}

func (a *app) coupons(w http.ResponseWriter, r *http.Request, rq *request) {
	p := couponsPage{Names: map[string]string{}}
	err := a.d.Store.View(r.Context(), func(tx paydeck.Tx) (err error) {
		if p.Coupons, _, err = tx.FindCoupons(r.Context(), paydeck.CouponFilter{}); err != nil {
			return err
		}
		products, _, err := tx.FindProducts(r.Context(), paydeck.ProductFilter{})
		for _, pr := range products {
			p.Names[pr.ID] = pr.Name
		}
		return err
	})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	a.render(w, rq, "coupons.html", "coupons.title", p)
}

// couponForm is the coupon editor: the coupon, the products it may be
// restricted to, and the form's problem, if any. Original is the code of
// the coupon being edited ("" for a new one).
type couponForm struct {
	Coupon   *paydeck.Coupon
	Original string
	Products []*paydeck.Product
	Error    string
}

// Restricted reports whether the coupon names the product.
func (f couponForm) Restricted(id string) bool {
	for _, p := range f.Coupon.ProductIDs {
		if p == id {
			return true
		}
	}
	return false
}

// Local is t as the form's datetime-local value (KST), "" for nil.
func (couponForm) Local(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(paydeck.KST).Format(form.LocalTimeLayout)
}

func (a *app) couponNew(w http.ResponseWriter, r *http.Request, rq *request) {
	f := couponForm{Coupon: &paydeck.Coupon{Kind: paydeck.CouponFixed}}
	a.renderCouponForm(w, r, rq, f, http.StatusOK)
}

func (a *app) couponEdit(w http.ResponseWriter, r *http.Request, rq *request) {
	var c *paydeck.Coupon
	err := a.d.Store.View(r.Context(), func(tx paydeck.Tx) (err error) {
		c, err = tx.FindCouponByCode(r.Context(), r.PathValue("code"))
		return err
	})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	a.renderCouponForm(w, r, rq, couponForm{Coupon: c, Original: c.Code}, http.StatusOK)
}

// renderCouponForm shows the editor with the catalogue's products.
func (a *app) renderCouponForm(w http.ResponseWriter, r *http.Request, rq *request, f couponForm, status int) {
	err := a.d.Store.View(r.Context(), func(tx paydeck.Tx) (err error) {
		f.Products, _, err = tx.FindProducts(r.Context(), paydeck.ProductFilter{})
		return err
	})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	title := "coupon.new"
	if f.Original != "" {
		title = "coupon.edit"
	}
	rq.view.Title, rq.view.Data = title, f
	a.pages.Render(w, status, "coupon.html", rq.view)
}

func (a *app) couponCreate(w http.ResponseWriter, r *http.Request, rq *request) {
	a.saveCoupon(w, r, rq, "")
}

func (a *app) couponSave(w http.ResponseWriter, r *http.Request, rq *request) {
	a.saveCoupon(w, r, rq, r.PathValue("code"))
}

// saveCoupon creates a coupon (original "") or changes the one with the
// code original; an invalid form, or a code already taken, is shown again
// with its message.
func (a *app) saveCoupon(w http.ResponseWriter, r *http.Request, rq *request, original string) {
	c := &paydeck.Coupon{}
	err := a.d.Store.Update(r.Context(), func(tx paydeck.Tx) error {
		if original != "" {
			cur, err := tx.FindCouponByCode(r.Context(), original)
			if err != nil {
				return err
			}
			*c = *cur
		}
		if err := form.ParseCoupon(r, c); err != nil {
			return err
		}
		for _, id := range c.ProductIDs {
			if _, err := tx.FindProductByID(r.Context(), id); err != nil {
				return paydeck.Errorf(paydeck.CodeInvalid, "Coupon product %q does not exist.", id)
			}
		}
		if original == "" {
			return tx.CreateCoupon(r.Context(), c)
		}
		return tx.UpdateCoupon(r.Context(), c)
	})
	if code := paydeck.ErrorCode(err); code == paydeck.CodeInvalid || code == paydeck.CodeConflict {
		a.renderCouponForm(w, r, rq, couponForm{Coupon: c, Original: original, Error: paydeck.ErrorMessage(err)}, http.StatusBadRequest)
		return
	} else if err != nil {
		a.error(w, r, rq, err)
		return
	}
	back(w, r, "/admin/coupons", "flash.saved")
}

// couponDelete deletes the coupon: its code stops working, orders keep it.
func (a *app) couponDelete(w http.ResponseWriter, r *http.Request, rq *request) {
	err := a.d.Store.Update(r.Context(), func(tx paydeck.Tx) error { return tx.DeleteCoupon(r.Context(), r.PathValue("code")) })
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	back(w, r, "/admin/coupons", "flash.deleted")
}
