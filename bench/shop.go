package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Mixes: what one shopper's turn does.
const (
	// MixCheckout is order → authorize → confirm (→ refund at
	// RefundShare): the commit-bound path the ratios are measured on.
	MixCheckout = "checkout"
	// MixShop is a shop's day: per checkout, catalogue and order-page
	// reads, a cart in the web shop, and a share of virtual accounts,
	// refunds and abandoned orders (see the shares below).
	MixShop = "shop"
)

// The shop mix's shares and counts.
const (
	shopCatalogueReads = 6    // product list and product pages, before the order
	shopOrderReads     = 4    // order list and order page, after it
	shopVirtualShare   = 0.15 // orders paid by virtual account, deposited through the sandbox
	shopRefundShare    = 0.10 // paid card orders refunded, half of them partially
	shopAbandonShare   = 0.05 // orders never paid, left for the sweep to expire
)

// Steps of the shop mix.
const (
	StepCatalogue = "catalogue"
	StepCart      = "cart"
	StepDeposit   = "deposit"
	StepOrderPage = "order-page"
)

// csrfField finds the CSRF token of the web shop's forms.
var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// shopTurn is one shopper's turn of the shop mix: browse, cart, order, then
// pay by card or virtual account (deposited at once), maybe refund, or
// abandon the order; then look at the orders.
func (r *run) shopTurn(ctx context.Context, s *shopper, rnd *rand.Rand) {
	for i := range shopCatalogueReads {
		u := s.base + "/api/products?limit=20"
		if i%2 == 1 {
			u = s.base + "/api/products/" + r.products[rnd.IntN(len(r.products))].ID
		}
		r.read(ctx, StepCatalogue, s, u)
	}
	p := r.products[rnd.IntN(len(r.products))]
	qty := int64(1 + rnd.IntN(3))
	r.cart(ctx, s, p.ID, qty)

	roll := rnd.Float64()
	method := "CARD"
	switch {
	case roll < shopAbandonShare:
		if t := r.order(ctx, s, p, qty); t != nil {
			t.Abandoned = true
			r.mu.Lock()
			r.lastAbandoned = time.Now()
			r.mu.Unlock()
		}
		r.orderPages(ctx, s, "")
		return
	case roll < shopAbandonShare+shopVirtualShare:
		method = "VIRTUAL_ACCOUNT"
	}
	t := r.order(ctx, s, p, qty)
	if t == nil {
		return
	}
	defer r.orderPages(ctx, s, t.OrderID)
	key, ok := r.authorizeWith(ctx, t.OrderID, t.Amount, t.TaxFree, method)
	if !ok {
		return
	}
	status, ok := r.confirm(ctx, s, t, key)
	if !ok {
		return
	}
	if method == "VIRTUAL_ACCOUNT" {
		if status != "waiting_for_deposit" {
			r.rec.fail("confirm virtual account " + status)
			return
		}
		start := time.Now()
		_, err := do(ctx, r.cfg.HTTPClient, StepDeposit, call{Method: http.MethodPost,
			URL:       r.cfg.Sandbox + "/v1/sandbox/virtual-accounts/" + url.PathEscape(key) + "/deposit",
			BasicUser: r.cfg.SandboxSecretKey, Control: r.cfg.SandboxControlToken,
			Body: map[string]any{"depositorName": "벤치 고객"}}, nil)
		if !r.record(StepDeposit, start, err) {
			return
		}
		// paydeck learns of the deposit from the sandbox's DEPOSIT_CALLBACK
		// webhook; the consistency check waits for the order to be paid.
		t.Virtual, t.SawPaid = true, true
		r.paid.Add(1)
		return
	}
	if status != "done" {
		r.rec.fail("confirm " + status)
		return
	}
	t.SawPaid = true
	r.paid.Add(1)
	if rnd.Float64() < shopRefundShare {
		var partial int64
		if rnd.IntN(2) == 0 {
			partial = t.Amount / 2
		}
		r.refund(ctx, s, t, key, partial)
	}
}

// read GETs u as the shopper and records it as step.
func (r *run) read(ctx context.Context, step string, s *shopper, u string) {
	start := time.Now()
	_, err := do(ctx, r.cfg.HTTPClient, step, call{Method: http.MethodGet, URL: u, Bearer: s.token}, nil)
	r.record(step, start, err)
}

// orderPages reads the shopper's order list and, when orderID is set, that
// order's page.
func (r *run) orderPages(ctx context.Context, s *shopper, orderID string) {
	for i := range shopOrderReads {
		u := s.base + "/api/orders?limit=10"
		if orderID != "" && i%2 == 1 {
			u = s.base + "/api/orders/" + orderID
		}
		r.read(ctx, StepOrderPage, s, u)
	}
}

// cart opens the web shop's home page, adds a product to the cart from it
// and shows the cart, in the shopper's own cookie session: one step.
func (r *run) cart(ctx context.Context, s *shopper, productID string, qty int64) {
	if s.web == nil {
		jar, _ := cookiejar.New(nil)
		s.web = &http.Client{Timeout: r.cfg.HTTPClient.Timeout, Transport: r.cfg.HTTPClient.Transport, Jar: jar}
	}
	start := time.Now()
	err := func() error {
		page, err := webGet(ctx, s.web, s.base+"/") // the shop's home page, whose forms add to the cart
		if err != nil {
			return err
		}
		m := csrfField.FindStringSubmatch(page)
		if m == nil {
			return &httpError{Step: StepCart, Status: http.StatusOK, Code: "no csrf field"}
		}
		form := url.Values{"csrf": {m[1]}, "product_id": {productID}, "quantity": {fmt.Sprint(qty)}}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.base+"/cart/add", strings.NewReader(form.Encode()))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := s.web.Do(req) // follows the 303 to /cart
		if err != nil {
			return err
		}
		defer res.Body.Close()
		_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, maxBody))
		if res.StatusCode != http.StatusOK {
			return &httpError{Step: StepCart, Status: res.StatusCode}
		}
		return nil
	}()
	r.record(StepCart, start, err)
}

// webGet GETs a web shop page and returns its HTML.
func webGet(ctx context.Context, hc *http.Client, u string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", err
	}
	res, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	if err != nil {
		return "", err
	}
	if res.StatusCode != http.StatusOK {
		return "", &httpError{Step: StepCart, Status: res.StatusCode}
	}
	return string(b), nil
}

// awaitExpiry waits until the sweep may have expired the run's abandoned
// orders: cfg.ExpireWait after the last one was created.
func (r *run) awaitExpiry(ctx context.Context) {
	r.mu.Lock()
	last := r.lastAbandoned
	r.mu.Unlock()
	if last.IsZero() {
		return
	}
	wait := time.Until(last.Add(r.cfg.ExpireWait))
	if wait <= 0 {
		return
	}
	fmt.Fprintf(r.cfg.Out, "waiting %s for the sweep to expire the abandoned orders\n", wait.Round(time.Second))
	select {
	case <-ctx.Done():
	case <-time.After(wait):
	}
}
