package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/ui"
)

// maxListedProducts bounds the product list of the home page.
const maxListedProducts = 200

// maxSearchRunes bounds the home page's search text.
const maxSearchRunes = 100

// homePage is the catalogue as the home page shows it: the products of
// the chosen category matching the search text, and every category.
type homePage struct {
	Products   []*paydeck.Product
	Categories []string
	// Query is the search text, Category the chosen category ("" all).
	Query, Category string
}

// Filtered reports whether the list is narrowed by a search or category.
func (p homePage) Filtered() bool { return p.Query != "" || p.Category != "" }

// home lists the active products, narrowed by ?q= (name or description)
// and ?category=.
func (a *app) home(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	q := r.URL.Query()
	p := homePage{Query: strings.TrimSpace(strings.ToValidUTF8(strings.ReplaceAll(q.Get("q"), "\x00", ""), "")),
		Category: strings.TrimSpace(q.Get("category"))}
	if utf8.RuneCountInString(p.Query) > maxSearchRunes {
		p.Query = string([]rune(p.Query)[:maxSearchRunes])
	}
	active := true
	f := paydeck.ProductFilter{IsActive: &active, Limit: maxListedProducts}
	if p.Query != "" {
		f.Search = &p.Query
	}
	if p.Category != "" {
		f.Category = &p.Category
	}
	err := a.d.Store.View(r.Context(), func(tx paydeck.Tx) (err error) {
		if p.Products, _, err = tx.FindProducts(r.Context(), f); err != nil {
			return err
		}
		p.Categories, err = tx.FindProductCategories(r.Context(), paydeck.ProductFilter{IsActive: &active})
		return err
	})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	rq.view.Title, rq.view.Data = "home.title", p
	a.pages.Render(w, http.StatusOK, "home.html", rq.view)
}

// cartLine is a cart line with its product, for display.
type cartLine struct {
	Product  *paydeck.Product
	Quantity int64
	Total    int64
	// Max is the most the line may hold now: the stock left of physical
	// goods (MaxItemQuantity at most).
	Max int64
	// Short is set when the stock left is below Quantity (sold meanwhile):
	// the page asks to lower it before ordering.
	Short bool
}

// maxFor is the largest quantity of pr one line may hold now.
func maxFor(pr *paydeck.Product) int64 {
	if pr.IsDigital {
		return paydeck.MaxItemQuantity
	}
	return min(max(pr.StockQuantity, 0), paydeck.MaxItemQuantity)
}

// cartPage is the cart with the order form.
type cartPage struct {
	Lines    []cartLine
	Subtotal int64
	Shipping payment.Shipping
	// Error is the order service's message when placing the order failed.
	Error string
	// Capped: the last change asked for more than the stock left, and the
	// quantity was lowered to it.
	Capped bool
	// Coupon is the code in the coupon field; Applied says it is the
	// session's (priced in Quote), CouponError why it cannot be used.
	Coupon      string
	Applied     bool
	CouponError string
	// Quote is the order as the server would price it now (discount,
	// shipping fee, final amount); nil when it cannot be priced.
	Quote *paydeck.Order
}

// loadCart returns the cart's lines with their current products, dropping
// products that no longer exist or are inactive.
func (a *app) loadCart(r *http.Request, sess ui.Session) (cartPage, error) {
	var p cartPage
	if len(sess.Cart) == 0 {
		return p, nil
	}
	ids := make([]string, len(sess.Cart))
	for i, l := range sess.Cart {
		ids[i] = l.ProductID
	}
	byID := map[string]*paydeck.Product{}
	err := a.d.Store.View(r.Context(), func(tx paydeck.Tx) error {
		products, _, err := tx.FindProducts(r.Context(), paydeck.ProductFilter{IDs: ids})
		for _, pr := range products {
			byID[pr.ID] = pr
		}
		return err
	})
	for _, l := range sess.Cart {
		if pr := byID[l.ProductID]; pr != nil && pr.IsActive {
			p.Lines = append(p.Lines, cartLine{Product: pr, Quantity: l.Quantity, Total: pr.Price * l.Quantity,
				Max: maxFor(pr), Short: l.Quantity > maxFor(pr)})
			p.Subtotal += pr.Price * l.Quantity
		}
	}
	return p, err
}

func (a *app) cart(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	p, err := a.loadCart(r, rq.sess)
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	if rq.user != nil {
		// The last order's address comes back for the next one.
		if p.Shipping, err = a.d.Payments.LastShipping(r.Context(), actor(r, rq.user)); err != nil {
			a.error(w, r, rq, err)
			return
		}
		if p.Shipping.Name == "" {
			p.Shipping.Name = rq.user.Name
		}
	}
	p.Capped = r.URL.Query().Get("capped") == "1"
	a.quoteCart(r, rq, &p, rq.sess.Coupon)
	rq.view.Title, rq.view.Data = "cart.title", p
	a.pages.Render(w, http.StatusOK, "cart.html", rq.view)
}

// setCartLine sets the quantity of a product in the cart (0 removes it),
// checking that the product exists and is active. A quantity above the
// stock left is lowered to it (the cart says so); a sold-out product cannot
// be added. The order still reserves the stock for real when placed.
func (a *app) setCartLine(w http.ResponseWriter, r *http.Request, add bool) {
	rq := a.begin(w, r)
	id := r.PostFormValue("product_id")
	qty, err := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("quantity")), 10, 64)
	if err != nil || qty < 0 || qty > paydeck.MaxItemQuantity || (add && qty == 0) {
		a.error(w, r, rq, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonQuantityOutOfRange, "Quantity must be between 1 and %d.", paydeck.MaxItemQuantity))
		return
	}
	var limit int64
	err = a.d.Store.View(r.Context(), func(tx paydeck.Tx) error {
		p, err := tx.FindProductByID(r.Context(), id)
		if err == nil && !p.IsActive {
			err = paydeck.Reasonf(paydeck.CodeNotFound, paydeck.ReasonProductNotFound, "Product %s was not found.", id)
		}
		if err == nil {
			limit = maxFor(p)
			if add && limit == 0 {
				err = paydeck.Errorf(paydeck.CodeConflict, "Product %q is sold out.", p.Name)
			}
		}
		return err
	})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	capped := false
	sess := rq.sess
	cart := sess.Cart[:0:0]
	found := false
	for _, l := range sess.Cart {
		if l.ProductID == id {
			found = true
			if add {
				l.Quantity = min(l.Quantity+qty, paydeck.MaxItemQuantity)
			} else {
				l.Quantity = qty
			}
			if l.Quantity > limit {
				l.Quantity, capped = limit, true
			}
		}
		if l.Quantity > 0 {
			cart = append(cart, l)
		}
	}
	if !found && qty > 0 {
		if len(cart) >= ui.MaxCartLines {
			a.error(w, r, rq, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonCartFull, "A cart holds at most %d products.", ui.MaxCartLines))
			return
		}
		if qty > limit {
			qty, capped = limit, true
		}
		cart = append(cart, ui.CartLine{ProductID: id, Quantity: qty})
	}
	sess.Cart = cart
	a.sessions.Save(w, sess)
	target := "/cart"
	if capped {
		target += "?capped=1"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func (a *app) cartAdd(w http.ResponseWriter, r *http.Request)    { a.setCartLine(w, r, true) }
func (a *app) cartUpdate(w http.ResponseWriter, r *http.Request) { a.setCartLine(w, r, false) }

// createOrder places the cart as an order (amounts, shipping fee and stock
// are the payment service's business), empties the cart and goes to checkout.
func (a *app) createOrder(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	user := a.requireUser(w, r, rq)
	if user == nil {
		return
	}
	in := payment.OrderInput{Shipping: payment.Shipping{
		Name:    strings.TrimSpace(r.PostFormValue("name")),
		Phone:   strings.TrimSpace(r.PostFormValue("phone")),
		Address: strings.TrimSpace(r.PostFormValue("address")),
		Memo:    strings.TrimSpace(r.PostFormValue("memo")),
		// Postcode and detail line (issue 15).
		Postcode: strings.TrimSpace(r.PostFormValue("postcode")),
		Detail:   strings.TrimSpace(r.PostFormValue("detail")),
	}}
	for _, l := range rq.sess.Cart {
		in.Items = append(in.Items, payment.OrderLine{ProductID: l.ProductID, Quantity: l.Quantity})
	}
	in.CouponCode = rq.sess.Coupon
	order, err := a.d.Payments.CreateOrder(r.Context(), actor(r, user), in)
	if err != nil {
		if code := paydeck.ErrorCode(err); code != paydeck.CodeInvalid && code != paydeck.CodeConflict && code != paydeck.CodeNotFound {
			a.error(w, r, rq, err)
			return
		}
		p, lerr := a.loadCart(r, rq.sess)
		if lerr != nil {
			a.error(w, r, rq, lerr)
			return
		}
		p.Shipping, p.Error = in.Shipping, errorText(rq.view, err, in.CouponCode)
		a.quoteCart(r, rq, &p, rq.sess.Coupon)
		if p.Error == p.CouponError { // said once, by the coupon field
			p.Error = ""
		}
		rq.view.Title, rq.view.Data = "cart.title", p
		a.pages.Render(w, ui.HTTPStatus(err), "cart.html", rq.view)
		return
	}
	sess := rq.sess
	sess.Cart, sess.Coupon = nil, ""
	a.sessions.Save(w, sess)
	http.Redirect(w, r, "/checkout/"+order.OrderID, http.StatusSeeOther)
}

// cartLines are the session cart's lines as order lines.
func cartLines(sess ui.Session) []payment.OrderLine {
	lines := make([]payment.OrderLine, 0, len(sess.Cart))
	for _, l := range sess.Cart {
		lines = append(lines, payment.OrderLine{ProductID: l.ProductID, Quantity: l.Quantity})
	}
	return lines
}

// quoteCart prices the cart with code (the server's Quote: discount,
// shipping fee, final amount) into p. A coupon that cannot be used is
// shown with its reason, and the cart is priced without it.
func (a *app) quoteCart(r *http.Request, rq *request, p *cartPage, code string) {
	if len(p.Lines) == 0 {
		return
	}
	var act payment.Actor
	if rq.user != nil {
		act = actor(r, rq.user)
	}
	in := payment.OrderInput{Items: cartLines(rq.sess), CouponCode: code}
	q, err := a.d.Payments.Quote(r.Context(), act, in)
	if err != nil && code != "" {
		p.CouponError = errorText(rq.view, err, code)
		in.CouponCode = ""
		q, err = a.d.Payments.Quote(r.Context(), act, in)
	}
	if err == nil {
		p.Quote = q
	}
	if p.Coupon == "" {
		p.Coupon = code
	}
	p.Applied = code != "" && code == rq.sess.Coupon && p.CouponError == ""
}

// cartCoupon applies the coupon code of the form to the cart (kept in the
// session once the server has priced it), or removes it ("remove" set).
func (a *app) cartCoupon(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	sess := rq.sess
	code := paydeck.NormalizeCouponCode(r.PostFormValue("code"))
	if r.PostFormValue("remove") != "" || code == "" {
		sess.Coupon = ""
		a.sessions.Save(w, sess)
		http.Redirect(w, r, "/cart", http.StatusSeeOther)
		return
	}
	if len(code) > 32 {
		code = code[:32]
	}
	p, err := a.loadCart(r, sess)
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	if rq.user != nil {
		p.Shipping.Name = rq.user.Name
	}
	a.quoteCart(r, rq, &p, code)
	if p.CouponError != "" || len(p.Lines) == 0 {
		rq.view.Title, rq.view.Data = "cart.title", p
		a.pages.Render(w, http.StatusUnprocessableEntity, "cart.html", rq.view)
		return
	}
	sess.Coupon = code
	a.sessions.Save(w, sess)
	http.Redirect(w, r, "/cart", http.StatusSeeOther)
}

// errorText is err's message for the page: a coupon refusal in the page's
// language (code is the coupon's), else the service's message.
func errorText(v *ui.View, err error, code string) string {
	var ce *paydeck.CouponError
	if !errors.As(err, &ce) {
		return v.ErrorText(err)
	}
	if ce.Reason == paydeck.CouponBelowMinimum {
		return v.T("coupon."+string(ce.Reason), code, v.Won(ce.Amount))
	}
	return v.T("coupon."+string(ce.Reason), code)
}
