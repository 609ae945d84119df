package admin

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/admin/form"
	"github.com/paydeck/paydeck/ui"
)

// productsPage lists every product, active or not.
type productsPage struct{ Products []*paydeck.Product }

func (a *app) products(w http.ResponseWriter, r *http.Request, rq *request) {
	var p productsPage
	err := a.d.Store.View(r.Context(), func(tx paydeck.Tx) (err error) {
		p.Products, _, err = tx.FindProducts(r.Context(), paydeck.ProductFilter{})
		return err
	})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	a.render(w, rq, "products.html", "products.title", p)
}

// productForm is the product editor; Error is the form's problem, if any.
// Adjustments is the stock history of an existing product, newest first.
// Categories are the catalogue's categories, offered on the category field.
type productForm struct {
	Product     *paydeck.Product
	Adjustments []*paydeck.StockAdjustment
	// By maps the adjustments' UserIDs to the admins' emails.
	By         map[string]string
	Error      string
	Categories []string
}

// Uploaded reports whether the product's image is one uploaded to paydeck
// (which the upload form replaces), not a URL typed in.
func (f productForm) Uploaded() bool { return paydeck.IsProductImageURL(f.Product.ImageURL) }

func (a *app) productNew(w http.ResponseWriter, r *http.Request, rq *request) {
	f := productForm{Product: &paydeck.Product{IsActive: true}}
	err := a.d.Store.View(r.Context(), func(tx paydeck.Tx) (err error) {
		f.Categories, err = tx.FindProductCategories(r.Context(), paydeck.ProductFilter{})
		return err
	})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	a.render(w, rq, "product.html", "product.new", f)
}

func (a *app) productEdit(w http.ResponseWriter, r *http.Request, rq *request) {
	f, err := a.productEditor(r)
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	a.render(w, rq, "product.html", "product.edit", f)
}

// productEditor reads the product of the path and its stock history.
func (a *app) productEditor(r *http.Request) (f productForm, err error) {
	err = a.d.Store.View(r.Context(), func(tx paydeck.Tx) error {
		if f.Product, err = tx.FindProductByID(r.Context(), r.PathValue("id")); err != nil {
			return err
		}
		if f.Adjustments, err = tx.FindStockAdjustments(r.Context(), f.Product.ID); err != nil {
			return err
		}
		if f.Categories, err = tx.FindProductCategories(r.Context(), paydeck.ProductFilter{}); err != nil {
			return err
		}
		var ids []string
		for _, adj := range f.Adjustments {
			if adj.UserID != "" {
				ids = append(ids, adj.UserID)
			}
		}
		f.By = map[string]string{}
		if len(ids) == 0 {
			return nil
		}
		users, _, err := tx.FindUsers(r.Context(), paydeck.UserFilter{IDs: ids})
		for _, u := range users {
			f.By[u.ID] = u.Email
		}
		return err
	})
	return f, err
}

func (a *app) productCreate(w http.ResponseWriter, r *http.Request, rq *request) {
	a.saveProduct(w, r, rq, &paydeck.Product{})
}

func (a *app) productSave(w http.ResponseWriter, r *http.Request, rq *request) {
	a.saveProduct(w, r, rq, &paydeck.Product{ID: r.PathValue("id")})
}

// saveProduct applies the posted form to p and creates or updates it; an
// invalid form is shown again with its message. An existing product is
// locked and changed as it is now; its stock is not on the edit form (a
// stale number would undo reservations) but changes through productStock.
func (a *app) saveProduct(w http.ResponseWriter, r *http.Request, rq *request, p *paydeck.Product) {
	err := a.d.Store.Update(r.Context(), func(tx paydeck.Tx) error {
		if p.ID == "" {
			if err := form.ParseProduct(r, p); err != nil {
				return err
			}
			return tx.CreateProduct(r.Context(), p)
		}
		cur, err := tx.LockProductByID(r.Context(), p.ID)
		if err != nil {
			return err
		}
		*p = *cur
		if err := r.ParseForm(); err != nil {
			return paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonFormUnreadable, "The form could not be read.")
		}
		r.PostForm.Set("stock", strconv.FormatInt(cur.StockQuantity, 10))
		if err := form.ParseProduct(r, p); err != nil {
			return err
		}
		if paydeck.IsProductImageURL(p.ImageURL) {
			// The uploaded image is the upload form's business: a form
			// opened before the last upload must not point back at the old one.
			p.ImageURL = cur.ImageURL
		}
		return tx.UpdateProduct(r.Context(), p)
	})
	if paydeck.ErrorCode(err) == paydeck.CodeInvalid {
		rq.view.Title, rq.view.Data = "product.edit", productForm{Product: p, Error: rq.view.ErrorText(err)}
		a.pages.Render(w, ui.HTTPStatus(err), "product.html", rq.view)
		return
	} else if err != nil {
		a.error(w, r, rq, err)
		return
	}
	back(w, r, "/admin/products", "flash.saved")
}

// productStock applies a posted stock change (delta, reason) to the
// product's current stock and records it.
func (a *app) productStock(w http.ResponseWriter, r *http.Request, rq *request) {
	id := r.PathValue("id")
	delta, err := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("delta")), 10, 64)
	if err != nil {
		err = paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonNotANumber, "%s must be a whole number.", "The stock change")
	} else {
		err = a.d.Store.Update(r.Context(), func(tx paydeck.Tx) error {
			return tx.AdjustStock(r.Context(), &paydeck.StockAdjustment{ProductID: id, Delta: delta,
				Reason: strings.TrimSpace(r.PostFormValue("reason")), UserID: rq.user.ID})
		})
	}
	if c := paydeck.ErrorCode(err); c == paydeck.CodeInvalid || c == paydeck.CodeConflict {
		f, ferr := a.productEditor(r)
		if ferr != nil {
			a.error(w, r, rq, ferr)
			return
		}
		f.Error = rq.view.ErrorText(err)
		rq.view.Title, rq.view.Data = "product.edit", f
		a.pages.Render(w, ui.HTTPStatus(err), "product.html", rq.view)
		return
	} else if err != nil {
		a.error(w, r, rq, err)
		return
	}
	back(w, r, "/admin/products/"+id, "flash.saved")
}

// methodsPage lists payment methods with an editor per row and one for a
// new method.
type methodsPage struct {
	Methods []*paydeck.PaymentMethod
	Types   []paydeck.PaymentMethodType
}

func (a *app) methods(w http.ResponseWriter, r *http.Request, rq *request) {
	var p methodsPage
	err := a.d.Store.View(r.Context(), func(tx paydeck.Tx) (err error) {
		p.Methods, _, err = tx.FindPaymentMethods(r.Context(), paydeck.PaymentMethodFilter{})
		return err
	})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	p.Types = paydeck.PaymentMethodTypes
	a.render(w, rq, "methods.html", "methods.title", p)
}

func (a *app) methodCreate(w http.ResponseWriter, r *http.Request, rq *request) {
	a.saveMethod(w, r, rq, &paydeck.PaymentMethod{})
}

func (a *app) methodSave(w http.ResponseWriter, r *http.Request, rq *request) {
	var m *paydeck.PaymentMethod
	err := a.d.Store.View(r.Context(), func(tx paydeck.Tx) (err error) {
		m, err = tx.FindPaymentMethodByID(r.Context(), r.PathValue("id"))
		return err
	})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	a.saveMethod(w, r, rq, m)
}

func (a *app) saveMethod(w http.ResponseWriter, r *http.Request, rq *request, m *paydeck.PaymentMethod) {
	err := form.ParseMethod(r, m)
	if err == nil {
		err = a.d.Store.Update(r.Context(), func(tx paydeck.Tx) error {
			if m.ID == "" {
				return tx.CreatePaymentMethod(r.Context(), m)
			}
			return tx.UpdatePaymentMethod(r.Context(), m)
		})
	}
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	back(w, r, "/admin/methods", "flash.saved")
}
