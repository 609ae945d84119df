package admin

import (
	"net/http"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/admin/form"
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
type productForm struct {
	Product *paydeck.Product
	Error   string
}

func (a *app) productNew(w http.ResponseWriter, _ *http.Request, rq *request) {
	a.render(w, rq, "product.html", "product.new", productForm{Product: &paydeck.Product{IsActive: true}})
}

func (a *app) productEdit(w http.ResponseWriter, r *http.Request, rq *request) {
	p, err := a.findProduct(r)
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	a.render(w, rq, "product.html", "product.edit", productForm{Product: p})
}

func (a *app) findProduct(r *http.Request) (p *paydeck.Product, err error) {
	err = a.d.Store.View(r.Context(), func(tx paydeck.Tx) error {
		p, err = tx.FindProductByID(r.Context(), r.PathValue("id"))
		return err
	})
	return p, err
}

func (a *app) productCreate(w http.ResponseWriter, r *http.Request, rq *request) {
	a.saveProduct(w, r, rq, &paydeck.Product{})
}

func (a *app) productSave(w http.ResponseWriter, r *http.Request, rq *request) {
	p, err := a.findProduct(r)
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	a.saveProduct(w, r, rq, p)
}

// saveProduct applies the posted form to p and creates or updates it; an
// invalid form is shown again with its message.
func (a *app) saveProduct(w http.ResponseWriter, r *http.Request, rq *request, p *paydeck.Product) {
	err := form.ParseProduct(r, p)
	if err == nil {
		err = a.d.Store.Update(r.Context(), func(tx paydeck.Tx) error {
			if p.ID == "" {
				return tx.CreateProduct(r.Context(), p)
			}
			return tx.UpdateProduct(r.Context(), p)
		})
	}
	if paydeck.ErrorCode(err) == paydeck.CodeInvalid {
		rq.view.Title, rq.view.Data = "product.edit", productForm{Product: p, Error: paydeck.ErrorMessage(err)}
		a.pages.Render(w, http.StatusBadRequest, "product.html", rq.view)
		return
	} else if err != nil {
		a.error(w, r, rq, err)
		return
	}
	back(w, r, "/admin/products", "flash.saved")
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
