package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/paydeck/paydeck"
)

// Product is a catalogue item.
type Product struct {
	ID            string    `json:"id" format:"uuid" example:"3b9f6c1e-8d2a-4f7b-b1c4-5e6d7a8b9c0d"`
	Name          string    `json:"name" example:"제주 삼다수 2L 6개입"`
	Description   string    `json:"description" example:"제주 화산 암반수"`
	Price         int64     `json:"price" example:"6900" doc:"Unit price in won."`
	ImageURL      string    `json:"imageUrl" example:"https://shop.example/images/products/3b9f6c1e-8d2a-4f7b-b1c4-5e6d7a8b9c0d/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.jpg" doc:"The uploaded image (PUT /api/products/{id}/image) as an absolute URL on this server, or the URL set with the product; empty when there is none (the shop then shows a placeholder)."`
	StockQuantity int64     `json:"stockQuantity" example:"120" doc:"Units left; ignored for digital goods."`
	IsDigital     bool      `json:"isDigital" example:"false"`
	IsActive      bool      `json:"isActive" example:"true"`
	TaxFree       bool      `json:"taxFree" example:"false" doc:"Tax-free goods (면세): no VAT; otherwise taxable (과세, 10% VAT included in the price)."`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
	Category      string    `json:"category" example:"생수" doc:"The product's category; empty for none."`

	// WithdrawalExempt (issue 15): no 단순 변심 returns.
	WithdrawalExempt bool `json:"withdrawalExempt" example:"false" doc:"Opened, used, made-to-order or digital goods: no change-of-mind returns (전자상거래법 §17(2)); defects may still come back."`
}

// productView is the API's product; an uploaded image's path becomes an
// absolute URL on PublicURL.
func (s *server) productView(p *paydeck.Product) Product {
	img := p.ImageURL
	if paydeck.IsProductImageURL(img) {
		img = s.PublicURL + img
	}
	return Product{ID: p.ID, Name: p.Name, Description: p.Description, Price: p.Price, ImageURL: img,
		StockQuantity: p.StockQuantity, IsDigital: p.IsDigital, IsActive: p.IsActive, TaxFree: p.TaxFree, CreatedAt: p.CreatedAt,
		UpdatedAt: p.UpdatedAt, Category: p.Category, WithdrawalExempt: p.WithdrawalExempt}
}

// ProductPage is one page of products.
type ProductPage struct {
	Items  []Product `json:"items"`
	Total  int       `json:"total" example:"8" doc:"Matches ignoring offset and limit."`
	Offset int       `json:"offset" example:"0"`
	Limit  int       `json:"limit" example:"20"`
}

type listProductsInput struct {
	Search          string `query:"search" maxLength:"100" example:"삼다수" doc:"Only products whose name or description contains this."`
	Category        string `query:"category" maxLength:"50" example:"생수" doc:"Only products of this category."`
	Digital         string `query:"digital" enum:"true,false" doc:"Only digital (true) or physical (false) goods."`
	IncludeInactive bool   `query:"includeInactive" doc:"Admins only: list deactivated products too."`
	Offset          int    `query:"offset" minimum:"0" maximum:"1000000" default:"0"`
	Limit           int    `query:"limit" minimum:"1" maximum:"100" default:"20"`
}

// Resolve refuses a NUL byte in the search text: SQLite ends a LIKE pattern
// there (a search for "물\x00…" would list every name containing 물) and
// PostgreSQL rejects it, which surfaced as a 500.
func (in *listProductsInput) Resolve(huma.Context) []error {
	if strings.IndexByte(in.Search, 0) >= 0 {
		return []error{&huma.ErrorDetail{Location: "query.search", Message: "must not contain NUL characters", Value: in.Search}}
	}
	return nil
}

type productPageOutput struct{ Body ProductPage }

type productIDInput struct {
	ID string `path:"id" format:"uuid" doc:"Product ID."`
}

type productOutput struct{ Body Product }

// ProductFields are a product's writable fields; on update nil fields keep
// their value.
type ProductFields struct {
	Name          *string `json:"name,omitempty" minLength:"1" maxLength:"200" example:"제주 삼다수 2L 6개입"`
	Description   *string `json:"description,omitempty" maxLength:"5000" example:"제주 화산 암반수"`
	Price         *int64  `json:"price,omitempty" minimum:"100" maximum:"100000000" example:"6900"`
	ImageURL      *string `json:"imageUrl,omitempty" maxLength:"2000" example:"https://example.com/water.jpg" doc:"An image hosted elsewhere; upload one with PUT /api/products/{id}/image instead."`
	StockQuantity *int64  `json:"stockQuantity,omitempty" minimum:"0" maximum:"1000000000" example:"120"`
	IsDigital     *bool   `json:"isDigital,omitempty" example:"false"`
	IsActive      *bool   `json:"isActive,omitempty" example:"true"`
	Category      *string `json:"category,omitempty" maxLength:"50" example:"생수" doc:"Empty for none; no leading or trailing spaces."`

	// WithdrawalExempt: see Product.
	WithdrawalExempt *bool `json:"withdrawalExempt,omitempty" example:"false"`
	TaxFree          *bool `json:"taxFree,omitempty" example:"false" doc:"Tax-free goods (면세)."`
}

// apply copies the set fields onto p.
func (f *ProductFields) apply(p *paydeck.Product) {
	setIf(&p.Name, f.Name)
	setIf(&p.Description, f.Description)
	setIf(&p.Price, f.Price)
	setIf(&p.ImageURL, f.ImageURL)
	setIf(&p.StockQuantity, f.StockQuantity)
	setIf(&p.IsDigital, f.IsDigital)
	setIf(&p.IsActive, f.IsActive)
	setIf(&p.Category, f.Category)
	setIf(&p.WithdrawalExempt, f.WithdrawalExempt)
	setIf(&p.TaxFree, f.TaxFree)
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

type createProductInput struct {
	Body struct {
		Name          string `json:"name" minLength:"1" maxLength:"200" example:"제주 삼다수 2L 6개입"`
		Description   string `json:"description,omitempty" maxLength:"5000" example:"제주 화산 암반수"`
		Price         int64  `json:"price" minimum:"100" maximum:"100000000" example:"6900" doc:"Unit price in won."`
		ImageURL      string `json:"imageUrl,omitempty" maxLength:"2000" example:"https://example.com/water.jpg"`
		StockQuantity int64  `json:"stockQuantity,omitempty" minimum:"0" maximum:"1000000000" example:"120"`
		IsDigital     bool   `json:"isDigital,omitempty" example:"false"`
		IsActive      *bool  `json:"isActive,omitempty" example:"true" doc:"Default true."`
		Category      string `json:"category,omitempty" maxLength:"50" example:"생수"`

		// WithdrawalExempt: see Product.
		WithdrawalExempt bool `json:"withdrawalExempt,omitempty" example:"false"`
		TaxFree          bool `json:"taxFree,omitempty" example:"false" doc:"Tax-free goods (면세): no VAT. Default taxable (과세)."`
	}
}

type updateProductInput struct {
	ID   string `path:"id" format:"uuid" doc:"Product ID."`
	Body ProductFields
}

func (s *server) registerCatalogue() {
	tags := []string{"Catalogue"}
	register(s, public, huma.Operation{
		OperationID: "listProducts", Method: http.MethodGet, Path: "/api/products", Tags: tags,
		Summary:     "List products",
		Description: "Active products, oldest first, paged and filterable by name and kind. Admins may add includeInactive=true.",
	}, s.listProducts)
	register(s, public, huma.Operation{
		OperationID: "getProduct", Method: http.MethodGet, Path: "/api/products/{id}", Tags: tags,
		Summary: "Get a product", Description: "One product. Deactivated products are visible to admins only.",
		Errors: []int{http.StatusNotFound},
	}, s.getProduct)
	register(s, adminOnly, huma.Operation{
		OperationID: "createProduct", Method: http.MethodPost, Path: "/api/products", Tags: tags,
		Summary: "Create a product", Description: "Admins add a product to the catalogue.",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusUnprocessableEntity},
	}, s.createProduct)
	register(s, adminOnly, huma.Operation{
		OperationID: "updateProduct", Method: http.MethodPatch, Path: "/api/products/{id}", Tags: tags,
		Summary: "Update a product", Description: "Admins change the fields sent; the others keep their value. " +
			"Price changes apply to new orders only. stockQuantity, when sent, replaces the stock as it is then; " +
			"change stock with POST /api/products/{id}/stock instead, which never undoes a reservation.",
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, s.updateProduct)
	register(s, adminOnly, huma.Operation{
		OperationID: "adjustStock", Method: http.MethodPost, Path: "/api/products/{id}/stock", Tags: tags,
		Summary: "Change a product's stock", Description: "Admins add (delta > 0) or take out (delta < 0) units with a reason; " +
			"the change is applied to the current stock, so it never undoes a reservation, and recorded.",
		Errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity},
	}, s.adjustStock)
	register(s, adminOnly, huma.Operation{
		OperationID: "deactivateProduct", Method: http.MethodDelete, Path: "/api/products/{id}", Tags: tags,
		Summary: "Deactivate a product", Description: "Admins hide a product from shoppers; past orders keep it.",
		Errors: []int{http.StatusNotFound},
	}, s.deactivateProduct)
	s.registerProductImages(tags)
	s.registerMethods()
}

func (s *server) listProducts(ctx context.Context, in *listProductsInput) (*productPageOutput, error) {
	f := paydeck.ProductFilter{Offset: in.Offset, Limit: in.Limit}
	if in.Search != "" {
		f.Search = &in.Search
	}
	if in.Category != "" {
		f.Category = &in.Category
	}
	if in.Digital != "" {
		d := in.Digital == "true"
		f.IsDigital = &d
	}
	if !in.IncludeInactive || !isAdmin(ctx) {
		active := true
		f.IsActive = &active
	}
	var items []*paydeck.Product
	var total int
	err := s.Store.View(ctx, func(tx paydeck.Tx) (err error) {
		items, total, err = tx.FindProducts(ctx, f)
		return err
	})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	page := ProductPage{Items: make([]Product, 0, len(items)), Total: total, Offset: in.Offset, Limit: in.Limit}
	for _, p := range items {
		page.Items = append(page.Items, s.productView(p))
	}
	return &productPageOutput{Body: page}, nil
}

func (s *server) getProduct(ctx context.Context, in *productIDInput) (*productOutput, error) {
	var p *paydeck.Product
	err := s.Store.View(ctx, func(tx paydeck.Tx) (err error) {
		if p, err = tx.FindProductByID(ctx, in.ID); err == nil && !p.IsActive && !isAdmin(ctx) {
			err = paydeck.Reasonf(paydeck.CodeNotFound, paydeck.ReasonProductNotFound, "Product %s not found.", in.ID)
		}
		return err
	})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &productOutput{Body: s.productView(p)}, nil
}

func (s *server) createProduct(ctx context.Context, in *createProductInput) (*productOutput, error) {
	b := in.Body
	p := &paydeck.Product{Name: b.Name, Description: b.Description, Price: b.Price, ImageURL: b.ImageURL,
		StockQuantity: b.StockQuantity, IsDigital: b.IsDigital, IsActive: b.IsActive == nil || *b.IsActive, Category: b.Category,
		WithdrawalExempt: b.WithdrawalExempt, TaxFree: b.TaxFree}
	if err := s.Store.Update(ctx, func(tx paydeck.Tx) error { return tx.CreateProduct(ctx, p) }); err != nil {
		return nil, s.problem(ctx, err)
	}
	return &productOutput{Body: s.productView(p)}, nil
}

func (s *server) updateProduct(ctx context.Context, in *updateProductInput) (*productOutput, error) {
	return s.changeProduct(ctx, in.ID, in.Body.apply)
}

func (s *server) deactivateProduct(ctx context.Context, in *productIDInput) (*productOutput, error) {
	return s.changeProduct(ctx, in.ID, func(p *paydeck.Product) { p.IsActive = false })
}

type adjustStockInput struct {
	ID   string `path:"id" format:"uuid" doc:"Product ID."`
	Body struct {
		Delta  int64  `json:"delta" minimum:"-1000000000" maximum:"1000000000" example:"24" doc:"Units added (negative: taken out); not 0."`
		Reason string `json:"reason" minLength:"1" maxLength:"200" example:"delivery from the supplier"`
	}
}

func (s *server) adjustStock(ctx context.Context, in *adjustStockInput) (*productOutput, error) {
	var p *paydeck.Product
	err := s.Store.Update(ctx, func(tx paydeck.Tx) (err error) {
		adj := &paydeck.StockAdjustment{ProductID: in.ID, Delta: in.Body.Delta, Reason: strings.TrimSpace(in.Body.Reason),
			UserID: actor(ctx).UserID}
		if err = tx.AdjustStock(ctx, adj); err != nil {
			return err
		}
		p, err = tx.FindProductByID(ctx, in.ID)
		return err
	})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &productOutput{Body: s.productView(p)}, nil
}

// changeProduct locks, changes and saves one product in one transaction:
// the row lock keeps a reservation committed meanwhile from being undone,
// and the stock is written as read under the lock unless change sets it.
func (s *server) changeProduct(ctx context.Context, id string, change func(*paydeck.Product)) (*productOutput, error) {
	var p *paydeck.Product
	err := s.Store.Update(ctx, func(tx paydeck.Tx) (err error) {
		if p, err = tx.LockProductByID(ctx, id); err != nil {
			return err
		}
		change(p)
		return tx.UpdateProduct(ctx, p)
	})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &productOutput{Body: s.productView(p)}, nil
}
